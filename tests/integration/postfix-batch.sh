#!/bin/bash
# SPDX-License-Identifier: MIT
# `mailbench batch` against a real Postfix (scripts/postfix-start): plain
# SMTP and STARTTLS (typed and --starttls) and smtps; a full send to two
# recipients whose body has lines beginning with "." read back from the
# Maildir (dot-stuffing undone, content intact); a 5xx reply (exit 1); a
# certificate from the wrong CA (exit 3 with the verification reason);
# recipients refused with 550 5.1.1 and 450 4.7.1 (exit 1); guided /send
# (over STARTTLS, one of two recipients refused, a greylisted one: its "* "
# outcome line); SMTP AUTH PLAIN/LOGIN/CRAM-MD5 checked by a private
# Dovecot's SASL socket, the secrets never shown, a wrong password giving 535
# and exit 1; /send with STARTTLS + AUTH as the URL's user. The "= " lines
# explain what the session knows (issue 8): the queue id after ".",
# greylisting as a deferral, STARTTLS twice, MAIL inside a transaction,
# RCPT before MAIL, DATA without recipients, VRFY 252, HELP refused.
. "$(dirname "$0")/../lib.sh"

names=(send-dots send-guided send-partial send-grey rcpt-refused sequence starttls-send starttls-option starttls-again smtps reply-5xx
	wrong-ca wrong-ca-smtps tls-to-plain auth-plain-tls auth-login-passfile auth-cram-md5 auth-wrong send-auth send-auth-wrong)
skip_all() { for n in "${names[@]}"; do skip "postfix/$n" "$1"; done; finish; }
[ -x /usr/sbin/postfix ] && [ -x /usr/lib/postfix/sbin/virtual ] ||
	skip_all "postfix is not installed: scripts/install-deps --test"
[ "$(id -u)" = 0 ] || skip_all "needs root, as CI runs"
command -v python3 >/dev/null || skip_all "python3 is not installed"
have_mailbench || skip_all "mailbench batch is not built yet (make)"

reap_stale postfix-batch
W=$(workdir postfix-batch)
on_exit "rm_workdir '$W'"
# SMTP AUTH needs a SASL server: a private Dovecot's auth socket.
sasl_args=()
if [ -x /usr/sbin/dovecot ] && [ -e /usr/lib/dovecot/pop3-login ]; then
	if dovecot_up "$W/dovecot" 1; then
		sasl_args=(--sasl-dovecot "$DOVECOT_AUTH_SOCKET")
	else
		fail "postfix/dovecot-sasl" "scripts/dovecot-start failed"
	fi
fi
if ! postfix_up "$W/postfix" "${sasl_args[@]}"; then
	fail "postfix/start" "scripts/postfix-start failed"
	finish
fi
P=127.0.0.1:$POSTFIX_SMTP_PORT
PS=127.0.0.1:$POSTFIX_SMTPS_PORT
CA=$POSTFIX_CAFILE
tag=$$-$RANDOM
run() {	# run NAME [ARGS...]: batch with $W/NAME.in, 60 s at most
	local n=$1
	shift
	MB_INPUT=$W/$n.in mb_batch "$W/$n" 60 "$@"
}
# with TEXT: the delivered files (new/ and cur/ only: tmp/ holds files
# still being written) that contain TEXT, one a line.
with() {
	find "$POSTFIX_SINK/new" "$POSTFIX_SINK/cur" -type f 2>/dev/null |
		xargs -r grep -lF -- "$1" 2>/dev/null
}
# delivered MSGID N: N files in the sink carry Message-ID MSGID.
delivered() { [ "$(with "Message-ID: <$1>" | wc -l)" -ge "$2" ]; }
# body_is MSGID EXPECTED_FILE: every delivered copy's body (after the
# header block) equals the file byte for byte, with LF line ends.
body_is() {
	local f ok=0
	for f in $(with "Message-ID: <$1>"); do
		python3 - "$f" "$2" <<'PY' || return 1
import sys
data = open(sys.argv[1], "rb").read()
want = open(sys.argv[2], "rb").read()
body = data.split(b"\n\n", 1)[1]
if body != want:
    sys.stderr.write("body of %s:\n%r\nexpected:\n%r\n" % (sys.argv[1], body, want))
    sys.exit(1)
PY
		ok=1
	done
	[ $ok = 1 ]
}
common() {
	local n=$1 p=$W/$1
	expect "postfix/$n/transcript" "$p" eval "transcript_shape '$p.out' && clean_output '$p.out' &&
		has_line '$p.out' '^= ' && has_line '$p.out' '^\\* ' &&
		has_line '$p.out' '^S: 220 mailbench-postfix\\.test ESMTP'"
	expect "postfix/$n/no-sanitizer-report" "$p" no_sanitizer "$p.err"
}

# --- Plain SMTP: two recipients, a body with leading dots, read back.
mid=dots-$tag@mailbench.test
cat >"$W/body-dots" <<'B'
.leading dot
..two leading dots
. dot space
...
.x.

	a tab, and trailing spaces   
Unicode: Grüße ✓
end
B
{
	printf 'EHLO client.test\nMAIL FROM:<sender@example.org>\n'
	printf 'RCPT TO:<x@example.org>\nRCPT TO:<y@example.net>\nDATA\n'
	printf 'From: <sender@example.org>\nTo: <x@example.org>, <y@example.net>\n'
	printf 'Subject: dots %s\nMessage-ID: <%s>\nDate: Sat, 28 Nov 2026 12:00:00 +0000\n' "$tag" "$mid"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
	cat "$W/body-dots"
	printf '.\nQUIT\n'
} >"$W/send-dots.in"
run send-dots "smtp://$P"
p=$W/send-dots
expect_rc postfix/send-dots/exit "$p" 0
common send-dots
expect postfix/send-dots/connected "$p" has_line "$p.out" "^\\* connected to 127\\.0\\.0\\.1:$POSTFIX_SMTP_PORT"
expect postfix/send-dots/replies "$p" eval "has_line '$p.out' '^S: 354 ' && grep -A1 '^S: 354 ' '$p.out' | grep -q '^= ' &&
	has_line '$p.out' '^S: 250 2\\.0\\.0 Ok: queued as' && [ \$(grep -c '^S: 250 2\\.1\\.5 Ok' '$p.out') = 2 ] &&
	has_line '$p.out' '^S: 221 '"
qid=$(sed -n 's/^S: 250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\)$/\1/p' "$p.out" | head -1)
expect postfix/send-dots/queued-meaning "$p" eval "[ -n '$qid' ] &&
	means '$p.out' '250 2.0.0 Ok: queued as' 'the server is now responsible for delivering it' &&
	means '$p.out' '250 2.0.0 Ok: queued as' 'queue id $qid'"
expect postfix/send-dots/ehlo-meaning "$p" means "$p.out" '250 CHUNKING' 'STARTTLS offered: /starttls'
if wait_for 15 delivered "$mid" 2; then
	pass postfix/send-dots/delivered-twice
else
	fail postfix/send-dots/delivered-twice "no 2 copies of <$mid> in $POSTFIX_SINK within 15 s"
	show "$p"
	tail -20 "$POSTFIX_LOG" | sed 's/^/  | /' >&2
fi
expect postfix/send-dots/recipients "$p" eval "with 'Message-ID: <$mid>' | xargs grep -l '^Delivered-To: x@example.org' >/dev/null &&
	with 'Message-ID: <$mid>' | xargs grep -l '^Delivered-To: y@example.net' >/dev/null"
expect postfix/send-dots/body-intact "$p" body_is "$mid" "$W/body-dots"

# --- Guided /send: From, To (two, an empty line ends), Subject, body. The
# server offers STARTTLS: /send uses it. With SASL, EHLO lists AUTH and the
# form asks for an AUTH user first: none (an empty line).
# no_auth_user: that empty line when the form will ask.
no_auth_user() { [ "${POSTFIX_SASL:-0}" = 1 ] && printf '\n'; return 0; }
printf '.leading dot\n..two leading dots\nend\n' >"$W/body-guided"
{
	printf 'EHLO client.test\n/send\n'
	no_auth_user
	printf 'sender@example.org\nx@example.org\ny@example.net\n\n'
	printf 'guided %s\n' "$tag"
	cat "$W/body-guided"
	printf '.\nQUIT\n'
} >"$W/send-guided.in"
run send-guided "smtp://$P" --cafile "$CA"
p=$W/send-guided
expect_rc postfix/send-guided/exit "$p" 0
common send-guided
expect postfix/send-guided/starttls "$p" eval "has_line '$p.out' '^\\* /send: the server offers STARTTLS' &&
	[ \$(grep -n '^\\* TLS handshake done' '$p.out' | cut -d: -f1) -lt \$(grep -n '^C: MAIL' '$p.out' | cut -d: -f1) ]"
expect postfix/send-guided/outcome "$p" has_line "$p.out" \
	'^\* /send: message accepted for 2 recipients; queued as [0-9A-Za-z]+$'

expect postfix/send-guided/commands "$p" eval "has_line '$p.out' '^C: MAIL FROM:<sender@example.org>' &&
	has_line '$p.out' '^C: RCPT TO:<x@example.org>' && has_line '$p.out' '^C: RCPT TO:<y@example.net>' &&
	has_line '$p.out' '^C: DATA\$' && has_line '$p.out' '^S: 250 2\.0\.0 Ok: queued'"
# guided_mid: the Message-ID /send gave the copies with our Subject.
guided_copies() { with "Subject: guided $tag" | wc -l; }
if wait_for 15 test "$(guided_copies)" -ge 2; then
	gmid=$(grep -hi -m1 '^Message-ID:' $(with "Subject: guided $tag") | head -1 |
		sed 's/^[^<]*<\(.*\)>.*$/\1/')
	expect postfix/send-guided/body-intact "$p" body_is "$gmid" "$W/body-guided"
else
	fail postfix/send-guided/body-intact "no 2 copies with Subject: guided $tag within 15 s"
	show "$p"
fi

# --- Guided /send to two recipients, one refused (550 5.1.1): the outcome
# line counts them and names the refused one; display names kept in To:.
{
	printf 'EHLO client.test\n/send\n'
	no_auth_user
	printf 'Sender <sender@example.org>\nEx Ample <x@example.org>, reject@example.org\n\n'
	printf 'partial %s\nbody\n.\nQUIT\n' "$tag"
} >"$W/send-partial.in"
run send-partial "smtp://$P" --cafile "$CA"
p=$W/send-partial
common send-partial
expect postfix/send-partial/outcome "$p" has_line "$p.out" \
	'^\* /send: message accepted for 1 of 2 recipients \(reject@example\.org refused: 550 5\.1\.1\); queued as [0-9A-Za-z]+$'
if wait_for 15 test -n "$(with "Subject: partial $tag")"; then
	expect postfix/send-partial/display-names "$p" eval \
		"grep -q '^To: Ex Ample <x@example.org>,' \$(with 'Subject: partial $tag') &&
		grep -q '^From: Sender <sender@example.org>' \$(with 'Subject: partial $tag')"
else
	fail postfix/send-partial/display-names "no copy with Subject: partial $tag within 15 s"
	show "$p"
fi

# --- Guided /send to a greylisted recipient (450 4.7.1): not sent, retry.
{
	printf 'EHLO client.test\n/send\n'
	no_auth_user
	printf 'sender@example.org\ngreylist@example.org\n\ngrey %s\nbody\n.\nQUIT\n' "$tag"
} >"$W/send-grey.in"
run send-grey "smtp://$P" --cafile "$CA"
p=$W/send-grey
common send-grey
expect postfix/send-grey/outcome "$p" has_line "$p.out" \
	'^\* /send: not sent: the recipient greylist@example\.org was refused, 450 4\.7\.1: greylisted: .*; retry in a few minutes'

# --- Recipients refused with 550 5.1.1 and 450 4.7.1 (postfix-start's
# access map): their meanings shown, exit 1, the good one still delivered.
mid3=refused-$tag@mailbench.test
{
	printf 'EHLO client.test\nMAIL FROM:<sender@example.org>\nRCPT TO:<ok@example.org>\n'
	printf 'RCPT TO:<reject@example.org>\nRCPT TO:<greylist@example.org>\nDATA\n'
	printf 'Subject: refused %s\nMessage-ID: <%s>\n\nbody\n.\nQUIT\n' "$tag" "$mid3"
} >"$W/rcpt-refused.in"
run rcpt-refused "smtp://$P"
p=$W/rcpt-refused
expect_rc postfix/rcpt-refused/exit "$p" 1
common rcpt-refused
expect postfix/rcpt-refused/meanings "$p" eval "grep -A1 '^S: 550 5\\.1\\.1 ' '$p.out' | grep -q '^= 550.*5\\.1\\.1' &&
	grep -A1 '^S: 450 4\\.7\\.1 ' '$p.out' | grep -q '^= 450.*4\\.7\\.1' &&
	has_line '$p.out' '^S: 250 2\\.0\\.0 Ok: queued'"
expect postfix/rcpt-refused/greylist-deferral "$p" means "$p.out" '450 4.7.1 ' 'greylisted: a deferral' 'relaying denied'
expect postfix/rcpt-refused/no-such-user "$p" means "$p.out" '550 5.1.1 ' 'no such mailbox'
if wait_for 15 delivered "$mid3" 1; then
	expect postfix/rcpt-refused/delivered-once "$p" eval "[ \$(with 'Message-ID: <$mid3>' | wc -l) = 1 ] &&
		with 'Message-ID: <$mid3>' | xargs grep -q '^Delivered-To: ok@example.org'"
else
	fail postfix/rcpt-refused/delivered-once "<$mid3> not delivered within 15 s"
fi

# --- Commands out of sequence, read with what the session knows: RCPT
# and DATA before MAIL, a nested MAIL, DATA with only a refused
# recipient, STARTTLS twice; and VRFY, HELP, NOOP.
cat >"$W/sequence.in" <<'EOF'
EHLO client.test
HELP
VRFY postmaster
RCPT TO:<a@example.org>
MAIL FROM:<a@example.org>
MAIL FROM:<a@example.org>
RCPT TO:<reject@example.org>
DATA
RSET
STARTTLS
STARTTLS
NOOP
QUIT
EOF
run sequence "smtp://$P" --cafile "$CA"
p=$W/sequence
expect_rc postfix/sequence/exit "$p" 1
common sequence
expect postfix/sequence/rcpt-before-mail "$p" means "$p.out" '503 5.5.1 Error: need MAIL command' 'RCPT before an accepted MAIL'
expect postfix/sequence/nested-mail "$p" means "$p.out" '503 5.5.1 Error: nested MAIL command' 'a transaction is in progress: RSET first'
expect postfix/sequence/data-no-recipients "$p" means "$p.out" '554 5.5.1 Error: no valid recipients' 'no recipient was accepted'
expect postfix/sequence/starttls-twice "$p" means "$p.out" '554 5.5.1 Error: TLS already active' 'TLS already active' 'lack of security'
expect postfix/sequence/vrfy "$p" means "$p.out" '252 ' 'cannot verify but will accept'
expect postfix/sequence/help "$p" means "$p.out" '500 5.5.2 ' 'HELP is not implemented'
expect postfix/sequence/rset "$p" means "$p.out" '250 2.0.0 Ok' 'transaction discarded'

# --- STARTTLS typed by hand, then a send: the message went over TLS.
mid2=tls-$tag@mailbench.test
printf 'hello over TLS\n.hidden dot\n' >"$W/body-tls"
{
	printf 'EHLO client.test\nSTARTTLS\nEHLO client.test\n'
	printf 'MAIL FROM:<sender@example.org>\nRCPT TO:<z@example.org>\nDATA\n'
	printf 'Subject: tls %s\nMessage-ID: <%s>\n\n' "$tag" "$mid2"
	cat "$W/body-tls"
	printf '.\nQUIT\n'
} >"$W/starttls-send.in"
run starttls-send "smtp://$P" --cafile "$CA"
p=$W/starttls-send
expect_rc postfix/starttls-send/exit "$p" 0
common starttls-send
expect postfix/starttls-send/tls "$p" eval "has_line '$p.out' '^S: 220 2\\.0\\.0 Ready to start TLS' &&
	has_line '$p.out' '^\\* .*TLSv1\\.[23]' && has_line '$p.out' '^\\* .*mailbench test CA'"
expect postfix/starttls-send/no-starttls-after-tls "$p" test "$(grep -c '^S: 250.STARTTLS' "$p.out")" = 1
if wait_for 15 delivered "$mid2" 1; then
	expect postfix/starttls-send/delivered-over-tls "$p" eval \
		"with 'Message-ID: <$mid2>' | xargs grep -l 'with ESMTPS' >/dev/null &&
		 body_is '$mid2' '$W/body-tls'"
else
	fail postfix/starttls-send/delivered-over-tls "<$mid2> not delivered within 15 s"
fi

# --- --starttls upgrades before anything else (EHLO, STARTTLS, EHLO).
printf 'NOOP\nQUIT\n' >"$W/starttls-option.in"
run starttls-option "smtp://$P" --starttls --cafile "$CA"
p=$W/starttls-option
expect_rc postfix/starttls-option/exit "$p" 0
common starttls-option
expect postfix/starttls-option/tls-first "$p" eval "has_line '$p.out' '^C: STARTTLS\$' &&
	has_line '$p.out' '^\\* .*TLSv1\\.[23]' &&
	[ \$(grep -n '^C: STARTTLS\$' '$p.out' | head -1 | cut -d: -f1) -lt \$(grep -n '^C: NOOP\$' '$p.out' | cut -d: -f1) ]"
expect postfix/starttls-option/ehlo-meaning "$p" means "$p.out" '250 CHUNKING' 'STARTTLS offered: TLS starts next, as asked'

# --- --starttls, then STARTTLS typed again: refused, TLS stays active and
# the session goes on (not exit 3: the connection is encrypted).
printf 'STARTTLS\nNOOP\nQUIT\n' >"$W/starttls-again.in"
run starttls-again "smtp://$P" --starttls --cafile "$CA"
p=$W/starttls-again
expect_rc postfix/starttls-again/exit "$p" 1
common starttls-again
expect postfix/starttls-again/tls-stays "$p" eval "means '$p.out' '554 5.5.1 Error: TLS already active' 'TLS already active' 'lack of security' &&
	has_line '$p.out' '^\\* TLS stays active' && has_line '$p.out' '^C: NOOP\$' && has_line '$p.out' '^S: 221 '"

# --- smtps: implicit TLS.
printf 'EHLO client.test\nQUIT\n' >"$W/smtps.in"
run smtps "smtps://$PS" --cafile "$CA"
p=$W/smtps
expect_rc postfix/smtps/exit "$p" 0
common smtps
expect postfix/smtps/tls "$p" eval "has_line '$p.out' '^\\* .*TLSv1\\.[23]' && has_line '$p.out' '^S: 250[- ]'"

# --- A 5xx reply: exit 1, with its meaning (552 5.3.4).
printf 'EHLO client.test\nMAIL FROM:<a@b> SIZE=999999999999\nQUIT\n' >"$W/reply-5xx.in"
run reply-5xx "smtp://$P"
p=$W/reply-5xx
expect_rc postfix/reply-5xx/exit "$p" 1
common reply-5xx
expect postfix/reply-5xx/meaning "$p" eval "has_line '$p.out' '^S: 552 5\\.3\\.4 ' &&
	grep -A1 '^S: 552 5\\.3\\.4 ' '$p.out' | grep -q '^= 552.*5\\.3\\.4' &&
	has_line '$p.out' '^S: 221 '"

# --- The wrong CA: exit 3 and OpenSSL's reason in the transcript.
printf 'EHLO client.test\nQUIT\n' >"$W/wrong-ca.in"
run wrong-ca "smtp://$P" --starttls --cafile "$POSTFIX_OTHER_CAFILE" --timeout 10
p=$W/wrong-ca
expect_rc postfix/wrong-ca/exit "$p" 3
expect postfix/wrong-ca/reason "$p" has_line "$p.out" '^\* .*unable to get local issuer certificate'
expect postfix/wrong-ca/nothing-sent-after "$p" eval "! grep -A100 '^C: STARTTLS' '$p.out' | grep -q '^C: EHLO'"
cp "$W/wrong-ca.in" "$W/wrong-ca-smtps.in"
run wrong-ca-smtps "smtps://$PS" --cafile "$POSTFIX_OTHER_CAFILE" --timeout 10
p=$W/wrong-ca-smtps
expect_rc postfix/wrong-ca-smtps/exit "$p" 3
expect postfix/wrong-ca-smtps/reason "$p" has_line "$p.out" '^\* .*unable to get local issuer certificate'
expect postfix/wrong-ca-smtps/no-commands "$p" no_line "$p.out" '^C: '
# smtps:// to Postfix's plain port: its 220 greeting named, smtp:// the fix.
echo QUIT >"$W/tls-to-plain.in"
run tls-to-plain "smtps://$P" --cafile "$CA" --timeout 10
p=$W/tls-to-plain
expect_rc postfix/tls-to-plain/exit "$p" 3
expect postfix/tls-to-plain/diagnosis "$p" eval "has_line '$p.out' '^\\* TLS handshake failed: the server spoke plain SMTP \\(\"220 ' &&
	has_line '$p.out' '^\\* next: this port speaks plain SMTP: use smtp://127\\.0\\.0\\.1:$POSTFIX_SMTP_PORT, with --starttls to upgrade'"

# --- SMTP AUTH (RFC 4954) through Dovecot's SASL: payloads redacted.
if [ "${POSTFIX_SASL:-0}" != 1 ]; then
	for n in auth-plain-tls auth-login-passfile auth-cram-md5 auth-wrong send-auth send-auth-wrong; do
		skip "postfix/$n" "no SASL server: dovecot is not installed"
	done
	finish
fi
PW=$DOVECOT_PASSWORD
U=$DOVECOT_USER
printf '%s\n' "$PW" >"$W/pwfile"
chmod 600 "$W/pwfile"	# mailbench refuses a password file others can read
secrets=("$PW" "$(printf '\0%s\0%s' "$U" "$PW" | base64 -w0)" "$(printf '%s' "$PW" | base64 -w0)")
# auth_ok NAME: exit 0, 235 with its meaning, no secret in stdout/stderr.
auth_ok() {
	local n=$1 p=$W/$1
	expect_rc "postfix/$n/exit" "$p" 0
	common "$n"
	expect "postfix/$n/authenticated" "$p" eval "has_line '$p.out' '^S: 235 2\\.7\\.0 ' &&
		means '$p.out' '235 ' '235 authenticated'"
	expect "postfix/$n/no-secret" "$p" eval "no_secret '$p.out' \"\${secrets[@]}\" &&
		no_secret '$p.err' \"\${secrets[@]}\""
}
printf 'EHLO client.test\nSTARTTLS\nEHLO client.test\n/auth PLAIN %s\nMAIL FROM:<%s@example.org>\nQUIT\n' "$U" "$U" >"$W/auth-plain-tls.in"
MAILBENCH_PASSWORD=$PW run auth-plain-tls "smtp://$P" --cafile "$CA"
auth_ok auth-plain-tls
expect postfix/auth-plain-tls/over-tls "$W/auth-plain-tls" eval \
	"[ \$(grep -n '^\\* TLS handshake done' '$W/auth-plain-tls.out' | cut -d: -f1) -lt \$(grep -n '^C: AUTH PLAIN' '$W/auth-plain-tls.out' | cut -d: -f1) ]"

printf 'EHLO client.test\n/auth LOGIN %s\nQUIT\n' "$U" >"$W/auth-login-passfile.in"
run auth-login-passfile "smtp://$P" --starttls --cafile "$CA" --password-file "$W/pwfile"
auth_ok auth-login-passfile
expect postfix/auth-login-passfile/prompts "$W/auth-login-passfile" eval \
	"means '$W/auth-login-passfile.out' '334 VXNlcm5hbWU6' '\"Username:\"' &&
	 means '$W/auth-login-passfile.out' '334 UGFzc3dvcmQ6' '\"Password:\"'"

printf 'EHLO client.test\n/auth CRAM-MD5 %s\nQUIT\n' "$U" >"$W/auth-cram-md5.in"
MAILBENCH_PASSWORD=$PW run auth-cram-md5 "smtps://$PS" --cafile "$CA"
auth_ok auth-cram-md5

printf 'EHLO client.test\n/auth PLAIN %s\nQUIT\n' "$U" >"$W/auth-wrong.in"
MAILBENCH_PASSWORD=wrong-$PW run auth-wrong "smtp://$P" --starttls --cafile "$CA"
p=$W/auth-wrong
expect_rc postfix/auth-wrong/exit "$p" 1
expect postfix/auth-wrong/reply "$p" eval "has_line '$p.out' '^S: 535 5\\.7\\.8 ' &&
	means '$p.out' '535 ' 'authentication failed: the user name or the password is wrong'"
expect postfix/auth-wrong/no-secret "$p" no_secret "$p.out" "wrong-$PW" \
	"$(printf '\0%s\0wrong-%s' "$U" "$PW" | base64 -w0)"
expect postfix/auth-wrong/outcome "$p" has_line "$p.out" \
	"^\\* authentication failed as $U \\(PLAIN\\), 535 5\\.7\\.8: wrong user name or password.*; check both and /auth again\$"

# --- /send as the URL's user: EHLO, STARTTLS, EHLO, AUTH PLAIN (password
# from MAILBENCH_PASSWORD), then the mail.
printf '/send\n%s@example.org\nx@example.org\n\nauth %s\nbody\n.\nQUIT\n' "$U" "$tag" >"$W/send-auth.in"
MAILBENCH_PASSWORD=$PW run send-auth "smtp://$U@$P" --cafile "$CA"
p=$W/send-auth
expect_rc postfix/send-auth/exit "$p" 0
common send-auth
expect postfix/send-auth/outcome "$p" eval "has_line '$p.out' '^\\* /send: authenticated as $U \\(PLAIN\\)\$' &&
	has_line '$p.out' '^\\* /send: message accepted for 1 recipient; queued as [0-9A-Za-z]+\$'"
expect postfix/send-auth/auth-after-tls "$p" eval \
	"[ \$(grep -n '^\\* TLS handshake done' '$p.out' | cut -d: -f1) -lt \$(grep -n '^C: AUTH PLAIN' '$p.out' | cut -d: -f1) ]"
expect postfix/send-auth/no-secret "$p" eval "no_secret '$p.out' \"\${secrets[@]}\" &&
	no_secret '$p.err' \"\${secrets[@]}\""
cp "$W/send-auth.in" "$W/send-auth-wrong.in"
MAILBENCH_PASSWORD=wrong-$PW run send-auth-wrong "smtp://$U@$P" --cafile "$CA"
p=$W/send-auth-wrong
expect_rc postfix/send-auth-wrong/exit "$p" 1
expect postfix/send-auth-wrong/outcome "$p" eval "has_line '$p.out' \
	'^\\* /send: not sent: AUTH PLAIN as $U was refused, 535 5\\.7\\.8: wrong user name or password' &&
	no_line '$p.out' '^C: MAIL'"

finish

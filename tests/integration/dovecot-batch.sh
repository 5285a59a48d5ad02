#!/bin/bash
# SPDX-License-Identifier: MIT
# `mailbench batch` against a real Dovecot POP3 (scripts/dovecot-start):
# plain, STLS and implicit TLS with the test CA; USER/PASS, /auth PLAIN,
# APOP and CRAM-MD5 with the password from MAILBENCH_PASSWORD or
# --password-file, always redacted; STAT/LIST/UIDL/TOP/RETR; DELE then RSET;
# a pipelined /load of 600 messages (plain and pop3s) whose replies must
# pair with the right message; a wrong password (exit 1); -ERR [IN-USE];
# a wrong CA (exit 3) and --insecure; --transcript FILE; [::1] and a host
# name checked against the certificate.
. "$(dirname "$0")/../lib.sh"

names=(plain-userpass dele-rset stls-plain-passfile stls-typed pop3s url-user apop cram-md5
	load load-tls retr-big file-arg secret-from-input bad-password in-use wrong-ca wrong-ca-stls tls-to-plain plain-to-tls insecure transcript-file ipv6 hostname
	explain-authz explain-trans explain-sasl plaintext-disallowed)
skip_all() { for n in "${names[@]}"; do skip "dovecot/$n" "$1"; done; finish; }
[ -x /usr/sbin/dovecot ] && [ -e /usr/lib/dovecot/pop3-login ] ||
	skip_all "dovecot is not installed: scripts/install-deps --test"
[ "$(id -u)" = 0 ] || skip_all "needs root, as CI runs"
command -v python3 >/dev/null || skip_all "python3 is not installed"
have_mailbench || skip_all "mailbench batch is not built yet (make)"

reap_stale dovecot-batch
W=$(workdir dovecot-batch)
on_exit "rm_workdir '$W'"
# pop3_lock_session: a second session gets -ERR [IN-USE] (the in-use test);
# the other sessions here run one after another.
# --big-kb: message 600 carries a 52 MiB attachment, a 71 MiB message: larger
# than the 64 MiB at which RETR used to be refused (the big RETR test).
if ! dovecot_up "$W/dovecot" 600 --big-kb 53248 --set 'pop3_lock_session = yes'; then
	fail "dovecot/start" "scripts/dovecot-start failed"
	finish
fi
TR="python3 $LIB_ROOT/tests/integration/transcript.py"
PW=$DOVECOT_PASSWORD
P=127.0.0.1:$DOVECOT_POP3_PORT
PS=127.0.0.1:$DOVECOT_POP3S_PORT
CA=$DOVECOT_CAFILE
printf '%s\n' "$PW" >"$W/pwfile"
chmod 600 "$W/pwfile"
B64=$(printf '\0%s\0%s' "$DOVECOT_USER" "$PW" | base64 -w0)
B64PW=$(printf '%s' "$PW" | base64 -w0)
# Every secret form that must never show: the password, PLAIN and LOGIN
# payloads.
secrets=("$PW" "$B64" "$B64PW")
n_files() { find "$DOVECOT_MAILDIR/cur" "$DOVECOT_MAILDIR/new" -type f | wc -l; }
m() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$DOVECOT_MANIFEST"; }
total=$(awk -F'\t' '{ s += $2 } END { print s }' "$DOVECOT_MANIFEST")
run() {	# run NAME [ARGS...]: batch with $W/NAME.in, 60 s at most
	local n=$1
	shift
	MB_INPUT=$W/$n.in mb_batch "$W/$n" 60 "$@"
}
# common NAME: checks every session shares: exit 0, transcript shape,
# clean bytes, meaning lines, no secret anywhere in stdout or stderr.
common() {
	local n=$1 p=$W/$1
	expect_rc "dovecot/$n/exit" "$p" 0
	expect "dovecot/$n/transcript" "$p" eval "transcript_shape '$p.out' && clean_output '$p.out' &&
		has_line '$p.out' '^= ' && has_line '$p.out' '^\\* ' && has_line '$p.out' '^C: ' &&
		has_line '$p.out' '^S: \\+OK mailbench test Dovecot ready\\.'"
	expect "dovecot/$n/no-secret" "$p" no_secret "$p.out" "${secrets[@]}"
	expect "dovecot/$n/no-secret-stderr" "$p" no_secret "$p.err" "${secrets[@]}"
	expect "dovecot/$n/no-sanitizer-report" "$p" no_sanitizer "$p.err"
}

# explained FILE SREGEX MREGEX: some "S: " line matching SREGEX is followed
# at once by a "= " line matching MREGEX (the meaning of that reply, read
# in the context of its command and of the session).
explained() {
	awk -v s="^S: $2" -v m="^= $3" 'hit && $0 ~ m { ok = 1 } { hit = $0 ~ s }
		END { exit !ok }' "$1"
}

# --- Plain POP3, /auth USER (USER/PASS), password from MAILBENCH_PASSWORD.
cat >"$W/plain-userpass.in" <<I
CAPA
/auth USER $DOVECOT_USER
STAT
LIST
UIDL
LIST 3
UIDL 3
TOP 22 0
RETR 22
RETR 7
NOOP
QUIT
I
MAILBENCH_PASSWORD=$PW run plain-userpass "pop3://$P"
p=$W/plain-userpass
common plain-userpass
expect dovecot/plain-userpass/connected "$p" has_line "$p.out" "^\\* connected to 127\\.0\\.0\\.1:$DOVECOT_POP3_PORT"
expect dovecot/plain-userpass/pass-redacted "$p" eval \
	"has_line '$p.out' '^C: USER $DOVECOT_USER\$' && has_line '$p.out' '^C: PASS \\*{8}\$'"
expect dovecot/plain-userpass/logged-in "$p" $TR reply "$p.out" 'STAT' "^\\+OK 600 $total\$"
expect dovecot/plain-userpass/list "$p" eval "$TR reply '$p.out' 'LIST' '^3 $(m 3)\$' &&
	$TR reply '$p.out' 'LIST 3' '^\\+OK 3 $(m 3)\$'"
expect dovecot/plain-userpass/uidl "$p" eval "$TR reply '$p.out' 'UIDL' '^600 00000258' &&
	$TR reply '$p.out' 'UIDL 3' '^\\+OK 3 00000003'"
expect dovecot/plain-userpass/top "$p" eval "$TR reply '$p.out' 'TOP 22 0' '^Subject: test message 22\$' &&
	! $TR reply '$p.out' 'TOP 22 0' '^Line 1 of message 22' 2>/dev/null"
expect dovecot/plain-userpass/retr "$p" eval "$TR reply '$p.out' 'RETR 22' '^end of message 22\$' &&
	$TR reply '$p.out' 'RETR 22' '^Line 4 of message 22\\.\$' &&
	$TR reply '$p.out' 'RETR 7' '^Content-Disposition: attachment; filename=\"data7.bin\"\$'"
expect dovecot/plain-userpass/meanings "$p" eval "grep -A2 '^C: NOOP\$' '$p.out' | grep -q '^= '"
# The numbers decoded and the effect stated (SPEC.md, Transcript).
plain_explained() {
	local f=$1.out
	explained "$f" '\+OK mailbench test Dovecot ready\. <' '\+OK ready: log in; the <\.\.\.> in the greeting means APOP is offered' &&
		explained "$f" '\+OK Logged in\.' '\+OK logged in: the session is in TRANSACTION' &&
		explained "$f" "\\+OK 600 $total\$" '\+OK 600 messages, [0-9,]+ octets \([0-9.]+ MiB\) in the maildrop' &&
		explained "$f" "\\+OK 3 $(m 3)\$" "\\+OK message 3 is [0-9,]+ octets" &&
		explained "$f" '\+OK 3 00000003' '\+OK message 3 has the unique id "00000003' &&
		explained "$f" '\+OK$' '\+OK the headers of message 22 follow, no body lines' &&
		explained "$f" '\+OK [0-9]+ octets$' '\+OK message 22 follows, [0-9,]+ octets' &&
		explained "$f" '\+OK$' '\+OK the server is alive' &&
		explained "$f" '\+OK Logging out\.$' '\+OK session over: nothing was marked, nothing deleted'
}
expect dovecot/plain-userpass/explained "$p" plain_explained "$p"

# --- DELE then RSET: the marks go, nothing is deleted. LIST of a message
# marked deleted gets -ERR (RFC 1939 5), so the exit code is 1.
printf '/auth USER %s\nDELE 1\nDELE 2\nLIST 1\nSTAT\nRSET\nLIST 1\nSTAT\nQUIT\n' "$DOVECOT_USER" >"$W/dele-rset.in"
before=$(n_files)
MAILBENCH_PASSWORD=$PW run dele-rset "pop3://$P"
p=$W/dele-rset
expect_rc dovecot/dele-rset/exit "$p" 1
dele_rset_ok() {
	local f=$1.out
	$TR reply "$f" 'DELE 1' '^\+OK' && $TR reply "$f" 'RSET' '^\+OK' &&
		# LIST 1 twice: -ERR while marked, +OK after RSET.
		[ "$(grep -A1 '^C: LIST 1$' "$f" | grep '^S: ' | cut -c1-6 | tr '\n' ' ')" = 'S: -ER S: +OK ' ] &&
		grep -A1 '^C: STAT$' "$f" | grep -q '^S: +OK 598 ' &&
		grep -A1 '^C: STAT$' "$f" | grep -q "^S: +OK 600 $total\$" &&
		grep -A1 '^S: -ERR' "$f" | grep -q '^= '
}
expect dovecot/dele-rset/replies "$p" dele_rset_ok "$p"
# DELE only marks (and how many are marked), RSET says what it unmarked.
dele_rset_explained() {
	local f=$1.out
	explained "$f" '\+OK Marked to be deleted\.' '\+OK message 1 is only marked for deletion: .*RSET unmarks .* 1 message marked now' &&
		explained "$f" '\+OK Marked to be deleted\.' '\+OK message 2 .* 2 messages marked now' &&
		explained "$f" '-ERR Message is deleted\.' '-ERR message 1 is already marked for deletion .* next: RSET unmarks' &&
		explained "$f" '\+OK 598 ' '\+OK 598 messages, .* not counting the 2 marked for deletion' &&
		explained "$f" '\+OK$' '\+OK deletion marks removed: 2 messages unmarked'
}
expect dovecot/dele-rset/explained "$p" dele_rset_explained "$p"
expect dovecot/dele-rset/kept-mail "$p" test "$(n_files)" = "$before"

# --- STLS by --starttls, /auth PLAIN, password from --password-file.
printf '/auth PLAIN %s\nSTAT\nQUIT\n' "$DOVECOT_USER" >"$W/stls-plain-passfile.in"
run stls-plain-passfile "pop3://$P" --starttls --cafile "$CA" --password-file "$W/pwfile"
p=$W/stls-plain-passfile
common stls-plain-passfile
expect dovecot/stls-plain-passfile/tls "$p" eval "has_line '$p.out' '^C: STLS\$' &&
	has_line '$p.out' '^\\* .*TLSv1\\.[23]' && has_line '$p.out' '^\\* .*mailbench test CA' &&
	has_line '$p.out' '^\\* .*[Vv]erif'"
expect dovecot/stls-plain-passfile/logged-in "$p" $TR reply "$p.out" 'STAT' "^\\+OK 600 $total\$"

# --- STLS typed by hand, then USER/PASS typed by hand (PASS redacted).
printf 'CAPA\nSTLS\nCAPA\nUSER %s\nPASS %s\nLIST 600\nQUIT\n' "$DOVECOT_USER" "$PW" >"$W/stls-typed.in"
run stls-typed "pop3://$P" --cafile "$CA"
p=$W/stls-typed
common stls-typed
expect dovecot/stls-typed/tls "$p" has_line "$p.out" '^\* .*TLSv1\.[23]'
expect dovecot/stls-typed/pass-redacted "$p" has_line "$p.out" '^C: PASS \*{8}$'
expect dovecot/stls-typed/caps-after-tls "$p" eval "$TR reply '$p.out' 'LIST 600' '^\\+OK 600 $(m 600)\$' &&
	[ \$(grep -c '^S: STLS\$' '$p.out') = 1 ]"

# --- Implicit TLS (pop3s), /auth PLAIN from MAILBENCH_PASSWORD.
printf '/auth PLAIN %s\nSTAT\nTOP 600 0\nQUIT\n' "$DOVECOT_USER" >"$W/pop3s.in"
MAILBENCH_PASSWORD=$PW run pop3s "pop3s://$PS" --cafile "$CA"
p=$W/pop3s
common pop3s
expect dovecot/pop3s/tls "$p" eval "has_line '$p.out' '^\\* .*TLSv1\\.[23]' && has_line '$p.out' '^\\* .*CN ?= ?localhost'"
expect dovecot/pop3s/top "$p" $TR reply "$p.out" 'TOP 600 0' '^X-Mailbench-Seq: 600$'

# --- The user from the URL serves /auth without a user.
printf '/auth PLAIN\nSTAT\nQUIT\n' >"$W/url-user.in"
MAILBENCH_PASSWORD=$PW run url-user "pop3://$DOVECOT_USER@$P"
p=$W/url-user
common url-user
expect dovecot/url-user/logged-in "$p" $TR reply "$p.out" 'STAT' '^\+OK 600 '

# --- APOP (RFC 1939 7) and CRAM-MD5 (RFC 2195): digests, never the secret.
printf '/auth APOP %s\nSTAT\nQUIT\n' "$DOVECOT_USER" >"$W/apop.in"
MAILBENCH_PASSWORD=$PW run apop "pop3://$P"
common apop
expect dovecot/apop/logged-in "$W/apop" $TR reply "$W/apop.out" 'STAT' '^\+OK 600 '
printf '/auth CRAM-MD5 %s\nSTAT\nQUIT\n' "$DOVECOT_USER" >"$W/cram-md5.in"
MAILBENCH_PASSWORD=$PW run cram-md5 "pop3://$P"
common cram-md5
expect dovecot/cram-md5/logged-in "$W/cram-md5" $TR reply "$W/cram-md5.out" 'STAT' '^\+OK 600 '

# --- /load: pipelined STAT/LIST/UIDL/TOP n 0 over 600 messages; every
# reply must be the right message's (checked against the manifest).
printf '/auth USER %s\n/load\nQUIT\n' "$DOVECOT_USER" >"$W/load.in"
MAILBENCH_PASSWORD=$PW run load "pop3://$P"
p=$W/load
common load
expect dovecot/load/replies-pair "$p" $TR load "$p.out" "$DOVECOT_MANIFEST"
expect dovecot/load/pipelined "$p" $TR pipelined "$p.out" 2
expect dovecot/load/time "$p" awk -v t="$(cat "$p.time")" 'BEGIN { exit !(t < 30) }'
note "load: 600 messages in $(cat "$p.time") s"

# --- /load again over implicit TLS (replies split across TLS records).
printf '/auth PLAIN %s\n/load\nQUIT\n' "$DOVECOT_USER" >"$W/load-tls.in"
MAILBENCH_PASSWORD=$PW run load-tls "pop3s://$PS" --cafile "$CA"
p=$W/load-tls
common load-tls
expect dovecot/load-tls/replies-pair "$p" $TR load "$p.out" "$DOVECOT_MANIFEST"
expect dovecot/load-tls/pipelined "$p" $TR pipelined "$p.out" 2

# --- RETR of a 71 MiB message over pop3s (past the old 64 MiB cap): every
# line arrives, the attachment decoded from the transcript is the original
# (SHA-256 against Python's email package on the Maildir file), and batch
# holds none of the body: peak resident memory (VmHWM) under 64 MiB.
printf '/auth PLAIN %s\nRETR 600\nQUIT\n' "$DOVECOT_USER" >"$W/retr-big.in"
p=$W/retr-big
t0=$(date +%s%N)
MAILBENCH_PASSWORD=$PW timeout -k 3 120 python3 "$LIB_ROOT/tests/bench/peakrss.py" "$p.rss" \
	"$MAILBENCH" batch "pop3s://$PS" --cafile "$CA" <"$p.in" >"$p.out" 2>"$p.err"
echo $? >"$p.rc"
awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }' >"$p.time"
{ echo "--- retr-big (exit $(cat "$p.rc"), $(cat "$p.time") s)"; sed -n '1,60p' "$p.out" | cut -c1-300
  echo "--- stderr"; sed -n '1,40p' "$p.err"; } >"$p.log"
common retr-big
big_file=$(ls "$DOVECOT_MAILDIR"/cur/1700000600.*)
big_lines=$(wc -l <"$big_file")
expect dovecot/retr-big/past-old-cap "$p" test "$(m 600)" -gt $((64 * 1024 * 1024))
expect dovecot/retr-big/all-lines "$p" eval "$TR pairs '$p.out' | grep -q \"^RETR 600	\$((big_lines + 2))	+OK\" &&
	$TR reply '$p.out' 'RETR 600' '^--b600--\$'"
want_sum=$(python3 "$LIB_ROOT/tests/integration/attachment.py" message "$big_file" data600.bin)
expect dovecot/retr-big/attachment-sha256 "$p" eval "[ -n '$want_sum' ] &&
	[ \"\$(python3 '$LIB_ROOT/tests/integration/attachment.py' transcript '$p.out' data600.bin)\" = '$want_sum' ]"
expect dovecot/retr-big/peak-rss "$p" test "$(cut -d' ' -f1 "$p.rss" 2>/dev/null || echo 999999)" -lt 65536
expect dovecot/retr-big/time "$p" awk -v t="$(cat "$p.time")" 'BEGIN { exit !(t < 60) }'
note "retr-big: $(( $(m 600) / 1024 )) KiB in $(cat "$p.time") s, peak RSS $(cut -d' ' -f1 "$p.rss" 2>/dev/null) KiB"

# --- Commands from a FILE argument instead of stdin.
printf '/auth PLAIN %s\nLIST 5\nQUIT\n' "$DOVECOT_USER" >"$W/commands.txt"
MAILBENCH_PASSWORD=$PW MB_INPUT=/dev/null mb_batch "$W/file-arg" 60 "pop3://$P" "$W/commands.txt"
p=$W/file-arg
common file-arg
expect dovecot/file-arg/list "$p" $TR reply "$p.out" 'LIST 5' "^\+OK 5 $(m 5)\$"

# --- No MAILBENCH_PASSWORD nor --password-file: /auth fails clearly and
# the next input line is not taken as the password (it runs as typed).
printf '/auth USER %s\nSTAT\nQUIT\n' "$DOVECOT_USER" >"$W/secret-from-input.in"
(unset MAILBENCH_PASSWORD; run secret-from-input "pop3://$P")
p=$W/secret-from-input
expect dovecot/secret-from-input/refused "$p" eval "[ \$(cat '$p.rc') = 1 ] &&
	! grep -q '^C: PASS' '$p.out' && grep -q '^C: STAT\$' '$p.out' &&
	grep -q 'no password source' '$p.err'"

# --- A wrong password: -ERR, exit 1; the wrong password is redacted too.
printf '/auth USER %s\nQUIT\n' "$DOVECOT_USER" >"$W/bad-password.in"
MAILBENCH_PASSWORD=wrong-$PW run bad-password "pop3://$P"
p=$W/bad-password
expect_rc dovecot/bad-password/exit "$p" 1
expect dovecot/bad-password/reply "$p" eval "has_line '$p.out' '^S: -ERR' && grep -A1 '^S: -ERR' '$p.out' | grep -q '^= '"
expect dovecot/bad-password/no-secret "$p" no_secret "$p.out" "wrong-$PW" "$PW"
expect dovecot/bad-password/explained "$p" explained "$p.out" '-ERR \[AUTH\] Authentication failed\.' \
	'-ERR \[AUTH\] login refused because of the credentials .* next: check the user name and password'

# --- Errors before login, as Dovecot words them: a maildrop command
# before login ("Unknown command."), PASS before USER ("No username
# given."), APOP without arguments. Each -ERR gets its cause and next step.
printf 'STAT\nPASS x\nAPOP\nUSER %s\nQUIT\n' "$DOVECOT_USER" >"$W/explain-authz.in"
run explain-authz "pop3://$P"
p=$W/explain-authz
expect_rc dovecot/explain-authz/exit "$p" 1
authz_explained() {
	local f=$1.out
	explained "$f" '-ERR Unknown command\.' '-ERR not logged in: STAT is only valid in TRANSACTION.* next: log in first' &&
		explained "$f" '-ERR No username given\.' '-ERR PASS before USER: .* next: send USER name first' &&
		explained "$f" '-ERR Invalid parameters\.' '-ERR APOP takes a user name and a 32-hex-digit MD5 digest' &&
		explained "$f" '\+OK$' '\+OK user name taken: now send PASS' &&
		explained "$f" '\+OK Logging out$' '\+OK session closed before logging in'
}
expect dovecot/explain-authz/explained "$p" authz_explained "$p"

# --- Errors after login: no such message, TOP without its line count,
# USER again, an unknown command.
printf '/auth USER %s\nSTAT\nLIST 999\nRETR 999\nTOP 1\nLIST abc\nUSER x\nFOO\nQUIT\n' "$DOVECOT_USER" >"$W/explain-trans.in"
MAILBENCH_PASSWORD=$PW run explain-trans "pop3://$P"
p=$W/explain-trans
expect_rc dovecot/explain-trans/exit "$p" 1
trans_explained() {
	local f=$1.out
	explained "$f" "-ERR There's no message 999\\." '-ERR there is no message 999 in the maildrop \(the last STAT counted 600 messages\) .* next: use a number LIST shows' &&
		[ "$(grep -A1 "^S: -ERR There's no message 999" "$f" | grep -c '^= -ERR there is no message 999')" = 2 ] &&
		explained "$f" '-ERR Noise after message number' '-ERR TOP takes two numbers' &&
		explained "$f" '-ERR Invalid message number: abc' '-ERR the argument is not a message number' &&
		explained "$f" '-ERR Unknown command: USER' '-ERR already logged in: USER is only valid in AUTHORIZATION' &&
		explained "$f" '-ERR Unknown command: FOO' '-ERR the server does not know FOO'
}
expect dovecot/explain-trans/explained "$p" trans_explained "$p"

# --- Typed AUTH: the challenges decoded (never the answers), a cancel, a
# mechanism the server does not offer, an answer that is not base64.
printf 'AUTH LOGIN\n%s\n%s\nAUTH CRAM-MD5\n*\nAUTH FOO\nAUTH PLAIN\n!!x\nQUIT\n' \
	"$(printf '%s' "$DOVECOT_USER" | base64 -w0)" "$(printf 'wrong-%s' "$PW" | base64 -w0)" >"$W/explain-sasl.in"
run explain-sasl "pop3://$P"
p=$W/explain-sasl
expect_rc dovecot/explain-sasl/exit "$p" 1
sasl_explained() {
	local f=$1.out
	explained "$f" '\+ VXNlcm5hbWU6$' '\+ the server asks "Username:"' &&
		explained "$f" '\+ UGFzc3dvcmQ6$' '\+ the server asks "Password:"' &&
		explained "$f" '-ERR \[AUTH\] Authentication failed\.' '-ERR \[AUTH\] login refused because of the credentials' &&
		explained "$f" '\+ [A-Za-z0-9+/=]+$' '\+ challenge "<[^"]*>" .*CRAM-MD5' &&
		explained "$f" '-ERR Authentication aborted by client\.' '-ERR the authentication exchange was cancelled' &&
		explained "$f" '-ERR .*[Uu]nsupported' '-ERR .*not offered by the server' &&
		explained "$f" '\+ $' '\+ empty challenge' &&
		explained "$f" '-ERR \[AUTH\] Invalid base64' '-ERR \[AUTH\] the SASL answer was not valid base64'
}
expect dovecot/explain-sasl/explained "$p" sasl_explained "$p"
expect dovecot/explain-sasl/no-secret "$p" no_secret "$p.out" "$PW" "$(printf 'wrong-%s' "$PW" | base64 -w0)"

# --- The mailbox held by another session: -ERR [IN-USE] (RFC 2449 8.1.2)
# with its meaning. Dovecot answers after ~10 s of waiting for the lock and
# then closes the connection, so exit 1 (negative reply) or 3 (closed by
# the server) are both honest; 0 is not.
HOLDER_PASSWORD=$PW python3 - "$DOVECOT_POP3_PORT" "$DOVECOT_USER" "$W/holder" <<'PY' >"$W/holder.err" 2>&1 &
import os, poplib, sys, time
port, user, flag = int(sys.argv[1]), sys.argv[2], sys.argv[3]
p = poplib.POP3("127.0.0.1", port, timeout=10)
p.user(user)
p.pass_(os.environ["HOLDER_PASSWORD"])
open(flag + ".ready", "w").close()
end = time.monotonic() + 30
while time.monotonic() < end and not os.path.exists(flag + ".stop"):
    time.sleep(0.1)
p.quit()
PY
holder=$!
on_exit "kill $holder"
printf '/auth USER %s\nQUIT\n' "$DOVECOT_USER" >"$W/in-use.in"
if wait_for 10 test -e "$W/holder.ready"; then
	MAILBENCH_PASSWORD=$PW run in-use "pop3://$P"
	p=$W/in-use
	expect dovecot/in-use/exit "$p" eval "[ \$(cat '$p.rc') = 1 ] || [ \$(cat '$p.rc') = 3 ]"
	expect dovecot/in-use/meaning "$p" eval "has_line '$p.out' '^S: -ERR \\[IN-USE\\]' &&
		grep -A1 '^S: -ERR \\[IN-USE\\]' '$p.out' | grep -q '^= .*IN-USE'"
	expect dovecot/in-use/explained "$p" explained "$p.out" '-ERR \[IN-USE\]' \
		'-ERR \[IN-USE\] mailbox locked: another client .* next: close the other mail client'
else
	fail dovecot/in-use "the holding session did not log in: $(cat "$W/holder.err")"
fi
touch "$W/holder.stop"
wait_for 10 eval "! kill -0 $holder 2>/dev/null"

# --- A certificate from another CA: exit 3 with the reason.
printf 'CAPA\nQUIT\n' >"$W/wrong-ca.in"
run wrong-ca "pop3s://$PS" --cafile "$DOVECOT_OTHER_CAFILE" --timeout 10
p=$W/wrong-ca
expect_rc dovecot/wrong-ca/exit "$p" 3
expect dovecot/wrong-ca/reason "$p" has_line "$p.out" '^\* .*unable to get local issuer certificate'
expect dovecot/wrong-ca/diagnosis "$p" eval "has_line '$p.out' '^\\* wrong --cafile: .* does not contain the issuer CN=mailbench test CA' &&
	has_line '$p.out' '^\\* next: pass the certificate of CN=mailbench test CA.* with --cafile FILE'"
expect dovecot/wrong-ca/no-commands "$p" no_line "$p.out" '^C: CAPA'
cp "$W/wrong-ca.in" "$W/wrong-ca-stls.in"
run wrong-ca-stls "pop3://$P" --starttls --cafile "$DOVECOT_OTHER_CAFILE" --timeout 10
p=$W/wrong-ca-stls
expect_rc dovecot/wrong-ca-stls/exit "$p" 3
expect dovecot/wrong-ca-stls/reason "$p" has_line "$p.out" '^\* .*unable to get local issuer certificate'
expect dovecot/wrong-ca-stls/no-commands "$p" no_line "$p.out" '^C: CAPA'

# --- pop3s:// to Dovecot's plain port: its greeting is named, pop3:// is
# the fix; pop3:// to its implicit-TLS port: the early hint, then the
# timeout's diagnosis, both naming pop3s://.
echo QUIT >"$W/tls-to-plain.in"
run tls-to-plain "pop3s://$P" --cafile "$CA" --timeout 10
p=$W/tls-to-plain
expect_rc dovecot/tls-to-plain/exit "$p" 3
expect dovecot/tls-to-plain/diagnosis "$p" eval "has_line '$p.out' '^\\* TLS handshake failed: the server spoke plain POP3 \\(\"\\+OK mailbench test Dovecot ready\\.[^\"]*\"\\)' &&
	has_line '$p.out' '^\\* next: this port speaks plain POP3: use pop3://127\\.0\\.0\\.1:$DOVECOT_POP3_PORT, with --starttls to upgrade'"
echo QUIT >"$W/plain-to-tls.in"
run plain-to-tls "pop3://$PS" --timeout 4
p=$W/plain-to-tls
expect_rc dovecot/plain-to-tls/exit "$p" 3
expect dovecot/plain-to-tls/diagnosis "$p" eval "has_line '$p.out' '^\\* no greeting yet after 2 s .*try pop3s://127\\.0\\.0\\.1:$DOVECOT_POP3S_PORT' &&
	has_line '$p.out' '^\\* timeout: no greeting after 4 s' &&
	has_line '$p.out' '^\\* next: if it is an implicit-TLS port, try pop3s://127\\.0\\.0\\.1:$DOVECOT_POP3S_PORT'"

# --- --insecure accepts it, and says so loudly.
printf 'CAPA\nQUIT\n' >"$W/insecure.in"
run insecure "pop3s://$PS" --cafile "$DOVECOT_OTHER_CAFILE" --insecure --timeout 10
p=$W/insecure
expect_rc dovecot/insecure/exit "$p" 0
expect dovecot/insecure/loud "$p" has_line "$p.out" '^\* .*INSECURE'

# --- --transcript FILE saves the same, redacted.
printf '/auth USER %s\nSTAT\nQUIT\n' "$DOVECOT_USER" >"$W/transcript-file.in"
MAILBENCH_PASSWORD=$PW run transcript-file "pop3://$P" --transcript "$W/saved.txt"
p=$W/transcript-file
expect_rc dovecot/transcript-file/exit "$p" 0
expect dovecot/transcript-file/saved "$p" eval "[ -s '$W/saved.txt' ] &&
	grep -q '^C: PASS \\*\\{8\\}\$' '$W/saved.txt' && grep -q '^S: +OK 600 ' '$W/saved.txt'"
expect dovecot/transcript-file/no-secret "$p" no_secret "$W/saved.txt" "${secrets[@]}"
# The saved file is the transcript batch printed: same lines, same bytes
# (SPEC.md: one format for screen, batch stdout and saved files).
expect dovecot/transcript-file/clean "$p" clean_output "$W/saved.txt"
expect dovecot/transcript-file/same-as-stdout "$p" cmp "$W/saved.txt" "$p.out"

# --- IPv6 literal: [::1] with a certificate naming IP ::1.
printf 'CAPA\nQUIT\n' >"$W/ipv6.in"
if [ "${DOVECOT_IPV6:-0}" = 1 ]; then
	run ipv6 "pop3s://[::1]:$DOVECOT_POP3S_PORT" --cafile "$CA"
	p=$W/ipv6
	expect_rc dovecot/ipv6/exit "$p" 0
	expect dovecot/ipv6/connected "$p" eval "has_line '$p.out' '^\\* connected to \\[::1\\]:$DOVECOT_POP3S_PORT' &&
		has_line '$p.out' '^\\* certificate verified'"
else
	skip dovecot/ipv6 "no ::1 on loopback"
fi

# --- A host name: localhost, -4, verified against the DNS name.
cp "$W/ipv6.in" "$W/hostname.in"
run hostname "pop3s://localhost:$DOVECOT_POP3S_PORT" -4 --cafile "$CA"
p=$W/hostname
expect_rc dovecot/hostname/exit "$p" 0
expect dovecot/hostname/verified "$p" eval "has_line '$p.out' '^\\* connected to 127\\.0\\.0\\.1:$DOVECOT_POP3S_PORT' &&
	has_line '$p.out' '^\\* certificate verified for localhost'"

# --- Plaintext logins disallowed (disable_plaintext_auth = yes): Dovecot
# answers USER with "-ERR [AUTH] Plaintext authentication disallowed on
# non-secure (SSL/TLS) connections." -- TLS required, not a wrong password.
# Dovecot counts a client on its own address as secure, so this instance
# also listens on 127.0.0.2 (reached from 127.0.0.1). Last, because
# dovecot_up sets the DOVECOT_* variables anew.
XP=$("$LIB_ROOT/scripts/free-ports" 1)
if dovecot_up "$W/dovecot-tls" 3 --set 'disable_plaintext_auth = yes' \
	--set 'service pop3-login {' --set 'inet_listener pop3x {' \
	--set 'address = 127.0.0.2' --set "port = $XP" --set '}' --set '}'; then
	printf 'CAPA\nUSER %s\nAUTH PLAIN\nQUIT\n' "$DOVECOT_USER" >"$W/plaintext-disallowed.in"
	run plaintext-disallowed "pop3://127.0.0.2:$XP"
	p=$W/plaintext-disallowed
	expect_rc dovecot/plaintext-disallowed/exit "$p" 1
	plaintext_explained() {
		local f=$1.out
		explained "$f" '-ERR \[AUTH\] Plaintext authentication disallowed' \
			'-ERR \[AUTH\] TLS required: .*not a wrong password · next: /starttls \(STLS\) first .*pop3s://' &&
			explained "$f" '-ERR \[AUTH\] Plaintext authentication disabled\.' '-ERR \[AUTH\] TLS required' &&
			no_line "$f" '^= .*wrong user name or password'
	}
	expect dovecot/plaintext-disallowed/explained "$p" plaintext_explained "$p"
else
	fail dovecot/plaintext-disallowed "the second Dovecot did not start"
fi

finish

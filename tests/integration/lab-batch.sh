#!/bin/bash
# SPDX-License-Identifier: MIT
# mailbench's own batch mode against `mailbench lab`: a POP3 session that
# logs in and reads the sample mailbox, an SMTP session over STARTTLS with
# AUTH that sends mail, and the same mail read back over POP3S; the "= "
# lines of SMTP replies read with the session's facts (issue 8): relaying
# denied, DATA without recipients, STARTTLS twice, AUTH after STARTTLS, the
# queue id after ".", and the greylist, tls-required and mailbox-full
# scenarios.
. "$(dirname "$0")/../lib.sh"
T=lab-batch

if ! have_mailbench; then
	skip "$T: all" "mailbench or its batch mode is not built"
	exit 0
fi
W=$(workdir lab-batch) || exit 1
on_exit "rm -rf '$W'"

"$MAILBENCH" lab --pop3-port 0 --pop3s-port 0 --smtp-port 0 --smtps-port 0 \
	--cert-out "$W/ca.pem" >"$W/lab.out" 2>"$W/lab.err" </dev/null &
LAB_PID=$!
on_exit "kill $LAB_PID; wait $LAB_PID"
if ! wait_for 20 grep -q '^ready$' "$W/lab.out"; then
	fail "$T: lab starts" "$(cat "$W/lab.out" "$W/lab.err")"
	finish
fi
port_of() { sed -nE "s/^  $1 +[^ ]+:([0-9]+) .*/\\1/p" "$W/lab.out"; }
POP3=$(port_of POP3)
POP3S=$(port_of POP3S)
SMTP=$(port_of SMTP)
CA=$W/ca.pem
export MAILBENCH_PASSWORD=student

# ---- POP3: login, STAT, LIST, RETR of the dot message, QUIT -----------
cat >"$W/pop3.in" <<'EOF'
CAPA
/auth USER student
STAT
LIST
UIDL
RETR 8
DELE 1
RSET
QUIT
EOF
MB_INPUT=$W/pop3.in mb_batch "$W/pop3" 30 "pop3://student@127.0.0.1:$POP3"
expect_rc "$T: POP3 batch session exits 0" "$W/pop3" 0
expect "$T: POP3 login over batch" "$W/pop3" has_line "$W/pop3.out" '^S: \+OK Logged in as student'
expect "$T: POP3 STAT seen" "$W/pop3" has_line "$W/pop3.out" '^S: \+OK [0-9]+ [0-9]+'
expect "$T: RETR shows the stuffed dot line" "$W/pop3" has_line "$W/pop3.out" '^S: \.\.profile and \.bashrc'
expect "$T: the password never shows" "$W/pop3" no_secret "$W/pop3.out" "PASS student"
expect "$T: POP3 transcript is only C:/S:/*/= lines" "$W/pop3" transcript_shape "$W/pop3.out"
expect "$T: POP3 transcript is clean (escaped)" "$W/pop3" clean_output "$W/pop3.out"
# explained FILE SREGEX MREGEX: some "S: " line matching SREGEX is followed
# at once by a "= " line matching MREGEX (the reply's meaning in context).
explained() {
	awk -v s="^S: $2" -v m="^= $3" 'hit && $0 ~ m { ok = 1 } { hit = $0 ~ s }
		END { exit !ok }' "$1"
}
pop3_explained() {
	local f=$1.out
	explained "$f" '\+OK Logged in as student: 8 messages \(9186 octets\)' \
		'\+OK logged in: .*TRANSACTION.* 8 messages, 9,186 octets \(9\.0 KiB\)' &&
		explained "$f" '\+OK 8 9186$' '\+OK 8 messages, 9,186 octets \(9\.0 KiB\) in the maildrop' &&
		explained "$f" '\+OK [0-9]+ octets$' '\+OK message 8 follows, [0-9,]+ octets' &&
		explained "$f" '\+OK Message 1 marked for deletion' '\+OK message 1 is only marked for deletion: .*QUIT.*RSET unmarks .* 1 message marked now' &&
		explained "$f" '\+OK Maildrop has 8 messages' '\+OK deletion marks removed: 1 message unmarked' &&
		explained "$f" '\+OK Logging out, 0 messages removed' '\+OK session over: nothing was marked, nothing deleted'
}
expect "$T: POP3 replies explained with their numbers and effects" "$W/pop3" pop3_explained "$W/pop3"

# ---- /explain inside a session: what `mailbench explain` says, as "= "
# lines, and nothing on the wire ----------------------------------------
cat >"$W/slashexplain.in" <<'EOF'
/explain 550 5.7.1
/explain -ERR [IN-USE]
/explain nonsense
QUIT
EOF
MB_INPUT=$W/slashexplain.in mb_batch "$W/slashexplain" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: /explain session exits 0" "$W/slashexplain" 0
"$MAILBENCH" explain 550 5.7.1 >"$W/slashexplain.cli"
expect "$T: /explain gives the lines of mailbench explain" "$W/slashexplain" eval \
	"awk '/^\\* \\/explain/ { n++; next } n == 1 && /^= / { print substr(\$0, 3) }' '$W/slashexplain.out' | cmp -s - '$W/slashexplain.cli'"
expect "$T: /explain reads a POP3 response code" "$W/slashexplain" has_line "$W/slashexplain.out" '^= \[IN-USE\] '
expect "$T: /explain names what is not a code" "$W/slashexplain" has_line "$W/slashexplain.out" '^\* "nonsense": not a reply code'
expect "$T: /explain sends nothing" "$W/slashexplain" eval "[ \"\$(grep -c '^C: ' '$W/slashexplain.out')\" = 1 ]"

# ---- /cancel inside a typed AUTH: "*" goes out (RFC 5034 4) -----------
cat >"$W/cancel.in" <<'EOF'
AUTH LOGIN
/cancel
/auth USER student
QUIT
EOF
MB_INPUT=$W/cancel.in mb_batch "$W/cancel" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: cancelled AUTH is a negative reply (exit 1)" "$W/cancel" 1
expect "$T: /cancel answers the challenge with *" "$W/cancel" has_line "$W/cancel.out" '^C: \*$'
expect "$T: the lab confirms the cancel" "$W/cancel" has_line "$W/cancel.out" '^S: -ERR Authentication cancelled'
expect "$T: login works after the cancel" "$W/cancel" has_line "$W/cancel.out" '^S: \+OK Logged in as student'

# ---- SMTP over STARTTLS with AUTH PLAIN, sending a message --------------
cat >"$W/smtp.in" <<'EOF'
EHLO batch.example
/auth PLAIN student
MAIL FROM:<batch@example.org>
RCPT TO:<student@lab.example>
DATA
From: batch@example.org
To: student@lab.example
Subject: sent by mailbench batch

hello from batch
.dot line
.
QUIT
EOF
MB_INPUT=$W/smtp.in mb_batch "$W/smtp" 30 --starttls --cafile "$CA" "smtp://127.0.0.1:$SMTP"
expect_rc "$T: SMTP batch session exits 0" "$W/smtp" 0
expect "$T: AUTH PLAIN accepted (235 2.7.0)" "$W/smtp" has_line "$W/smtp.out" '^S: 235 2\.7\.0'
expect "$T: message accepted (250 2.0.0)" "$W/smtp" has_line "$W/smtp.out" '^S: 250 2\.0\.0 Ok: queued'
expect "$T: the AUTH payload never shows" "$W/smtp" no_secret "$W/smtp.out" "AHN0dWRlbnQAc3R1ZGVudA=="

# ---- POP3S: the message is there --------------------------------------
cat >"$W/pop3s.in" <<'EOF'
/auth USER student
LIST
TOP 9 0
RETR 9
QUIT
EOF
MB_INPUT=$W/pop3s.in mb_batch "$W/pop3s" 30 --cafile "$CA" "pop3s://student@127.0.0.1:$POP3S"
expect_rc "$T: POP3S batch session exits 0" "$W/pop3s" 0
expect "$T: the sent message comes back over POP3S" "$W/pop3s" has_line "$W/pop3s.out" '^S: Subject: sent by mailbench batch'
expect "$T: its dot line comes back stuffed" "$W/pop3s" has_line "$W/pop3s.out" '^S: \.\.dot line'

# ---- APOP and the pipelined /load ----------------------------------------
printf '/auth APOP student\n/load\nQUIT\n' >"$W/load.in"
MB_INPUT=$W/load.in mb_batch "$W/load" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: APOP + /load exits 0" "$W/load" 0
expect "$T: APOP logs in" "$W/load" has_line "$W/load.out" '^S: \+OK Logged in as student'
expect "$T: /load pipelines TOP n 0 for every message" "$W/load" has_line "$W/load.out" '^C: TOP 8 0'
expect "$T: /load sees the sample headers" "$W/load" has_line "$W/load.out" '^S: Subject: Lines that begin with a dot'

# ---- a negative reply makes batch exit 1 --------------------------------
printf 'USER student\r\nPASS wrong\r\n' | tr -d '\r' >"$W/bad.in"
MB_INPUT=$W/bad.in mb_batch "$W/bad" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: a wrong password makes batch exit 1" "$W/bad" 1
expect "$T: -ERR [AUTH] explained" "$W/bad" has_line "$W/bad.out" '^S: -ERR \[AUTH\]'
expect "$T: -ERR [AUTH] explained as the credentials" "$W/bad" explained "$W/bad.out" '-ERR \[AUTH\] Authentication failed\.' \
	'-ERR \[AUTH\] login refused because of the credentials .* next: check the user name and password'
# ---- odd batch files: CRLF line ends, an over-long line, binary junk ------
printf 'USER student\r\nPASS student\r\nSTAT\r\nQUIT\r\n' >"$W/crlf.in"
MB_INPUT=$W/crlf.in mb_batch "$W/crlf" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: a batch file with CRLF line ends works (exit 0)" "$W/crlf" 0
expect "$T: CRLF batch: CR is not sent as part of the line" "$W/crlf" has_line "$W/crlf.out" '^C: STAT$'
{ printf 'NOOP '; head -c 20000 /dev/zero | tr '\0' x; printf '\nQUIT\n'; } >"$W/long.in"
MB_INPUT=$W/long.in mb_batch "$W/long" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: a line too long to send makes batch exit 1" "$W/long" 1
expect "$T: the over-long line is refused once, with the limit" "$W/long" \
	test "$(grep -c 'line too long' "$W/long.out")" = 1 -a \
	"$(grep -c '^\* not sent: line too long: .* 8192 bytes' "$W/long.out")" = 1
expect "$T: the session goes on after the refused line" "$W/long" has_line "$W/long.out" '^C: QUIT$'
printf 'NOOP\n\033[2J\001\377\376 junk\rmore\nQUIT\n' >"$W/junk.in"
MB_INPUT=$W/junk.in mb_batch "$W/junk" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: a binary line with a lone CR is refused (exit 1)" "$W/junk" 1
expect "$T: binary batch input: transcript stays escaped" "$W/junk" clean_output "$W/junk.out"
expect "$T: binary batch input: refused once" "$W/junk" \
	test "$(grep -c 'CR or LF' "$W/junk.out")" = 1
# ---- STARTTLS to the lab's self-signed certificate without --cafile -------
printf 'EHLO x\nSTARTTLS\nNOOP\n' >"$W/untrusted.in"
MB_INPUT=$W/untrusted.in mb_batch "$W/untrusted" 30 "smtp://127.0.0.1:$SMTP"
expect_rc "$T: an unverifiable certificate ends the session (exit 3)" "$W/untrusted" 3
expect "$T: the failure says why (self-signed) and how to trust it (--cafile, --insecure)" "$W/untrusted" \
	eval "has_line '$W/untrusted.out' '^\\* the server.s certificate is self-signed \\(OpenSSL: ' &&
	 has_line '$W/untrusted.out' '^\\* next: .*lab --cert-out FILE\\) and pass --cafile FILE; --insecure'"
expect "$T: nothing is sent after the failed handshake" "$W/untrusted" no_line "$W/untrusted.out" '^C: NOOP'
# ---- /auth in the clear where the server offers AUTH only after STARTTLS ----
printf 'EHLO x\n/auth PLAIN student\nQUIT\n' >"$W/clear.in"
MB_INPUT=$W/clear.in mb_batch "$W/clear" 30 "smtp://127.0.0.1:$SMTP"
expect_rc "$T: /auth refused before STARTTLS makes batch exit 1" "$W/clear" 1
expect "$T: /auth before STARTTLS is not sent, and says why" "$W/clear" \
	has_line "$W/clear.out" '^\* /auth: not sent: on this unencrypted connection the server.s EHLO lists STARTTLS'
expect "$T: no AUTH command goes out in the clear" "$W/clear" no_line "$W/clear.out" '^C: AUTH'
# ---- -ERR by command and state, the lab's words; QUIT makes marks final --
# Last among the POP3 sessions: it deletes message 2.
printf 'STAT\nPASS x\nUSER student\nPASS student\nLIST 99\nTOP 1\nDELE 2\nDELE 2\nRETR 2\nUSER x\nFOO\nQUIT\n' >"$W/explain.in"
MB_INPUT=$W/explain.in mb_batch "$W/explain" 30 "pop3://127.0.0.1:$POP3"
expect_rc "$T: the -ERR session exits 1" "$W/explain" 1
lab_err_explained() {
	local f=$1.out
	explained "$f" '-ERR Not logged in' '-ERR not logged in: STAT is only valid in TRANSACTION.* next: log in first' &&
		explained "$f" '-ERR No USER given' '-ERR PASS before USER: .* next: send USER name first' &&
		explained "$f" "-ERR There's no message 99" '-ERR there is no message 99 in the maildrop' &&
		explained "$f" '-ERR Syntax: TOP msg lines' '-ERR TOP takes two numbers' &&
		explained "$f" '\+OK Message 2 marked' '\+OK message 2 is only marked for deletion' &&
		[ "$(grep -A1 '^S: -ERR Message 2 is deleted' "$f" | grep -c '^= -ERR message 2 is already marked for deletion')" = 2 ] &&
		explained "$f" '-ERR Already logged in' '-ERR already logged in: USER is only valid in AUTHORIZATION' &&
		explained "$f" '-ERR Unknown command$' '-ERR the server does not know FOO' &&
		explained "$f" '\+OK Logging out, 1 message removed' '\+OK session over: .*1 deletion made final'
}
expect "$T: each -ERR explained with its cause and next step" "$W/explain" lab_err_explained "$W/explain"

# ---- the mailbox held by another session: -ERR [IN-USE] -----------------
python3 - "$POP3" "$W/holder" <<'PY' >"$W/holder.err" 2>&1 &
import poplib, os, sys, time
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
p.user("student")
p.pass_("student")
open(sys.argv[2] + ".ready", "w").close()
end = time.monotonic() + 20
while time.monotonic() < end and not os.path.exists(sys.argv[2] + ".stop"):
    time.sleep(0.1)
p.quit()
PY
HOLDER=$!
if wait_for 10 test -e "$W/holder.ready"; then
	printf 'USER student\nPASS student\nQUIT\n' >"$W/inuse.in"
	MB_INPUT=$W/inuse.in mb_batch "$W/inuse" 30 "pop3://127.0.0.1:$POP3"
	expect "$T: -ERR [IN-USE] explained: locked, close the other client or wait" "$W/inuse" \
		explained "$W/inuse.out" '-ERR \[IN-USE\]' '-ERR \[IN-USE\] mailbox locked: another client .* next: close the other mail client .*wait'
else
	fail "$T: IN-USE holder logs in" "$(cat "$W/holder.err")"
fi
touch "$W/holder.stop"
wait "$HOLDER"

# ---- classroom scenarios: TLS required, login delay ----------------------
"$MAILBENCH" lab --pop3-port 0 --pop3s-port 0 --smtp-port 0 --smtps-port 0 \
	--scenario tls-required,login-delay --cert-out "$W/ca2.pem" >"$W/lab2.out" 2>"$W/lab2.err" </dev/null &
LAB2_PID=$!
on_exit "kill $LAB2_PID; wait $LAB2_PID"
if wait_for 20 grep -q '^ready$' "$W/lab2.out"; then
	P2=$(sed -nE 's/^  POP3 +[^ ]+:([0-9]+) .*/\1/p' "$W/lab2.out")
	printf 'USER student\nQUIT\n' >"$W/tlsreq.in"
	MB_INPUT=$W/tlsreq.in mb_batch "$W/tlsreq" 30 "pop3://127.0.0.1:$P2"
	expect "$T: [AUTH] plaintext disallowed explained as TLS required" "$W/tlsreq" \
		explained "$W/tlsreq.out" '-ERR \[AUTH\] Plaintext authentication disallowed' \
		'-ERR \[AUTH\] TLS required: .*not a wrong password · next: /starttls'
	printf '/auth USER student\nQUIT\n' >"$W/delay.in"
	MB_INPUT=$W/delay.in mb_batch "$W/delay1" 30 --starttls --cafile "$W/ca2.pem" "pop3://127.0.0.1:$P2"
	MB_INPUT=$W/delay.in mb_batch "$W/delay2" 30 --starttls --cafile "$W/ca2.pem" "pop3://127.0.0.1:$P2"
	expect "$T: [LOGIN-DELAY] explained: too soon, not the password, wait" "$W/delay2" \
		explained "$W/delay2.out" '-ERR \[LOGIN-DELAY\]' '-ERR \[LOGIN-DELAY\] logged in again too soon.*not a wrong password.* next: wait'
else
	fail "$T: the scenario lab starts" "$(cat "$W/lab2.out" "$W/lab2.err")"
fi
# ---- SMTP "= " lines from the session's facts ----------------------------
cat >"$W/explain.in" <<'EOF'
EHLO x
MAIL FROM:<a@example.org>
RCPT TO:<x@example.org>
DATA
RSET
STARTTLS
STARTTLS
EHLO x
/auth PLAIN student
MAIL FROM:<student@lab.example>
RCPT TO:<student@lab.example>
DATA
Subject: explained

hi
.
QUIT
EOF
MB_INPUT=$W/explain.in mb_batch "$W/explain" 30 --cafile "$CA" "smtp://127.0.0.1:$SMTP"
f=$W/explain.out
expect_rc "$T: explained SMTP session has negatives (exit 1)" "$W/explain" 1
expect "$T: = EHLO in plain: STARTTLS offered" "$W/explain" means "$f" '250 HELP' 'STARTTLS offered: /starttls'
expect "$T: = relaying denied: /auth or a local address" "$W/explain" \
	means "$f" '550 5.7.1 Relay access denied' 'relaying denied' 'lack of security'
expect "$T: = DATA without an accepted recipient" "$W/explain" \
	means "$f" '554 5.5.1 Error: no valid recipients' 'no recipient was accepted'
expect "$T: = STARTTLS twice: TLS already active" "$W/explain" \
	means "$f" '503 5.5.1 Error: TLS already active' 'TLS already active' 'lack of security'
expect "$T: = AUTH appeared after STARTTLS" "$W/explain" \
	means_nth 2 "$f" '250 HELP' 'AUTH PLAIN LOGIN CRAM-MD5 appeared after STARTTLS'
expect "$T: = 235 authenticated" "$W/explain" means "$f" '235 2.7.0' 'authenticated'
qid=$(sed -n 's/^S: 250 2\.0\.0 Ok: queued as \([^ ]*\)$/\1/p' "$f" | head -1)
expect "$T: = message accepted, server responsible, queue id" "$W/explain" eval \
	"[ -n '$qid' ] && means '$f' '250 2.0.0 Ok: queued as' 'the server is now responsible for delivering it' &&
	 means '$f' '250 2.0.0 Ok: queued as' 'queue id $qid'"

# The classroom scenarios, each on its own lab: the reply and its meaning.
scenario_lab() {	# scenario_lab NAME: a lab with --scenario NAME; sets SC_SMTP
	"$MAILBENCH" lab --pop3-port 0 --pop3s-port 0 --smtp-port 0 --smtps-port 0 \
		--scenario "$1" >"$W/lab-$1.out" 2>"$W/lab-$1.err" </dev/null &
	on_exit "kill $!; wait $!"
	wait_for 20 grep -q '^ready$' "$W/lab-$1.out" || return 1
	SC_SMTP=$(sed -nE "s/^  SMTP +[^ ]+:([0-9]+) .*/\\1/p" "$W/lab-$1.out")
}
scenario() {	# scenario NAME PREFIX WANT NEVER: the session of $W/sc.in
	local n=$1
	if ! scenario_lab "$n"; then
		fail "$T: lab --scenario $n starts" "$(cat "$W/lab-$n.out" "$W/lab-$n.err")"
		return
	fi
	MB_INPUT=$W/sc.in mb_batch "$W/sc-$n" 30 "smtp://127.0.0.1:$SC_SMTP"
	expect "$T: scenario $n: = $3" "$W/sc-$n" means "$W/sc-$n.out" "$2" "$3" "$4"
}
printf 'EHLO x\nMAIL FROM:<a@example.org>\nRCPT TO:<student@lab.example>\nQUIT\n' >"$W/sc.in"
scenario greylist '451 4.7.1 Greylisted' 'greylisted: a deferral' 'relaying denied'
scenario mailbox-full '452 4.2.2 Mailbox full' 'mailbox full' 'relaying denied'
# relay-denied takes local mail without AUTH; another domain is refused.
printf 'EHLO x\nMAIL FROM:<a@example.org>\nRCPT TO:<someone@example.com>\nQUIT\n' >"$W/sc.in"
scenario relay-denied '550 5.7.1 Relay access denied' 'authenticate (/auth)' 'lack of security'
printf 'EHLO x\nMAIL FROM:<a@example.org>\nRCPT TO:<student@lab.example>\nQUIT\n' >"$W/sc.in"
scenario tls-required '530 5.7.0 Must issue a STARTTLS' 'TLS required' 'relaying denied'
expect "$T: scenario tls-required: = says /starttls" "$W/sc-tls-required" \
	means "$W/sc-tls-required.out" '530 5.7.0' '/starttls, then EHLO again'

# ---- an unknown --scenario names the known ones -------------------------
timeout 10 "$MAILBENCH" lab --scenario bogus >"$W/sc.out" 2>"$W/sc.err" </dev/null
echo $? >"$W/sc.rc"
expect_rc "$T: lab --scenario bogus is a usage error (exit 2)" "$W/sc" 2
expect "$T: the unknown scenario message lists the known ones" "$W/sc" \
	has_line "$W/sc.err" 'unknown scenario "bogus"; one of: greylist .*drop-retr'
finish

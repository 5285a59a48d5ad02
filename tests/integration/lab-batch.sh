#!/bin/bash
# SPDX-License-Identifier: MIT
# mailbench's own batch mode against `mailbench lab`: a POP3 session that
# logs in and reads the sample mailbox, an SMTP session over STARTTLS with
# AUTH that sends mail, and the same mail read back over POP3S.
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
# ---- an unknown --scenario names the known ones -------------------------
timeout 10 "$MAILBENCH" lab --scenario bogus >"$W/sc.out" 2>"$W/sc.err" </dev/null
echo $? >"$W/sc.rc"
expect_rc "$T: lab --scenario bogus is a usage error (exit 2)" "$W/sc" 2
expect "$T: the unknown scenario message lists the known ones" "$W/sc" \
	has_line "$W/sc.err" 'unknown scenario "bogus"; one of: greylist .*drop-retr'
finish

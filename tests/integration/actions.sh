#!/bin/bash
# SPDX-License-Identifier: MIT
# The one "* " outcome line of /auth and /send against the lab's failing
# scenarios (tls-required, greylist, relay-denied, auth-fail, login-delay)
# and a held mailbox lock ([IN-USE]): each names the cause and the next
# step; /send uses STARTTLS and AUTH when offered and says why not.
. "$(dirname "$0")/../lib.sh"
T=actions

if ! have_mailbench; then
	skip "$T: all" "mailbench or its batch mode is not built"
	exit 0
fi
W=$(workdir actions) || exit 1
on_exit "rm -rf '$W'"

# lab NAME SCENARIO: start a lab (scenario "" for none) and set POP3, SMTP
# and CA for it; stopped at exit.
lab() {
	local n=$1 sc=$2 pid
	local args=(--pop3-port 0 --pop3s-port -1 --smtp-port 0 --smtps-port -1
		--cert-out "$W/$n-ca.pem")
	[ -n "$sc" ] && args+=(--scenario "$sc")
	"$MAILBENCH" lab "${args[@]}" >"$W/$n-lab.out" 2>"$W/$n-lab.err" </dev/null &
	pid=$!
	on_exit "kill $pid; wait $pid"
	if ! wait_for 20 grep -q '^ready$' "$W/$n-lab.out"; then
		fail "$T: lab $n starts" "$(cat "$W/$n-lab.out" "$W/$n-lab.err")"
		return 1
	fi
	POP3=$(sed -nE "s/^  POP3 +[^ ]+:([0-9]+) .*/\\1/p" "$W/$n-lab.out")
	SMTP=$(sed -nE "s/^  SMTP +[^ ]+:([0-9]+) .*/\\1/p" "$W/$n-lab.out")
	CA=$W/$n-ca.pem
}
# outcome NAME FILE REGEX: FILE's transcript has the outcome line.
outcome() { expect "$T: $1" "${2%.out}" has_line "$2" "$3"; }
export MAILBENCH_PASSWORD=student
FORM='a@example.org\nstudent@lab.example\n\ns\nhello\n.\nQUIT\n'

# ---- tls-required --------------------------------------------------------
if lab tls tls-required; then
	# HELO: no capabilities, so /send cannot know STARTTLS is there.
	printf "HELO x\n/send\n$FORM" >"$W/tls-mail.in"
	MB_INPUT=$W/tls-mail.in mb_batch "$W/tls-mail" 30 "smtp://127.0.0.1:$SMTP"
	outcome "tls-required: MAIL refused with 530 says /starttls, then /send" "$W/tls-mail.out" \
		'^\* /send: not sent: MAIL FROM:<a@example\.org> was refused, 530 5\.7\.0: the server accepts this only over an encrypted connection; /starttls first, then /send again$'
	expect "$T: tls-required: no RCPT after the refused MAIL" "$W/tls-mail" no_line "$W/tls-mail.out" '^C: RCPT'
	# /send after EHLO: STARTTLS first, then the mail goes through.
	printf "/send\n$FORM" >"$W/tls-send.in"
	MB_INPUT=$W/tls-send.in mb_batch "$W/tls-send" 30 --cafile "$CA" "smtp://127.0.0.1:$SMTP"
	expect_rc "$T: tls-required: /send with STARTTLS exits 0" "$W/tls-send" 0
	outcome "tls-required: /send says it starts TLS" "$W/tls-send.out" \
		'^\* /send: the server offers STARTTLS and the connection is plain: starting TLS first'
	expect "$T: tls-required: TLS is up before MAIL" "$W/tls-send" eval \
		"[ \$(grep -n '^\\* TLS handshake done' '$W/tls-send.out' | cut -d: -f1) -lt \$(grep -n '^C: MAIL' '$W/tls-send.out' | cut -d: -f1) ]"
	outcome "tls-required: /send names the reason it does not log in" "$W/tls-send.out" \
		'^\* /send: the server offers AUTH \(.*\) but no user given: sending unauthenticated'
	outcome "tls-required: accepted, with the lab's queue id" "$W/tls-send.out" \
		'^\* /send: message accepted for 1 recipient; queued as [A-Za-z0-9.]+$'
	# A certificate that cannot be verified: the handshake fails and the
	# session ends (exit 3) before any login or mail goes out.
	MB_INPUT=$W/tls-send.in mb_batch "$W/tls-bad" 30 "smtp://student@127.0.0.1:$SMTP"
	expect_rc "$T: tls-required: /send over a failed handshake exits 3" "$W/tls-bad" 3
	expect "$T: tls-required: the failed handshake says why, nothing more is sent" "$W/tls-bad" eval \
		"has_line '$W/tls-bad.out' '^\\* the server.s certificate is self-signed' &&
		no_line '$W/tls-bad.out' '^C: (AUTH|MAIL)'"
	# POP3: USER in the clear -> -ERR [AUTH] Plaintext ...: TLS first.
	printf '/auth USER student\nQUIT\n' >"$W/tls-pop.in"
	MB_INPUT=$W/tls-pop.in mb_batch "$W/tls-pop" 30 "pop3://127.0.0.1:$POP3"
	outcome "tls-required: POP3 [AUTH] plaintext read as TLS required" "$W/tls-pop.out" \
		'^\* authentication failed as student \(USER\): USER was refused, -ERR \[AUTH\]: the server accepts this only over an encrypted connection; /starttls first, then /auth again$'
fi

# ---- greylist ----------------------------------------------------------------
if lab grey greylist; then
	# After EHLO the form asks for an AUTH user (the lab offers STARTTLS,
	# after which it offers AUTH): none. /send starts TLS, so trust the
	# lab's certificate.
	printf "EHLO x\n/send\n\n$FORM" >"$W/grey.in"
	MB_INPUT=$W/grey.in mb_batch "$W/grey" 30 --cafile "$CA" "smtp://127.0.0.1:$SMTP"
	outcome "greylist: 451 4.7.1 says greylisted, retry in a few minutes" "$W/grey.out" \
		'^\* /send: not sent: the recipient student@lab\.example was refused, 451 4\.7\.1: greylisted: .*; retry in a few minutes'
	# PIPELINING: DATA went with RCPT and is refused; no text goes out.
	expect "$T: greylist: no message text, RSET ends the transaction" "$W/grey" eval \
		"no_line '$W/grey.out' '^S: 354' && has_line '$W/grey.out' '^C: RSET'"
	MB_INPUT=$W/grey.in mb_batch "$W/grey2" 30 --cafile "$CA" "smtp://127.0.0.1:$SMTP"
	outcome "greylist: the retry is accepted" "$W/grey2.out" \
		'^\* /send: message accepted for 1 recipient; queued as '
fi

# ---- relay-denied --------------------------------------------------------
if lab relay relay-denied; then
	# Local mail needs no AUTH in relay-denied: send to another domain.
	RFORM='a@example.org\nsomeone@example.com\n\ns\nhello\n.\nQUIT\n'
	printf "EHLO x\n/send\n\n$RFORM" >"$W/relay.in"
	MB_INPUT=$W/relay.in mb_batch "$W/relay" 30 --cafile "$CA" "smtp://127.0.0.1:$SMTP"
	expect "$T: relay-denied: the form asks for an AUTH user" "$W/relay" \
		has_line "$W/relay.out" '^\* AUTH user \(empty: send without logging in\):'
	outcome "relay-denied: 550 5.7.1 says authenticate or send locally" "$W/relay.out" \
		'^\* /send: not sent: the recipient someone@example\.com was refused, 550 5\.7\.1: relaying denied: .*; authenticate \(/auth\) or send to a local address, then /send again$'
	# The URL's user: STARTTLS, AUTH (password from MAILBENCH_PASSWORD).
	printf "/send\n$RFORM" >"$W/relay-auth.in"
	MB_INPUT=$W/relay-auth.in mb_batch "$W/relay-auth" 30 --cafile "$CA" "smtp://student@127.0.0.1:$SMTP"
	expect_rc "$T: relay-denied: /send with AUTH exits 0" "$W/relay-auth" 0
	outcome "relay-denied: /send authenticates as the URL's user" "$W/relay-auth.out" \
		'^\* /send: authenticated as student \(PLAIN\)$'
	expect "$T: relay-denied: AUTH only after TLS" "$W/relay-auth" eval \
		"[ \$(grep -n '^\\* TLS handshake done' '$W/relay-auth.out' | cut -d: -f1) -lt \$(grep -n '^C: AUTH' '$W/relay-auth.out' | cut -d: -f1) ]"
	expect "$T: relay-denied: the AUTH payload never shows" "$W/relay-auth" \
		no_secret "$W/relay-auth.out" "AHN0dWRlbnQAc3R1ZGVudA=="
	outcome "relay-denied: accepted after AUTH" "$W/relay-auth.out" \
		'^\* /send: message accepted for 1 recipient; queued as '
	# The user typed in the form, the password from --password-file.
	printf 'student\n' >"$W/pwfile"
	chmod 600 "$W/pwfile"	# mailbench refuses a password file others can read
	printf "EHLO x\n/send\nstudent\n$RFORM" >"$W/relay-form.in"
	MAILBENCH_PASSWORD= MB_INPUT=$W/relay-form.in mb_batch "$W/relay-form" 30 --cafile "$CA" \
		--password-file "$W/pwfile" "smtp://127.0.0.1:$SMTP"
	outcome "relay-denied: the form's AUTH user and --password-file" "$W/relay-form.out" \
		'^\* /send: authenticated as student \(PLAIN\)$'
fi

# ---- auth-fail -------------------------------------------------------------
if lab fail auth-fail; then
	printf '/auth USER student\nQUIT\n' >"$W/fail-pop.in"
	MB_INPUT=$W/fail-pop.in mb_batch "$W/fail-pop" 30 "pop3://127.0.0.1:$POP3"
	outcome "auth-fail: POP3 wrong credentials" "$W/fail-pop.out" \
		'^\* authentication failed as student \(USER\), -ERR \[AUTH\]: wrong user name or password.*; check both and /auth again$'
	printf 'EHLO x\nSTARTTLS\nEHLO x\n/auth PLAIN student\nQUIT\n' >"$W/fail-smtp.in"
	MB_INPUT=$W/fail-smtp.in mb_batch "$W/fail-smtp" 30 --cafile "$CA" "smtp://127.0.0.1:$SMTP"
	outcome "auth-fail: SMTP 535 5.7.8 wrong credentials" "$W/fail-smtp.out" \
		'^\* authentication failed as student \(PLAIN\), 535 5\.7\.8: wrong user name or password'
	printf "/send\n$FORM" >"$W/fail-send.in"
	MB_INPUT=$W/fail-send.in mb_batch "$W/fail-send" 30 --cafile "$CA" "smtp://student@127.0.0.1:$SMTP"
	outcome "auth-fail: /send stops at the refused AUTH" "$W/fail-send.out" \
		'^\* /send: not sent: AUTH PLAIN as student was refused, 535 5\.7\.8: wrong user name or password'
	expect "$T: auth-fail: no MAIL after the refused AUTH" "$W/fail-send" no_line "$W/fail-send.out" '^C: MAIL'
fi

# ---- [IN-USE] and login-delay ------------------------------------------------
# hold_login: a second client logs in on fd 5 and keeps the session.
hold_login() {
	exec 5<>"/dev/tcp/127.0.0.1/$POP3"
	printf 'USER student\r\nPASS student\r\n' >&5
	read -r -t 5 _ <&5; read -r -t 5 _ <&5; read -r -t 5 held <&5
}
release_login() {
	printf 'QUIT\r\n' >&5
	read -r -t 5 _ <&5
	exec 5<&-
}
printf 'CAPA\n/auth USER student\nQUIT\n' >"$W/login.in"
if lab inuse ""; then
	hold_login
	MB_INPUT=$W/login.in mb_batch "$W/inuse" 30 "pop3://127.0.0.1:$POP3"
	release_login
	outcome "IN-USE: the lock, not the password (holder: ${held%$'\r'})" "$W/inuse.out" \
		'^\* authentication failed as student \(USER\), -ERR \[IN-USE\]: the login itself was accepted, but another session holds the mailbox lock .*; close the other mail client or wait until its session ends, then /auth again$'
fi
if lab delay login-delay; then
	hold_login
	release_login
	MB_INPUT=$W/login.in mb_batch "$W/delay" 30 "pop3://127.0.0.1:$POP3"
	outcome "login-delay: wait the CAPA LOGIN-DELAY seconds (first: ${held%$'\r'})" "$W/delay.out" \
		'^\* authentication failed as student \(USER\), -ERR \[LOGIN-DELAY\]: the login came too soon .*; wait 30 seconds \(CAPA LOGIN-DELAY\), then /auth again$'
fi
finish

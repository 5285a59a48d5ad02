#!/bin/bash
# SPDX-License-Identifier: MIT
# Independent real clients against `mailbench lab`: swaks sends over
# STARTTLS with each AUTH mechanism and over implicit TLS; mpop and
# fetchmail retrieve what swaks sent; curl speaks pop3://, pop3s://,
# smtp:// and smtps://. Every client verifies the lab's certificate.
. "$(dirname "$0")/../lib.sh"
T=lab-clients

if [ ! -x "$MAILBENCH" ]; then
	skip "$T: all" "$MAILBENCH not built"
	exit 0
fi
W=$(workdir lab-clients) || exit 1
on_exit "rm -rf '$W'"

# lab_start DIR ARGS...: run the lab in the background, wait for its
# banner, set POP3 POP3S SMTP SMTPS MAILDIR CA.
lab_start() {
	local d=$1
	shift
	"$MAILBENCH" lab --pop3-port 0 --pop3s-port 0 --smtp-port 0 \
		--smtps-port 0 --cert-out "$d/ca.pem" "$@" >"$d/lab.out" \
		2>"$d/lab.err" </dev/null &
	LAB_PID=$!
	on_exit "kill $LAB_PID; wait $LAB_PID"
	if ! wait_for 20 grep -q '^ready$' "$d/lab.out"; then
		note "lab did not start: $(cat "$d/lab.out" "$d/lab.err")"
		return 1
	fi
	port_of() { sed -nE "s/^  $1 +[^ ]+:([0-9]+) .*/\\1/p" "$d/lab.out"; }
	POP3=$(port_of POP3)
	POP3S=$(port_of POP3S)
	SMTP=$(port_of SMTP)
	SMTPS=$(port_of SMTPS)
	MAILDIR=$(sed -nE 's/^  Maildir ([^ ]+).*/\1/p' "$d/lab.out")
	CA=$d/ca.pem
	[ -n "$POP3" ] && [ -n "$SMTPS" ] && [ -s "$CA" ]
}

if ! lab_start "$W"; then
	fail "$T: lab starts"
	finish
fi
pass "$T: lab starts"

# ---- swaks: STARTTLS + each AUTH mechanism, and implicit TLS ----------
if command -v swaks >/dev/null; then
	for mech in PLAIN LOGIN CRAM-MD5; do
		timeout 30 swaks --server 127.0.0.1 --port "$SMTP" --tls \
			--tls-verify --tls-ca-path "$CA" \
			--auth "$mech" --auth-user student --auth-password student \
			--from swaks@example.org --to student@lab.example \
			--header "Subject: swaks $mech" \
			--body "sent by swaks with AUTH $mech" >"$W/swaks-$mech" 2>&1
		rc=$?
		if [ $rc = 0 ] && grep -q '<~  250 2.0.0' "$W/swaks-$mech" &&
			grep -q "<~  235 2.7.0" "$W/swaks-$mech"; then
			pass "$T: swaks STARTTLS + AUTH $mech delivers"
		else
			fail "$T: swaks STARTTLS + AUTH $mech delivers" "exit $rc"
			sed 's/^/  | /' "$W/swaks-$mech" | tail -30 >&2
		fi
	done
	timeout 30 swaks --server 127.0.0.1 --port "$SMTPS" --tlsc \
		--tls-verify --tls-ca-path "$CA" \
		--auth PLAIN --auth-user student --auth-password student \
		--from swaks@example.org --to student@lab.example \
		--header "Subject: swaks smtps" --body "implicit TLS" \
		>"$W/swaks-smtps" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q '<~  250 2.0.0' "$W/swaks-smtps"; then
		pass "$T: swaks implicit TLS (smtps) delivers"
	else
		fail "$T: swaks implicit TLS (smtps) delivers" "exit $rc"
		tail -20 "$W/swaks-smtps" >&2
	fi
	timeout 30 swaks --server 127.0.0.1 --port "$SMTP" \
		--from swaks@example.org --to someone@example.com \
		--quit-after RCPT >"$W/swaks-relay" 2>&1
	if grep -q '<\*\* 550 5.7.1' "$W/swaks-relay"; then
		pass "$T: swaks sees relay denied (550 5.7.1)"
	else
		fail "$T: swaks sees relay denied (550 5.7.1)"
		tail -10 "$W/swaks-relay" >&2
	fi
	timeout 30 swaks --server 127.0.0.1 --port "$SMTP" \
		--auth PLAIN --auth-user student --auth-password student \
		--from swaks@example.org --to student@lab.example \
		>"$W/swaks-noauth" 2>&1
	if grep -qE 'not advertised|Host did not advertise authentication' "$W/swaks-noauth"; then
		pass "$T: swaks: no AUTH offered without TLS"
	else
		fail "$T: swaks: no AUTH offered without TLS"
		tail -10 "$W/swaks-noauth" >&2
	fi
else
	skip "$T: swaks" "swaks not installed"
fi

# ---- mpop: STLS, then retrieve everything into an mbox ----------------
if command -v mpop >/dev/null && command -v swaks >/dev/null; then
	cat >"$W/mpoprc" <<EOF
defaults
tls on
tls_starttls on
tls_trust_file $CA
account lab
host 127.0.0.1
port $POP3
user student
password student
auth user
delivery mbox $W/mpop.mbox
keep on
uidls_file $W/mpop.uidls
EOF
	chmod 600 "$W/mpoprc"
	: >"$W/mpop.mbox"
	timeout 30 mpop -C "$W/mpoprc" lab >"$W/mpop.out" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q '^Subject: swaks PLAIN' "$W/mpop.mbox" &&
		grep -q '^Subject: swaks CRAM-MD5' "$W/mpop.mbox" &&
		grep -q '^Subject: swaks smtps' "$W/mpop.mbox"; then
		pass "$T: mpop (STLS) retrieves what swaks sent"
	else
		fail "$T: mpop (STLS) retrieves what swaks sent" "exit $rc"
		cat "$W/mpop.out" >&2
	fi
	if grep -q "with ESMTPSA" "$W/mpop.mbox" &&
		grep -q '^Return-Path: <swaks@example.org>' "$W/mpop.mbox"; then
		pass "$T: delivered mail has Return-Path and Received (ESMTPSA)"
	else
		fail "$T: delivered mail has Return-Path and Received (ESMTPSA)"
	fi
	if grep -q '^Subject: Welcome to the mailbench lab' "$W/mpop.mbox"; then
		pass "$T: mpop sees the sample mailbox"
	else
		fail "$T: mpop sees the sample mailbox"
	fi
	# A second run with the UIDL file fetches nothing new (stable UIDs).
	: >"$W/mpop2.mbox"
	sed -i "s|$W/mpop.mbox|$W/mpop2.mbox|" "$W/mpoprc"
	timeout 30 mpop -C "$W/mpoprc" lab >"$W/mpop2.out" 2>&1
	if [ ! -s "$W/mpop2.mbox" ]; then
		pass "$T: mpop: UIDs are stable (nothing new on the second run)"
	else
		fail "$T: mpop: UIDs are stable (nothing new on the second run)"
	fi
else
	skip "$T: mpop" "mpop or swaks not installed"
fi

# ---- fetchmail: POP3S, keep, deliver through an MDA ---------------------
if command -v fetchmail >/dev/null; then
	cat >"$W/fetchmailrc" <<EOF
set no bouncemail
poll 127.0.0.1 service $POP3S protocol POP3 auth password
  user "student" password "student" is "student" here
  ssl sslcertck sslcertfile "$CA" sslcommonname "lab.example"
  keep fetchall
  mda "cat >> $W/fetchmail.out"
EOF
	chmod 600 "$W/fetchmailrc"
	HOME=$W timeout 60 fetchmail -f "$W/fetchmailrc" --pidfile "$W/fm.pid" \
		--nodetach --idfile "$W/fm.ids" >"$W/fetchmail.log" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q '^Subject: swaks LOGIN' "$W/fetchmail.out" &&
		grep -q '^Subject: Lines that begin with a dot' "$W/fetchmail.out"; then
		pass "$T: fetchmail (POP3S, certificate checked) retrieves"
	else
		fail "$T: fetchmail (POP3S, certificate checked) retrieves" "exit $rc"
		tail -20 "$W/fetchmail.log" >&2
	fi
else
	skip "$T: fetchmail" "fetchmail not installed"
fi

# ---- curl: pop3, pop3 with STLS, pop3s, smtp, smtps ---------------------
if command -v curl >/dev/null; then
	curl -sS --max-time 20 -u student:student "pop3://127.0.0.1:$POP3/" \
		>"$W/curl-list" 2>&1
	if grep -qE '^1 [0-9]+' "$W/curl-list"; then
		pass "$T: curl pop3:// LIST"
	else
		fail "$T: curl pop3:// LIST"
		cat "$W/curl-list" >&2
	fi
	curl -sS --max-time 20 --ssl-reqd --cacert "$CA" -u student:student \
		"pop3://127.0.0.1:$POP3/1" >"$W/curl-retr" 2>&1
	if grep -q '^Subject: Welcome to the mailbench lab' "$W/curl-retr"; then
		pass "$T: curl pop3:// with STLS (--ssl-reqd) RETR"
	else
		fail "$T: curl pop3:// with STLS (--ssl-reqd) RETR"
		head "$W/curl-retr" >&2
	fi
	curl -sS --max-time 20 --cacert "$CA" -u student:student \
		"pop3s://127.0.0.1:$POP3S/2" >"$W/curl-pop3s" 2>&1
	if grep -q 'multipart/alternative' "$W/curl-pop3s"; then
		pass "$T: curl pop3s:// RETR"
	else
		fail "$T: curl pop3s:// RETR"
		head "$W/curl-pop3s" >&2
	fi
	printf 'From: curl@example.org\r\nTo: student@lab.example\r\nSubject: curl smtp\r\n\r\nsent by curl\r\n.leading dot\r\n' >"$W/curl-mail"
	curl -sS --max-time 20 --mail-from curl@example.org \
		--mail-rcpt student@lab.example --upload-file "$W/curl-mail" \
		"smtp://127.0.0.1:$SMTP/client.example" >"$W/curl-smtp" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		pass "$T: curl smtp:// sends"
	else
		fail "$T: curl smtp:// sends" "exit $rc"
		cat "$W/curl-smtp" >&2
	fi
	curl -sS --max-time 20 --cacert "$CA" -u student:student \
		--mail-from curl@example.org --mail-rcpt student@lab.example \
		--upload-file "$W/curl-mail" \
		"smtps://127.0.0.1:$SMTPS/client.example" >"$W/curl-smtps" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		pass "$T: curl smtps:// with login sends"
	else
		fail "$T: curl smtps:// with login sends" "exit $rc"
		cat "$W/curl-smtps" >&2
	fi
	curl -sS --max-time 20 --mail-from curl@example.org \
		--mail-rcpt nobody@lab.example --upload-file "$W/curl-mail" \
		"smtp://127.0.0.1:$SMTP/client.example" >"$W/curl-smtp-bad" 2>&1
	if grep -q '550' "$W/curl-smtp-bad"; then
		pass "$T: curl smtp:// to an unknown user fails with 550"
	else
		fail "$T: curl smtp:// to an unknown user fails with 550"
		cat "$W/curl-smtp-bad" >&2
	fi
	n=$(grep -l '^Subject: curl smtp' "$MAILDIR"/student/new/* 2>/dev/null | wc -l)
	if [ "$n" = 2 ] && grep -q '^\.leading dot' \
		$(grep -l '^Subject: curl smtp' "$MAILDIR"/student/new/* | head -1); then
		pass "$T: both curl messages are in the Maildir, dot line intact"
	else
		fail "$T: both curl messages are in the Maildir, dot line intact" "found $n"
	fi
else
	skip "$T: curl" "curl not installed"
fi

if kill -0 "$LAB_PID" 2>/dev/null; then
	pass "$T: the lab is still running"
else
	fail "$T: the lab is still running"
fi
kill "$LAB_PID"
if wait_for 5 bash -c "! kill -0 $LAB_PID 2>/dev/null"; then
	pass "$T: the lab stops on SIGTERM"
else
	fail "$T: the lab stops on SIGTERM"
fi
if [ -n "$MAILDIR" ] && [ ! -e "$MAILDIR" ]; then
	pass "$T: the temporary Maildir is gone"
else
	fail "$T: the temporary Maildir is gone" "$MAILDIR"
fi
finish

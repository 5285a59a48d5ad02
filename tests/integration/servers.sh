#!/bin/bash
# SPDX-License-Identifier: MIT
# The test servers themselves, without mailbench: scripts/dovecot-start and
# scripts/postfix-start bring up private instances on loopback high ports
# that Python's poplib/smtplib can use (plain, STLS/STARTTLS, implicit TLS,
# verified with the test CA; the other CA fails), two instances can run at
# once, and the stop scripts leave no process behind.
. "$(dirname "$0")/../lib.sh"

reap_stale servers
W=$(workdir servers)
on_exit "rm_workdir '$W'"
command -v python3 >/dev/null || { skip servers/all "python3 is not installed"; finish; }
[ "$(id -u)" = 0 ] || { skip servers/all "needs root, as CI runs"; finish; }

# gone PID: the process has exited (or is a zombie).
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# --- certificates
if "$LIB_ROOT/scripts/gen-certs" "$W/certs" &&
	openssl verify -CAfile "$W/certs/ca.pem" "$W/certs/server.pem" >/dev/null 2>&1 &&
	! openssl verify -CAfile "$W/certs/other-ca.pem" "$W/certs/server.pem" >/dev/null 2>&1 &&
	[ -s "$W/certs/dh.pem" ]; then
	pass servers/gen-certs
else
	fail servers/gen-certs
fi

# --- Dovecot
if [ ! -x /usr/sbin/dovecot ] || [ ! -e /usr/lib/dovecot/pop3-login ]; then
	skip servers/dovecot "dovecot is not installed: scripts/install-deps --test"
else
	D1=$W/dc1 D2=$W/dc2
	on_exit "'$LIB_ROOT/scripts/dovecot-stop' '$D1'; '$LIB_ROOT/scripts/dovecot-stop' '$D2'"
	if "$LIB_ROOT/scripts/dovecot-start" "$D1" --messages 30 >"$W/dc1.log" 2>&1 &&
		"$LIB_ROOT/scripts/dovecot-start" "$D2" --messages 3 >"$W/dc2.log" 2>&1; then
		pass servers/dovecot-start-two
	else
		fail servers/dovecot-start-two "$(cat "$W/dc1.log" "$W/dc2.log")"
	fi
	if [ -s "$D1/ports" ]; then
		(
			. "$D1/ports"
			python3 - <<PY
import poplib, ssl, sys
ctx = ssl.create_default_context(cafile="$DOVECOT_CAFILE")
p = poplib.POP3("127.0.0.1", $DOVECOT_POP3_PORT, timeout=10)
p.stls(ctx)
p.user("$DOVECOT_USER"); p.pass_("$DOVECOT_PASSWORD")
assert p.stat()[0] == 30, p.stat()
hdr = p.top(7, 0)[1]
assert b"X-Mailbench-Seq: 7" in hdr, hdr
assert b"Subject: test message 11" in p.top(11, 0)[1]
body = p.retr(11)[1]
assert b".leading dot line" in body and b"." in body, body
p.quit()
s = poplib.POP3_SSL("127.0.0.1", $DOVECOT_POP3S_PORT, context=ctx, timeout=10)
s.apop("$DOVECOT_USER", "$DOVECOT_PASSWORD")
assert s.stat()[0] == 30
s.quit()
bad = ssl.create_default_context(cafile="$DOVECOT_OTHER_CAFILE")
try:
    poplib.POP3_SSL("127.0.0.1", $DOVECOT_POP3S_PORT, context=bad, timeout=10)
except ssl.SSLCertVerificationError:
    sys.exit(0)
sys.exit("wrong CA accepted")
PY
		) 2>"$W/dc-py.err" && pass servers/dovecot-pop3 || fail servers/dovecot-pop3 "$(cat "$W/dc-py.err")"
		pid1=$(. "$D1/ports"; echo "$DOVECOT_PID")
		pid2=$(. "$D2/ports" 2>/dev/null; echo "${DOVECOT_PID:-}")
		inst1=$(. "$D1/ports"; echo "$DOVECOT_INSTANCE")
		"$LIB_ROOT/scripts/dovecot-stop" "$D1"
		"$LIB_ROOT/scripts/dovecot-stop" "$D2"
		# No process of ours may outlive the stop: the masters and their
		# children, titled "dovecot-INSTANCE/service".
		left() { for q in /proc/[0-9]*; do
			tr '\0' ' ' 2>/dev/null <"$q/cmdline" | grep -q "^dovecot-$inst1/" && echo "${q#/proc/}"
		done; }
		if [ -n "$inst1" ] && wait_for 5 gone "$pid1" && { [ -z "$pid2" ] || wait_for 5 gone "$pid2"; } &&
			wait_for 5 test -z "$(left)"; then
			pass servers/dovecot-stop
		else
			fail servers/dovecot-stop "left behind: $(left)"
		fi
	fi
fi

# --- Postfix
if [ ! -x /usr/sbin/postfix ] || [ ! -x /usr/lib/postfix/sbin/virtual ]; then
	skip servers/postfix "postfix is not installed: scripts/install-deps --test"
else
	F=$W/pf
	on_exit "'$LIB_ROOT/scripts/postfix-stop' '$F'"
	if "$LIB_ROOT/scripts/postfix-start" "$F" >"$W/pf.log" 2>&1; then
		pass servers/postfix-start
		(
			. "$F/ports"
			python3 - <<PY
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile="$POSTFIX_CAFILE")
s = smtplib.SMTP("127.0.0.1", $POSTFIX_SMTP_PORT, timeout=10)
s.starttls(context=ctx)
s.sendmail("a@example.org", ["x@example.org", "y@example.net"],
           b"Subject: servers test\r\nMessage-ID: <servers@mailbench.test>\r\n\r\n.dot\r\nbody\r\n")
code, msg = s.mail("a@b", ["SIZE=999999999999"])
assert code == 552 and msg.startswith(b"5.3.4"), (code, msg)
s.quit()
t = smtplib.SMTP_SSL("127.0.0.1", $POSTFIX_SMTPS_PORT, context=ctx, timeout=10)
t.ehlo(); t.quit()
bad = ssl.create_default_context(cafile="$POSTFIX_OTHER_CAFILE")
try:
    smtplib.SMTP("127.0.0.1", $POSTFIX_SMTP_PORT, timeout=10).starttls(context=bad)
except ssl.SSLCertVerificationError:
    sys.exit(0)
sys.exit("wrong CA accepted")
PY
		) 2>"$W/pf-py.err" && pass servers/postfix-smtp || fail servers/postfix-smtp "$(cat "$W/pf-py.err")"
		. "$F/ports"
		# Delivered files only: new/ and cur/ (tmp/ holds files being written).
		n_got() { [ "$(find "$POSTFIX_SINK/new" "$POSTFIX_SINK/cur" -type f 2>/dev/null |
			xargs -r grep -lF 'Message-ID: <servers@mailbench.test>' | wc -l)" = 2 ]; }
		if wait_for 15 n_got && grep -rhx '\.dot' "$POSTFIX_SINK/new" "$POSTFIX_SINK/cur" >/dev/null 2>&1; then
			pass servers/postfix-delivery
		else
			fail servers/postfix-delivery "$(tail -20 "$POSTFIX_LOG")"
		fi
		"$LIB_ROOT/scripts/postfix-stop" "$F"
		if wait_for 5 gone "$POSTFIX_PID"; then
			pass servers/postfix-stop
		else
			fail servers/postfix-stop "master $POSTFIX_PID still runs"
		fi
	else
		fail servers/postfix-start "$(cat "$W/pf.log")"
	fi
fi
finish

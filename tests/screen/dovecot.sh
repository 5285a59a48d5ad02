#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests against a real, private Dovecot (scripts/dovecot-start):
# STLS-free plain login by hand with the password never echoed, /load of
# the filled Maildir, and implicit TLS verified with the test CA.
. "$(dirname "$0")/lib.sh"

TESTS="screen-dovecot-login screen-dovecot-load screen-dovecot-pop3s"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS
need "[ -x /usr/sbin/dovecot ] && [ -e /usr/lib/dovecot/pop3-login ]" \
    "dovecot is not installed: scripts/install-deps --test" $TESTS
need "[ \"\$(id -u)\" = 0 ]" "needs root to run a private Dovecot" $TESTS

# Dovecot drops privileges: its auth process must reach the passwd-file.
chmod 755 "$TMP"
D=$TMP/dovecot
EXTRA_CLEANUP="'$root/scripts/dovecot-stop' '$D' >/dev/null 2>&1"
if ! "$root/scripts/dovecot-start" "$D" --messages 40 >"$TMP/start.log" 2>&1; then
	sed 's/^/  | /' "$TMP/start.log" >&2
	for t in $TESTS; do echo "FAIL: $t (scripts/dovecot-start failed)"; done
	exit 1
fi
. "$D/ports"

t_login() {
	start 120 40 "$MB" "pop3://127.0.0.1:$DOVECOT_POP3_PORT" || return 1
	wait_for "S: +OK" || return 1
	wait_for "AUTHORIZATION" || return 1
	type_line "USER $DOVECOT_USER" || return 1
	wait_for "expects: PASS password" || return 1
	tm send-keys -t t -l "PASS $DOVECOT_PASSWORD" || return 1
	# The password is not echoed while typed...
	wait_for "PASS [typing hidden]" || return 1
	screen | grep -qF "$DOVECOT_PASSWORD" && return 1
	keys Enter || return 1
	wait_for "TRANSACTION" || return 1
	# ...nor shown in the transcript.
	wait_for "C: PASS ********" || return 1
	! screen | grep -qF "$DOVECOT_PASSWORD"
}

t_load() {
	type_line "/load" || return 1
	wait_for "/load: done" 30 || return 1
	wait_for "40 messages" || return 1
	keys C-q || return 1
	wait_exit
}

t_pop3s() {
	start 120 40 "$MB" --cafile "$DOVECOT_CAFILE" \
	    "pop3s://127.0.0.1:$DOVECOT_POP3S_PORT" || return 1
	wait_for "S: +OK" || return 1
	wait_for "TLSv1." || return 1
	screen | head -1 | grep -qi "verified" || return 1
	keys C-q || return 1
	wait_exit
}

t_login; r=$?; result screen-dovecot-login $r
if [ $r = 0 ]; then t_load; r=$?; else r=1; fi; result screen-dovecot-load $r
t_pop3s; result screen-dovecot-pop3s $?
[ $failures = 0 ]

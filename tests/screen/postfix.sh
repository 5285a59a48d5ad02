#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests against a real, private Postfix (scripts/postfix-start): the
# composer reads the engine's facts (issue 9 item 9). A command the server
# advertised (ETRN after "250-ETRN") is not "not a command of this
# protocol"; the expects: line offers STARTTLS only on a plain connection
# and AUTH only when the server offers it.
. "$(dirname "$0")/lib.sh"

TESTS="screen-postfix-advertised screen-postfix-expects"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS
need "[ -x /usr/sbin/postfix ]" \
    "postfix is not installed: scripts/install-deps --test" $TESTS
need "[ \"\$(id -u)\" = 0 ]" "needs root to run a private Postfix" $TESTS

chmod 755 "$TMP"
P=$TMP/postfix
EXTRA_CLEANUP="'$root/scripts/postfix-stop' '$P' >/dev/null 2>&1"
if ! "$root/scripts/postfix-start" "$P" >"$TMP/start.log" 2>&1; then
	sed 's/^/  | /' "$TMP/start.log" >&2
	for t in $TESTS; do echo "FAIL: $t (scripts/postfix-start failed)"; done
	exit 1
fi
. "$P/ports"

t_advertised() {
	start 140 40 "$MB" --cafile "$POSTFIX_CAFILE" \
	    "smtp://127.0.0.1:$POSTFIX_SMTP_PORT" || return 1
	wait_for "S: 220 " || return 1
	type_line "EHLO screen.example" || return 1
	wait_for "S: 250-ETRN" || return 1
	tm send-keys -t t -l "ETRN" || return 1
	wait_for "ETRN: advertised by this server (EHLO/CAPA)" || return 1
	screen | grep -q "not a command of this protocol" && return 1
	# A word nobody advertised still gets the warning.
	keys C-u || return 1
	tm send-keys -t t -l "XYZZY now" || return 1
	wait_for "not a command of this protocol" || return 1
	keys C-u || return 1
	return 0
}

# Continues the session above: plain, STARTTLS offered, no AUTH (this
# Postfix has no SASL): neither is listed when not valid.
t_expects() {
	wait_for "expects: MAIL FROM:<address> (or STARTTLS)" || return 1
	screen | grep -q "expects: .*AUTH" && return 1
	type_line "STARTTLS" || return 1
	wait_for "S: 220 2.0.0" || return 1
	wait_for "TLSv1" || return 1
	type_line "EHLO screen.example" || return 1
	wait_for "READY" || return 1
	wait_for "expects: MAIL FROM:<address>   |" || return 1
	screen | grep -q "expects: .*STARTTLS" && return 1
	keys C-q || return 1
	wait_exit
}

t_advertised; r=$?; result screen-postfix-advertised $r
if [ $r = 0 ]; then t_expects; r=$?; else r=1; fi
result screen-postfix-expects $r
[ $failures = 0 ]

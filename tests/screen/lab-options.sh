#!/bin/bash
# SPDX-License-Identifier: MIT
# mailbench --lab takes the lab's own options (issue 10): --accounts makes
# the workbench log in as student01, --scenario firewall masks the SMTP
# banner the workbench then connects to; a lab option without --lab is a
# usage error.
. "$(dirname "$0")/lib.sh"

TESTS="screen-lab-options screen-lab-options-usage"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

t_options() {
	local port
	start 120 40 "$MB" --lab --accounts 3 --scenario firewall || return 1
	wait_for "S: +OK" || return 1
	wait_for "practice account: user student01, password student01" || return 1
	port=$(screen | grep -o 'lab SMTP: /connect smtp://[0-9.]*:[0-9]*' | head -1 | sed 's/.*://')
	[ -n "$port" ] || return 1
	type_line "/connect smtp://127.0.0.1:$port" || return 1
	wait_for "S: 220 *********** ***** *************" || return 1
	type_line "EHLO pc.example" || return 1
	wait_for "S: 500 5.5.1 Command unrecognized" || return 1
	keys C-q || return 1
	wait_exit
}

t_usage() {
	local out rc
	out=$("$MB" --scenario greylist 2>&1 </dev/null); rc=$?
	[ $rc = 2 ] && printf '%s\n' "$out" | grep -q -- "go with --lab"
}

t_options; result screen-lab-options $?
t_usage; result screen-lab-options-usage $?
[ $failures = 0 ]

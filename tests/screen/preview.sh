#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen test of the TOP preview: t in the mailbox (TOP n 10) shows the
# headers and the first body lines in the message pane, dot-unstuffed and
# labelled as a preview; Enter then retrieves the whole message.
. "$(dirname "$0")/lib.sh"

TESTS="screen-top-preview screen-top-preview-retr"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

t_preview() {
	start 100 50 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	type_line "USER student" || return 1
	wait_for "C: USER student" || return 1
	type_line "PASS student" || return 1
	wait_for "TRANSACTION" || return 1
	type_line "/load" || return 1
	wait_for "/load: done" || return 1
	keys C-o C-o || return 1
	wait_for "mailbox: Enter open" || return 1
	# Message 8 holds dot-stuffed lines.
	for _ in 1 2 3 4 5 6 7 8 9; do
		keys Down || return 1
		sleep 0.1
	done
	keys t || return 1
	wait_for "Message 8  (TOP preview)" || return 1
	wait_for "preview: first 10 lines (TOP); Enter/r retrieves the whole message" || return 1
	# The body lines, dot-unstuffed (the transcript shows "..profile").
	screen | grep -qx '\.profile and \.bashrc are hidden files\. *' || { screen >&2; return 1; }
	screen | grep -qx 'remove one\. *' || return 1
}

t_retr() {
	keys Enter || return 1
	wait_gone "(TOP preview)" || return 1
	wait_for "MIME structure" || return 1
}

t_preview; r=$?; result screen-top-preview $r
if [ $r = 0 ]; then
	t_retr; result screen-top-preview-retr $?
else
	result screen-top-preview-retr 1
fi
exit $((failures > 0))

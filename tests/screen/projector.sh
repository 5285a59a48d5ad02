#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests of the projector layout (issue 10, item 5) at 80x24: F2
# during a lesson on the lab hides the mailbox, keeps the transcript, the
# lesson panel (under the transcript) and the composer, and shows the "= "
# meanings in bold (NO_COLOR: an attribute, not a colour); the lesson goes
# on in it; F2 again brings the mailbox back and the meanings are no
# longer bold. --projector opens in it; --help and F1 name both.
. "$(dirname "$0")/lib.sh"

TESTS="screen-projector-toggle screen-projector-option screen-projector-docs"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

ESC=$(printf '\033')

# attrs TEXT: the screen with attributes, the first row holding TEXT.
attrs() { tm capture-pane -e -p -t t 2>/dev/null | grep -aF -- "$1" | head -1; }
# row TEXT: the screen row (1-based) holding TEXT first, empty if none.
row() { screen | grep -nF -- "$1" | head -1 | cut -d: -f1; }
# sgr_before_meaning TEXT: the parameters of the SGR sequences just before
# the "= " of the line holding TEXT, one a line ("0", "1" bold, "2" dim).
sgr_before_meaning() {
	attrs "$1" |
	    sed -n "s/.*[^m]\(\(${ESC}\[[0-9;]*m\)\{1,\}\)= .*/\1/p" |
	    tr "${ESC}[m;" '\n\n\n\n' | grep -v '^$'
}
# bold_meaning TEXT / dim_meaning TEXT: how that "= " line is drawn.
bold_meaning() { sgr_before_meaning "$1" | grep -qx 1; }
dim_meaning() { sgr_before_meaning "$1" | grep -qx 2; }

t_toggle() {
	start 80 24 "$MB" --lab --lesson pop3-basics || return 1
	wait_for "Lesson pop3-basics  step 1 of 9" || return 1
	wait_for "pop3> USER student" || return 1
	# At 80x24 the usual layout has room for a few transcript lines:
	# the panel's title tells the steps done.
	keys Enter || return 1
	wait_for "Lesson pop3-basics  step 2 of 9" || return 1
	keys C-u && type_line "PASS student" || return 1
	wait_for "Lesson pop3-basics  step 3 of 9" || return 1
	wait_for "pop3> STAT" || return 1
	keys Enter || return 1
	wait_for "Lesson pop3-basics  step 4 of 9" || return 1
	wait_for " Mailbox " || return 1
	keys F2 || return 1
	wait_gone " Mailbox " || return 1
	wait_for "projector layout" || return 1
	local t l c
	t=$(row " Transcript ") l=$(row "Lesson pop3-basics  step 4 of 9")
	c=$(row "pop3> LIST")
	[ -n "$t" ] && [ -n "$l" ] && [ -n "$c" ] || { screen >&2; return 1; }
	# Transcript, then the lesson panel under it, the composer last.
	[ "$t" -lt "$l" ] && [ "$l" -lt "$c" ] && [ "$c" = 24 ] ||
	    { echo "--- rows $t $l $c" >&2; screen >&2; return 1; }
	screen | grep -qF "type: LIST" || { screen >&2; return 1; }
	screen | grep -qF "= +OK 8 messages" || { screen >&2; return 1; }
	bold_meaning "= +OK 8 messages" ||
	    { echo "--- not bold: $(attrs '= +OK 8')" >&2; return 1; }
	# The lesson goes on in the projector layout, the mailbox stays
	# hidden though LIST fills it.
	keys Enter || return 1
	wait_for "step 4 of 9 done" || return 1
	wait_for "S: 8 664" || return 1
	screen | grep -qF " Mailbox " && { screen >&2; return 1; }
	keys F2 || return 1
	wait_for " Mailbox " || return 1
	wait_for "the usual layout" || return 1
	wait_for "Lesson pop3-basics  step 5 of 9" || return 1
	keys C-q || return 1
	wait_exit
}

t_option() {
	start 80 24 "$MB" --lab --projector || return 1
	wait_for "S: +OK" || return 1
	type_line "USER student" || return 1
	wait_for "C: USER student" || return 1
	type_line "PASS student" || return 1
	wait_for "TRANSACTION" || return 1
	type_line "/load" || return 1
	wait_for "/load: done" || return 1
	# A POP3 session with a loaded mailbox, and no mailbox pane.
	screen | grep -qF " Mailbox " && { screen >&2; return 1; }
	[ "$(row 'pop3>')" = 24 ] || { screen >&2; return 1; }
	type_line "NOOP" || return 1
	wait_for "C: NOOP" || return 1
	wait_for "= +OK" || return 1
	bold_meaning "= +OK" || { attrs "= +OK" >&2; return 1; }
	keys F2 || return 1
	wait_for " Mailbox " || return 1
	wait_for "Welcome to the mailbench lab" || return 1
	# The usual layout again: a meaning is not bold (dim, no colour).
	type_line "LIST 2" || return 1
	wait_for "C: LIST 2" || return 1
	wait_for "S: +OK 2 1043" || return 1
	wait_for "= +OK message 2" || return 1
	if bold_meaning "= +OK message 2"; then
		echo "--- still bold after F2: $(attrs '= +OK message 2')" >&2
		return 1
	fi
	dim_meaning "= +OK message 2" ||
	    { attrs "= +OK message 2" >&2; return 1; }
	keys C-q || return 1
	wait_exit
}

t_docs() {
	"$MB" --help | grep -q -- "--projector" || return 1
	start 100 40 "$MB" || return 1
	wait_for "not connected" || return 1
	keys F1 || return 1
	wait_for "Keys: anywhere" || return 1
	screen | grep -E "^  F2 +projector layout" >/dev/null || { screen >&2; return 1; }
	keys Escape || return 1
	keys C-q || return 1
	wait_exit
}

t_toggle; result screen-projector-toggle $?
t_option; result screen-projector-option $?
t_docs; result screen-projector-docs $?
exit $((failures > 0))

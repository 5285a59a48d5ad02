#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests of transcript paging with wrapped lines and of search: PgDn and PgUp move
# by screen rows (a page is the pane's height), so no wrapped row is ever
# skipped or shown twice, and PgUp after PgDn gives back the same page;
# Ctrl-F ignores case beyond ASCII and says "match n of N" or "not found".
. "$(dirname "$0")/lib.sh"

TESTS="screen-page-rows screen-page-back screen-search-fold"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

# The transcript rows (between its title and the next pane's title).
rows() {
	screen | awk '/^ Transcript/ {on = 1; next} on && /^ [A-Z][a-z]+  / {on = 0} on'
}
# The wNNN tokens on the transcript now, in order.
tokens() { rows | grep -o 'w[0-9][0-9][0-9]' ; }

t_setup() {
	local i j line
	start 60 30 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	# Long commands: each C: line wraps over several rows; every word is
	# numbered so a skipped or repeated row shows.
	# Enough for three pages also when the empty mailbox leaves the
	# transcript most of the screen.
	for i in $(seq 1 14); do
		line="NOOP"
		for j in $(seq 1 24); do
			line="$line w$(printf '%03d' $(( (i - 1) * 24 + j )))"
		done
		type_line "$line" || return 1
		wait_for "w$(printf '%03d' $((i * 24)))" || return 1
	done
	keys C-o || return 1
	wait_for "transcript: Up/Down" || return 1
	keys Home || return 1
	wait_for "* mailbench" || return 1
	# Page on until the numbered lines show.
	for i in 1 2 3 4 5; do
		tokens | grep -q . && return 0
		keys NPage || return 1
		sleep 0.2
	done
	tokens | grep -q .
}

# Consecutive pages: the first token of a page follows the last token of
# the page before (no gap, no repeat).
t_rows() {
	local a b k last first
	for k in 1 2 3; do
		a=$(tokens | tail -1)
		[ -n "$a" ] || { echo "no tokens on page" >&2; return 1; }
		local before
		before=$(rows)
		keys NPage || return 1
		for _ in $(seq 1 100); do
			[ "$(rows)" != "$before" ] && break
			sleep 0.05
		done
		b=$(tokens | head -1)
		last=${a#w}; first=${b#w}
		if [ $((10#$first)) -ne $((10#$last + 1)) ]; then
			echo "page $k: ended at $a, next began at $b" >&2
			rows >&2
			return 1
		fi
	done
}

t_back() {
	local p1 p2
	p1=$(rows)
	keys NPage || return 1
	sleep 0.3
	[ "$(rows)" != "$p1" ] || return 1
	keys PPage || return 1
	for _ in $(seq 1 100); do
		[ "$(rows)" = "$p1" ] && return 0
		sleep 0.05
	done
	echo "PgUp after PgDn differs" >&2
	rows >&2
	return 1
}

# Non-ASCII case folding, the match count, and a clear "not found".
t_fold() {
	start 100 30 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	type_line "NOOP ÉCOLE МОСКВА ΣΊΣΥΦΟΣ" || return 1
	wait_for "C: NOOP ÉCOLE" || return 1
	type_line "NOOP école again" || return 1
	wait_for "C: NOOP école again" || return 1
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l "москва" || return 1
	keys Enter || return 1
	wait_for 'found "москва": match 1 of 1' || return 1
	keys Escape || return 1
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l "ÉcOlE" || return 1
	keys Enter || return 1
	# From the newest line backwards: the second of two matches.
	wait_for 'found "ÉcOlE": match 2 of 2' || return 1
	keys n || return 1
	wait_for 'found "ÉcOlE": match 1 of 2' || return 1
	keys Escape || return 1
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l "σίσυφος" || return 1
	keys Enter || return 1
	wait_for 'found "σίσυφος": match 1 of 1' || return 1
	keys Escape || return 1
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l "ecole" || return 1
	keys Enter || return 1
	wait_for '"ecole" not found' || return 1
}

t_fold; result screen-search-fold $?

if t_setup; then
	t_back; result screen-page-back $?
	t_rows; result screen-page-rows $?
else
	for t in $TESTS; do result "$t" 1; done
fi
exit $((failures > 0))

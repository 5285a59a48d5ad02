#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests of mailbench replay: a transcript saved by the workbench
# (/save) and one printed by batch, opened with no server; stepping (n, p,
# Home, End) re-derives the meanings, and the mailbox and message panes
# rebuilt from the replayed lines match the live session's (for /save and
# for a POP3 batch run of the same commands); nothing can be sent; a file
# that is no transcript is refused before the screen opens.
. "$(dirname "$0")/lib.sh"

TESTS="screen-replay-live screen-replay-same-mailbox screen-replay-same-message
screen-replay-step screen-replay-nothing-sent screen-replay-batch-pop3
screen-replay-batch screen-replay-bad-file"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

# mailbox_rows: the mailbox pane's rows on screen (header to next pane).
mailbox_rows() {
	screen | awk '/^ Mailbox /{on=1} /^ (Message |expects:|replay:)/{on=0} on' |
	    sed 's/ *$//' | grep -v '^$'
}

# message_rows: the message pane's rows on screen (the last pane: from its
# title to the row above the hint line; 40 rows).
message_rows() {
	screen | sed -n '/^ Message /,38p' | sed 's/ *$//'
}

# no_clock: no replayed reply on screen shows a time of its own (a replay
# has no clock; the live session showed "S: +OK ...   0.6 ms").
no_clock() {
	if screen | grep -E 'S: .* [0-9]+\.[0-9] ms$' >&2; then
		echo "--- a replayed reply was timed" >&2
		return 1
	fi
}

# same_panes TAG: poll until the mailbox and message panes on screen are
# those of the live session (they follow the model up to 100 ms later).
same_panes() {
	local i
	for i in $(seq 1 50); do
		mailbox_rows >"$TMP/$1.mb"
		message_rows >"$TMP/$1.msg"
		cmp -s "$TMP/live.mb" "$TMP/$1.mb" &&
		    cmp -s "$TMP/live.msg" "$TMP/$1.msg" && return 0
		sleep 0.1
	done
	diff "$TMP/live.mb" "$TMP/$1.mb" >&2
	diff "$TMP/live.msg" "$TMP/$1.msg" >&2
	return 1
}

t_live() {
	start 100 40 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	type_line "USER student" || return 1
	wait_for "C: USER student" || return 1
	type_line "PASS student" || return 1
	wait_for "TRANSACTION" || return 1
	type_line "/load" || return 1
	wait_for "/load: done" || return 1
	type_line "DELE 3" || return 1
	wait_for "S: +OK Message 3 marked" || return 1
	# The rows follow the model up to 100 ms later: wait for the mark.
	local i
	for i in $(seq 1 50); do
		mailbox_rows >"$TMP/live.mb"
		grep -q '^D  *3 ' "$TMP/live.mb" && break
		sleep 0.1
	done
	grep -q "Welcome to the mailbench lab" "$TMP/live.mb" || return 1
	grep -q '^D  *3 ' "$TMP/live.mb" || return 1
	# A message opened: its pane, headers and MIME tree, decoded.
	type_line "RETR 2" || return 1
	wait_for " Message 2 " || return 1
	wait_for "text/html; charset=utf-8" || return 1
	for i in $(seq 1 50); do
		mailbox_rows >"$TMP/live.mb"
		grep -q '^\*  *2 ' "$TMP/live.mb" && break
		sleep 0.1
	done
	grep -q '^\*  *2 ' "$TMP/live.mb" || return 1
	message_rows >"$TMP/live.msg"
	grep -q "^From: Renée Dupré" "$TMP/live.msg" || return 1
	grep -q "^Hi!" "$TMP/live.msg" || return 1
	type_line "/save $TMP/live.txt" || return 1
	wait_for "transcript saved to" || return 1
	type_line "RSET" || return 1
	wait_for "C: RSET" || return 1
	keys C-q || return 1
	wait_exit
}

t_same() {
	start 100 40 "$MB" replay "$TMP/live.txt" || return 1
	wait_for "replay: event 1 of " || return 1
	wait_for "replay of $TMP/live.txt" || return 1
	keys n n n n n n || return 1
	wait_for "replay: event 7 of " || return 1
	wait_for "S: +OK Logged in" || return 1
	no_clock || return 1
	keys End || return 1
	wait_for " Message 2 " || return 1
	screen | sed -n 's/^ Transcript  \([0-9]*\) lines.*/\1/p' >"$TMP/lines"
	[ -s "$TMP/lines" ] || return 1
	local n
	n=$(screen | sed -n 's/.*replay: event \([0-9]*\) of \([0-9]*\) .*/\1 \2/p')
	[ -n "$n" ] && [ "${n% *}" = "${n#* }" ] || return 1
	# The mailbox rows follow the model up to 100 ms later: poll.
	local i
	for i in $(seq 1 50); do
		mailbox_rows >"$TMP/replay.mb"
		cmp -s "$TMP/live.mb" "$TMP/replay.mb" && return 0
		sleep 0.1
	done
	diff "$TMP/live.mb" "$TMP/replay.mb" >&2
}

t_same_message() {
	same_panes replay
}

t_step() {
	local total
	total=$(screen | sed -n 's/.*replay: event [0-9]* of \([0-9]*\) .*/\1/p')
	keys p || return 1
	wait_for "replay: event $((total - 1)) of $total" || return 1
	# Back one event: the RETR reply is gone, the message with it.
	wait_gone " Message 2 " || return 1
	# To the end again: the same panes (the message is stored again).
	keys End || return 1
	wait_for "replay: event $total of $total" || return 1
	wait_for " Message 2 " || return 1
	same_panes again || return 1
	# The transcript holds the file's events once, not once a pass (the
	# first pass had the welcome lines too).
	local c1 c2
	c1=$(screen | sed -n 's/^ Transcript  \([0-9]*\) lines.*/\1/p')
	keys p End || return 1
	wait_for "replay: event $total of $total" || return 1
	wait_for " Message 2 " || return 1
	c2=$(screen | sed -n 's/^ Transcript  \([0-9]*\) lines.*/\1/p')
	[ -n "$c1" ] && [ "$c1" = "$c2" ] && [ "$c1" -le "$(cat "$TMP/lines")" ] ||
	    { echo "--- transcript lines $c1 $c2 $(cat "$TMP/lines")" >&2; return 1; }
	# Back to before DELE 3 (its command, its reply, RETR 2, its status
	# line, its body): the DELE reply is gone, its mark with it.
	keys p p p p || return 1
	wait_for "replay: event $((total - 4)) of $total" || return 1
	wait_gone "S: +OK Message 3 marked" || return 1
	# The mailbox rows follow the model up to 100 ms later: poll.
	local i=0
	while screen | grep -q '^D  *3 '; do
		[ $i -lt 100 ] || { screen >&2; return 1; }
		sleep 0.05
		i=$((i + 1))
	done
	keys Home || return 1
	wait_for "replay: event 0 of $total" || return 1
	# connect, greeting, USER, its reply, PASS, its reply
	keys n n n n n n || return 1
	wait_for "replay: event 6 of $total" || return 1
	# Meanings are derived again, not copied: the file's "= " lines
	# were skipped, yet each reply has one.
	wait_for "= +OK" || return 1
	screen | grep -qF "C: PASS ********" || { screen >&2; return 1; }
	wait_for "TRANSACTION" || return 1
}

t_nosend() {
	type_line "STAT" || return 1
	wait_for "replay: there is no server here" || return 1
	type_line "/explain 550" || return 1
	wait_for "= 550 " || return 1
	keys C-q || return 1
	wait_exit
}

# A lab of its own for batch (its sample mailbox is the one --lab has).
start_lab() {
	"$MB" lab --pop3-port 0 --pop3s-port 0 --smtp-port 0 --smtps-port 0 \
	    >"$TMP/lab.out" 2>&1 </dev/null &
	LAB=$!
	EXTRA_CLEANUP="kill $LAB 2>/dev/null"
	local i
	for i in $(seq 1 100); do
		grep -q '^ready$' "$TMP/lab.out" && return 0
		sleep 0.1
	done
	return 1
}

# The live session's commands again, by batch: its transcript (stdout, and
# the --transcript file) replayed gives the panes the live session showed.
t_batch_pop3() {
	local port
	port=$(sed -nE 's/^  POP3 +[^ ]+:([0-9]+) .*/\1/p' "$TMP/lab.out")
	[ -n "$port" ] || return 1
	printf 'USER student\nPASS student\n/load\nDELE 3\nRETR 2\n' |
	    timeout 20 "$MB" batch --timing --transcript "$TMP/batch-saved.txt" \
	    "pop3://127.0.0.1:$port" >"$TMP/batch-pop3.txt" 2>/dev/null || return 1
	grep -q '^C: PASS \*\*\*\*\*\*\*\*$' "$TMP/batch-pop3.txt" || return 1
	start 100 40 "$MB" replay "$TMP/batch-pop3.txt" || return 1
	wait_for "replay: event 1 of " || return 1
	# The timing batch recorded is shown as it was, with its reply (one
	# step: connect, greeting, USER, its reply); nothing else is timed.
	local want
	want=$(sed -n '/^S: +OK Send PASS/,/^C: /p' "$TMP/batch-pop3.txt" |
	    grep -E '^\* [0-9.]+ ms$' | head -1)
	[ -n "$want" ] || return 1
	keys n n n || return 1
	wait_for "replay: event 4 of " || return 1
	wait_for "S: +OK Send PASS" || return 1
	wait_for "$want" || return 1
	no_clock || return 1
	keys End || return 1
	wait_for " Message 2 " || return 1
	same_panes batch || return 1
	keys C-q || return 1
	wait_exit || return 1
	# The file batch's --transcript saved gives the same panes.
	grep -q '^C: PASS \*\*\*\*\*\*\*\*$' "$TMP/batch-saved.txt" || return 1
	start 100 40 "$MB" replay "$TMP/batch-saved.txt" || return 1
	wait_for "replay: event 1 of " || return 1
	keys End || return 1
	wait_for " Message 2 " || return 1
	no_clock || return 1
	same_panes saved || return 1
	keys C-q || return 1
	wait_exit
}

t_batch() {
	local port
	port=$(sed -nE 's/^  SMTP +[^ ]+:([0-9]+) .*/\1/p' "$TMP/lab.out")
	[ -n "$port" ] || return 1
	printf 'EHLO client.test\nMAIL FROM:<a@example.org>\nRCPT TO:<student@lab.example>\nDATA\nSubject: hi\n\n.dot line\n.\nQUIT\n' |
	    timeout 20 "$MB" batch "smtp://127.0.0.1:$port" >"$TMP/batch.txt" 2>/dev/null || return 1
	start 100 40 "$MB" replay "$TMP/batch.txt" || return 1
	wait_for "replay: event 1 of " || return 1
	keys End || return 1
	wait_for "S: 221 " || return 1
	# The message line went out stuffed and is shown as it went.
	screen | grep -q "C: \.\.dot line" || return 1
	wait_for "= 250 " || return 1
	screen | grep -q "SMTP replay of" || return 1
	keys C-q || return 1
	wait_exit
}

t_bad() {
	printf 'hello\nworld\n' >"$TMP/bad.txt"
	"$MB" replay "$TMP/bad.txt" >/dev/null 2>"$TMP/bad.err"
	[ $? = 2 ] || return 1
	grep -q 'line 1 is not a transcript line' "$TMP/bad.err" || return 1
	"$MB" replay "$TMP/missing.txt" >/dev/null 2>"$TMP/missing.err"
	[ $? = 2 ] || return 1
	grep -q 'No such file' "$TMP/missing.err"
}

t_live; r=$?; result screen-replay-live $r
live=$r
if [ $r = 0 ]; then t_same; r=$?; else r=1; fi; result screen-replay-same-mailbox $r
if [ $r = 0 ]; then t_same_message; r=$?; else r=1; fi; result screen-replay-same-message $r
if [ $r = 0 ]; then t_step; r=$?; else r=1; fi; result screen-replay-step $r
if [ $r = 0 ]; then t_nosend; r=$?; else r=1; fi; result screen-replay-nothing-sent $r
start_lab; lab=$?
# Before the SMTP test sends student a mail: the same mailbox as live.
if [ $lab = 0 ] && [ $live = 0 ]; then t_batch_pop3; r=$?; else r=1; fi
result screen-replay-batch-pop3 $r
if [ $lab = 0 ]; then t_batch; r=$?; else r=1; fi; result screen-replay-batch $r
t_bad; result screen-replay-bad-file $?
exit $((failures > 0))

#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests against the built-in lab (mailbench --lab) in a private tmux
# server: connect, /load fills the mailbox, a multipart message shows its
# MIME tree and decoded non-ASCII subject, DELE then QUIT asks first, help,
# composer hints, resize from 120x40 to 80x24 without corruption.
. "$(dirname "$0")/lib.sh"

TESTS="screen-lab-connect screen-load screen-mime screen-report screen-hints screen-help
screen-sort-zoom screen-dele-quit screen-resize screen-lab-banner-80
screen-wrap-80 screen-zoom-connect"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

login() {
	type_line "USER student" && wait_for "expects: PASS password" &&
	    type_line "PASS student" && wait_for "TRANSACTION"
}

# 1. Connect: the greeting, the status bar and the first-run hint.
t_connect() {
	start 120 40 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	wait_for "POP3 127.0.0.1:" || return 1
	wait_for "AUTHORIZATION" || return 1
	wait_for "F1 or /help" || return 1
	screen | grep -q "^pop3> *$"
}

# 2. /load fills the mailbox pane with decoded subjects.
t_load() {
	login || return 1
	type_line "/load" || return 1
	wait_for "/load: done" || return 1
	wait_for "Welcome to the mailbench lab" || return 1
	wait_for "ünïcödé" || return 1
	wait_for "8 messages" || return 1
}

# 3. Open message 3 from the mailbox: MIME tree, decoded subject header.
t_mime() {
	keys C-o C-o || return 1	# composer -> transcript -> mailbox
	wait_for "mailbox: Enter open" || return 1
	keys g j j Enter || return 1
	wait_for "Message 3" || return 1
	wait_for "multipart/mixed" || return 1
	wait_for "application/pdf" || return 1
	wait_for "Subject: Attachments: names in RFC 2231 and RFC 2047 — ünïcödé" || return 1
	# ] selects the next part: the tree marks it.
	keys C-o || return 1		# mailbox -> message
	wait_for "message: ] [ parts" || return 1
	keys ']' || return 1
	wait_for "> 2  text/plain; charset=utf-8" || return 1
	# v: the raw source opens at the selected part's own header lines.
	keys v || return 1
	wait_for "raw source: v switches" || return 1
	screen | grep -A1 'raw source: v switches' | tail -n 1 |
		grep -q '^Content-Type: text/plain; charset=utf-8' || return 1
	keys v v || return 1		# side by side, then decoded again
	wait_for "[decoded: v switches]" || return 1
}

# 3b. Message 7 (a bounce): message/delivery-status shows its fields and
# the Status code's meaning (RFC 3464), not "text/plain 0 bytes"; message 5's
# message/rfc822 part shows the enclosed message's headers.
t_report() {
	keys BTab || return 1		# message -> mailbox
	wait_for "mailbox: Enter open" || return 1
	keys G k Enter || return 1
	wait_for "Message 7" || return 1
	keys C-o z || return 1		# -> message, zoomed
	wait_for "message: ] [ parts" || return 1
	keys ']' || return 1
	wait_for "per-recipient status fields · Status 5.1.1" || return 1
	wait_for "Delivery status (RFC 3464)" || return 1
	keys G || return 1
	wait_for "= 5.1.1 bad destination mailbox address" || return 1
	wait_for "Final-Recipient: rfc822; nobody@example.invalid" || return 1
	keys z BTab || return 1		# unzoom, -> mailbox
	wait_for "mailbox: Enter open" || return 1
	keys k k Enter || return 1
	wait_for "Message 5" || return 1
	keys C-o z ']' || return 1
	wait_for "Enclosed message (] selects its parts):" || return 1
	wait_for "Subject: Meeting notes" || return 1
	keys z || return 1
}

# 4. Hints: out-of-order warnings while typing, syntax of the command.
t_hints() {
	keys Escape || return 1
	wait_for "expects: STAT" || return 1
	tm send-keys -t t -l "TOP 1" || return 1
	wait_for "needs a message number and a line count" || return 1
	keys C-u || return 1
	tm send-keys -t t -l "RET" || return 1
	keys Tab || return 1
	wait_for "pop3> RETR" || return 1
	wait_for "RETR msg" || return 1
	keys C-u || return 1
	wait_for "expects: STAT" || return 1
}

# 5. F1 shows every key; Esc closes it.
t_help() {
	keys F1 || return 1
	wait_for "/auth MECH [USER]" || return 1
	# The keys follow the commands, a page or two further down.
	keys PageDown || return 1
	wait_for "Keys: composer" || keys PageDown || return 1
	wait_for "Keys: composer" || return 1
	keys Escape || return 1
	wait_gone "mailbench workbench: help" || return 1
}

# 5b. Sorting the mailbox, zooming a pane and back.
t_sort_zoom() {
	keys C-o C-o || return 1		# -> transcript -> mailbox
	wait_for "mailbox: Enter open" || return 1
	keys s || return 1
	wait_for "sorted by date" || return 1
	keys s s || return 1
	wait_for "sorted by sender" || return 1
	# By sender: Bob before Carol before Dave.
	screen | grep -n "Bob Example\|Carol \|Dave " | cut -d: -f1 |
	    sort -c -n || return 1
	keys S || return 1
	wait_for "(reversed)" || return 1
	keys s || return 1
	wait_for "sorted by number (reversed)" || return 1
	keys S || return 1
	wait_gone "(reversed)" || return 1
	keys z || return 1
	wait_gone "Transcript " || return 1
	keys z || return 1
	wait_for "Transcript " || return 1
	keys Escape || return 1
	wait_for "expects:" || return 1
}

# 6. DELE, then QUIT typed and Ctrl-Q both ask; n keeps, y QUITs and exits.
t_dele_quit() {
	keys C-o C-o || return 1	# -> transcript -> mailbox
	wait_for "mailbox: Enter open" || return 1
	keys g d || return 1
	wait_for "C: DELE 1" || return 1
	wait_for "1 DELETION PENDING" || return 1
	# d on a marked message explains RSET instead of a second DELE.
	keys d || return 1
	wait_for "message 1 is already marked for deletion; u sends RSET" || return 1
	[ "$(screen | grep -c 'C: DELE 1')" = 1 ] || return 1
	keys Escape || return 1
	wait_for "expects: STAT" || return 1
	type_line "QUIT" || return 1
	wait_for "Send QUIT (deletions become permanent)? (y/n)" || return 1
	keys n || return 1
	wait_for "pop3> QUIT" || return 1
	screen | grep -q "C: QUIT" && return 1
	keys C-u C-q || return 1
	wait_for "QUIT makes it PERMANENT" || return 1
	keys Escape || return 1
	wait_gone "QUIT makes it PERMANENT" || return 1
	# A typed QUIT, confirmed with y, goes out once and ends the session.
	type_line "QUIT" || return 1
	wait_for "Send QUIT (deletions become permanent)? (y/n)" || return 1
	keys y || return 1
	wait_for "C: QUIT" || return 1
	wait_for "S: +OK Logging out, 1 " || return 1
	wait_for "session closed" || return 1
	keys C-q || return 1
	wait_exit
}

# 7. Resize 120x40 -> 80x24: every row fits, the bars are where they belong.
t_resize() {
	start 120 40 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	login || return 1
	type_line "/load" || return 1
	wait_for "/load: done" || return 1
	wait_for "2026-11-23 09:00 Lab Server" || return 1
	tm resize-window -t t -x 80 -y 24 || return 1
	wait_for "2026-11-23 Lab Server" || return 1
	local i=0 s
	while [ $i -lt 100 ]; do
		s=$(screen)
		[ "$(printf '%s\n' "$s" | wc -l)" = 24 ] &&
		    printf '%s\n' "$s" | head -1 | grep -q "^ POP3 .*Ctrl-Q quit *$" &&
		    printf '%s\n' "$s" | tail -1 | grep -q "^pop3>" && break
		sleep 0.05
		i=$((i + 1))
	done
	[ $i -lt 100 ] || { printf '%s\n' "$s" >&2; return 1; }
	# Nothing left of the 120-column layout (its dates carried times),
	# and each bar and header exactly once.
	printf '%s\n' "$s" | grep -q "2026-11-23 09:00" && return 1
	printf '%s\n' "$s" | grep -q "2026-11-23 *Lab Server" || return 1
	[ "$(printf '%s\n' "$s" | grep -c "No\. *Size")" = 1 ] || return 1
	[ "$(printf '%s\n' "$s" | grep -c "Transcript ")" = 1 ] || return 1
	[ "$(printf '%s\n' "$s" | grep -c "Ctrl-Q quit")" = 1 ] || return 1
	# And back to 120x40 again.
	tm resize-window -t t -x 120 -y 40 || return 1
	wait_for "Welcome to the mailbench lab" || return 1
	keys C-q || return 1
	wait_exit
}

# 9. At 80x24 the lab's SMTP port is readable in full, as a ready /connect.
t_banner80() {
	start 80 24 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	screen | grep -Eq '\* lab SMTP: /connect smtp://127\.0\.0\.1:[0-9]+ *$' || return 1
	# A pending deletion joins the status bar without pushing the
	# protocol, host and state out of 80 columns.
	login || return 1
	type_line "DELE 1" || return 1
	wait_for "1 marked for deletion" || return 1
	screen | head -n 1 | grep -q '^ POP3 127\.0\.0\.1:[0-9]* | plain | TRANSACTION | 1 DELETION PENDING' || return 1
	type_line "RSET" || return 1
	wait_for "0 marked for deletion" || return 1
	keys C-q || return 1
	wait_exit
}

# 10. At 80 columns long meaning lines wrap (EHLO keywords explained in full);
# w in the transcript cuts them again.
t_wrap80() {
	local port
	start 80 24 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	port=$(screen | grep -o 'lab SMTP: /connect smtp://[0-9.]*:[0-9]*' | head -1 | sed 's/.*://')
	type_line "/connect smtp://127.0.0.1:$port" || return 1
	wait_for "S: 220" || return 1
	type_line "EHLO wrap.example" || return 1
	wait_for "= PIPELINING: commands may be sent in batches without" || return 1
	wait_for "        reply, RFC 2920" || return 1
	wait_for "[wrap: w cuts]" || return 1
	keys C-o w || return 1		# composer -> transcript, cut
	wait_gone "        reply, RFC 2920" || return 1
	wait_gone "[wrap: w cuts]" || return 1
	keys w || return 1
	wait_for "        reply, RFC 2920" || return 1
	keys Escape C-q || return 1
	wait_exit
}

# 11. A zoomed message pane does not outlive its message: after /connect
# the transcript (and the new greeting) is on screen again.
t_zoom_connect() {
	local port
	start 80 24 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	port=$(screen | grep -o 'lab SMTP: /connect smtp://[0-9.]*:[0-9]*' | head -1 | sed 's/.*://')
	login || return 1
	type_line "RETR 1" || return 1
	wait_for "Message 1" || return 1
	keys C-o C-o C-o || return 1	# -> transcript -> mailbox -> message
	wait_for "message: ] [ parts" || return 1
	keys z || return 1
	wait_gone " Transcript" || return 1	# zoomed: hidden
	# Typing in the zoomed message pane goes to the composer; sending
	# the line unzooms, so its reply can be seen.
	type_line "NOOP" || return 1
	wait_for " Transcript" || return 1
	wait_for "S: +OK" || return 1
	keys C-o C-o C-o z || return 1
	wait_gone " Transcript" || return 1
	type_line "/connect smtp://127.0.0.1:$port" || return 1
	wait_for "S: 220" || return 1
	wait_for " Transcript" || return 1
	keys C-q || return 1
	wait_exit
}

t_connect; r=$?; result screen-lab-connect $r
if [ $r = 0 ]; then t_load; r=$?; else r=1; fi; result screen-load $r
if [ $r = 0 ]; then t_mime; r=$?; else r=1; fi; result screen-mime $r
if [ $r = 0 ]; then t_report; r=$?; else r=1; fi; result screen-report $r
t_hints; result screen-hints $?
t_help; result screen-help $?
t_sort_zoom; result screen-sort-zoom $?
t_dele_quit; result screen-dele-quit $?
t_resize; result screen-resize $?
t_banner80; result screen-lab-banner-80 $?
t_wrap80; result screen-wrap-80 $?
t_zoom_connect; result screen-zoom-connect $?
[ $failures = 0 ]

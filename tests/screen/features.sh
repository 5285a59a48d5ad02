#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests of the workbench's own features against the lab: /auth never
# echoes the secret nor keeps it in history, Ctrl-F search, TLS details
# fold and unfold, saving a part safely (no overwrite without asking), and
# the SMTP composer: out-of-order warnings and unmistakable message mode.
. "$(dirname "$0")/lib.sh"

TESTS="screen-auth-secret screen-history screen-explain screen-search screen-tls-details
screen-save-part screen-smtp-order-warnings screen-smtp-message-mode"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS
mkdir -p "$TMP/save"

t_auth() {
	START_DIR=$TMP/save start 110 34 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	LAB_POP3=$(screen | grep -o 'POP3 [0-9]*,' | head -1 | sed 's/[^ ]* //; s/,//')
	type_line "/auth PLAIN student" || return 1
	wait_for "SECRET: what you type is not shown" || return 1
	tm send-keys -t t -l "student" || return 1
	# Nothing of the secret on screen while typing.
	[ "$(screen | tail -1 | sed 's/ *$//')" = "password for student (PLAIN): " ] ||
	    [ "$(screen | tail -1 | sed 's/ *$//')" = "password for student (PLAIN):" ] ||
	    return 1
	keys Enter || return 1
	wait_for "TRANSACTION" || return 1
	wait_for "C: ********" || return 1
	! screen | grep -q "AHN0dWRlbnQAc3R1ZGVudA"	# base64 of the PLAIN payload
}

t_history() {
	type_line "PASS hunter2" || return 1		# rejected, but typed
	wait_for "C: PASS ********" || return 1
	type_line "NOOP" || return 1
	wait_for "C: NOOP" || return 1
	local h="$TMP/state/mailbench/history-pop3"
	[ -f "$h" ] || return 1
	grep -qx "/auth PLAIN student" "$h" || return 1
	grep -qx "NOOP" "$h" || return 1
	! grep -q "hunter2\|^student$" "$h" || return 1
	[ "$(stat -c %a "$h")" = 600 ] || return 1
	# Up brings back NOOP, then the /auth line (PASS was never kept).
	keys Up || return 1
	wait_for "pop3> NOOP" || return 1
	keys Up || return 1
	wait_for "pop3> /auth PLAIN student" || return 1
	keys C-u || return 1
}

# /explain in the composer: its syntax shows while typing, and the meaning
# arrives as "= " lines in the transcript; nothing goes on the wire.
t_explain() {
	tm send-keys -t t -l "/explain 421" || return 1
	wait_for "/explain CODE...  - what a reply code means" || return 1
	keys Enter || return 1
	wait_for "= 421 " || return 1
	wait_for "* /explain: what these codes mean" || return 1
	! screen | grep -q "C: /explain"
}

t_search() {
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l "greeting" || return 1
	keys Enter || return 1
	wait_for 'found "greeting"' || return 1
	wait_for "GREETING -> AUTHORIZATION" || return 1
	# n in the transcript repeats it (wrapping round to the same line).
	keys n || return 1
	wait_for 'found "greeting"' || return 1
	keys Escape || return 1
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l "no such text anywhere" || return 1
	keys Enter || return 1
	wait_for '"no such text anywhere" not found' || return 1
}

t_tls() {
	type_line "QUIT" || return 1
	wait_for "session closed" || return 1
	type_line "/connect pop3://127.0.0.1:$LAB_POP3" || return 1
	wait_for "AUTHORIZATION" || return 1
	type_line "STLS" || return 1
	wait_for "Enter shows]" || return 1
	wait_for "TLSv1.3 verified" || return 1
	keys C-o || return 1			# composer -> transcript
	wait_for "transcript: Up/Down" || return 1
	keys C-f || return 1
	tm send-keys -t t -l "TLS handshake done" || return 1
	keys Enter || return 1
	wait_for 'found "TLS handshake done"' || return 1
	keys Enter || return 1
	wait_for "Enter folds]" || return 1
	wait_for "certificate" || return 1
	keys Enter || return 1
	wait_for "Enter shows]" || return 1
}

t_save() {
	keys Escape || return 1
	wait_for "expects:" || return 1
	type_line "USER student" || return 1
	wait_for "expects: PASS password" || return 1
	type_line "PASS student" || return 1
	wait_for "TRANSACTION" || return 1
	type_line "RETR 3" || return 1
	wait_for "Message 3" || return 1
	keys C-o C-o C-o || return 1		# -> transcript -> mailbox -> message
	wait_for "message: ] [ parts" || return 1
	keys ']' || return 1
	wait_for "> 2  text/plain; charset=utf-8" || return 1
	keys w || return 1
	wait_for "Save to: ./été-notes.txt" || return 1
	keys Enter || return 1
	wait_for "saved 46 bytes to ./été-notes.txt" || return 1
	[ "$(cat "$TMP/save/été-notes.txt")" = "Notes for the summer: été, naïve, façade." ] || return 1
	# Again: it exists, so it asks, and n keeps the file.
	keys w || return 1
	wait_for "Save to: ./été-notes.txt" || return 1
	keys Enter || return 1
	wait_for "exists: y replaces it, n lets you change the name" || return 1
	keys n || return 1
	# n keeps the file and goes back to the path: another name saves.
	wait_for "not replaced: edit the name" || return 1
	wait_for "Save to: ./été-notes.txt" || return 1
	keys BSpace BSpace BSpace BSpace || return 1
	tm send-keys -t t -l -- "-2.txt" || return 1
	keys Enter || return 1
	wait_for "saved 46 bytes to ./été-notes-2.txt" || return 1
	[ "$(cat "$TMP/save/été-notes.txt")" = "Notes for the summer: été, naïve, façade." ] || return 1
	rm -f "$TMP/save/été-notes-2.txt"
	# Esc at the question: nothing is saved.
	keys w || return 1
	wait_for "Save to: ./été-notes.txt" || return 1
	keys Enter || return 1
	wait_for "Replace the file? (y/n)" || return 1
	keys Escape || return 1
	wait_for "not saved" || return 1
	# A name from the message never leaves the directory: the RFC 2231
	# name of part 3 is made a plain file name.
	keys ']' || return 1
	keys w || return 1
	wait_for "Save to: ./Résumé_du_réseau.pdf" || return 1
	keys Escape || return 1
	[ "$(ls "$TMP/save" | wc -l)" = 1 ]
}

t_smtp_order() {
	local port
	keys Escape C-q || return 1			# no deletions: QUIT, leave
	wait_exit || return 1
	mkdir -p "$TMP/smtp"
	START_DIR=$TMP/smtp start 110 34 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	port=$(screen | grep -o 'lab SMTP: /connect smtp://[0-9.]*:[0-9]*' | head -1 | sed 's/.*://')
	type_line "/connect smtp://127.0.0.1:$port" || return 1
	wait_for "S: 220" || return 1
	tm send-keys -t t -l "MAIL FROM:<a@example.org>" || return 1
	wait_for "! MAIL before EHLO/HELO" || return 1
	keys C-u || return 1
	type_line "EHLO client.example" || return 1
	wait_for "expects: MAIL FROM:<address>" || return 1
	tm send-keys -t t -l "AUTH PLAIN" || return 1
	wait_for "! AUTH before STARTTLS" || return 1
	keys C-u || return 1
	tm send-keys -t t -l "DATA" || return 1
	wait_for "! DATA before MAIL FROM" || return 1
	keys C-u || return 1
	type_line "MAIL FROM:<a@example.org>" || return 1
	wait_for "expects: RCPT TO:<address>" || return 1
	tm send-keys -t t -l "DATA" || return 1
	wait_for "! DATA before any accepted RCPT" || return 1
	# A warning never blocks: the line goes out as typed.
	keys Enter || return 1
	wait_for "C: DATA" || return 1
	wait_for "S: 5" || return 1
}

t_smtp_message() {
	type_line "RCPT TO:<student@lab.example>" || return 1
	wait_for "another RCPT TO:<address>, or DATA" || return 1
	type_line "DATA" || return 1
	wait_for "S: 354" || return 1
	wait_for "MESSAGE MODE: lines are message text, dot-stuffed" || return 1
	wait_for "message>" || return 1
	screen | head -1 | grep -q "(MESSAGE)" || return 1
	type_line "Subject: screen test" || return 1
	type_line "" || return 1
	tm send-keys -t t -l ".starts with a dot" || return 1
	wait_for 'This line goes out as ".."' || return 1
	keys Enter || return 1
	wait_for "C: ..starts with a dot" || return 1
	type_line "." || return 1
	wait_for "S: 250" || return 1
	wait_gone "MESSAGE MODE" || return 1
	wait_for "smtp>" || return 1
	wait_for "expects: MAIL FROM:<address>" || return 1
	# /save without a name picks one in the current directory.
	type_line "/save" || return 1
	wait_for "transcript saved to mailbench-" || return 1
	local f
	f=$(ls "$TMP/smtp"/mailbench-*.txt 2>/dev/null | head -1)
	[ -n "$f" ] && grep -q "^C: ..starts with a dot" "$f" || return 1
	keys C-q || return 1
	wait_exit
}

t_auth; r=$?; result screen-auth-secret $r
if [ $r = 0 ]; then t_history; r=$?; else r=1; fi; result screen-history $r
if [ $r = 0 ]; then t_explain; r=$?; else r=1; fi; result screen-explain $r
if [ $r = 0 ]; then t_search; r=$?; else r=1; fi; result screen-search $r
if [ $r = 0 ]; then t_tls; r=$?; else r=1; fi; result screen-tls-details $r
if [ $r = 0 ]; then t_save; r=$?; else r=1; fi; result screen-save-part $r
t_smtp_order; r=$?; result screen-smtp-order-warnings $r
if [ $r = 0 ]; then t_smtp_message; r=$?; else r=1; fi; result screen-smtp-message-mode $r
[ $failures = 0 ]

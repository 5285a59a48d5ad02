#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests of lessons against the lab: mailbench --lab --lesson NAME
# opens with the lesson panel and the first command pre-filled; each
# step is checked against the live session's replies; a wrong command is
# explained and does not advance; the lesson ends complete. /lesson lists
# the built-in lessons, a user's own lesson file loads by path, and a bad
# one is refused with its line.
. "$(dirname "$0")/lib.sh"

TESTS="screen-lesson-pop3-walk screen-lesson-smtp-walk screen-lesson-list
screen-lesson-own-file screen-lesson-troubleshooting screen-lesson-starttls-auth
screen-lesson-envelope screen-lesson-mime"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

# send TEXT: replace what the lesson pre-filled with TEXT, and send it.
send() { keys C-u && type_line "$1"; }
# panel N TOTAL: the panel says step N of TOTAL.
panel() { wait_for "step $1 of $2" || return 1; }

t_pop3() {
	start 120 40 "$MB" --lab --lesson pop3-basics || return 1
	wait_for "Lesson pop3-basics  step 1 of 9" || return 1
	wait_for "pop3> USER student" || return 1
	keys Enter || return 1
	wait_for "step 1 of 9 done" || return 1
	# The password: the composer holds "PASS "; a wrong one first.
	wait_for "pop3> PASS" || return 1
	tm send-keys -t t -l "wrong" || return 1
	keys Enter || return 1
	wait_for "not yet: step 2 wants PASS" || return 1
	type_line "USER student" || return 1
	wait_for "C: USER student" || return 1
	tm send-keys -t t -l "PASS student" || return 1
	keys Enter || return 1
	wait_for "step 2 of 9 done" || return 1
	local i
	# STAT, LIST, TOP 1 0, RETR 1, DELE 1, RSET, QUIT: Enter sends each
	# pre-filled command.
	for i in 3 4 5 6 7 8 9; do
		panel "$i" 9 || return 1
		wait_for "type: " || return 1
		keys Enter || return 1
		wait_for "step $i of 9 done" || return 1
	done
	wait_for "lesson complete: 9 of 9 steps done"
}

t_smtp() {
	# An SMTP lesson on the lab opens on the lab's SMTP service.
	start 120 40 "$MB" --lab --lesson smtp-send || return 1
	wait_for "Lesson smtp-send  step 1 of 6" || return 1
	wait_for "S: 220 " || return 1
	wait_for "smtp> EHLO client.example" || return 1
	keys Enter || return 1
	wait_for "step 1 of 6 done" || return 1
	keys C-u || return 1
	# The warning when the session and the lesson do not agree.
	type_line "/lesson pop3-basics" || return 1
	wait_for "this lesson is for POP3" || return 1
	keys C-u || return 1
	type_line "/lesson smtp-send" || return 1
	wait_for "smtp> EHLO client.example" || return 1
	keys Enter || return 1
	wait_for "step 1 of 6 done" || return 1
	keys C-u || return 1
	# A wrong recipient first: 550, explained, not a step.
	send "MAIL FROM:<student@lab.example>" || return 1
	wait_for "step 2 of 6 done" || return 1
	send "RCPT TO:<someone@example.com>" || return 1
	wait_for "not yet: step 3" || return 1
	send "RCPT TO:<student@lab.example>" || return 1
	wait_for "step 3 of 6 done" || return 1
	send "DATA" || return 1
	wait_for "step 4 of 6 done" || return 1
	send "Subject: lesson" || return 1
	send "" || return 1
	send ".hidden line" || return 1
	wait_for "C: ..hidden line" || return 1
	send "." || return 1
	wait_for "step 5 of 6 done" || return 1
	send "QUIT" || return 1
	wait_for "lesson complete: 6 of 6 steps done"
}

t_list() {
	start 120 40 "$MB" || return 1
	wait_for "not connected" || return 1
	type_line "/lesson" || return 1
	wait_for "troubleshooting" || return 1
	wait_for "mime-anatomy" || return 1
}

t_own() {
	cat >"$TMP/mine.lesson" <<'L'
lesson mine
title My own lesson
protocol pop3
step Ask for the capabilities
say CAPA lists what the server can do.
type CAPA
expect +OK
L
	printf 'lesson bad\nstep s\nfrobnicate\n' >"$TMP/bad.lesson"
	type_line "/lesson $TMP/bad.lesson" || return 1
	wait_for "line 3: unknown keyword" || return 1
	type_line "/lesson $TMP/mine.lesson" || return 1
	wait_for "Lesson mine  step 1 of 1" || return 1
	wait_for "> CAPA" || return 1
	keys C-u || return 1
	type_line "/lesson stop" || return 1
	wait_for "lesson mine stopped at step 1 of 1" || return 1
	wait_gone "Lesson mine  step 1 of 1"
}

# walk NAME TOTAL: start the lesson on the lab and wait for its first step.
walk() {
	start 120 40 "$MB" --lab --lesson "$1" || return 1
	wait_for "Lesson $1  step 1 of $2" || return 1
	wait_for "type: " || return 1
}

t_trouble() {
	walk troubleshooting 7 || return 1
	send "EHLO client.example" || return 1
	wait_for "step 1 of 7 done" || return 1
	send "AUTH PLAIN" || return 1
	wait_for "step 2 of 7 done" || return 1
	send "MAIL FROM:<student@lab.example>" || return 1
	wait_for "step 3 of 7 done" || return 1
	# A wrong turn: a local recipient is accepted (250), which is not
	# the refusal this step is about: explained, the step waits.
	send "RCPT TO:<student@lab.example>" || return 1
	wait_for "not yet: step 4" || return 1
	send "RSET" || return 1
	wait_for "C: RSET" || return 1
	send "MAIL FROM:<student@lab.example>" || return 1
	wait_for "S: 250 2.1.0" || return 1
	send "RCPT TO:<someone@example.com>" || return 1
	wait_for "step 4 of 7 done" || return 1
	send "RCPT TO:<nobody@lab.example>" || return 1
	wait_for "step 5 of 7 done" || return 1
	send "DATA" || return 1
	wait_for "step 6 of 7 done" || return 1
	send "QUIT" || return 1
	wait_for "lesson complete: 7 of 7 steps done"
}

t_tls() {
	walk starttls-auth 5 || return 1
	send "EHLO client.example" || return 1
	wait_for "step 1 of 5 done" || return 1
	send "STARTTLS" || return 1
	wait_for "step 2 of 5 done" || return 1
	send "EHLO client.example" || return 1
	wait_for "step 3 of 5 done" || return 1
	# A wrong password first: 535, explained, the step waits.
	send "/auth PLAIN student" || return 1
	wait_for "SECRET" || return 1
	tm send-keys -t t -l "wrong" && keys Enter || return 1
	wait_for "not yet: step 4" || return 1
	send "/auth PLAIN student" || return 1
	wait_for "SECRET" || return 1
	tm send-keys -t t -l "student" && keys Enter || return 1
	wait_for "step 4 of 5 done" || return 1
	send "QUIT" || return 1
	wait_for "lesson complete: 5 of 5 steps done"
}

t_envelope() {
	walk envelope-header 6 || return 1
	send "EHLO client.example" || return 1
	wait_for "step 1 of 6 done" || return 1
	# A wrong turn: RCPT before MAIL gets 503; not the step's command.
	send "RCPT TO:<student@lab.example>" || return 1
	wait_for "S: 503" || return 1
	wait_for "Lesson envelope-header  step 2 of 6" || return 1
	send "MAIL FROM:<bounces@lab.example>" || return 1
	wait_for "step 2 of 6 done" || return 1
	send "RCPT TO:<student@lab.example>" || return 1
	wait_for "step 3 of 6 done" || return 1
	send "DATA" || return 1
	wait_for "step 4 of 6 done" || return 1
	send "From: The Director <director@lab.example>" || return 1
	send "Subject: who sent this?" || return 1
	send "" || return 1
	send "hello" || return 1
	send "." || return 1
	wait_for "step 5 of 6 done" || return 1
	# The pre-filled /connect carries the lab's POP3 URL.
	wait_for "/connect pop3://student@127.0.0.1:" || return 1
	keys Enter || return 1
	wait_for "lesson complete: 6 of 6 steps done"
}

t_mime() {
	walk mime-anatomy 5 || return 1
	send "/auth USER student" || return 1
	wait_for "SECRET" || return 1
	tm send-keys -t t -l "student" && keys Enter || return 1
	wait_for "step 1 of 5 done" || return 1
	send "/load" || return 1
	wait_for "step 2 of 5 done" || return 1
	# A wrong message number: -ERR, explained; the step waits.
	send "RETR 99" || return 1
	wait_for "S: -ERR" || return 1
	wait_for "Lesson mime-anatomy  step 3 of 5" || return 1
	send "RETR 2" || return 1
	wait_for "step 3 of 5 done" || return 1
	send "RETR 3" || return 1
	wait_for "step 4 of 5 done" || return 1
	send "QUIT" || return 1
	wait_for "lesson complete: 5 of 5 steps done"
}

t_pop3; result screen-lesson-pop3-walk $?
t_smtp; result screen-lesson-smtp-walk $?
t_list; r=$?; result screen-lesson-list $r
if [ $r = 0 ]; then t_own; r=$?; else r=1; fi; result screen-lesson-own-file $r
t_trouble; result screen-lesson-troubleshooting $?
t_tls; result screen-lesson-starttls-auth $?
t_envelope; result screen-lesson-envelope $?
t_mime; result screen-lesson-mime $?
exit $((failures > 0))

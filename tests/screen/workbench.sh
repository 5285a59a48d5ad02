#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests for a day at the workbench (issue 9): commands typed by
# hand fill the mailbox view, every way out with DELE marks pending asks
# or keeps the mail and says so, the views reset on /connect, history
# follows the protocol of the session a line was typed in.
. "$(dirname "$0")/lib.sh"

TESTS="screen-typed-mailbox screen-connect-marks screen-connect-quit-first
screen-drop-marks screen-signal-marks screen-history-proto screen-tls-cafile
screen-tls-trust screen-8bit-no-charset screen-composer-syntax
screen-empty-enter screen-expects-tls screen-small-80x24 screen-load-progress-80
screen-zoom-keeps-focus screen-legends screen-timing screen-retr-during-load"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

login() {
	wait_for "AUTHORIZATION" || return 1
	type_line "USER student" && wait_for "expects: PASS password" &&
	    type_line "PASS student" && wait_for "TRANSACTION"
}

# The lab's POP3 and SMTP URLs, read from the screen.
pop3_url() {
	echo "pop3://127.0.0.1:$(screen | grep -o 'POP3 127.0.0.1:[0-9]*' |
	    head -n 1 | cut -d: -f2)"
}
smtp_url() { screen | grep -o 'smtp://127.0.0.1:[0-9]*' | head -n 1; }

# lab SCENARIO: a lab server of its own in the background (mailbench --lab
# takes no scenario); sets LAB_POP3 to its POP3 URL.
lab_pid=
lab() {
	local i=0
	# One lab at a time: the one before is done with.
	[ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null && wait "$lab_pid" 2>/dev/null
	"$MB" lab --pop3-port 0 --smtp-port 0 --pop3s-port 0 \
	    --smtps-port -1 ${1:+--scenario "$1"} >"$TMP/lab.out" 2>&1 &
	lab_pid=$!
	EXTRA_CLEANUP='[ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null'
	# Up to 60 s: making its certificate is slow on a loaded machine.
	while [ $i -lt 1200 ] && ! grep -q "^ready" "$TMP/lab.out"; do
		sleep 0.05
		i=$((i + 1))
	done
	# -a: read as text even if the file looks binary to grep.
	LAB_POP3=pop3://$(grep -ao 'POP3 *127.0.0.1:[0-9]*' "$TMP/lab.out" |
	    sed 's/POP3 *//')
	LAB_POP3S=pop3s://$(grep -ao 'POP3S *127.0.0.1:[0-9]*' "$TMP/lab.out" |
	    sed 's/POP3S *//')
	[ "$LAB_POP3" != pop3:// ] || { echo "--- the lab did not start:" >&2;
	    cat "$TMP/lab.out" >&2; return 1; }
}

# wait_re REGEX: poll until a screen line matches the extended regex (the
# mailbox rows are re-synced up to 100 ms after the status bar).
wait_re() {
	local i=0
	while [ $i -lt $((WAIT_SECONDS * 20)) ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "--- timed out waiting for /$1/" >&2
	screen >&2
	return 1
}

# The mailbox pane's rows: lines starting with an optional mark and a
# message number.
rows() { screen | grep -cE '^[ *DX]  +[0-9]+ +([0-9]+|\?)( |$)'; }

# 1. STAT, LIST, UIDL, TOP, RETR, DELE, RSET typed by hand fill the
# mailbox view when their replies arrive, as /load does.
t_typed() {
	start 120 40 "$MB" --lab || return 1
	login || return 1
	type_line "STAT" || return 1
	wait_for "Mailbox  8 messages, 9186 octets" || return 1
	wait_re '^  +8 +\?' || return 1
	[ "$(rows)" = 8 ] || { echo "STAT: $(rows) rows" >&2; return 1; }
	type_line "LIST" || return 1
	wait_for "     3   1879" || return 1
	type_line "UIDL" || return 1
	wait_for "S: 8 " || return 1
	type_line "TOP 3 0" || return 1
	wait_for "Attachments: names in RFC 2231" || return 1
	type_line "RETR 1" || return 1
	wait_for "Message 1" || return 1
	type_line "DELE 2" || return 1
	wait_for "1 marked for deletion" || return 1
	wait_re '^D +2 +1043' || return 1
	type_line "RSET" || return 1
	wait_for "0 marked for deletion" || return 1
	wait_re '^  +2 +1043' || return 1
	keys C-q || return 1
	wait_exit
}

# 2. /connect with DELE marks pending asks; "n" leaves without QUIT, says
# the server keeps the message, and the new session starts with empty
# views (no stale STAT count over an empty list).
t_connect_marks() {
	start 120 40 "$MB" --lab || return 1
	login || return 1
	url=$(pop3_url)
	type_line "STAT" || return 1
	wait_for "8 messages, 9186 octets" || return 1
	type_line "DELE 2" || return 1
	wait_for "1 marked for deletion" || return 1
	type_line "/connect $url" || return 1
	wait_for "y: QUIT first (deletions become PERMANENT)" || return 1
	screen | grep -q "leaving 127.0.0.1" && return 1	# it asked
	keys n || return 1
	wait_for "the server keeps the 1 message marked for deletion" ||
	    return 1
	wait_for "Mailbox  0 messages  0 marked" || return 1
	screen | grep -q "Mailbox .*9186 octets" && return 1
	[ "$(rows)" = 0 ] || return 1
	# The hints start again with the new session.
	wait_for "expects: USER name" || return 1
	# Nothing was deleted: the new session still has 8 messages.
	login || return 1
	type_line "STAT" || return 1
	wait_for "Mailbox  8 messages, 9186 octets" || return 1
	keys C-q || return 1
	wait_exit
}

# 2b. "y" sends QUIT first (the deletion becomes final), then connects;
# Esc stays.
t_connect_quit_first() {
	start 120 40 "$MB" --lab || return 1
	login || return 1
	url=$(pop3_url)
	type_line "DELE 8" || return 1
	wait_for "1 marked for deletion" || return 1
	type_line "/connect $url" || return 1
	wait_for "Connect? y: QUIT first" || return 1
	keys Escape || return 1
	wait_gone "Connect? y: QUIT first" || return 1
	screen | grep -q "C: QUIT" && return 1
	type_line "/connect $url" || return 1
	wait_for "Connect? y: QUIT first" || return 1
	keys y || return 1
	wait_for "C: QUIT" || return 1
	wait_for "1 deletion(s) made final" || return 1
	wait_for "expects: USER name" || return 1
	login || return 1
	type_line "STAT" || return 1
	wait_for "Mailbox  7 messages" || return 1
	keys C-q || return 1
	wait_exit
}

# 2c (issue 12 item 8). A dropped connection with marks pending: the
# server keeps the messages (no QUIT was answered) and the marks go.
t_drop_marks() {
	lab drop-retr || return 1
	start 120 40 "$MB" "$LAB_POP3" || return 1
	login || return 1
	type_line "STAT" || return 1
	wait_for "8 messages, 9186 octets" || return 1
	type_line "DELE 1" || return 1
	wait_for "1 marked for deletion" || return 1
	wait_re '^D +1 ' || return 1
	type_line "RETR 3" || return 1
	wait_for "the server keeps the 1 message marked for deletion" ||
	    return 1
	wait_for "0 marked for deletion" || return 1
	wait_re '^ +1 +\?( |$)' || return 1
	screen | grep -q "DELETION PENDING" && return 1
	keys C-q || return 1
	wait_exit
}

# 2d. A signal (a closed terminal sends SIGHUP) cannot ask: the mail is
# kept and the transcript says so.
t_signal_marks() {
	local sig
	for sig in HUP TERM INT; do
		rm -f "$TMP/t-$sig.txt"
		start 120 40 "$MB" --lab --transcript "$TMP/t-$sig.txt" ||
		    return 1
		login || return 1
		type_line "DELE 1" || return 1
		wait_for "1 marked for deletion" || return 1
		pid=$(tm display-message -p -t t '#{pane_pid}')
		# The pane runs env, which execs mailbench.
		kill -"$sig" "$pid" || return 1
		wait_exit || return 1
		grep -q "the server keeps the 1 message marked for deletion" \
		    "$TMP/t-$sig.txt" || { echo "SIG$sig: not said" >&2;
		    return 1; }
		grep -q "C: QUIT" "$TMP/t-$sig.txt" && return 1
	done
	return 0
}

# 3. History is per protocol of the session the line was typed in, also
# after /connect from a live session to the other protocol.
t_history() {
	start 120 40 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	pop=$(pop3_url)
	smtp=$(smtp_url)
	[ -n "$smtp" ] || return 1
	type_line "NOOP" || return 1
	wait_for "C: NOOP" || return 1
	type_line "/connect $smtp" || return 1
	wait_for "S: 220" || return 1
	type_line "EHLO history.example" || return 1
	wait_for "S: 250 " || return 1
	keys Up || return 1
	wait_for "smtp> EHLO history.example" || return 1
	keys Up || return 1
	sleep 0.2	# a wrong recall would show at once
	screen | grep -q "smtp> NOOP" && return 1
	screen | grep -q "> /connect" && return 1
	keys C-u || return 1
	type_line "/connect $pop" || return 1
	wait_for "expects: USER name" || return 1
	keys Up || return 1
	wait_for "pop3> /connect $smtp" || return 1
	keys Up || return 1
	wait_for "pop3> NOOP" || return 1
	keys C-u C-q || return 1
	wait_exit
}

# 4. TLS trouble solved from inside: a self-signed server fails to verify;
# /cert save writes its chain as PEM, /connect --cafile FILE then
# verifies; the saved file is what the server sent.
t_tls_cafile() {
	lab "" || return 1
	START_DIR=$TMP start 120 40 "$MB" "$LAB_POP3S" || return 1
	wait_for "the server's certificate is self-signed" || return 1
	wait_for "/cert save FILE" || return 1
	type_line "/cert save chain.pem" || return 1
	wait_for "saved as PEM to chain.pem" || return 1
	openssl x509 -in "$TMP/chain.pem" -noout -subject | grep -q lab.example ||
	    return 1
	# Never over an existing file.
	type_line "/cert save chain.pem" || return 1
	wait_for "never written over" || return 1
	type_line "/connect --bogus $LAB_POP3S" || return 1
	wait_for "unknown option --bogus" || return 1
	type_line "/connect --cafile chain.pem $LAB_POP3S" || return 1
	wait_for "| TLSv1.3 verified |" || return 1
	wait_for "AUTHORIZATION" || return 1
	# The options were for that connection: without them, the command
	# line's apply again and verification fails.
	type_line "/connect $LAB_POP3S" || return 1
	wait_for "session closed: the server's certificate is self-signed" || return 1
	keys C-q || return 1
	wait_exit
}

# 4b. /cert trust after a failed verification: the next connection goes
# on, loudly marked in the transcript and the status bar.
t_tls_trust() {
	lab "" || return 1
	start 160 40 "$MB" "$LAB_POP3S" || return 1
	wait_for "the server's certificate is self-signed" || return 1
	# The fingerprint the lab printed is the one trusted.
	sha=$(grep -A1 'SHA-256 fingerprint' "$TMP/lab.out" | tail -n 1 |
	    tr -d ' ')
	[ ${#sha} = 95 ] || return 1
	type_line "/cert trust" || return 1
	wait_for "TRUSTING a certificate that did NOT verify" || return 1
	screen | tr -d '\n ' | grep -q "SHA-256$sha" || return 1
	type_line "/connect $LAB_POP3S" || return 1
	wait_for "TRUSTED BY YOUR CHOICE" || return 1
	wait_for "TRUSTED BY SHA-256, NOT VERIFIED" || return 1
	wait_for "AUTHORIZATION" || return 1
	type_line "/cert" || return 1
	wait_for "verification: self-signed certificate (trusted by SHA-256" || return 1
	keys C-q || return 1
	wait_exit
}

# 10. A part with 8-bit bytes and no charset shows what the transcript
# shows (UTF-8 where valid), with a note, not a row of U+FFFD.
t_8bit() {
	start 120 40 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	pop=$(pop3_url)
	type_line "/connect $(smtp_url)" || return 1
	wait_for "S: 220" || return 1
	for l in "EHLO x.example" "MAIL FROM:<a@x.example>" \
	    "RCPT TO:<student@lab.example>"; do
		type_line "$l" || return 1
		wait_for "C: $l" || return 1
	done
	wait_for "S: 250 2.1.5" || return 1
	type_line "DATA" || return 1
	wait_for "S: 354" || return 1
	for l in "Subject: eight bits" "" "Grüße aus Köln" "."; do
		type_line "$l" || return 1
	done
	wait_for "S: 250 2.0.0" || return 1
	type_line "QUIT" || return 1
	wait_for "S: 221" || return 1
	type_line "/connect $pop" || return 1
	login || return 1
	type_line "RETR 9" || return 1
	wait_for "Message 9" || return 1
	wait_for "no charset declared, yet 8-bit bytes" || return 1
	wait_for "Grüße aus Köln" || return 1
	screen | grep -q $'\xef\xbf\xbd' && return 1	# no U+FFFD
	keys C-q || return 1
	wait_exit
}

# 9. The composer warns on USER without a name, LIST abc, RETR 0, DELE 1 2
# as it does for TOP 1.
t_syntax() {
	start 120 40 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	tm send-keys -t t -l "USER" || return 1
	wait_for "! needs a name (RFC 1939 7)" || return 1
	keys C-u || return 1
	login || return 1
	for l in "LIST abc:the message number must be a number" \
	    "RETR 0:messages are numbered from 1" \
	    "DELE 1 2:too many arguments: one at a time" \
	    "TOP 1:TOP needs a message number and a line count"; do
		tm send-keys -t t -l "${l%%:*}" || return 1
		wait_for "! ${l#*:}" || return 1
		keys C-u || return 1
	done
	tm send-keys -t t -l "RETR 3" || return 1
	wait_for "RETR msg  - the whole message" || return 1
	keys C-u C-q || return 1
	wait_exit
}

# 9b. An empty Enter does not send an empty line unless pressed again.
t_empty() {
	start 120 40 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	keys Enter || return 1
	wait_for "an empty line is not sent: press Enter again" || return 1
	screen | grep -qE '^ +1.C:' && return 1
	keys Enter || return 1
	wait_re '^ +1.C: *$' || return 1
	wait_re '^ +1.S: -ERR' || return 1
	keys C-q || return 1
	wait_exit
}

# 9c. The expects: line lists only what is valid now: no STLS on a TLS
# session (the lab's POP3S, verified with the lab's certificate).
t_expects_tls() {
	start 120 40 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	wait_for "expects: USER name, APOP, AUTH, CAPA or STLS" || return 1
	port=$(screen | grep -o 'POP3S [0-9]*' | head -n 1 | cut -d' ' -f2)
	[ -n "$port" ] || return 1
	type_line "/connect pop3s://127.0.0.1:$port" || return 1
	wait_for "| TLSv1.3 verified | AUTHORIZATION" || return 1
	wait_for "expects: USER name, APOP, AUTH or CAPA   |" || return 1
	screen | grep -q "expects: .*STLS" && return 1
	keys C-q || return 1
	wait_exit
}

# 7. At 80x24 the transcript gets the room while the mailbox is empty; the
# lab's URLs complete with Tab after /connect.
t_small() {
	start 80 24 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	wait_for "F1 or /help shows every key" || return 1
	row=$(screen | grep -n '^ Mailbox ' | head -n 1 | cut -d: -f1)
	# Status, 18 transcript rows, then the 3-row empty mailbox.
	[ -n "$row" ] && [ "$row" -ge 19 ] || { echo "mailbox at $row" >&2;
	    return 1; }
	wait_for "empty: /load (or l here) fills it" || return 1
	login || return 1
	type_line "STAT" || return 1
	wait_re '^ +8 +\?' || return 1
	row=$(screen | grep -n '^ Mailbox ' | head -n 1 | cut -d: -f1)
	[ "$row" -lt 19 ] || return 1	# rows: the table grows
	smtp=$(screen | grep -o 'smtp://127.0.0.1:[0-9]*' | head -n 1)
	tm send-keys -t t -l "/connect smtp://1" || return 1
	keys Tab || return 1
	wait_for "> /connect $smtp" ||
	    return 1
	keys C-u C-q || return 1
	wait_exit
}

# 7b. /load's progress stays visible at 80 columns (a slow server).
t_progress80() {
	lab slow || return 1
	start 80 24 "$MB" "$LAB_POP3" || return 1
	login || return 1
	type_line "/load" || return 1
	wait_for " Mailbox  [loading: " || return 1
	keys C-q || return 1
	wait_exit 30
}

# 8. F5 in the composer zooms the transcript and keeps the focus: a
# /help typed next is a command, not a transcript search.
t_zoom_focus() {
	start 120 40 "$MB" --lab || return 1
	wait_for "AUTHORIZATION" || return 1
	keys F5 || return 1
	wait_gone " Mailbox " || return 1	# the transcript is zoomed
	type_line "/help" || return 1
	wait_for "/cert [save FILE | trust]" || return 1
	screen | grep -q "Search:" && return 1
	keys Escape C-q || return 1
	wait_exit
}

# 8b. The mailbox's mark column and the message title's "part 1 (2/3)"
# have a legend.
t_legends() {
	start 120 40 "$MB" --lab || return 1
	login || return 1
	type_line "RETR 3" || return 1
	wait_for "Message 3" || return 1
	wait_for "part 1 (2 of 5 parts; ] [ move) text/plain" || return 1
	keys C-o C-o || return 1
	wait_for "marks: * fetched D to delete X deleted" || return 1
	keys F1 || return 1
	wait_for "help   (Esc or q closes" || return 1
	keys End || return 1
	wait_for "Mailbox marks (first column): * fetched" || return 1
	keys Escape C-q || return 1
	wait_exit
}

# 6. Timing that means what it says: pipelined replies are timed from the
# reply before them (the time since sending is said too), and a slow
# server is called slow in the status bar.
t_timing() {
	lab slow || return 1
	start 140 40 "$MB" "$LAB_POP3" || return 1
	login || return 1
	wait_for "SLOW server" || return 1
	keys C-o || return 1			# the transcript
	wait_for "transcript: Up/Down" || return 1
	keys T || return 1			# timing lines on
	keys BTab || return 1			# back to the composer
	wait_for "expects: STAT" || return 1
	type_line "/load" || return 1
	wait_for "/load: done" 30 || return 1
	wait_for "ms after the previous reply (" || return 1
	# The status bar calls the server slow; whether its last reply was
	# pipelined depends on what the screen asked after /load.
	wait_re 'last reply [0-9.]+ s( after the previous)?: SLOW server' ||
	    return 1
	keys C-q || return 1
	wait_exit 30
}

# 5. A RETR asked for during a long /load says it is queued, where, and
# about when its reply comes.
t_retr_load() {
	lab slow || return 1
	rm -f "$TMP/load.txt"
	start 140 40 "$MB" --transcript "$TMP/load.txt" "$LAB_POP3" || return 1
	login || return 1
	type_line "/load" || return 1
	wait_for "loading " 15 || return 1
	type_line "RETR 2" || return 1
	wait_re 'RETR is queued behind [0-9]+ commands? of /load still' ||
	    return 1
	wait_for "Message 2" 30 || return 1
	grep -qE '^\* RETR is queued behind [0-9]+ commands? of /load still waiting for replies: the server answers in order, so its reply comes after theirs \(about [0-9.]+ s at the current pace\)$' \
	    "$TMP/load.txt" || { grep queued "$TMP/load.txt" >&2; return 1; }
	keys C-q || return 1
	wait_exit 30
}

t_typed; result screen-typed-mailbox $?
t_connect_marks; result screen-connect-marks $?
t_connect_quit_first; result screen-connect-quit-first $?
t_drop_marks; result screen-drop-marks $?
t_signal_marks; result screen-signal-marks $?
t_history; result screen-history-proto $?
t_tls_cafile; result screen-tls-cafile $?
t_tls_trust; result screen-tls-trust $?
t_8bit; result screen-8bit-no-charset $?
t_syntax; result screen-composer-syntax $?
t_empty; result screen-empty-enter $?
t_expects_tls; result screen-expects-tls $?
t_small; result screen-small-80x24 $?
t_progress80; result screen-load-progress-80 $?
t_zoom_focus; result screen-zoom-keeps-focus $?
t_legends; result screen-legends $?
t_timing; result screen-timing $?
t_retr_load; result screen-retr-during-load $?
[ $failures = 0 ]

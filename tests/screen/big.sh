#!/bin/bash
# SPDX-License-Identifier: MIT
# A RETR larger than the 64 MiB at which it used to be refused, in the
# workbench, from a private Dovecot: the message (71 MiB, a 52 MiB
# attachment) opens with its MIME tree, the transcript folds its body into
# one line whose lines are read back from disk (opened, searched), saving
# the attachment gives the original bytes (SHA-256 against Python's email
# package), and the workbench's peak resident memory (VmHWM) stays under
# 96 MiB: the message is spooled, not held.
. "$(dirname "$0")/lib.sh"

TESTS="screen-big-retr screen-big-fold screen-big-save screen-big-memory"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS
need "[ -x /usr/sbin/dovecot ] && [ -e /usr/lib/dovecot/pop3-login ]" \
    "dovecot is not installed: scripts/install-deps --test" $TESTS
need "[ \"\$(id -u)\" = 0 ]" "needs root to run a private Dovecot" $TESTS
need "command -v python3 >/dev/null" "python3 is not installed" $TESTS

chmod 755 "$TMP"
D=$TMP/dovecot
EXTRA_CLEANUP="'$root/scripts/dovecot-stop' '$D' >/dev/null 2>&1"
if ! "$root/scripts/dovecot-start" "$D" --messages 3 --big-kb 53248 >"$TMP/start.log" 2>&1; then
	sed 's/^/  | /' "$TMP/start.log" >&2
	for t in $TESTS; do echo "FAIL: $t (scripts/dovecot-start failed)"; done
	exit 1
fi
. "$D/ports"
mkdir -p "$TMP/save"
big=$(ls "$DOVECOT_MAILDIR"/cur/1700000003.*)
want=$(python3 "$root/tests/integration/attachment.py" message "$big" data3.bin)
size=$(awk -F'\t' '$1 == 3 { print $2 }' "$DOVECOT_MANIFEST")

t_retr() {
	[ "$size" -gt $((64 * 1024 * 1024)) ] || return 1
	START_DIR=$TMP/save start 120 40 "$MB" "pop3://127.0.0.1:$DOVECOT_POP3_PORT" || return 1
	wait_for "AUTHORIZATION" || return 1
	type_line "USER $DOVECOT_USER" || return 1
	wait_for "expects: PASS password" || return 1
	type_line "PASS $DOVECOT_PASSWORD" || return 1
	wait_for "TRANSACTION" || return 1
	type_line "RETR 3" || return 1
	wait_for "Message 3" 90 || return 1
	wait_for "application/octet-stream" 30
}

t_fold() {
	# The body past its first lines is one fold line with its count.
	wait_for "more lines of this response, kept on disk" || return 1
	screen | grep -Eq '\[\+[0-9]{5,} lines, [0-9.]+ MiB\]' || return 1
	# Search finds the closing boundary inside the fold and opens it.
	keys C-f || return 1
	wait_for "Search:" || return 1
	tm send-keys -t t -l -- "--b3--" || return 1
	keys Enter || return 1
	wait_for 'found "--b3--"' 30 || return 1
	wait_for "folded body: line" || return 1
	screen | grep -q -- "S: --b3--" || return 1
	# Enter closes the fold view again (the transcript pane has focus).
	keys Escape || return 1
	return 0
}

t_save() {
	keys C-o C-o C-o || return 1
	wait_for "message: ] [ parts" || return 1
	keys ']' || return 1
	wait_for "> 2  application/octet-stream" || return 1
	keys w || return 1
	wait_for "Save to: ./data3.bin" || return 1
	keys Enter || return 1
	wait_for "saved $((53248 * 1024)) bytes to ./data3.bin" 60 || return 1
	[ "$(python3 "$root/tests/integration/attachment.py" file "$TMP/save/data3.bin")" = "$want" ]
}

t_memory() {
	local pid hwm
	pid=$(tm list-panes -t t -F '#{pane_pid}' | head -1)
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	echo "# workbench peak RSS after a ${size}-byte RETR, open and save: ${hwm:-?} KiB" >&2
	[ -n "$hwm" ] && [ "$hwm" -lt $((96 * 1024)) ]
}

t_retr; r=$?; result screen-big-retr $r
if [ $r = 0 ]; then t_fold; r2=$?; else r2=1; fi; result screen-big-fold $r2
if [ $r = 0 ]; then t_save; r2=$?; else r2=1; fi; result screen-big-save $r2
if [ $r = 0 ]; then t_memory; r2=$?; else r2=1; fi; result screen-big-memory $r2
keys C-q >/dev/null 2>&1
[ $failures = 0 ]

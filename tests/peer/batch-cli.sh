#!/bin/bash
# SPDX-License-Identifier: MIT
# `mailbench batch` as a command: usage errors (exit 2), --help/--version,
# blank lines skipped, --timing, --transcript equal to stdout, the
# password from a file never shown, end of input without QUIT, an input
# line from stdin vs FILE, IPv6 literal URL. Against tests/peer/fakeserver.py.
. "$(dirname "$0")/../lib.sh"

FAKE=$LIB_ROOT/tests/peer/fakeserver.py
names=(usage help version blank-lines timing transcript-file password-file
	eof-no-quit ipv6 no-password)
if ! command -v python3 >/dev/null; then
	for n in "${names[@]}"; do skip "batch-cli/$n" "python3 not installed"; done
	finish
fi
if ! have_mailbench; then
	for n in "${names[@]}"; do skip "batch-cli/$n" "mailbench batch is not built yet (make)"; done
	finish
fi
W=$(workdir batch-cli)
on_exit "rm -rf '$W'"

# serve NAME [ARGS...]: start the fake server on NAME.scn; PORT is set.
serve() {
	local name=$1 pf=$W/$1.port
	shift
	python3 "$FAKE" "$W/$name.scn" --port-file "$pf" --log "$W/$name.srv.log" \
		--max 20 "$@" 2>>"$W/$name.srv.log" &
	on_exit "kill $!"
	SPID=$!
	wait_for 10 test -s "$pf" || { PORT=1; return 1; }
	PORT=$(cat "$pf")
}
# done_srv NAME: wait for the server to exit and record its code.
done_srv() {
	local i
	for i in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
	wait "$SPID"
	echo $? >"$W/$1.srv"
}

# --- Usage errors exit 2, with a message on stderr and nothing on stdout.
ok=1
for args in "" "--timeout" "--timeout -1 pop3://127.0.0.1:1" "--bogus pop3://x" \
	"imap://127.0.0.1" "pop3://127.0.0.1:99999" "pop3://127.0.0.1:1 a b" \
	"pop3://127.0.0.1:1 /nonexistent/file" "pop3://127.0.0.1:1 /" \
	"--reply-deadline -1 pop3://127.0.0.1:1" "--reply-deadline 5x pop3://127.0.0.1:1" \
	"--reply-deadline pop3://127.0.0.1:1" "--password-file /nonexistent pop3://127.0.0.1:1"; do
	# shellcheck disable=SC2086
	MB_INPUT=/dev/null mb_batch "$W/usage" 10 $args
	if [ "$(rc_of "$W/usage")" != 2 ] || [ -s "$W/usage.out" ] || [ ! -s "$W/usage.err" ]; then
		note "usage: '$args' gave exit $(rc_of "$W/usage")"
		ok=0
	fi
done
check batch-cli/usage test $ok = 1

# --- --help on stdout, exit 0; --version.
MB_INPUT=/dev/null mb_batch "$W/help" 10 --help
expect batch-cli/help "$W/help" eval "[ \$(cat '$W/help.rc') = 0 ] &&
	grep -q 'usage: mailbench batch' '$W/help.out' && grep -q -- '--starttls' '$W/help.out' &&
	grep -q -- '--password-file' '$W/help.out' && grep -q -- '--reply-deadline' '$W/help.out'"
MB_INPUT=/dev/null mb_batch "$W/version" 10 --version
expect batch-cli/version "$W/version" eval "[ \$(cat '$W/version.rc') = 0 ] &&
	grep -q '^mailbench ' '$W/version.out'"

# --- Blank lines outside message text are not sent.
cat >"$W/blank.scn" <<'S'
send +OK ready
expect NOOP
send +OK
expect QUIT
send +OK bye
S
printf '\nNOOP\n\n\r\nQUIT\n\n' >"$W/blank.in"
serve blank
MB_INPUT=$W/blank.in mb_batch "$W/blank" 20 "pop3://127.0.0.1:$PORT" --timeout 5
done_srv blank
expect batch-cli/blank-lines "$W/blank" eval "[ \$(cat '$W/blank.rc') = 0 ] &&
	[ \$(cat '$W/blank.srv') = 0 ] && [ \$(grep -c '^C: ' '$W/blank.out') = 2 ]"

# --- --timing adds "* N ms" after each reply; the default has none.
cp "$W/blank.scn" "$W/timing.scn"
printf 'NOOP\nQUIT\n' >"$W/timing.in"
serve timing
MB_INPUT=$W/timing.in mb_batch "$W/timing" 20 --timing "pop3://127.0.0.1:$PORT"
done_srv timing
expect batch-cli/timing "$W/timing" eval "has_line '$W/timing.out' '^\\* [0-9]+\\.[0-9] ms\$' &&
	no_line '$W/blank.out' '^\\* [0-9]+\\.[0-9] ms\$'"

# --- --transcript FILE holds exactly what stdout shows.
cp "$W/blank.scn" "$W/tfile.scn"
serve tfile
MB_INPUT=$W/timing.in mb_batch "$W/tfile" 20 --transcript "$W/saved.txt" "pop3://127.0.0.1:$PORT"
done_srv tfile
expect batch-cli/transcript-file "$W/tfile" cmp "$W/saved.txt" "$W/tfile.out"

# --- --password-file answers /auth USER; the password is shown nowhere.
cat >"$W/pw.scn" <<'S'
send +OK ready
expect USER bob
send +OK
expect PASS pw-file-secret-9
send +OK in
expect QUIT
send +OK bye
S
printf 'pw-file-secret-9\nsecond line ignored\n' >"$W/pwfile"
chmod 600 "$W/pwfile"	# a readable password file is refused
printf '/auth USER bob\nQUIT\n' >"$W/pw.in"
serve pw
MB_INPUT=$W/pw.in mb_batch "$W/pw" 20 --password-file "$W/pwfile" "pop3://127.0.0.1:$PORT"
done_srv pw
expect batch-cli/password-file "$W/pw" eval "[ \$(cat '$W/pw.rc') = 0 ] &&
	[ \$(cat '$W/pw.srv') = 0 ] && no_secret '$W/pw.out' pw-file-secret-9 &&
	no_secret '$W/pw.err' pw-file-secret-9 && has_line '$W/pw.out' '^C: PASS \\*{8}\$'"

# --- End of input: no QUIT is added; the connection is closed.
cat >"$W/eof.scn" <<'S'
send +OK ready
expect NOOP
send +OK
wait-close 5
S
printf 'NOOP\n' >"$W/eof.in"
serve eof
MB_INPUT=$W/eof.in mb_batch "$W/eof" 20 "pop3://127.0.0.1:$PORT"
done_srv eof
expect batch-cli/eof-no-quit "$W/eof" eval "[ \$(cat '$W/eof.rc') = 0 ] &&
	[ \$(cat '$W/eof.srv') = 0 ] && no_line '$W/eof.out' '^C: QUIT' &&
	has_line '$W/eof.out' '^\\* end of input'"

# --- A password wanted and no source given: /auth fails clearly (exit 1);
# nothing of the login is sent, and the next input line is never taken as
# the password but runs as the command it is (issue 9 item 11).
cat >"$W/nopw.scn" <<'S'
send +OK ready
expect NOOP
send +OK
expect QUIT
send +OK bye
S
printf '/auth USER bob\nNOOP\nQUIT\n' >"$W/nopw.in"
serve nopw
env -u MAILBENCH_PASSWORD MB_INPUT="$W/nopw.in" bash -c ". '$LIB_ROOT/tests/lib.sh'; mb_batch '$W/nopw' 20 'pop3://127.0.0.1:$PORT'"
done_srv nopw
expect batch-cli/no-password "$W/nopw" eval "[ \$(cat '$W/nopw.rc') = 1 ] &&
	[ \$(cat '$W/nopw.srv') = 0 ] && no_line '$W/nopw.out' '^C: PASS' &&
	has_line '$W/nopw.out' '^C: NOOP\$' &&
	grep -q 'no password source: give --password-file FILE or set MAILBENCH_PASSWORD' '$W/nopw.err'"

# --- An IPv6 literal that nothing serves: refused on ::1, exit 3.
MB_INPUT=/dev/null mb_batch "$W/ipv6" 20 "pop3://[::1]:1" --timeout 5
expect batch-cli/ipv6 "$W/ipv6" eval "[ \$(cat '$W/ipv6.rc') = 3 ] &&
	has_line '$W/ipv6.out' '^\\* .*::1' && transcript_shape '$W/ipv6.out'"

finish

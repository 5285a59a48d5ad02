#!/bin/bash
# SPDX-License-Identifier: MIT
# Files and secrets (issue 12): /save! replaces a file atomically (a write
# that fails half-way leaves the old file whole, and no temporary file),
# /save never replaces one, a --password-file that others can read is
# refused before anything is sent (a pipe passes), and a process that may
# hold a password cannot dump core. `mailbench batch` against
# tests/peer/fakeserver.py; run in the plain and the ASan/UBSan builds.
. "$(dirname "$0")/../lib.sh"

FAKE=$LIB_ROOT/tests/peer/fakeserver.py
names=(save-atomic/old-kept save-atomic/reported save-atomic/no-temp
	save-atomic/not-killed save-exists save-replace save-replace/mode
	password-file/open-refused password-file/group-refused
	password-file/pipe no-core/limit)
if ! command -v python3 >/dev/null; then
	for n in "${names[@]}"; do skip "files/$n" "python3 not installed"; done
	finish
fi
if ! have_mailbench; then
	for n in "${names[@]}"; do skip "files/$n" "mailbench batch is not built yet (make)"; done
	finish
fi
reap_stale files
W=$(workdir files)
on_exit "rm_workdir '$W'"

# serve NAME: start the fake server on NAME.scn; PORT and SPID are set.
serve() {
	local pf=$W/$1.port
	python3 "$FAKE" "$W/$1.scn" --port-file "$pf" --log "$W/$1.srv.log" \
		--max 25 >>"$W/$1.srv.log" 2>&1 &
	SPID=$!
	on_exit "kill $SPID"
	wait_for 10 test -s "$pf" || { PORT=1; return 1; }
	PORT=$(cat "$pf")
}
gone() { ! kill -0 "$1" 2>/dev/null; }
# done_srv NAME: wait for the server to exit; its code goes to NAME.srv.
done_srv() {
	wait_for 10 gone "$SPID" || kill "$SPID" 2>/dev/null
	wait "$SPID"
	echo $? >"$W/$1.srv"
}
# run NAME LIMIT_KB ARGS...: batch ARGS with stdin NAME.in under a file
# size limit of LIMIT_KB KiB (0: none); stdout through a pipe, which the
# limit does not bound. NAME.out, NAME.err, NAME.rc.
run() {
	local name=$1 limit=$2 rc
	shift 2
	(
		[ "$limit" != 0 ] && ulimit -f "$limit"
		exec timeout -k 3 30 "$MAILBENCH" batch "$@" <"$W/$name.in" 2>"$W/$name.err"
	) | cat >"$W/$name.out"
	rc=${PIPESTATUS[0]}
	echo "$rc" >"$W/$name.rc"
	{
		echo "--- $name: mailbench batch $* (exit $rc)"
		cut -c1-200 "$W/$name.out" | sed -n '1,60p'
		echo "--- stderr"
		sed -n '1,40p' "$W/$name.err"
	} >"$W/$name.log"
}

# --- /save! over an existing file, and the write fails half-way (a file
# size limit of 2 KiB; the transcript is over 3 KiB): the old file stays
# whole, the failure is reported, no temporary file is left, and the
# session goes on. Before: truncated in place, the old text lost.
mkdir -p "$W/sd"
for i in $(seq 300); do echo "old transcript line $i"; done >"$W/sd/keep.txt"
cp "$W/sd/keep.txt" "$W/keep.orig"
cat >"$W/sa.scn" <<'S'
send +OK {3000*b}
expect QUIT
send +OK bye
S
printf '/save! %s\n/save %s\nQUIT\n' "$W/sd/keep.txt" "$W/sd/keep.txt" >"$W/sa.in"
serve sa
run sa 2 --timeout 5 "pop3://127.0.0.1:$PORT"
done_srv sa
expect files/save-atomic/old-kept "$W/sa" cmp "$W/sd/keep.txt" "$W/keep.orig"
expect files/save-atomic/reported "$W/sa" \
	has_line "$W/sa.out" "^\* /save .*keep\.txt: .*\(nothing written\)$"
expect files/save-atomic/no-temp "$W/sa" test "$(ls -A "$W/sd")" = keep.txt
expect files/save-atomic/not-killed "$W/sa" eval \
	"[ \$(cat '$W/sa.rc') = 0 ] && has_line '$W/sa.out' '^S: \\+OK bye$'"
# /save (no !) never replaces: said so, file untouched.
expect files/save-exists "$W/sa" eval \
	"has_line '$W/sa.out' '^\\* /save .*keep\\.txt: the file exists' &&
	 cmp -s '$W/sd/keep.txt' '$W/keep.orig'"

# --- Without the limit, /save! replaces it with the transcript so far,
# mode 0600 (as /save has always written it), whatever the umask.
printf '/save! %s\nQUIT\n' "$W/sd/keep.txt" >"$W/sr.in"
cp "$W/sa.scn" "$W/sr.scn"
serve sr
(umask 022; run sr 0 --timeout 5 "pop3://127.0.0.1:$PORT")
done_srv sr
expect files/save-replace "$W/sr" eval \
	"[ \$(cat '$W/sr.rc') = 0 ] && has_line '$W/sd/keep.txt' '^S: \\+OK b{3000}$' &&
	 ! grep -q 'old transcript line' '$W/sd/keep.txt' &&
	 [ \"\$(head -c \$(wc -c <'$W/sd/keep.txt') '$W/sr.out')\" = \"\$(cat '$W/sd/keep.txt')\" ] &&
	 [ \"\$(ls -A '$W/sd')\" = keep.txt ]"
expect files/save-replace/mode "$W/sr" test "$(stat -c %a "$W/sd/keep.txt")" = 600

# --- A password file others can read is refused before anything is
# sent (exit 2, the reason and the fix on stderr), like ssh's private
# keys; nothing listens on the port, so a connection attempt would be
# exit 3.
port=$("$LIB_ROOT/scripts/free-ports" 1)
printf 'pw-readable-secret\n' >"$W/pw644"
chmod 644 "$W/pw644"
printf '/auth USER bob\nQUIT\n' >"$W/pr.in"
run pr 0 --timeout 5 --password-file "$W/pw644" "pop3://127.0.0.1:$port"
expect files/password-file/open-refused "$W/pr" eval \
	"[ \$(cat '$W/pr.rc') = 2 ] && grep -q 'too open' '$W/pr.err' &&
	 grep -q 'chmod 600' '$W/pr.err' && ! grep -q 'pw-readable-secret' '$W/pr.out' '$W/pr.err'"
cp "$W/pw644" "$W/pw640"
chmod 640 "$W/pw640"
cp "$W/pr.in" "$W/pg.in"
run pg 0 --timeout 5 --password-file "$W/pw640" "pop3://127.0.0.1:$port"
expect files/password-file/group-refused "$W/pg" eval \
	"[ \$(cat '$W/pg.rc') = 2 ] && grep -q 'too open' '$W/pg.err'"

# A pipe (--password-file <(pass show ...)) is 0600 and is used.
cat >"$W/pp.scn" <<'S'
send +OK ready
expect USER bob
send +OK
expect PASS pw-pipe-secret
send +OK in
expect QUIT
send +OK bye
S
cp "$W/pr.in" "$W/pp.in"
serve pp
run pp 0 --timeout 5 --password-file <(printf 'pw-pipe-secret\n') "pop3://127.0.0.1:$PORT"
done_srv pp
expect files/password-file/pipe "$W/pp" eval \
	"[ \$(cat '$W/pp.rc') = 0 ] && [ \$(cat '$W/pp.srv') = 0 ] &&
	 no_secret '$W/pp.out' pw-pipe-secret && has_line '$W/pp.out' '^C: PASS \\*{8}\$'"

# --- No core dump while a password may be held: started with core
# dumps allowed, mailbench has set its own limit to 0.
hard=$(ulimit -H -c)
if [ "$hard" = 0 ]; then
	skip files/no-core/limit "core dumps are already off here (ulimit -H -c is 0)"
else
	cat >"$W/nc.scn" <<'S'
send +OK ready
expect NOOP
hang 15
S
	printf 'NOOP\n' >"$W/nc.in"
	serve nc
	(
		ulimit -S -c "$hard"
		exec env MAILBENCH_PASSWORD=pw-core-secret "$MAILBENCH" batch \
			--timeout 10 "pop3://127.0.0.1:$PORT" <"$W/nc.in" >"$W/nc.out" 2>"$W/nc.err"
	) &
	mpid=$!
	on_exit "kill $mpid"
	wait_for 10 has_line "$W/nc.out" '^C: NOOP$'
	grep 'Max core file size' "/proc/$mpid/limits" >"$W/nc.limits" 2>&1
	kill "$mpid" 2>/dev/null
	wait "$mpid"
	{ echo "--- limits"; cat "$W/nc.limits"; cat "$W/nc.out" "$W/nc.err"; } >"$W/nc.log"
	done_srv nc
	expect files/no-core/limit "$W/nc" eval \
		"awk '{ exit !(\$5 == 0 && \$6 == 0) }' '$W/nc.limits'"
fi

finish

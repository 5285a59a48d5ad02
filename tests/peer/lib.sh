#!/bin/bash
# SPDX-License-Identifier: MIT
# What the fakeserver-driven peer tests share: run `mailbench batch` against
# one tests/peer/fakeserver.py scenario (sourced after ../lib.sh; W is the
# caller's work directory).

FAKE=$LIB_ROOT/tests/peer/fakeserver.py

# scn NAME: the scenario (stdin) for NAME. input NAME: the batch input.
scn() { cat >"$W/$1.scn"; }
input() { cat >"$W/$1.in"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# peer NAME SCHEME LIMIT [ARGS...]: serve NAME.scn (with certificate
# $FAKE_CERT from gen-certs, default "server"), run batch with NAME.in
# against it (LIMIT seconds at most), leave $W/NAME.{out,err,rc,time,log}
# and the server's exit code in $W/NAME.srv; the server's log is appended
# to NAME.log (shown when a check fails).
peer() {
	local name=$1 scheme=$2 limit=$3 pf spid
	shift 3
	pf=$W/$name.port
	python3 "$FAKE" "$W/$name.scn" --port-file "$pf" --log "$W/$name.srv.log" \
		--cert "$W/certs/${FAKE_CERT:-server}.pem" --key "$W/certs/${FAKE_CERT:-server}.key" \
		--max $((limit + 5)) >>"$W/$name.srv.log" 2>&1 &
	spid=$!
	on_exit "kill $spid"
	if ! wait_for 10 test -s "$pf"; then
		echo 99 >"$W/$name.srv"
		echo 99 >"$W/$name.rc"
		: >"$W/$name.out"
		note "$name: fakeserver did not start"
		return
	fi
	MB_INPUT=$W/$name.in mb_batch "$W/$name" "$limit" "$scheme://127.0.0.1:$(cat "$pf")" "$@"
	wait_for 10 gone "$spid" || kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	echo $? >"$W/$name.srv"
	{
		echo "--- fakeserver log (exit $(cat "$W/$name.srv"))"
		cut -c1-300 "$W/$name.srv.log" | sed -n '1,60p'
	} >>"$W/$name.log"
}

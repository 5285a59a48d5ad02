#!/bin/bash
# SPDX-License-Identifier: MIT
# Keystroke-to-redraw time of the workbench with a million-line transcript
# and 10,000 messages in the mailbox pane (mailbench --bench fills both).
# Each key is sent through a private tmux server and awaited on screen, so
# every sample is one key: from the moment the key is read to the end of
# the doupdate() that shows its effect (measured inside mailbench).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
MB=${MAILBENCH_BIN:-$root/mailbench}
LINES_N=${BENCH_LINES:-1000000}
MSGS_N=${BENCH_MESSAGES:-10000}
SOCK=mb-bench-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mb-bench.XXXXXX")
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$TMP"
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"' EXIT

if ! command -v tmux >/dev/null; then
	echo "SKIP: bench-redraw (tmux is not installed)"
	exit 0
fi
if [ ! -x "$MB" ]; then
	echo "SKIP: bench-redraw (mailbench is not built)"
	exit 0
fi

# With -e: a moved cursor changes only attributes, and must count.
screen() { tm capture-pane -e -p -t b 2>/dev/null; }
wait_for() {	# wait_for TEXT SECONDS
	local i=0 max=$(($2 * 20))
	while [ $i -lt $max ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# press KEY: send one key and wait (at most 2 s) until the screen changes.
press() {
	local before after i=0
	before=$(screen)
	tm send-keys -t b "$1"
	while [ $i -lt 400 ]; do
		after=$(screen)
		[ "$after" != "$before" ] && return 0
		sleep 0.005
		i=$((i + 1))
	done
	return 0
}

t0=$(date +%s.%N)
tm new-session -d -s b -x 120 -y 40 env LANG=C.UTF-8 NO_COLOR=1 \
    XDG_STATE_HOME="$TMP/state" MAILBENCH_BENCH_LINES="$LINES_N" \
    MAILBENCH_BENCH_MESSAGES="$MSGS_N" MAILBENCH_BENCH_LOG="$TMP/log" \
    "$MB" --bench
tm set-option -t b remain-on-exit on >/dev/null
if ! wait_for "Mailbox  $MSGS_N messages" 300; then
	echo "FAIL: bench-redraw (the workbench did not start)"
	screen >&2
	exit 1
fi
t1=$(date +%s.%N)
pid=$(tm display-message -p -t b '#{pane_pid}')
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo "?")

phases=()
phase() {	# phase NAME COUNT KEY...: press the keys COUNT times
	local name=$1 count=$2 k n=0
	shift 2
	for _ in $(seq "$count"); do
		for k in "$@"; do
			press "$k"
			n=$((n + 1))
		done
	done
	phases+=("$name:$n")
}

phase "transcript PgUp/PgDn" 25 PPage PPage NPage
tm send-keys -t b C-o		# composer -> transcript
phase "transcript Up/Down" 25 Up Up Down
phase "transcript Home/End" 5 Home End
tm send-keys -t b C-o		# -> mailbox
phase "mailbox Down/PgDn" 25 Down NPage
phase "mailbox sort ($MSGS_N rows)" 8 s
phase "composer typing" 2 a b c d e f g h i j BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
tm send-keys -t b C-q
i=0
while [ ! -s "$TMP/log" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
if [ ! -s "$TMP/log" ]; then
	echo "FAIL: bench-redraw (no measurements written)"
	exit 1
fi
head -1 "$TMP/log" | sed 's/^# /bench-redraw: /'
awk -v a="$t0" -v b="$t1" -v rss="$rss" 'BEGIN {
	printf "bench-redraw: start-up with the fill %.2f s, resident memory %s KiB\n", b - a, rss }'
# Per phase: samples in order, one per key.
spec=$(IFS=,; echo "${phases[*]}")
grep -v '^#' "$TMP/log" | awk -v spec="$spec" '
function stats(name, a, n,   i, j, t, sum) {
	if (n == 0) return
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) {
		t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	for (i = 1; i <= n; i++) sum += a[i]
	q = int(n * 0.95)
	if (q < 1) q = 1
	printf "bench-redraw: %-28s keys %4d  median %7.3f ms  p95 %7.3f ms  max %7.3f ms  mean %7.3f ms\n",
	    name, n, a[int((n + 1) / 2)], a[q], a[n], sum / n
}
BEGIN { np = split(spec, ps, ",") }
{ v[++N] = $2 }
END {
	k = 0
	for (p = 1; p <= np; p++) {
		split(ps[p], nc, ":"); delete a; m = 0
		for (i = 0; i < nc[2] && k < N; i++) a[++m] = v[++k]
		stats(nc[1], a, m)
	}
	delete a; for (i = 1; i <= N; i++) a[i] = v[i]
	stats("all keys", a, N)
}'
echo "PASS: bench-redraw"

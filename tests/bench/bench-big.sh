#!/bin/bash
# SPDX-License-Identifier: MIT
# Messages of any size and /load at the server's speed (issue 11), against
# a private Dovecot (scripts/dovecot-start) holding 5,000 messages, the last
# one a generated ~256 MiB message (a 187 MiB base64 attachment):
#  - RETR of it in batch and in the workbench (tmux): wall time and peak
#    resident memory (VmHWM), next to the targets (<= 64 MiB batch,
#    <= 96 MiB workbench), with every line shown and the attachment saved
#    byte for byte (SHA-256 against Python's email package);
#  - /load of the 5,000 messages against nc(1) writing the same pipelined
#    commands and reading every reply (target <= 1.3x);
#  - 500 RETRs in one session: peak RSS against a session of 10 RETRs
#    (target: within 10%), batch and workbench;
#  - with BENCH_PERF=1, a perf profile of the batch /load.
# Needs root (Dovecot's mail processes drop to uid 65534). Not a test: it
# prints figures; it fails only when something did not work at all.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
MB=${MAILBENCH_BIN:-$root/mailbench}
BIG_KB=${BENCH_BIG_KB:-191488}
N=${BENCH_MESSAGES:-5000}
SOCK=mb-bench-big-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mb-bench-big.XXXXXX")
D=$TMP/dovecot
PR="python3 $root/tests/bench/peakrss.py"
ATT="python3 $root/tests/integration/attachment.py"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; "$root/scripts/dovecot-stop" "$D" >/dev/null 2>&1; rm -rf "$TMP"
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"' EXIT

skip() { echo "SKIP: bench-big ($1)"; exit 0; }
[ -x "$MB" ] || skip "mailbench is not built"
[ "$(id -u)" = 0 ] || skip "needs root to run a private Dovecot"
[ -x /usr/sbin/dovecot ] || skip "dovecot is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
chmod 755 "$TMP"
echo "generating $N messages, the last with a $((BIG_KB / 1024)) MiB attachment..."
"$root/scripts/dovecot-start" "$D" --messages "$N" --big-kb "$BIG_KB" >"$TMP/start.log" 2>&1 ||
	{ sed 's/^/  | /' "$TMP/start.log"; echo "FAIL: bench-big (dovecot-start)"; exit 1; }
. "$D/ports"
P=127.0.0.1:$DOVECOT_POP3_PORT
export MAILBENCH_PASSWORD=$DOVECOT_PASSWORD
big=$(ls "$DOVECOT_MAILDIR"/cur/$((1700000000 + N)).*)
size=$(awk -F'\t' -v n="$N" '$1 == n { print $2 }' "$DOVECOT_MANIFEST")
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rc=0
verdict() {	# verdict VALUE TARGET: "ok" or "OVER"
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "OVER target" }'
}
echo "== RETR of a $(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }') MiB message ($size octets)"

# --- batch: every line printed as it arrives, none of the body held.
want=$($ATT message "$big" "data$N.bin")
printf '/auth USER %s\nRETR %s\nQUIT\n' "$DOVECOT_USER" "$N" |
	$PR "$TMP/b.rss" "$MB" batch "pop3://$P" >"$TMP/b.out" 2>"$TMP/b.err"
read -r kib wall cpu <"$TMP/b.rss"
lines=$(awk '/^C: RETR/ { on = 1; next } on && /^S: / { n++ } on && /^S: \.$/ { exit } END { print n + 0 }' "$TMP/b.out")
want_lines=$(( $(wc -l <"$big") + 2 ))
got=$($ATT transcript "$TMP/b.out" "data$N.bin")
printf '  batch      %6.1f s  peak RSS %6s MiB (target <= 64 MiB: %s)  lines %s/%s  attachment %s  CPU %s s\n' \
	"$wall" "$(mib "$kib")" "$(verdict "$kib" 65536)" "$lines" "$want_lines" \
	"$([ "$got" = "$want" ] && echo "identical" || echo "DIFFERENT")" "$cpu"
[ "$got" = "$want" ] && [ "$lines" = "$want_lines" ] || rc=1

# --- workbench: RETR, the message opens with its tree, the attachment saved.
if command -v tmux >/dev/null; then
	mkdir -p "$TMP/save"
	screen() { tm capture-pane -p -t w 2>/dev/null; }
	wait_for() {	# wait_for TEXT SECONDS
		local i=0
		while [ $i -lt $(($2 * 20)) ]; do
			screen | grep -qF -- "$1" && return 0
			sleep 0.05
			i=$((i + 1))
		done
		echo "  (timed out waiting for: $1)"
		return 1
	}
	tm new-session -d -s w -x 120 -y 40 -c "$TMP/save" env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	    NO_COLOR=1 TERM=screen-256color HOME="$TMP" XDG_STATE_HOME="$TMP/state" \
	    "$MB" "pop3://$DOVECOT_USER@$P"
	pid=$(tm list-panes -t w -F '#{pane_pid}' | head -1)
	wait_for "AUTHORIZATION" 20
	tm send-keys -t w -l "/auth USER" && tm send-keys -t w Enter
	wait_for "TRANSACTION" 20
	t0=$(date +%s%N)
	tm send-keys -t w -l "RETR $N" && tm send-keys -t w Enter
	ok=1
	wait_for "Message $N" 600 && wait_for "application/octet-stream" 600 || ok=0
	t1=$(date +%s%N)
	tm send-keys -t w C-o C-o C-o
	wait_for "message: ] [ parts" 20 || ok=0
	tm send-keys -t w ']'
	wait_for "> 2  application/octet-stream" 20 || ok=0
	tm send-keys -t w w
	wait_for "Save to: ./data$N.bin" 20 || ok=0
	tm send-keys -t w Enter
	wait_for "bytes to ./data$N.bin" 600 || ok=0
	t2=$(date +%s%N)
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	saved=$($ATT file "$TMP/save/data$N.bin" 2>/dev/null)
	printf '  workbench  %6.1f s  peak RSS %6s MiB (target <= 96 MiB: %s)  opened %s  saved in %.1f s: %s\n' \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" "$(mib "${hwm:-0}")" \
		"$(verdict "${hwm:-999999}" 98304)" "$([ $ok = 1 ] && echo yes || echo NO)" \
		"$(awk -v a="$t1" -v b="$t2" 'BEGIN { print (b - a) / 1e9 }')" \
		"$([ "$saved" = "$want" ] && echo "identical" || echo "DIFFERENT")"
	[ $ok = 1 ] && [ "$saved" = "$want" ] || rc=1
	tm kill-server >/dev/null 2>&1
	rm -rf "$TMP/save"
else
	echo "  workbench: skipped (tmux is not installed)"
fi

# --- /load of N messages against nc writing the same pipelined commands.
echo "== /load of $N messages (plain POP3, loopback)"
{
	printf 'USER %s\r\nPASS %s\r\nCAPA\r\nSTAT\r\nLIST\r\nUIDL\r\n' "$DOVECOT_USER" "$DOVECOT_PASSWORD"
	i=1
	while [ $i -le "$N" ]; do printf 'TOP %d 0\r\n' $i; i=$((i + 1)); done
	printf 'QUIT\r\n'
} >"$TMP/nc.in"
nc_run() { nc -N 127.0.0.1 "$DOVECOT_POP3_PORT" <"$TMP/nc.in" >"$TMP/nc.out"; }
mb_run() {
	printf '/auth USER %s\n/load\nQUIT\n' "$DOVECOT_USER" |
		"$MB" batch "pop3://$P" >"$TMP/load.out" 2>/dev/null
}
# One untimed run of each first: Dovecot's index and both programs' pages
# are warm for every timed run. The machine may be shared: runs alternate
# (nc, mailbench, nc, ...) so that both see the same load, and the medians
# of LOAD_RUNS are compared.
RUNS=${BENCH_LOAD_RUNS:-11}
nc_run
mb_run
: >"$TMP/load.times"
k=0
while [ $k -lt "$RUNS" ]; do
	t0=$(date +%s%N); nc_run; t1=$(date +%s%N); mb_run; t2=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))" >>"$TMP/load.times"
	k=$((k + 1))
done
med() { cut -d' ' -f"$1" "$TMP/load.times" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
low() { cut -d' ' -f"$1" "$TMP/load.times" | sort -n | sed -n 1p; }
tnc=$(med 1)
tmb=$(med 2)
ncl=$(wc -l <"$TMP/nc.out")
mbl=$(grep -c '^S: ' "$TMP/load.out")
ratio=$(awk -v a="$tmb" -v b="$tnc" 'BEGIN { printf "%.2f", a / b }')
# Like with like: mailbench must have sent exactly nc's commands, in the
# same order (its PASS line is redacted in the transcript).
if sed -n 's/^C: //p' "$TMP/load.out" | sed 's/^PASS .*/PASS/' |
	cmp -s - <(tr -d '\r' <"$TMP/nc.in" | sed 's/^PASS .*/PASS/'); then
	same=yes
else
	same=NO
	rc=1
fi
printf '  nc %.3f s (%s lines read)  mailbench batch /load %.3f s (%s S: lines)  same commands: %s  (medians of %s; fastest %.3f / %.3f)\n' \
	"$(awk -v t="$tnc" 'BEGIN { print t / 1e6 }')" "$ncl" "$(awk -v t="$tmb" 'BEGIN { print t / 1e6 }')" "$mbl" "$same" "$RUNS" \
	"$(awk -v t="$(low 1)" 'BEGIN { print t / 1e6 }')" "$(awk -v t="$(low 2)" 'BEGIN { print t / 1e6 }')"
printf '/auth USER %s\n/load\nQUIT\n' "$DOVECOT_USER" |
	$PR "$TMP/load.rss" "$MB" batch "pop3://$P" >/dev/null 2>&1
printf '  ratio %sx (target <= 1.3x: %s); mailbench CPU (user+sys) in a run: %s s\n' \
	"$ratio" "$(verdict "$ratio" 1.3)" "$(cut -d' ' -f3 "$TMP/load.rss")"
if [ "${BENCH_PERF:-0}" = 1 ] && command -v perf >/dev/null; then
	printf '/auth USER %s\n/load\nQUIT\n' "$DOVECOT_USER" >"$TMP/load.in"
	perf record -q -g -o "$TMP/perf.data" "$MB" batch "pop3://$P" "$TMP/load.in" >/dev/null 2>&1
	echo "  perf: where /load spends its time (self, top 15)"
	perf report -i "$TMP/perf.data" --no-children --stdio 2>/dev/null |
		grep -E '^ +[0-9.]+%' | head -15 | sed 's/^/    /'
fi

# --- 500 RETRs in one session against 10: memory must not grow.
echo "== memory over a long session (RETR of messages 1..K, one session)"
retrs() {	# retrs K OUT: batch RETR 1..K, peak RSS into OUT
	{ printf '/auth USER %s\n' "$DOVECOT_USER"; i=1
	  while [ $i -le "$1" ]; do printf 'RETR %d\n' $i; i=$((i + 1)); done; printf 'QUIT\n'; } |
		$PR "$2" "$MB" batch "pop3://$P" >/dev/null 2>&1
}
retrs 10 "$TMP/r10"
retrs 500 "$TMP/r500"
read -r k10 _ <"$TMP/r10"
read -r k500 _ <"$TMP/r500"
printf '  batch      peak RSS after 10 RETRs %s MiB, after 500 %s MiB: %s%% (target <= 10%%: %s)\n' \
	"$(mib "$k10")" "$(mib "$k500")" "$(awk -v a="$k10" -v b="$k500" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')" \
	"$(verdict "$k500" "$(awk -v a="$k10" 'BEGIN { print a * 1.1 }')")"
if command -v tmux >/dev/null; then
	wb_retrs() {	# wb_retrs K: workbench VmHWM after RETR 1..K
		local pid spid i=1
		tm new-session -d -s m -x 120 -y 40 -c "$TMP" env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		    NO_COLOR=1 TERM=screen-256color HOME="$TMP" XDG_STATE_HOME="$TMP/state" \
		    "$MB" "pop3://$DOVECOT_USER@$P"
		pid=$(tm list-panes -t m -F '#{pane_pid}' | head -1)
		screen() { tm capture-pane -p -t m 2>/dev/null; }
		wait_for "AUTHORIZATION" 20 >/dev/null
		tm send-keys -t m -l "/auth USER" && tm send-keys -t m Enter
		wait_for "TRANSACTION" 20 >/dev/null
		while [ $i -le "$1" ]; do
			tm send-keys -t m -l "RETR $i" 2>/dev/null &&
				tm send-keys -t m Enter 2>/dev/null
			i=$((i + 1))
		done
		wait_for "Message $1 " 300 >/dev/null
		awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"
		# The next session must not reach this server while it exits
		# ("server exited unexpectedly"): wait for it to be gone.
		spid=$(tm display-message -p '#{pid}' 2>/dev/null)
		tm kill-server >/dev/null 2>&1
		i=0
		while [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	}
	# A peak moves by tens of KiB from run to run (where the heap
	# breaks): the median of three sessions each.
	wb_med() { { wb_retrs "$1"; wb_retrs "$1"; wb_retrs "$1"; } | sort -n | sed -n 2p; }
	w10=$(wb_med 10)
	w500=$(wb_med 500)
	printf '  workbench  peak RSS after 10 RETRs %s MiB, after 500 %s MiB: %s%% (target <= 10%%: %s; medians of 3)\n' \
		"$(mib "$w10")" "$(mib "$w500")" "$(awk -v a="$w10" -v b="$w500" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')" \
		"$(verdict "$w500" "$(awk -v a="$w10" 'BEGIN { print a * 1.1 }')")"
fi
exit $rc

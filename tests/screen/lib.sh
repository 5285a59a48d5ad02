# SPDX-License-Identifier: MIT
# Helpers for the tmux screen tests (sourced, not run): a private tmux
# server at a fixed size with LANG=C.UTF-8 and NO_COLOR=1, keys sent with
# send-keys, and bounded polling of capture-pane (no bare sleeps as
# synchronisation). Every runner prints PASS:/FAIL:/SKIP: lines.
root=$(cd "$(dirname "$0")/../.." && pwd)
MB=${MAILBENCH_BIN:-$root/mailbench}
case $MB in /*) ;; *) MB=$PWD/$MB ;; esac
SOCK=mb-test-$$-0
nsock=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mb-screen.XXXXXX")
WAIT_SECONDS=${WAIT_SECONDS:-10}
failures=0

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
	local k
	for k in $(seq 0 "$nsock"); do
		tmux -L "mb-test-$$-$k" -f /dev/null kill-server >/dev/null 2>&1
		# tmux may leave its socket file behind.
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/mb-test-$$-$k"
	done
	[ -n "${EXTRA_CLEANUP:-}" ] && eval "$EXTRA_CLEANUP"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# need_tmux SUITE: SKIP every named test unless tmux and the binary exist.
need() {
	local what=$1 reason=$2
	shift 2
	if ! eval "$what"; then
		for t in "$@"; do echo "SKIP: $t ($reason)"; done
		exit 0
	fi
}

# start COLS ROWS CMD...: a fresh session "t" running CMD in the test env.
start() {
	local cols=$1 rows=$2
	shift 2
	# A fresh private server each time: no race with the old one dying.
	tm kill-server >/dev/null 2>&1
	nsock=$((nsock + 1))
	SOCK=mb-test-$$-$nsock
	mkdir -p "$TMP/state" "$TMP/home"
	tm new-session -d -s t -x "$cols" -y "$rows" -c "${START_DIR:-$PWD}" \
	    env LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 TERM=screen-256color \
	    XDG_STATE_HOME="$TMP/state" HOME="$TMP/home" "$@" || return 1
	tm set-option -t t remain-on-exit on >/dev/null 2>&1
	return 0
}

screen() { tm capture-pane -p -t t 2>/dev/null; }

# wait_for TEXT [SECONDS]: poll until the screen shows TEXT (fixed string).
wait_for() {
	local text=$1 limit=${2:-$WAIT_SECONDS} i=0 max
	max=$((limit * 20))
	while [ $i -lt $max ]; do
		if screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "--- timed out waiting for: $text" >&2
	screen >&2
	return 1
}

# wait_gone TEXT [SECONDS]: poll until TEXT is no longer on screen.
wait_gone() {
	local text=$1 limit=${2:-$WAIT_SECONDS} i=0 max
	max=$((limit * 20))
	while [ $i -lt $max ]; do
		if ! screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "--- still showing: $text" >&2
	screen >&2
	return 1
}

# wait_exit [SECONDS]: poll until the program in the pane has ended.
wait_exit() {
	local limit=${1:-$WAIT_SECONDS} i=0 max
	max=$((limit * 20))
	while [ $i -lt $max ]; do
		if [ "$(tm display-message -p -t t '#{pane_dead}' 2>/dev/null)" = 1 ]; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "--- program did not exit" >&2
	return 1
}

keys() { tm send-keys -t t "$@"; }
# type_line TEXT: type literally, then Enter.
type_line() { tm send-keys -t t -l -- "$1" && tm send-keys -t t Enter; }

result() {	# result NAME STATUS
	if [ "$2" = 0 ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1"
		failures=$((failures + 1))
	fi
}

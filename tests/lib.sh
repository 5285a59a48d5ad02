# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared shell helpers for the peer, integration and screen tests: result
# lines ("PASS: name", "FAIL: name", "SKIP: name (reason)"), bounded waits,
# cleanup traps, running `mailbench batch` and checking its transcript.
# Source it from bash: . "$(dirname "$0")/../lib.sh"
# Details go to stderr; stdout carries only the result lines.

# shellcheck disable=SC2034
LIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MAILBENCH=${MAILBENCH:-$LIB_ROOT/mailbench}
lib_pass=0 lib_fail=0 lib_skip=0
lib_cleanups=()

# pass NAME: print "PASS: NAME".
pass() { echo "PASS: $1"; lib_pass=$((lib_pass + 1)); }
# fail NAME [DETAIL...]: print "FAIL: NAME", details to stderr.
fail() {
	local n=$1
	shift
	echo "FAIL: $n"
	[ $# -gt 0 ] && printf '  %s\n' "$@" >&2
	lib_fail=$((lib_fail + 1))
}
# skip NAME REASON: print "SKIP: NAME (REASON)".
skip() { echo "SKIP: $1 (${2:-no reason given})"; lib_skip=$((lib_skip + 1)); }
# check NAME CMD...: PASS if CMD succeeds, else FAIL.
check() {
	local n=$1
	shift
	if "$@" >&2; then pass "$n"; else fail "$n" "failed: $*"; fi
}
# note TEXT...: a detail line on stderr.
note() { printf '# %s\n' "$*" >&2; }

# on_exit CMD: run CMD (a string for eval) at exit, even on failure or a
# signal; cleanups run last-registered first.
on_exit() { lib_cleanups+=("$1"); }
lib_run_cleanups() {
	local i
	trap - EXIT INT TERM HUP
	for ((i = ${#lib_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${lib_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	lib_cleanups=()
}
trap 'lib_run_cleanups' EXIT
trap 'lib_run_cleanups; exit 130' INT
trap 'lib_run_cleanups; exit 143' TERM HUP

# finish: a summary line on stderr; exit 1 if anything failed. Call last.
finish() {
	echo "# $(basename "$0"): $lib_pass passed, $lib_fail failed, $lib_skip skipped" >&2
	lib_run_cleanups
	[ "$lib_fail" = 0 ]
	exit
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds (0) or
# SECONDS pass (1).
wait_for() {
	local limit=$1 end
	shift
	end=$(($(date +%s%N) + limit * 1000000000))
	while :; do
		"$@" && return 0
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# port_open PORT: true if something accepts on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# need_root NAME...: SKIP the named tests and return 1 unless uid 0.
need_root() {
	[ "$(id -u)" = 0 ] && return 0
	local n
	for n in "$@"; do skip "$n" "needs root, as CI runs"; done
	return 1
}

# workdir NAME: make and print a fresh directory tests/tmp/NAME.PID; it
# is removed at exit unless MB_KEEP=1 (then its path goes to stderr).
# Call as W=$(workdir NAME); on_exit "rm_workdir '$W'".
workdir() {
	local d=$LIB_ROOT/tests/tmp/$1.$$
	rm -rf "$d"
	[ "${MB_KEEP:-0}" = 1 ] && echo "# work directory (kept): $d" >&2
	mkdir -p "$d" && printf '%s\n' "$d"
}
# reap_stale NAME: stop the servers of, and remove, tests/tmp/NAME.PID
# directories whose runner (PID) is gone (a run killed with SIGKILL),
# with the servers' private directories under /tmp.
reap_stale() {
	local d pid
	for d in "$LIB_ROOT/tests/tmp/$1".*; do
		[ -d "$d" ] || continue
		pid=${d##*.}
		case $pid in '' | *[!0-9]*) continue ;; esac
		kill -0 "$pid" 2>/dev/null && continue
		# The stop scripts also remove the servers' private directories
		# under /tmp (DIR/priv), even of a start that failed half-way.
		for s in "$d"/*/; do
			{ [ -f "$s/dovecot.conf" ] || [ -L "$s/priv" ]; } &&
				"$LIB_ROOT/scripts/dovecot-stop" "$s"
			{ [ -f "$s/etc/main.cf" ] || [ -L "$s/priv" ]; } &&
				"$LIB_ROOT/scripts/postfix-stop" "$s"
		done >/dev/null 2>&1
		rm -rf "$d"
	done
	reap_orphans
}
# reap_orphans: the servers' private directories under /tmp (written by
# scripts/dovecot-start and postfix-start, with an "owner" file naming
# DIR) whose DIR no longer links to them -- tests/tmp removed while the
# servers ran: stop the master started from there, remove the directory.
reap_orphans() {
	local p owner pid
	for p in /tmp/mb-dovecot.* /tmp/mb-postfix.*; do
		[ -d "$p" ] && [ -f "$p/owner" ] || continue
		owner=$(cat "$p/owner")
		[ -L "$owner/priv" ] && [ "$(readlink "$owner/priv")" = "$p" ] && continue
		case $p in
		/tmp/mb-dovecot.*)
			pid=$(cat "$p/run/master.pid" 2>/dev/null)
			case $pid in '' | *[!0-9]*) ;; *)
				tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" |
					grep -qF -- "$owner/dovecot.conf" && kill -TERM "$pid"
				;;
			esac
			;;
		*)
			pid=$(sed 1q "$p/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
			case $pid in '' | *[!0-9]*) ;; *)
				[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$p/queue" ] &&
					kill -TERM "$pid"
				;;
			esac
			;;
		esac
		sleep 1
		rm -rf "$p"
	done 2>/dev/null
}
rm_workdir() {
	if [ "${MB_KEEP:-0}" = 1 ]; then
		:
	else
		rm -rf "$1"
	fi
}

# have_mailbench: true if ./mailbench exists and `batch` is built (the
# placeholder answers "not built yet").
have_mailbench() {
	[ -x "$MAILBENCH" ] || return 1
	! "$MAILBENCH" batch --help 2>&1 | grep -q 'not built yet'
}

# mb_batch OUTPREFIX LIMIT ARGS...: run `mailbench batch ARGS...` with stdin
# from $MB_INPUT (a file; /dev/null if unset) under a hard time LIMIT
# (seconds). Leaves OUTPREFIX.out (stdout), OUTPREFIX.err (stderr),
# OUTPREFIX.rc (exit code) and OUTPREFIX.time (seconds, 2 decimals).
mb_batch() {
	local pfx=$1 limit=$2 t0 t1 rc
	shift 2
	t0=$(date +%s%N)
	timeout -k 3 "$limit" "$MAILBENCH" batch "$@" <"${MB_INPUT:-/dev/null}" \
		>"$pfx.out" 2>"$pfx.err"
	rc=$?
	t1=$(date +%s%N)
	echo "$rc" >"$pfx.rc"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }' >"$pfx.time"
	{
		echo "--- mailbench batch $* (exit $rc, $(cat "$pfx.time") s)"
		sed -n '1,400p' "$pfx.out" | cut -c1-300
		[ -s "$pfx.err" ] && { echo "--- stderr"; sed -n '1,40p' "$pfx.err"; }
	} >"$pfx.log"
	return 0
}
# rc_of OUTPREFIX: the exit code mb_batch recorded.
rc_of() { cat "$1.rc"; }

# has_line FILE REGEX: a line of FILE matches the extended REGEX.
has_line() { grep -Eq -- "$2" "$1"; }
# no_line FILE REGEX: no line of FILE matches.
no_line() { ! grep -Eq -- "$2" "$1"; }
# meaning FILE PREFIX [N]: the "= " line right after the Nth (default 1st)
# "S: " line that begins with PREFIX (fixed text after "S: ").
meaning() {
	P="S: $2" N=${3:-1} awk 'hit && /^= / { print; exit }
		index($0, ENVIRON["P"]) == 1 && ++k == ENVIRON["N"] { hit = 1 }' "$1"
}
# means FILE PREFIX WANT [NEVER]: the "= " line after the first S: line
# with PREFIX holds WANT (fixed text) and not NEVER; means_nth N FILE ...
# the same for the Nth such S: line. Says on stderr what it found.
means() { means_nth 1 "$@"; }
means_nth() {
	local m
	m=$(meaning "$2" "$3" "$1")
	[ -n "$m" ] && [[ $m == *"$4"* ]] || { echo "meaning of '$3' ($1): '$m', wanted '$4'" >&2; return 1; }
	[ -z "${5:-}" ] || [[ $m != *"$5"* ]] || { echo "meaning of '$3' ($1): '$m' has '$5'" >&2; return 1; }
}

# clean_output FILE: only printable bytes, UTF-8 and newlines: no byte
# 0x00-0x09, 0x0b-0x1f or 0x7f (peer bytes must be escaped, SPEC.md).
clean_output() {
	! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1" &&
		[ "$(tr -d '\000' <"$1" | wc -c)" = "$(wc -c <"$1")" ]
}

# transcript_shape FILE: every stdout line is a transcript line ("C: ",
# "S: ", "* ", "= "): batch adds nothing else to stdout (SPEC.md).
transcript_shape() {
	! grep -Evq '^(C: |S: |\* |= )' "$1"
}

# no_secret FILE SECRET...: none of the secrets (nor their base64 forms
# that an AUTH payload would carry) appear in FILE.
no_secret() {
	local f=$1 s
	shift
	for s in "$@"; do
		[ -n "$s" ] || continue
		grep -qF -- "$s" "$f" && { note "secret '$s' found in $f"; return 1; }
	done
	return 0
}

# no_sanitizer FILE: no AddressSanitizer/UBSan/LeakSanitizer report in
# FILE (a run's stderr, when MAILBENCH is a sanitizer build).
no_sanitizer() { ! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$1"; }

# show LOGPREFIX: copy a run's log to stderr (after a failure).
show() { [ -f "$1.log" ] && sed 's/^/  | /' "$1.log" >&2; }

# expect_rc NAME OUTPREFIX CODE: PASS if the run exited CODE.
expect_rc() {
	local got
	got=$(rc_of "$2")
	if [ "$got" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "exit $got, expected $3"
		show "$2"
	fi
}

# expect NAME OUTPREFIX CMD...: PASS if CMD succeeds, else FAIL and show
# the run.
expect() {
	local n=$1 p=$2
	shift 2
	if "$@" >&2; then
		pass "$n"
	else
		fail "$n" "failed: $*"
		show "$p"
	fi
}

# dovecot_up DIR [N [OPTIONS...]]: start a private Dovecot in DIR with N
# test messages (scripts/dovecot-start; OPTIONS such as --set go to it),
# stop it at exit, and source DIR/ports into the caller (DOVECOT_POP3_PORT,
# DOVECOT_PASSWORD, ...). Returns 0, 77 when dovecot is not installed
# (SKIP), 1 when it failed (the log on stderr).
dovecot_up() {
	local rc d=$1 n=${2:-20}
	shift
	[ $# -gt 0 ] && shift
	on_exit "'$LIB_ROOT/scripts/dovecot-stop' '$d'"
	"$LIB_ROOT/scripts/dovecot-start" "$d" --messages "$n" "$@" >"$d.start.log" 2>&1
	rc=$?
	if [ $rc != 0 ]; then
		[ $rc != 77 ] && sed 's/^/  | /' "$d.start.log" >&2
		return $rc
	fi
	. "$d/ports"
}
# postfix_up DIR [OPTIONS...]: the same for scripts/postfix-start
# (POSTFIX_SMTP_PORT, POSTFIX_SINK, ...); OPTIONS go to postfix-start.
postfix_up() {
	local rc
	on_exit "'$LIB_ROOT/scripts/postfix-stop' '$1'"
	"$LIB_ROOT/scripts/postfix-start" "$@" >"$1.start.log" 2>&1
	rc=$?
	if [ $rc != 0 ]; then
		[ $rc != 77 ] && sed 's/^/  | /' "$1.start.log" >&2
		return $rc
	fi
	. "$1/ports"
}

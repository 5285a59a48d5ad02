#!/bin/bash
# SPDX-License-Identifier: MIT
# The documentation is whole and stands alone (issue 9 item 12): every
# option each mode's parser accepts (read from the source, so a new one
# cannot be forgotten) is in mailbench.1 and in that mode's --help; every
# / command the driver or the screen runs is in mailbench.1 and in the F1
# help table; README.md points at no file outside the repository; an
# existing file is never written over by --transcript (the /save rule).
# Prints PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.."
mb=./mailbench
if [ ! -x "$mb" ]; then
	for t in options-man options-help commands readme-alone \
	    transcript-exists; do
		echo "SKIP: docs/$t (./mailbench not built)"
	done
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0
result() {	# result NAME STATUS
	if [ "$2" = 0 ]; then
		echo "PASS: docs/$1"
	else
		echo "FAIL: docs/$1"
		failures=$((failures + 1))
	fi
}

# The man page as plain text: "\-\-cafile" -> "--cafile", fonts dropped.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' mailbench.1 >"$tmp/man"
# Options named in a parser's source: string literals "--name" or "-q".
opts_of() {
	grep -ohE '"--?[a-z0-9][a-z0-9-]*"' "$@" | tr -d '"' | sort -u |
	    grep -vxE -- '--help|--version|--|-h|--no-colour'
}

"$mb" --help >"$tmp/h-screen" 2>&1
"$mb" batch --help >"$tmp/h-batch" 2>&1
"$mb" lab --help >"$tmp/h-lab" 2>&1
"$mb" mime --help >"$tmp/h-mime" 2>&1

# check_opts HELPFILE SOURCE...: each option in the man page and the help.
man_rc=0 help_rc=0
check_opts() {
	local help=$1 o
	shift
	for o in $(opts_of "$@"); do
		if ! grep -qF -- "$o" "$tmp/man"; then
			echo "--- $o (from $*) is not in mailbench.1" >&2
			man_rc=1
		fi
		if ! grep -qE -- "(^|[ ,])$o([ ,=]|$)" "$help"; then
			echo "--- $o (from $*) is not in $(basename "$help")" >&2
			help_rc=1
		fi
	done
}
check_opts "$tmp/h-batch" front/options.c front/batch.c
check_opts "$tmp/h-screen" ui/screen.c
check_opts "$tmp/h-lab" lab/lab-main.c
check_opts "$tmp/h-mime" front/mime-cmd.c
# The shared options are the workbench's too (--timing is batch's only).
for o in $(opts_of front/options.c | grep -vx -- --timing); do
	grep -qE -- "(^|[ ,])$o([ ,=]|$)" "$tmp/h-screen" || {
		echo "--- $o is not in mailbench --help" >&2
		help_rc=1
	}
done
result options-man $man_rc
result options-help $help_rc

# / commands: the one table (front/wbcmd.c) the driver, /help, F1 and Tab
# all read; each name and alias in the man page.
rc=0
tab=$(grep -ohE '^\s*\{ WBCMD_[A-Z]+, "/[a-z]+", ("/[a-z!]+"|NULL)' front/wbcmd.c |
    grep -oE '"/[a-z!]+"' | tr -d '"' | sort -u)
[ "$(echo "$tab" | grep -c .)" -ge 12 ] || rc=1
for c in $tab; do
	grep -qE -- "(^|[^a-z])$c([^a-z]|$)" "$tmp/man" || {
		echo "--- $c is not in mailbench.1" >&2
		rc=1
	}
done
result commands $rc

# README.md stands alone: no path that leaves the repository.
rc=0
if grep -nE '\.\./|/work/|shared/(SPEC|STYLE|NOTES)' README.md >&2; then
	rc=1
fi
result readme-alone $rc

# --transcript follows /save's rule: an existing file is never replaced.
echo keep >"$tmp/exists.txt"
timeout 10 "$mb" batch --transcript "$tmp/exists.txt" pop3://127.0.0.1:1 \
    </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && [ "$(cat "$tmp/exists.txt")" = keep ] &&
    grep -q 'never written over' "$tmp/err"; then
	result transcript-exists 0
else
	cat "$tmp/err" >&2
	result transcript-exists 1
fi
[ $failures = 0 ]

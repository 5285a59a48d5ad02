#!/bin/sh
# SPDX-License-Identifier: MIT
# `mailbench explain`: SPEC.md's examples explain, non-codes exit 2 with a
# message on stderr, --help exits 0. Prints PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.."
mb=./mailbench
if [ ! -x "$mb" ]; then
	echo "SKIP: explain (./mailbench not built)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# check NAME WANT_RC WANT_STDOUT_SUBSTRING ARGS...
check() {
	name=$1 want=$2 text=$3
	shift 3
	timeout 10 "$mb" explain "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: explain $name (exit $rc, want $want)"
		cat "$tmp/out" "$tmp/err" >&2
		return
	fi
	if [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/out"; then
		echo "FAIL: explain $name (no \"$text\" in stdout)"
		cat "$tmp/out" >&2
		return
	fi
	if [ "$want" = 2 ] && ! [ -s "$tmp/err" ]; then
		echo "FAIL: explain $name (no message on stderr)"
		return
	fi
	# Only printable text and newlines on stdout (UTF-8 allowed).
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/out"; then
		echo "FAIL: explain $name (control bytes on stdout)"
		return
	fi
	echo "PASS: explain $name"
}

check "550 5.7.1 (two words)" 0 "5.7.1 delivery not authorized" 550 5.7.1
check "550 5.7.1 (one word)" 0 "after RCPT: recipient rejected" "550 5.7.1"
check "-ERR [IN-USE]" 0 "[IN-USE] mailbox locked: another client" \
    -- '-ERR [IN-USE]'
check "4.2.2" 0 "4.2.2 mailbox full" 4.2.2
check "354" 0 "354 start mail input; end with <CRLF>.<CRLF>" 354
check "+OK" 0 "+OK positive reply" +OK
check "[SYS/TEMP]" 0 "temporary system problem" '[SYS/TEMP]'
check "several codes" 0 "4.2.2 mailbox full" 354 550 5.7.1 4.2.2
check "pasted reply line" 0 "5.7.1 delivery" "550-5.7.1 Relaying denied"
check "--help" 0 "usage: mailbench explain" --help
check "not a code" 2 "" hello
check "no argument" 2 ""
check "bad option" 2 "" -x
check "code out of range" 2 "" 699
check "bad enhanced class" 2 "" 3.1.1
check "one bad among good" 2 "550 requested action" hello 550

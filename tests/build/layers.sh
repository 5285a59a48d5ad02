#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/layers (make layers) on small trees of its own: a clean tree
# passes, and each kind of wrong include fails, naming file and header.
set -u
. "$(dirname "$0")/../lib.sh"
layers=$LIB_ROOT/scripts/layers
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mb-layers.XXXXXX")
on_exit "rm -rf '$tmp'"

# tree DIR: a small tree that keeps every rule.
tree() {
	mkdir -p "$1"/base "$1"/proto "$1"/net "$1"/lab "$1"/front "$1"/ui \
	    "$1"/tests/unit
	printf '#include "base/buf.h"\n' >"$1"/base/buf.c
	: >"$1"/base/buf.h
	printf '#include "base/buf.h"\n#include "proto/reply.h"\n' \
	    >"$1"/proto/reply.c
	: >"$1"/proto/reply.h
	printf '#include "base/buf.h"\n#include "net/conn.h"\n' >"$1"/net/conn.c
	: >"$1"/net/conn.h
	printf '#include "net/conn.h"\n#include "proto/reply.h"\n' >"$1"/lab/server.c
	printf '#include "net/conn.h"\n#include "front/driver.h"\n' >"$1"/front/driver.c
	: >"$1"/front/driver.h
	printf '#include <curses.h>\n#include "front/driver.h"\n#include "ui/screen.h"\n' \
	    >"$1"/ui/screen.c
	: >"$1"/ui/screen.h
	printf '#include "ui/screen.h"\n#include "lab/lab.h"\n#include "version.h"\n' \
	    >"$1"/main.c
	printf '#include "ui/screen.h"\n#include "tests/unit/harness.h"\n' \
	    >"$1"/tests/unit/test-screen.c
}

# expect_bad NAME FILE LINE-TEXT HEADER: adding LINE-TEXT to FILE in a
# clean tree makes the script fail with a line naming FILE and HEADER.
expect_bad() {
	local name=$1 file=$2 text=$3 hdr=$4 d out rc
	d=$tmp/$name
	tree "$d"
	printf '%s\n' "$text" >>"$d/$file"
	out=$(LAYERS_ALLOW="" C_INCLUDE_ALLOW="" "$layers" "$d" 2>&1)
	rc=$?
	if [ $rc = 1 ] && printf '%s\n' "$out" | grep -qF "$file:" &&
	    printf '%s\n' "$out" | grep -F "$file:" | grep -qF "includes $hdr"; then
		pass "layers: $name"
	else
		fail "layers: $name" "exit $rc" "$out"
	fi
}

tree "$tmp/clean"
out=$(LAYERS_ALLOW="" C_INCLUDE_ALLOW="" "$layers" "$tmp/clean" 2>&1)
if [ $? = 0 ] && [ "$out" = "layers: ok" ]; then
	pass "layers: clean tree passes"
else
	fail "layers: clean tree passes" "$out"
fi

expect_bad "proto uses net" proto/reply.c '#include "net/conn.h"' net/conn.h
expect_bad "base uses proto" base/buf.c '#include "proto/reply.h"' proto/reply.h
expect_bad "net uses proto" net/conn.c '#include "proto/limits.h"' proto/limits.h
expect_bad "lab uses front" lab/server.c '#include "front/driver.h"' front/driver.h
expect_bad "front uses ui" front/driver.c '#include "ui/screen.h"' ui/screen.h
expect_bad "front uses lab" front/driver.c '#include "lab/lab.h"' lab/lab.h
expect_bad "proto uses tests" proto/reply.c '#include "tests/unit/harness.h"' tests/unit/harness.h
expect_bad "a .c file in ui" ui/screen.c '#include "ui/keys.c"' ui/keys.c
expect_bad "a .c file in a test" tests/unit/test-screen.c '#  include "front/driver.c"' front/driver.c

# The allow-list lets a named pair through and still reports it.
d=$tmp/allowed
tree "$d"
printf '#include "front/driver.h"\n' >>"$d/lab/server.c"
out=$(LAYERS_ALLOW="lab/server.c:front/driver.h" C_INCLUDE_ALLOW="" "$layers" "$d" 2>&1)
if [ $? = 0 ] && printf '%s\n' "$out" | grep -q "allowed for now: lab/server.c"; then
	pass "layers: allow-list reports and lets through"
else
	fail "layers: allow-list reports and lets through" "$out"
fi

# And the repository itself keeps its layers.
check "layers: this tree" "$layers"
finish

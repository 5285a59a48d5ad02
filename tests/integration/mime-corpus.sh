#!/bin/sh
# SPDX-License-Identifier: MIT
# Compare `mailbench mime --json` with Python's email package over the shared
# corpus (../shared/corpus): at least 97% of the compared fields must agree;
# the disagreements we keep on purpose are listed, with the RFC's reason, in
# tests/corpus/disagreements.md. Prints PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
corpus=../shared/corpus
name=mime-corpus-agreement
if [ ! -f "$corpus/mime_compare.py" ] || [ ! -d "$corpus/messages" ]; then
	echo "SKIP: $name (no corpus at $corpus)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: $name (python3 not installed)"
	exit 0
fi
if [ ! -x ./mailbench ]; then
	echo "FAIL: $name (./mailbench not built)"
	exit 1
fi
mkdir -p tests/tmp
out=tests/tmp/mime-corpus.out
timeout -k 5 600 python3 "$corpus/mime_compare.py" --mailbench ./mailbench \
    --min 97 --explained tests/corpus/disagreements.md --show 30 \
    "$corpus/messages/" >"$out" 2>&1
rc=$?
tail -n 25 "$out" >&2
pct=$(sed -n 's/^agreement: \([0-9.]*\)%.*/\1/p' "$out")
if [ "$rc" = 0 ]; then
	echo "PASS: $name (${pct:-?}% >= 97%)"
else
	echo "FAIL: $name (${pct:-?}%, details in $out)"
fi
# Every message must give valid JSON and exit 0 (no crash on broken mail).
failed=$(grep -c '^FAILED ' "$out")
if [ "$failed" = 0 ]; then
	echo "PASS: mime-corpus-no-failed-runs"
else
	echo "FAIL: mime-corpus-no-failed-runs ($failed files)"
fi
# The explained list must only name real files of the corpus.
bad=0
while read -r file rest; do
	case "$file" in ''|'#'*|'|'*) continue ;; esac
	[ -f "$corpus/messages/$file" ] || { echo "unknown file in disagreements.md: $file" >&2; bad=1; }
done <tests/corpus/disagreements.md
if [ "$bad" = 0 ]; then
	echo "PASS: mime-corpus-disagreements-list"
else
	echo "FAIL: mime-corpus-disagreements-list"
fi

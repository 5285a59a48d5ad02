#!/bin/sh
# SPDX-License-Identifier: MIT
# `mailbench mime` on odd input: an empty file, a directory, a missing file,
# binary junk, a header line past the limits; never a crash, a clear message
# and the right exit code. Also the human tree of a bounce (RFC 3464 status
# fields) and of an unquoted boundary=----=_NextPart_... Prints PASS:/FAIL:.
set -u
cd "$(dirname "$0")/../.." || exit 1
MB=${MAILBENCH_BIN:-./mailbench}
T=mime-cli
if [ ! -x "$MB" ]; then
	echo "SKIP: $T (./mailbench not built)"
	exit 0
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/mb-mime-cli.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
fails=0
ok() { echo "PASS: $T: $1"; }
ko() { echo "FAIL: $T: $1"; fails=$((fails + 1)); }
# run NAME WANT_RC [ARGS...]: run mime under a time limit; out in $W/out.
run() {
	local name=$1 want=$2 rc
	shift 2
	timeout -k 2 20 "$MB" mime "$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else
		ko "$name (exit $rc, wanted $want)"; cat "$W/err" >&2; fi
}

: >"$W/empty"
run "empty file" 0 "$W/empty"
run "empty file --json" 0 --json "$W/empty"
grep -q '"size": 0' "$W/out" && ok "empty file JSON says size 0" || ko "empty file JSON says size 0"
mkdir "$W/dir"
run "a directory" 1 "$W/dir"
grep -q 'Is a directory' "$W/err" && ok "directory: clear message" || ko "directory: clear message"
run "a missing file" 1 "$W/missing"
grep -q 'No such file' "$W/err" && ok "missing file: clear message" || ko "missing file: clear message"
printf 'From: a\r\n\033[31m\377\376\000\001junk\000\n' >"$W/junk"
run "binary junk" 0 "$W/junk"
if LC_ALL=C grep -q "$(printf '\033')" "$W/out"; then ko "binary junk: output escaped"; else ok "binary junk: output escaped"; fi
run "binary junk --json" 0 --json "$W/junk"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$W/out" 2>/dev/null &&
	ok "binary junk: valid JSON" || ko "binary junk: valid JSON"
{ printf 'Subject: '; head -c 3000000 /dev/zero | tr '\0' x; printf '\n\nbody\n'; } >"$W/huge"
run "a 3 MB header line" 0 "$W/huge"
grep -q 'line-limit' "$W/out" && ok "huge header: line-limit defect shown" || ko "huge header: line-limit defect shown"

# RFC 3464: the groups of a delivery-status part are status fields.
cat >"$W/bounce.eml" <<'MSG'
From: MAILER-DAEMON@example.org
Subject: Undelivered
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

It bounced.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; nobody@example.invalid
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User
 unknown

--r--
MSG
run "bounce" 0 "$W/bounce.eml"
grep -q '2.1 per-message status fields' "$W/out" && ok "bounce: per-message group named" || ko "bounce: per-message group named"
grep -q '2.2 per-recipient status fields final-recipient="rfc822; nobody@example.invalid" action="failed" status="5.1.1" diagnostic-code="smtp; 550 5.1.1 User unknown"' "$W/out" &&
	ok "bounce: recipient, action, status and diagnostic shown" || { ko "bounce: recipient, action, status and diagnostic shown"; cat "$W/out" >&2; }
run "bounce --json" 0 --json "$W/bounce.eml"
grep -q '"content_type": "text/plain"' "$W/out" && ok "bounce JSON keeps Python's text/plain groups" || ko "bounce JSON keeps Python's text/plain groups"

# Outlook's unquoted boundary with '=': the whole token is the boundary.
printf 'Content-Type: multipart/alternative;\n\tboundary=----=_NextPart_000_0001\n\n------=_NextPart_000_0001\nContent-Type: text/plain\n\nplain\n------=_NextPart_000_0001\nContent-Type: text/html\n\n<p>html</p>\n------=_NextPart_000_0001--\n' >"$W/outlook.eml"
run "unquoted boundary with =" 0 "$W/outlook.eml"
grep -q 'unquoted-boundary-with-equals' "$W/out" && grep -q '^    2 text/html' "$W/out" &&
	ok "unquoted boundary: two parts and a defect" || { ko "unquoted boundary: two parts and a defect"; cat "$W/out" >&2; }
[ "$fails" = 0 ]

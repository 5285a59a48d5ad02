#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile-peer tests: `mailbench batch` against tests/peer/fakeserver.py
# scenarios that real servers never play (ESC sequences, NUL bytes, over-long
# lines, replies cut in half, bytes injected after STLS/STARTTLS, one byte a
# second, a close in the middle of RETR, a server that never answers). The
# assertion is the batch transcript and exit code (SPEC.md).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

names=(esc-banner bidi-banner cf-banner nul-banner nul-in-body long-line long-line-utf8 endless-line
	split-reply split-multiline cut-reply close-mid-retr stls-inject
	starttls-inject smtp-bad-code trickle-ok trickle-timeout drip-deadline drip-per-reply drip-deadline-off silent refused
	pass-redacted tls-to-plain stls-refused starttls-stripped ehlo-flood
	unsolicited smtp-mixed-codes retr-huge-line retr-endless retr-big tls-wrong-name
	tls-expired tls-wrong-name-insecure data-interrupted pop3-err-greeting
	smtp-421-greeting load-serial load-pipelined tls-silent stls-silent
	send-serial send-pipelined slash-starttls-inject interrupt-int
	interrupt-term starttls-250 starttls-354 starttls-421 stls-plus
	slash-starttls-454 slash-stls-err asa-inspection)
if ! command -v python3 >/dev/null; then
	for n in "${names[@]}"; do skip "peer/$n" "python3 not installed"; done
	finish
fi
if ! have_mailbench; then
	for n in "${names[@]}"; do skip "peer/$n" "mailbench batch is not built yet (make)"; done
	finish
fi
reap_stale peer
W=$(workdir peer)
on_exit "rm_workdir '$W'"
"$LIB_ROOT/scripts/gen-certs" "$W/certs" || { fail "peer/certs" "gen-certs failed"; finish; }
CA=$W/certs/ca.pem

# safe NAME: output clean (no raw control bytes), only transcript lines,
# no crash and no sanitizer report, no hang past the hard limit.
safe() {
	local p=$W/$1 rc
	rc=$(cat "$p.rc")
	if [ "$rc" -ge 124 ]; then
		fail "peer/$1/safe" "exit $rc: killed, crashed or hung"
		show "$p"
	elif grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$p.err"; then
		fail "peer/$1/safe" "sanitizer report on stderr"
		show "$p"
	elif ! clean_output "$p.out"; then
		fail "peer/$1/safe" "raw control bytes on stdout"
		show "$p"
	elif ! transcript_shape "$p.out"; then
		fail "peer/$1/safe" "stdout has lines that are not C:/S:/*/= lines"
		show "$p"
	else
		pass "peer/$1/safe"
	fi
}
# srv_ok NAME: the fake server saw the client lines its scenario expects.
srv_ok() { expect "peer/$1/client-lines" "$W/$1" test "$(cat "$W/$1.srv")" = 0; }
# faster NAME SECONDS: the run ended in under SECONDS.
faster() { awk -v t="$(cat "$W/$1.time")" -v l="$2" 'BEGIN { exit !(t < l) }'; }

# --- ESC and BEL in a banner are shown escaped, never sent raw.
scn esc-banner <<'S'
send +OK \e[31mred\e[0m \e]0;pwned title\x07 \e[2J ready
expect QUIT
send +OK bye
S
input esc-banner <<<'QUIT'
peer esc-banner pop3 20 --timeout 10
safe esc-banner
expect peer/esc-banner/escaped "$W/esc-banner" \
	has_line "$W/esc-banner.out" '^S: \+OK \\x1b\[31mred\\x1b\[0m \\x1b\]0;pwned title\\x07 \\x1b\[2J ready$'
expect_rc peer/esc-banner/exit "$W/esc-banner" 0
srv_ok esc-banner

# --- Bidi override and C1 control (UTF-8) are made visible.
scn bidi-banner <<'S'
send +OK \xe2\x80\xaeevil\xc2\x85 invalid:\xff\xfe ready
expect QUIT
send +OK bye
S
input bidi-banner <<<'QUIT'
peer bidi-banner pop3 20 --timeout 10
safe bidi-banner
expect peer/bidi-banner/escaped "$W/bidi-banner" eval \
	"! LC_ALL=C grep -q \$'\\xe2\\x80\\xae\\|\\xc2\\x85\\|\\xff' '$W/bidi-banner.out' &&
	 grep -qF 'evil' '$W/bidi-banner.out'"
expect_rc peer/bidi-banner/exit "$W/bidi-banner" 0

# --- The rest of the Unicode Cf class (issue 12): zero width space, BOM,
# soft hyphen, word joiner, ZWJ, a tag sequence; raw in a reply and in a
# RETR body, escaped as \u{...} in both, never written raw.
scn cf-banner <<'S'
send +OK pay\xe2\x80\x8bpal \xef\xbb\xbfready in\xc2\xadvoice a\xe2\x81\xa0b\xe2\x80\x8dc
expect RETR 1
raw +OK\r\nSubject: \xe2\x80\x8bhidden\xf3\xa0\x81\x81\xf3\xa0\x81\xbf\r\n\r\nbody\xef\xbf\xb9x\r\n.\r\n
expect QUIT
send +OK bye
S
printf 'RETR 1\nQUIT\n' | input cf-banner
peer cf-banner pop3 20 --timeout 10
safe cf-banner
expect peer/cf-banner/escaped "$W/cf-banner" eval \
	"has_line '$W/cf-banner.out' '^S: \\+OK pay\\\\u\\{200B\\}pal \\\\u\\{FEFF\\}ready in\\\\u\\{00AD\\}voice a\\\\u\\{2060\\}b\\\\u\\{200D\\}c$' &&
	 has_line '$W/cf-banner.out' '^S: Subject: \\\\u\\{200B\\}hidden\\\\u\\{E0041\\}\\\\u\\{E007F\\}$' &&
	 has_line '$W/cf-banner.out' '^S: body\\\\u\\{FFF9\\}x$'"
expect peer/cf-banner/no-raw "$W/cf-banner" eval \
	"! LC_ALL=C grep -q \$'\\xe2\\x80\\x8b\\|\\xef\\xbb\\xbf\\|\\xc2\\xad\\|\\xe2\\x81\\xa0\\|\\xe2\\x80\\x8d\\|\\xf3\\xa0\\|\\xef\\xbf\\xb9' '$W/cf-banner.out'"
expect_rc peer/cf-banner/exit "$W/cf-banner" 0
srv_ok cf-banner

# --- A NUL byte in a reply line: a protocol violation, never raw output.
scn nul-banner <<'S'
send +OK hel\0lo
hang 10
S
input nul-banner <<<'QUIT'
peer nul-banner pop3 20 --timeout 10
safe nul-banner
expect peer/nul-banner/reported "$W/nul-banner" has_line "$W/nul-banner.out" '^\* .*(NUL|\\x00)'
expect_rc peer/nul-banner/exit "$W/nul-banner" 3
expect peer/nul-banner/cut-shown "$W/nul-banner" \
	has_line "$W/nul-banner.out" '^S: \+OK hel\\x00lo… \[cut: NUL byte in a reply line; 10 bytes\]$'

# --- A NUL byte inside a RETR body is message data: shown as \x00.
scn nul-in-body <<'S'
send +OK ready
expect USER u
send +OK
expect PASS .*
send +OK logged in
expect RETR 1
raw +OK 20 octets\r\nSubject: n\r\n\r\nzero\0byte\r\n.\r\n
expect QUIT
send +OK bye
S
input nul-in-body <<'I'
USER u
PASS peer-secret-1
RETR 1
QUIT
I
peer nul-in-body pop3 20 --timeout 10
safe nul-in-body
expect peer/nul-in-body/escaped "$W/nul-in-body" has_line "$W/nul-in-body.out" '^S: zero\\x00byte$'
expect peer/nul-in-body/pass-redacted "$W/nul-in-body" no_secret "$W/nul-in-body.out" peer-secret-1
expect_rc peer/nul-in-body/exit "$W/nul-in-body" 0
srv_ok nul-in-body

# --- A reply line past the 4 KiB limit: the session fails at once.
scn long-line <<'S'
raw +OK {5000*x}\r\n
hang 20
S
input long-line <<<'QUIT'
peer long-line pop3 30 --timeout 20
safe long-line
expect_rc peer/long-line/exit "$W/long-line" 3
expect peer/long-line/fast "$W/long-line" faster long-line 10
expect peer/long-line/reported "$W/long-line" has_line "$W/long-line.out" '^\* '
expect peer/long-line/cut-shown "$W/long-line" \
	has_line "$W/long-line.out" '^S: \+OK x{196}… \[cut: reply line longer than 4096 bytes; first 200 bytes shown\]$'

# --- The same with a two-byte character across the 200-byte mark: the
# cut falls on a whole character, no stray "\xc3" before the "…".
scn long-line-utf8 <<'S'
raw +OK {195*x}{3000*\xc3\xa9}\r\n
hang 20
S
input long-line-utf8 <<<'QUIT'
peer long-line-utf8 pop3 30 --timeout 20
safe long-line-utf8
expect_rc peer/long-line-utf8/exit "$W/long-line-utf8" 3
expect peer/long-line-utf8/whole-char "$W/long-line-utf8" \
	has_line "$W/long-line-utf8.out" '^S: \+OK x{195}… \[cut: reply line longer than 4096 bytes; first 199 bytes shown\]$'

# --- 2 MiB without a line end: never buffered without bound.
scn endless-line <<'S'
raw +OK {2097152*y}
hang 20
S
input endless-line <<<'QUIT'
peer endless-line pop3 30 --timeout 20
safe endless-line
expect_rc peer/endless-line/exit "$W/endless-line" 3
expect peer/endless-line/fast "$W/endless-line" faster endless-line 10
expect peer/endless-line/bounded-output "$W/endless-line" test "$(wc -c <"$W/endless-line.out")" -lt 1000000
expect peer/endless-line/cut-shown "$W/endless-line" \
	has_line "$W/endless-line.out" '^S: \+OK y{196}… \[cut: .*first 200 bytes shown\]$'

# --- A reply arriving in two halves is one line.
scn split-reply <<'S'
raw +OK 2 mes
sleep 0.5
raw sages\r\n
expect QUIT
send +OK bye
S
input split-reply <<<'QUIT'
peer split-reply pop3 20 --timeout 10
safe split-reply
expect peer/split-reply/joined "$W/split-reply" has_line "$W/split-reply.out" '^S: \+OK 2 messages$'
expect_rc peer/split-reply/exit "$W/split-reply" 0
srv_ok split-reply

# --- A multi-line reply split inside CRLF and inside the final CRLF.CRLF.
scn split-multiline <<'S'
send +OK ready
expect CAPA
raw +OK capa\r\nTOP\r\nUSER\r
sleep 0.3
raw \n.\r
sleep 0.3
raw \n
expect QUIT
send +OK bye
S
printf 'CAPA\nQUIT\n' | input split-multiline
peer split-multiline pop3 20 --timeout 10
safe split-multiline
expect peer/split-multiline/lines "$W/split-multiline" eval \
	"has_line '$W/split-multiline.out' '^S: USER$' && has_line '$W/split-multiline.out' '^S: \\.$' &&
	 no_line '$W/split-multiline.out' '\\\\r'"
expect_rc peer/split-multiline/exit "$W/split-multiline" 0
srv_ok split-multiline

# --- A reply cut in half by a close: a connection failure, exit 3.
scn cut-reply <<'S'
send +OK ready
expect CAPA
raw +OK Capability list follows\r\nTOP\r\nUI
close
S
printf 'CAPA\nQUIT\n' | input cut-reply
peer cut-reply pop3 20 --timeout 10
safe cut-reply
expect_rc peer/cut-reply/exit "$W/cut-reply" 3
expect peer/cut-reply/reported "$W/cut-reply" has_line "$W/cut-reply.out" '^\* .*clos'
expect peer/cut-reply/cut-shown "$W/cut-reply" \
	has_line "$W/cut-reply.out" '^S: UI… \[cut: connection closed mid-line; 2 bytes\]$'
expect peer/cut-reply/order "$W/cut-reply" eval \
	"grep -A1 '^S: UI' '$W/cut-reply.out' | tail -n1 | grep -q '^\* '"

# --- The server closes in the middle of RETR.
scn close-mid-retr <<'S'
send +OK ready
expect USER u
send +OK
expect PASS .*
send +OK logged in
expect RETR 1
raw +OK 300 octets\r\nSubject: cut\r\n\r\nfirst half of the bo
close
S
printf 'USER u\nPASS peer-secret-2\nRETR 1\nQUIT\n' | input close-mid-retr
peer close-mid-retr pop3 20 --timeout 10
safe close-mid-retr
expect_rc peer/close-mid-retr/exit "$W/close-mid-retr" 3
expect peer/close-mid-retr/reported "$W/close-mid-retr" has_line "$W/close-mid-retr.out" '^\* .*clos.*RETR|^\* .*RETR.*clos'
expect peer/close-mid-retr/cut-shown "$W/close-mid-retr" \
	has_line "$W/close-mid-retr.out" '^S: first half of the bo… \[cut: connection closed mid-line; 20 bytes\]$'
expect peer/close-mid-retr/pass-redacted "$W/close-mid-retr" eval \
	"no_secret '$W/close-mid-retr.out' peer-secret-2 && has_line '$W/close-mid-retr.out' '^C: PASS \\*+$'"

# --- Bytes after "+OK Begin TLS" are discarded and reported, never obeyed.
scn stls-inject <<'S'
send +OK ready
expect STLS
raw +OK Begin TLS\r\n+OK injected reply\r\n
tls
expect CAPA
send +OK capa after tls
send TOP
send .
expect QUIT
send +OK bye
S
printf 'STLS\nCAPA\nQUIT\n' | input stls-inject
peer stls-inject pop3 20 --timeout 10 --cafile "$CA"
safe stls-inject
expect peer/stls-inject/not-obeyed "$W/stls-inject" no_line "$W/stls-inject.out" '^S: \+OK injected'
expect peer/stls-inject/reported "$W/stls-inject" has_line "$W/stls-inject.out" '^\* .*([Dd]iscard|[Ii]gnor|[Dd]ropp)'
expect peer/stls-inject/capa-paired "$W/stls-inject" has_line "$W/stls-inject.out" '^S: \+OK capa after tls$'
expect_rc peer/stls-inject/exit "$W/stls-inject" 0
srv_ok stls-inject

# --- Bytes after "220 Ready to start TLS" likewise (SMTP).
scn starttls-inject <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250-fake.test
send 250 STARTTLS
expect STARTTLS
raw 220 Ready to start TLS\r\n250 injected reply\r\n
tls
expect EHLO .*
send 250-fake.test after tls
send 250 SIZE 1000
expect QUIT
send 221 bye
S
printf 'EHLO client.test\nSTARTTLS\nEHLO client.test\nQUIT\n' | input starttls-inject
peer starttls-inject smtp 20 --timeout 10 --cafile "$CA"
safe starttls-inject
expect peer/starttls-inject/not-obeyed "$W/starttls-inject" no_line "$W/starttls-inject.out" '^S: 250 injected'
expect peer/starttls-inject/reported "$W/starttls-inject" has_line "$W/starttls-inject.out" '^\* .*([Dd]iscard|[Ii]gnor|[Dd]ropp)'
expect peer/starttls-inject/ehlo-paired "$W/starttls-inject" has_line "$W/starttls-inject.out" '^S: 250-fake.test after tls$'
expect_rc peer/starttls-inject/exit "$W/starttls-inject" 0
srv_ok starttls-inject

# --- An SMTP line without a 3-digit code is a protocol violation.
scn smtp-bad-code <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250-fake.test
send 2x0 SIZE
hang 10
S
printf 'EHLO client.test\nQUIT\n' | input smtp-bad-code
peer smtp-bad-code smtp 20 --timeout 10
safe smtp-bad-code
expect_rc peer/smtp-bad-code/exit "$W/smtp-bad-code" 3
expect peer/smtp-bad-code/fast "$W/smtp-bad-code" faster smtp-bad-code 8
expect peer/smtp-bad-code/cut-shown "$W/smtp-bad-code" \
	has_line "$W/smtp-bad-code.out" '^S: 2x0 SIZE… \[cut: .*; 8 bytes\]$'

# --- One byte a second: a short banner still arrives whole.
scn trickle-ok <<'S'
trickle 1 +OK
expect QUIT
send +OK bye
S
input trickle-ok <<<'QUIT'
peer trickle-ok pop3 30 --timeout 20
safe trickle-ok
expect peer/trickle-ok/joined "$W/trickle-ok" has_line "$W/trickle-ok.out" '^S: \+OK$'
expect_rc peer/trickle-ok/exit "$W/trickle-ok" 0

# --- One byte a second of a long banner: --timeout bounds the wait for a
# reply, so a server dripping bytes cannot hold the client forever.
scn trickle-timeout <<'S'
trickle 1 +OK this banner is far too slow to wait for, a byte a second
S
input trickle-timeout <<<'QUIT'
peer trickle-timeout pop3 40 --timeout 3
safe trickle-timeout
expect_rc peer/trickle-timeout/exit "$W/trickle-timeout" 3
expect peer/trickle-timeout/bounded "$W/trickle-timeout" faster trickle-timeout 12
expect peer/trickle-timeout/reported "$W/trickle-timeout" has_line "$W/trickle-timeout.out" '^\* .*[Tt]ime'

# --- A RETR reply dripping one line every 0.5 s never trips the idle
# --timeout; --reply-deadline bounds the whole reply (issue 12): it ends
# by the deadline with a "* deadline" line, exit 3, the lines that came
# shown, nothing more sent.
scn drip-deadline <<'S'
send +OK ready
expect RETR 1
send +OK 3000 octets
drip 0.5 60 X-Drip: one more line, never the end
S
printf 'RETR 1\nQUIT\n' | input drip-deadline
peer drip-deadline pop3 30 --timeout 2 --reply-deadline 3
safe drip-deadline
expect_rc peer/drip-deadline/exit "$W/drip-deadline" 3
expect peer/drip-deadline/bounded "$W/drip-deadline" faster drip-deadline 6
expect peer/drip-deadline/reported "$W/drip-deadline" \
	has_line "$W/drip-deadline.out" '^\* deadline: the reply to RETR 1 was not complete after 3 s \(--reply-deadline 3 '
expect peer/drip-deadline/lines-shown "$W/drip-deadline" \
	test "$(grep -c '^S: X-Drip: one more line' "$W/drip-deadline.out")" -ge 3
expect peer/drip-deadline/no-quit "$W/drip-deadline" no_line "$W/drip-deadline.out" '^C: QUIT'

# --- The deadline runs per reply, from when it is the one awaited: two
# CAPA replies of 1.5 s each pass --reply-deadline 2 though the session
# takes longer; --reply-deadline 0 turns it off for a reply of 4 s.
scn drip-per-reply <<'S'
send +OK ready
expect CAPA
send +OK
drip 0.5 3 X-CAPA
send .
expect CAPA
send +OK
drip 0.5 3 X-CAPA
send .
expect QUIT
send +OK bye
S
printf 'CAPA\nCAPA\nQUIT\n' | input drip-per-reply
peer drip-per-reply pop3 30 --timeout 2 --reply-deadline 2
safe drip-per-reply
expect_rc peer/drip-per-reply/exit "$W/drip-per-reply" 0
srv_ok drip-per-reply

scn drip-deadline-off <<'S'
send +OK ready
expect CAPA
send +OK
drip 0.5 8 X-CAPA
send .
expect QUIT
send +OK bye
S
printf 'CAPA\nQUIT\n' | input drip-deadline-off
peer drip-deadline-off pop3 30 --timeout 2 --reply-deadline 0
safe drip-deadline-off
expect_rc peer/drip-deadline-off/exit "$W/drip-deadline-off" 0
srv_ok drip-deadline-off

# --- A server that accepts and never answers: timeout, exit 3.
scn silent <<'S'
hang 30
S
input silent <<<'QUIT'
peer silent pop3 30 --timeout 2
safe silent
expect_rc peer/silent/exit "$W/silent" 3
expect peer/silent/bounded "$W/silent" faster silent 10
expect peer/silent/reported "$W/silent" has_line "$W/silent.out" '^\* .*[Tt]ime'

# --- Nothing listens: connection refused, exit 3 at once.
port=$("$LIB_ROOT/scripts/free-ports" 1)
input refused <<<'QUIT'
MB_INPUT=$W/refused.in mb_batch "$W/refused" 20 "pop3://127.0.0.1:$port" --timeout 10
echo 0 >"$W/refused.srv"
safe refused
expect_rc peer/refused/exit "$W/refused" 3
expect peer/refused/fast "$W/refused" faster refused 5

# --- /auth PLAIN: the payload never shows; the password comes from the env.
scn pass-redacted <<'S'
send +OK ready
auth-plain fakeuser peer-secret-3
send +OK logged in
expect QUIT
send +OK bye
S
printf '/auth PLAIN fakeuser\nQUIT\n' | input pass-redacted
MAILBENCH_PASSWORD=peer-secret-3 peer pass-redacted pop3 20 --timeout 5
safe pass-redacted
b64=$(printf '\0fakeuser\0peer-secret-3' | base64 -w0)
expect peer/pass-redacted/no-secret "$W/pass-redacted" \
	no_secret "$W/pass-redacted.out" peer-secret-3 "$b64" "${b64:0:16}"
# The server decoded the payload: user and password from the environment.
expect peer/pass-redacted/sent "$W/pass-redacted" has_line "$W/pass-redacted.out" '^C: AUTH PLAIN'
srv_ok pass-redacted

# --- pop3s to a server that talks plaintext: a TLS failure, exit 3.
scn tls-to-plain <<'S'
send +OK plain text where a TLS handshake was due
hang 10
S
input tls-to-plain <<<'QUIT'
peer tls-to-plain pop3s 20 --timeout 5 --cafile "$CA"
safe tls-to-plain
expect_rc peer/tls-to-plain/exit "$W/tls-to-plain" 3
expect peer/tls-to-plain/no-commands "$W/tls-to-plain" no_line "$W/tls-to-plain.out" '^C: '

# --- --starttls and the server refuses STLS: never go on in plaintext
# (no USER/PASS on the wire), and never exit 0.
scn stls-refused <<'S'
send +OK ready
expect STLS
send -ERR TLS not available today
wait-close 10
S
printf '/auth USER u\nSTAT\nQUIT\n' | input stls-refused
MAILBENCH_PASSWORD=peer-secret-4 peer stls-refused pop3 20 --timeout 5 --starttls --cafile "$CA"
safe stls-refused
expect peer/stls-refused/not-zero "$W/stls-refused" test "$(cat "$W/stls-refused.rc")" != 0
expect peer/stls-refused/no-plaintext-login "$W/stls-refused" eval \
	"! grep -q 'USER u\\|peer-secret-4\\|STAT' '$W/stls-refused.srv.log' && no_line '$W/stls-refused.out' '^C: (USER|PASS|STAT)'"
srv_ok stls-refused

# --- --starttls and an EHLO reply without STARTTLS (stripped by a man in
# the middle): no MAIL in plaintext, not exit 0.
scn starttls-stripped <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250-fake.test
send 250 SIZE 1000
refuse 10 454 4.7.0 TLS not available due to local problem
S
printf 'MAIL FROM:<a@example.org>\nQUIT\n' | input starttls-stripped
peer starttls-stripped smtp 20 --timeout 5 --starttls --cafile "$CA"
safe starttls-stripped
expect peer/starttls-stripped/not-zero "$W/starttls-stripped" test "$(cat "$W/starttls-stripped.rc")" != 0
expect peer/starttls-stripped/no-plaintext-mail "$W/starttls-stripped" eval \
	"! grep -q 'MAIL FROM' '$W/starttls-stripped.srv.log' && no_line '$W/starttls-stripped.out' '^C: MAIL'"
srv_ok starttls-stripped

# --- STARTTLS stripping (Poddebniak et al. 2021; curl CVE-2021-22946): TLS
# was asked for and STARTTLS/STLS got anything but 220 / +OK. The session
# ends (exit 3) with a reason, and no AUTH, password or MAIL goes out in
# plain text, whatever the batch file says next.
# stripped SCN PROTO INPUT ARGS...: run it and check all of that.
stripped() {
	local n=$1 scheme=$2
	shift 2
	MAILBENCH_PASSWORD=peer-secret-7 peer "$n" "$scheme" 20 --timeout 5 --cafile "$CA" "$@"
	safe "$n"
	expect_rc "peer/$n/exit" "$W/$n" 3
	expect "peer/$n/no-secret" "$W/$n" eval \
		"! grep -Eq 'AUTH|USER|PASS|MAIL|peer-secret-7|AGFh|YQ==' '$W/$n.srv.log' && no_line '$W/$n.out' '^C: (AUTH|USER|PASS|MAIL|YQ)'"
	expect "peer/$n/reason" "$W/$n" has_line "$W/$n.out" '^\* .*TLS was asked for and the server (answered|refused) (STARTTLS|STLS)'
}
smtp_tls_offer() {
	cat <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250-fake.test
send 250 STARTTLS
expect STARTTLS
S
}
{ smtp_tls_offer; echo 'send 250 2.0.0 ok'; echo 'refuse 10 250 2.0.0 ok'; } | scn starttls-250
printf 'AUTH PLAIN AGFhAGI=\nAUTH LOGIN\nYQ==\nYQ==\n/auth PLAIN a\nMAIL FROM:<a@example.org>\nQUIT\n' | input starttls-250
stripped starttls-250 smtp --starttls
{ smtp_tls_offer; echo 'send 354 go on'; echo 'refuse 10 250 2.0.0 ok'; } | scn starttls-354
printf 'AUTH PLAIN AGFhAGI=\nAUTH LOGIN\nYQ==\nYQ==\nMAIL FROM:<a@example.org>\nQUIT\n' | input starttls-354
stripped starttls-354 smtp --starttls
{ smtp_tls_offer; echo 'send 421 4.3.2 going down'; echo 'refuse 10 250 2.0.0 ok'; } | scn starttls-421
printf 'AUTH PLAIN AGFhAGI=\nMAIL FROM:<a@example.org>\nQUIT\n' | input starttls-421
stripped starttls-421 smtp --starttls
scn stls-plus <<'S'
send +OK ready
expect STLS
send + go on
refuse 10 +OK
S
printf 'USER u\nPASS peer-secret-7\n/auth USER u\nQUIT\n' | input stls-plus
stripped stls-plus pop3 --starttls
# /starttls typed in the session asks for TLS as --starttls does.
{ smtp_tls_offer; echo 'send 454 4.7.0 TLS not available due to local problem'; echo 'refuse 10 250 2.0.0 ok'; } | scn slash-starttls-454
printf '/starttls\nAUTH PLAIN AGFhAGI=\n/auth LOGIN a\nMAIL FROM:<a@example.org>\nQUIT\n' | input slash-starttls-454
stripped slash-starttls-454 smtp
scn slash-stls-err <<'S'
send +OK ready
expect STLS
send -ERR not now
refuse 10 +OK
S
printf '/starttls\nUSER u\nPASS peer-secret-7\nQUIT\n' | input slash-stls-err
stripped slash-stls-err pop3

# --- An EHLO reply of 3000 lines (over 64 KiB): refused, not hoarded.
scn ehlo-flood <<'S'
send 220 fake.test ESMTP
expect EHLO .*
raw {3000*250-FLOOD padding padding padding padding padding padding padding\r\n}
hang 10
S
printf 'EHLO client.test\nQUIT\n' | input ehlo-flood
peer ehlo-flood smtp 30 --timeout 10
safe ehlo-flood
expect_rc peer/ehlo-flood/exit "$W/ehlo-flood" 3
expect peer/ehlo-flood/fast "$W/ehlo-flood" faster ehlo-flood 8

# --- A reply nobody asked for (after NOOP's): it must be reported and
# never taken as the reply to the next command. (STYLE.md lists it as a
# protocol failure; the driver reports it and goes on, which is accepted.)
scn unsolicited <<'S'
send +OK ready
expect NOOP
raw +OK\r\n+OK 999 999999 forged\r\n
expect STAT
send +OK 2 320
expect QUIT
send +OK bye
S
printf 'NOOP\nSTAT\nQUIT\n' | input unsolicited
peer unsolicited pop3 20 --timeout 5
safe unsolicited
expect peer/unsolicited/reported "$W/unsolicited" eval \
	"[ \$(cat '$W/unsolicited.rc') = 3 ] || has_line '$W/unsolicited.out' '^\\* .*(unsolicited|unexpected)'"
expect peer/unsolicited/not-paired "$W/unsolicited" eval \
	"! grep -A3 '^C: STAT' '$W/unsolicited.out' | grep -q '^S: +OK 999 999999 forged'"

# --- An SMTP multi-line reply whose lines carry different codes.
scn smtp-mixed-codes <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250-fake.test
send 251 SIZE 1000
hang 10
S
printf 'EHLO client.test\nQUIT\n' | input smtp-mixed-codes
peer smtp-mixed-codes smtp 20 --timeout 10
safe smtp-mixed-codes
expect_rc peer/smtp-mixed-codes/exit "$W/smtp-mixed-codes" 3
expect peer/smtp-mixed-codes/fast "$W/smtp-mixed-codes" faster smtp-mixed-codes 8

# --- A RETR body line of 2 MiB: past the body-line limit, refused fast.
scn retr-huge-line <<'S'
send +OK ready
expect RETR 1
raw +OK\r\nSubject: big\r\n\r\n{2097152*z}\r\n.\r\n
hang 10
S
printf 'RETR 1\nQUIT\n' | input retr-huge-line
peer retr-huge-line pop3 30 --timeout 10
safe retr-huge-line
expect_rc peer/retr-huge-line/exit "$W/retr-huge-line" 3
expect peer/retr-huge-line/fast "$W/retr-huge-line" faster retr-huge-line 8
expect peer/retr-huge-line/bounded-output "$W/retr-huge-line" test "$(wc -c <"$W/retr-huge-line.out")" -lt 1500000

# --- A RETR response that never ends (12 MB of lines and no "."), with
# --max-message 4M: the session ends at the bound, fast, with the clear
# error naming the option; the lines before it were shown.
scn retr-endless <<'S'
send +OK ready
expect RETR 1
raw +OK\r\nSubject: endless\r\n\r\n{200000*a body line of a response that never ends, sixty bytes\r\n}
hang 20
S
printf 'RETR 1\nQUIT\n' | input retr-endless
peer retr-endless pop3 40 --timeout 10 --max-message 4M
safe retr-endless
expect_rc peer/retr-endless/exit "$W/retr-endless" 3
expect peer/retr-endless/fast "$W/retr-endless" faster retr-endless 15
expect peer/retr-endless/reason "$W/retr-endless" \
	has_line "$W/retr-endless.out" '^\* .*RETR response longer than --max-message \(4 MiB\): stopped reading it'
expect peer/retr-endless/lines-shown "$W/retr-endless" \
	test "$(grep -c '^S: a body line of a response' "$W/retr-endless.out")" -gt 60000

# --- A big but honest RETR (20000 lines, 1.6 MB, one write): every line
# arrives, dot-stuffed lines included, and the session goes on.
scn retr-big <<'S'
send +OK ready
expect RETR 1
raw +OK big one\r\nSubject: big\r\n\r\n{20000*a line of the big message body, 80 bytes or so, padding padding pad\r\n}..stuffed last\r\n.\r\n
expect QUIT
send +OK bye
S
printf 'RETR 1\nQUIT\n' | input retr-big
peer retr-big pop3 30 --timeout 10
safe retr-big
expect_rc peer/retr-big/exit "$W/retr-big" 0
expect peer/retr-big/all-lines "$W/retr-big" test "$(grep -c '^S: a line of the big message body' "$W/retr-big.out")" = 20000
expect peer/retr-big/last-line "$W/retr-big" has_line "$W/retr-big.out" '^S: \.?\.stuffed last$'
srv_ok retr-big

# --- A certificate from the right CA for another name: hostname checks
# are not forgotten (RFC 6125); exit 3 before any command.
scn tls-wrong-name <<'S'
implicit-tls
send +OK you should not see this
hang 10
S
input tls-wrong-name <<<'QUIT'
FAKE_CERT=wrong-name peer tls-wrong-name pop3s 20 --timeout 5 --cafile "$CA"
safe tls-wrong-name
expect_rc peer/tls-wrong-name/exit "$W/tls-wrong-name" 3
expect peer/tls-wrong-name/reason "$W/tls-wrong-name" has_line "$W/tls-wrong-name.out" '^\* .*(mismatch|does not match|not match)'
expect peer/tls-wrong-name/no-commands "$W/tls-wrong-name" no_line "$W/tls-wrong-name.out" '^[CS]: '

# --- An expired certificate (January 2020) from the right CA.
scn tls-expired <<'S'
implicit-tls
send +OK you should not see this
hang 10
S
input tls-expired <<<'QUIT'
FAKE_CERT=expired peer tls-expired pop3s 20 --timeout 5 --cafile "$CA"
safe tls-expired
expect_rc peer/tls-expired/exit "$W/tls-expired" 3
expect peer/tls-expired/reason "$W/tls-expired" has_line "$W/tls-expired.out" '^\* .*expired'
expect peer/tls-expired/no-commands "$W/tls-expired" no_line "$W/tls-expired.out" '^[CS]: '

# --- --insecure goes on with the wrong name, and says so.
scn tls-wrong-name-insecure <<'S'
implicit-tls
send +OK insecure but talking
expect QUIT
send +OK bye
S
input tls-wrong-name-insecure <<<'QUIT'
FAKE_CERT=wrong-name peer tls-wrong-name-insecure pop3s 20 --timeout 5 --cafile "$CA" --insecure
safe tls-wrong-name-insecure
expect_rc peer/tls-wrong-name-insecure/exit "$W/tls-wrong-name-insecure" 0
expect peer/tls-wrong-name-insecure/loud "$W/tls-wrong-name-insecure" eval \
	"has_line '$W/tls-wrong-name-insecure.out' '^\\* .*INSECURE.*(mismatch|match)' &&
	 has_line '$W/tls-wrong-name-insecure.out' '^S: \\+OK insecure but talking'"

# --- The server rejects in the middle of DATA and closes: reported, not
# exit 0, no hang while the client still has message lines.
scn data-interrupted <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250 fake.test
expect MAIL FROM:<a@example.org>
send 250 2.1.0 Ok
expect RCPT TO:<b@example.org>
send 250 2.1.5 Ok
expect DATA
send 354 go ahead
read
send 554 5.7.1 rejected in the middle of the message
close
S
{
	printf 'EHLO client.test\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\n'
	printf 'Subject: x\n\n'
	for i in $(seq 200); do echo "line $i of a message the server does not want"; done
	printf '.\nQUIT\n'
} | input data-interrupted
peer data-interrupted smtp 20 --timeout 5
safe data-interrupted
expect peer/data-interrupted/not-zero "$W/data-interrupted" test "$(cat "$W/data-interrupted.rc")" != 0
expect peer/data-interrupted/fast "$W/data-interrupted" faster data-interrupted 8
expect peer/data-interrupted/reported "$W/data-interrupted" eval \
	"has_line '$W/data-interrupted.out' '^S: 554 5\\.7\\.1 rejected' || has_line '$W/data-interrupted.out' '^\\* .*clos'"

# --- A POP3 greeting of -ERR, then a close: not 0, fast.
scn pop3-err-greeting <<'S'
send -ERR [SYS/TEMP] too busy, go away
close
S
input pop3-err-greeting <<<'QUIT'
peer pop3-err-greeting pop3 20 --timeout 5
safe pop3-err-greeting
expect peer/pop3-err-greeting/not-zero "$W/pop3-err-greeting" test "$(cat "$W/pop3-err-greeting.rc")" != 0
expect peer/pop3-err-greeting/shown "$W/pop3-err-greeting" eval \
	"has_line '$W/pop3-err-greeting.out' '^S: -ERR \\[SYS/TEMP\\]' && grep -A1 '^S: -ERR' '$W/pop3-err-greeting.out' | grep -q '^= '"
expect peer/pop3-err-greeting/explained "$W/pop3-err-greeting" eval \
	"grep -A1 '^S: -ERR' '$W/pop3-err-greeting.out' | grep -q '^= -ERR \\[SYS/TEMP\\] temporary system problem on the server.* next: try again'"
expect peer/pop3-err-greeting/fast "$W/pop3-err-greeting" faster pop3-err-greeting 5

# --- An SMTP 421 greeting (RFC 5321 3.1), then a close.
scn smtp-421-greeting <<'S'
send 421 4.3.2 fake.test Service not available, closing transmission channel
close
S
printf 'EHLO client.test\nQUIT\n' | input smtp-421-greeting
peer smtp-421-greeting smtp 20 --timeout 5
safe smtp-421-greeting
expect peer/smtp-421-greeting/not-zero "$W/smtp-421-greeting" test "$(cat "$W/smtp-421-greeting.rc")" != 0
expect peer/smtp-421-greeting/meaning "$W/smtp-421-greeting" eval \
	"grep -A1 '^S: 421 ' '$W/smtp-421-greeting.out' | grep -q '^= 421'"
expect peer/smtp-421-greeting/fast "$W/smtp-421-greeting" faster smtp-421-greeting 5

# --- A Cisco ASA/PIX with SMTP inspection between us and the server
# (its configuration guide: the banner masked with "*", EHLO and unknown
# commands turned into X's so the server refuses them, STARTTLS removed):
# the "= " lines say a firewall seems to rewrite the session.
scn asa-inspection <<'S'
send 220 ********************************************************
expect EHLO client.test
send 500 5.5.1 Command unrecognized: "XXXX XXXXXXXXXXX"
expect HELO client.test
send 250 mail.example.com Hello [203.0.113.5]
expect QUIT
send 221 2.0.0 Bye
S
printf 'EHLO client.test\nHELO client.test\nQUIT\n' | input asa-inspection
peer asa-inspection smtp 20 --timeout 5
safe asa-inspection
expect peer/asa-inspection/banner "$W/asa-inspection" \
	means "$W/asa-inspection.out" '220 ***' 'a firewall (Cisco ASA SMTP inspection) seems to rewrite this session'
expect peer/asa-inspection/ehlo "$W/asa-inspection" \
	means "$W/asa-inspection.out" '500 5.5.1 Command unrecognized' 'HELO still works'

# --- /load on a server without PIPELINING: one command at a time, and
# still every reply paired with its message (the fake checks the first).
TR="python3 $LIB_ROOT/tests/integration/transcript.py"
scn load-serial <<S
send +OK fake POP3 ready
pop3-serve 40 $W/load-serial.manifest
S
printf 'USER u\nPASS peer-secret-5\n/load\nQUIT\n' | input load-serial
peer load-serial pop3 30 --timeout 10
safe load-serial
expect_rc peer/load-serial/exit "$W/load-serial" 0
expect peer/load-serial/replies-pair "$W/load-serial" $TR load "$W/load-serial.out" "$W/load-serial.manifest"
expect peer/load-serial/serial "$W/load-serial" $TR serial "$W/load-serial.out"
srv_ok load-serial

# --- The same server with PIPELINING: /load pipelines and pairs.
scn load-pipelined <<S
send +OK fake POP3 ready
pop3-serve 300 $W/load-pipelined.manifest PIPELINING
S
printf 'USER u\nPASS peer-secret-5\n/load\nQUIT\n' | input load-pipelined
peer load-pipelined pop3 30 --timeout 10
safe load-pipelined
expect_rc peer/load-pipelined/exit "$W/load-pipelined" 0
expect peer/load-pipelined/replies-pair "$W/load-pipelined" $TR load "$W/load-pipelined.out" "$W/load-pipelined.manifest"
expect peer/load-pipelined/pipelined "$W/load-pipelined" $TR pipelined "$W/load-pipelined.out" 2
srv_ok load-pipelined

# --- pop3s to a server that never answers the ClientHello: the handshake
# is bounded by --timeout too.
scn tls-silent <<'S'
hang 30
S
input tls-silent <<<'QUIT'
peer tls-silent pop3s 30 --timeout 2 --cafile "$CA"
safe tls-silent
expect_rc peer/tls-silent/exit "$W/tls-silent" 3
expect peer/tls-silent/bounded "$W/tls-silent" faster tls-silent 10
expect peer/tls-silent/reported "$W/tls-silent" has_line "$W/tls-silent.out" '^\* .*([Tt]ime|TLS)'

# --- "+OK Begin TLS" and then silence.
scn stls-silent <<'S'
send +OK ready
expect STLS
send +OK Begin TLS
hang 30
S
printf 'STLS\nCAPA\nQUIT\n' | input stls-silent
peer stls-silent pop3 30 --timeout 2 --cafile "$CA"
safe stls-silent
expect_rc peer/stls-silent/exit "$W/stls-silent" 3
expect peer/stls-silent/bounded "$W/stls-silent" faster stls-silent 10
expect peer/stls-silent/no-plaintext "$W/stls-silent" no_line "$W/stls-silent.out" '^C: CAPA'

# --- Guided /send to a server without PIPELINING: one command at a time;
# the message arrives dot-unstuffed exactly as typed.
printf '.leading dot\n..two dots\n. space\nlast line\n' >"$W/send-body"
for mode in serial pipelined; do
	n=send-$mode
	flag=
	[ $mode = pipelined ] && flag=PIPELINING
	scn $n <<S
send 220 fake.test ESMTP
smtp-serve $W/$n.msgs $flag
S
	{
		printf 'EHLO client.test\n/send\na@example.org\nb@example.org\nc@example.org\n\n'
		printf 'subject %s\n' "$mode"
		cat "$W/send-body"
		printf '.\nQUIT\n'
	} | input $n
	peer $n smtp 30 --timeout 10
	safe $n
	expect_rc peer/$n/exit "$W/$n" 0
	srv_ok $n
	expect peer/$n/body "$W/$n" python3 - "$W/$n.msgs" "$W/send-body" <<'PY'
import sys
msgs = open(sys.argv[1], "rb").read().split(b"\0\n")
want = open(sys.argv[2], "rb").read()
assert len(msgs) == 2 and msgs[1] == b"", "expected one message, got %d" % (len(msgs) - 1)
head, _, body = msgs[0].partition(b"\n\n")
assert b"Subject: subject " in head, head
assert body == want, (body, want)
PY
done
# With PIPELINING, /send groups MAIL, RCPT... and DATA (RFC 2920 3.1);
# without it, each waits for its reply.
expect peer/send-pipelined/grouped "$W/send-pipelined" eval \
	"grep -A3 '^C: MAIL FROM' '$W/send-pipelined.out' | tail -n 1 | grep -q '^C: DATA\$'"
expect peer/send-serial/not-grouped "$W/send-serial" eval \
	"grep -A1 '^C: MAIL FROM' '$W/send-serial.out' | tail -n 1 | grep -q '^S: 250'"

# --- /starttls (the workbench command) meets injected bytes too: EHLO,
# STARTTLS, the injection discarded, EHLO again over TLS by itself.
scn slash-starttls-inject <<'S'
send 220 fake.test ESMTP
expect EHLO .*
send 250-fake.test
send 250 STARTTLS
expect STARTTLS
raw 220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n
tls
expect EHLO .*
send 250-fake.test over tls
send 250 SIZE 1000
expect NOOP
send 250 2.0.0 Ok
expect QUIT
send 221 bye
S
printf '/starttls\nNOOP\nQUIT\n' | input slash-starttls-inject
peer slash-starttls-inject smtp 20 --timeout 10 --cafile "$CA"
safe slash-starttls-inject
expect_rc peer/slash-starttls-inject/exit "$W/slash-starttls-inject" 0
expect peer/slash-starttls-inject/not-obeyed "$W/slash-starttls-inject" no_line "$W/slash-starttls-inject.out" '^S: 250.injected|^S: 250 AUTH'
expect peer/slash-starttls-inject/reported "$W/slash-starttls-inject" has_line "$W/slash-starttls-inject.out" '^\* .*([Dd]iscard|[Ii]gnor|[Dd]ropp)'
expect peer/slash-starttls-inject/ehlo-again "$W/slash-starttls-inject" has_line "$W/slash-starttls-inject.out" '^S: 250-fake.test over tls$'
srv_ok slash-starttls-inject


# --- SIGINT / SIGTERM while a command waits for its reply: the last line is
# a whole "* interrupted" line (stdout and --transcript alike), exit 3.
interrupted() {
	local name=$1 sig=$2 pf=$W/$1.port spid mpid cpid rc
	scn "$name" <<'S'
send +OK ready
expect CAPA
hang 30
S
	printf 'CAPA\nQUIT\n' >"$W/$name.in"
	python3 "$FAKE" "$W/$name.scn" --port-file "$pf" --log "$W/$name.srv.log" \
		--max 40 >>"$W/$name.srv.log" 2>&1 &
	spid=$!
	on_exit "kill $spid"
	if ! wait_for 10 test -s "$pf"; then
		fail "peer/$name/started" "fakeserver did not start"
		return
	fi
	timeout -k 3 30 "$MAILBENCH" batch --timeout 25 --transcript "$W/$name.tr" \
		"pop3://127.0.0.1:$(cat "$pf")" "$W/$name.in" \
		>"$W/$name.out" 2>"$W/$name.err" &
	mpid=$!
	on_exit "kill $mpid"
	wait_for 10 has_line "$W/$name.out" '^C: CAPA$'
	# Signal mailbench itself, as a user's Ctrl-C or kill would: through
	# timeout(1) it would also get SIGCONT, which can stall
	# LeakSanitizer's exit-time scan in the ASan build for seconds.
	cpid=$(pgrep -P "$mpid" | head -n 1)
	kill -"$sig" "${cpid:-$mpid}"
	wait "$mpid"
	rc=$?
	echo "$rc" >"$W/$name.rc"
	{ echo "--- $name (exit $rc)"; cat "$W/$name.out" "$W/$name.err"; } >"$W/$name.log"
	wait_for 10 gone "$spid" || kill "$spid" 2>/dev/null
	expect_rc "peer/$name/exit" "$W/$name" 3
	expect "peer/$name/last-line" "$W/$name" eval \
		"tail -n 1 '$W/$name.out' | grep -Eq '^\\* interrupted \\(SIG$sig\\): closing the connection'"
	expect "peer/$name/whole-lines" "$W/$name" eval \
		"[ \"\$(tail -c 1 '$W/$name.out' | od -An -c | tr -d ' ')\" = '\\n' ] && transcript_shape '$W/$name.out'"
	expect "peer/$name/transcript-file" "$W/$name" eval \
		"tail -n 1 '$W/$name.tr' | grep -Eq '^\\* interrupted \\(SIG$sig\\)' && cmp -s '$W/$name.out' '$W/$name.tr'"
}
interrupted interrupt-int INT
interrupted interrupt-term TERM

finish

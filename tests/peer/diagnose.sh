#!/bin/bash
# SPDX-License-Identifier: MIT
# Diagnoses of what ends or blocks a session (issue 8, item 3): `mailbench
# batch` against a certificate zoo from scripts/gen-certs served by
# tests/peer/fakeserver.py, a plain server spoken TLS to and a TLS server
# spoken plain to, a refused port, a name that cannot resolve, a listener
# whose full backlog drops SYNs (a connect timeout on loopback), and silent
# servers. The assertion is on the "* " lines: what, cause: and next:.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

names=(expired not-yet-valid wrong-name wrong-name-insecure self-signed
	unknown-issuer wrong-cafile tls-to-pop3 tls-to-smtp plain-to-tls
	alert-on-plain tls-alert refused unresolvable connect-timeout
	tls-timeout no-reply)
if ! command -v python3 >/dev/null; then
	for n in "${names[@]}"; do skip "diag/$n" "python3 not installed"; done
	finish
fi
if ! have_mailbench; then
	for n in "${names[@]}"; do skip "diag/$n" "mailbench batch is not built yet (make)"; done
	finish
fi
reap_stale diag
W=$(workdir diag)
on_exit "rm_workdir '$W'"
"$LIB_ROOT/scripts/gen-certs" "$W/certs" || { fail "diag/certs" "gen-certs failed"; finish; }
CA=$W/certs/ca.pem

# serve NAME SCHEME LIMIT [ARGS...]: peer (tests/peer/lib.sh) with certificate
# $CERT (default "server") and QUIT as the batch input; leaves
# $W/NAME.{out,err,rc,time,log} and the port in $W/NAME.port.
serve() {
	echo QUIT >"$W/$1.in"
	FAKE_CERT=${CERT:-server} peer "$@"
}
port() { cat "$W/$1.port"; }
# lines NAME WHAT CAUSE NEXT: the failure line and its cause: and next:
# lines, each an extended regex after "* ", "* cause: ", "* next: ";
# the run ended with exit 3 and sent no command.
lines() {
	local n=$1 o=$W/$1.out
	expect_rc "diag/$n/exit" "$W/$n" 3
	expect "diag/$n/what" "$W/$n" has_line "$o" "^\\* $2"
	expect "diag/$n/cause" "$W/$n" has_line "$o" "^\\* cause: $3"
	expect "diag/$n/next" "$W/$n" has_line "$o" "^\\* next: $4"
	expect "diag/$n/clean" "$W/$n" eval "clean_output '$o' && transcript_shape '$o' && no_sanitizer '$W/$n.err'"
}

tls_ok() {
	scn "$1" <<'S'
implicit-tls
send +OK should not be reached
hang 5
S
}

# --- Expired: since when (UTC) and how long ago; renew; OpenSSL's words
# kept in parentheses; no canned --cafile advice.
tls_ok expired
CERT=expired serve expired pop3s 20 --timeout 5 --cafile "$CA"
lines expired "the server's certificate has expired \\(OpenSSL: certificate has expired\\)$" \
	"the server's certificate \\(CN=localhost\\) expired on 2020-02-01 00:00:00 UTC, [0-9]+ years ago" \
	"the server's administrator must renew it"
expect diag/expired/no-cafile-advice "$W/expired" no_line "$W/expired.out" 'start mailbench with --cafile'

# --- Not yet valid: from when; check the clocks.
tls_ok not-yet-valid
CERT=not-yet-valid serve not-yet-valid pop3s 20 --timeout 5 --cafile "$CA"
lines not-yet-valid "the server's certificate is not valid yet \\(OpenSSL: certificate is not yet valid\\)" \
	"the server's certificate \\(CN=localhost\\) is valid only from 2099-01-01 00:00:00 UTC, in [0-9]+ years" \
	"check this machine's clock"

# --- Name mismatch: the names the certificate has vs the host asked for.
tls_ok wrong-name
CERT=wrong-name serve wrong-name pop3s 20 --timeout 5 --cafile "$CA"
lines wrong-name "the server's certificate is not for this name \\(OpenSSL: IP address mismatch\\)" \
	"the certificate is for wrong\\.invalid; you connected to 127\\.0\\.0\\.1$" \
	"connect with one of those names \\(pop3s://wrong\\.invalid:$(port wrong-name)\\), or --insecure to look anyway"

# --- The same with --insecure: the session goes on, and the INSECURE
# line is followed by the cause in plain words.
scn wrong-name-insecure <<'S'
implicit-tls
send +OK insecure but talking
expect QUIT
send +OK bye
S
CERT=wrong-name serve wrong-name-insecure pop3s 20 --timeout 5 --cafile "$CA" --insecure
expect_rc diag/wrong-name-insecure/exit "$W/wrong-name-insecure" 0
expect diag/wrong-name-insecure/cause "$W/wrong-name-insecure" eval \
	"grep -A1 '^\\* INSECURE' '$W/wrong-name-insecure.out' | grep -q '^\\* cause: the certificate is for wrong\\.invalid; you connected to 127\\.0\\.0\\.1'"

# --- Self-signed: its fingerprint (the real one) and the lab's way.
tls_ok self-signed
CERT=self-signed serve self-signed pop3s 20 --timeout 5 --cafile "$CA"
fp=$(openssl x509 -in "$W/certs/self-signed.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
lines self-signed "the server's certificate is self-signed \\(OpenSSL: self-signed certificate\\)" \
	"CN=localhost,O=mailbench tests signed its own certificate.*--cafile $CA does not hold it; its SHA-256 fingerprint is $fp$" \
	"if it is the mailbench lab: the lab prints its certificate's fingerprint at start.*--cert-out FILE\\) and pass --cafile FILE"

# --- Unknown issuer, no --cafile: who issued it; pass that CA.
tls_ok unknown-issuer
CERT=unknown-issuer serve unknown-issuer pop3s 20 --timeout 5
lines unknown-issuer "the server's certificate is issued by a CA we do not trust \\(OpenSSL: unable to get local issuer certificate\\)" \
	"the server's certificate \\(CN=localhost,O=mailbench tests\\) was issued by CN=unrelated test CA,O=somebody else, which is not in this system's CA store" \
	"pass that CA with --cafile FILE"

# --- A --cafile that does not sign this server: which issuer is missing
# and what the file holds.
tls_ok wrong-cafile
serve wrong-cafile pop3s 20 --timeout 5 --cafile "$W/certs/other-ca.pem"
lines wrong-cafile "wrong --cafile: $W/certs/other-ca\\.pem does not contain the issuer CN=mailbench test CA,O=mailbench tests" \
	"the server.s certificate \\(CN=localhost,O=mailbench tests\\) was issued by CN=mailbench test CA,O=mailbench tests; $W/certs/other-ca\\.pem holds CN=unrelated test CA,O=somebody else$" \
	"pass the certificate of CN=mailbench test CA,O=mailbench tests with --cafile FILE"

# --- TLS spoken to a plain POP3 port: its greeting named, pop3:// offered.
scn tls-to-pop3 <<'S'
send +OK plain pop3 here
hang 5
S
serve tls-to-pop3 pop3s 20 --timeout 5 --cafile "$CA"
lines tls-to-pop3 "TLS handshake failed: the server spoke plain POP3 \\(\"\\+OK plain pop3 here\"\\) \\(OpenSSL: wrong version number\\)" \
	"port $(port tls-to-pop3) speaks plain POP3" \
	"this port speaks plain POP3: use pop3://127\\.0\\.0\\.1:$(port tls-to-pop3), with --starttls to upgrade$"

# --- ... and to a plain SMTP port; the greeting quoted is escaped.
scn tls-to-smtp <<'S'
send 220 plain.test \e[2J ESMTP
hang 5
S
serve tls-to-smtp smtps 20 --timeout 5 --cafile "$CA"
lines tls-to-smtp "TLS handshake failed: the server spoke plain SMTP \\(\"220 plain\\.test \\\\x1b\\[2J ESMTP\"\\)" \
	"port $(port tls-to-smtp) speaks plain SMTP" \
	"this port speaks plain SMTP: use smtp://127\\.0\\.0\\.1:$(port tls-to-smtp), with --starttls to upgrade$"

# --- Plain spoken to an implicit-TLS port: both sides wait. The hint
# comes early (half the timeout here), before the timeout's diagnosis.
tls_ok plain-to-tls
serve plain-to-tls pop3 20 --timeout 4
p=$(port plain-to-tls)
lines plain-to-tls "timeout: no greeting after 4 s$" \
	"the server accepted the connection but says nothing.*a port that expects TLS first" \
	"if it is an implicit-TLS port, try pop3s://127\\.0\\.0\\.1:$p"
expect diag/plain-to-tls/hint-first "$W/plain-to-tls" eval \
	"awk '/^\\* no greeting yet after 2 s \\(waiting up to 4 s\\): if it is an implicit-TLS port, try pop3s:\\/\\/127\\.0\\.0\\.1:$p\$/ { h = NR } /^\\* timeout: no greeting/ { t = NR } END { exit !(h && t && h < t) }' '$W/plain-to-tls.out'"

# --- A TLS alert where the greeting was due: said at once.
scn alert-on-plain <<'S'
raw \x15\x03\x03\x00\x02\x02\x46
hang 5
S
serve alert-on-plain pop3 20 --timeout 10
lines alert-on-plain "the server answered with TLS, not a plain-text greeting \\(a TLS alert record\\)" \
	"port $(port alert-on-plain) expects TLS from the first byte" \
	"use pop3s://127\\.0\\.0\\.1:$(port alert-on-plain)$"
expect diag/alert-on-plain/fast "$W/alert-on-plain" awk -v t="$(cat "$W/alert-on-plain.time")" 'BEGIN { exit !(t < 5) }'

# --- The server refuses the handshake with an alert (unrecognized_name
# for our SNI): the alert translated. "localhost" comes from /etc/hosts.
python3 - "$W/sni.port" "$W/certs/server.pem" "$W/certs/server.key" <<'PY' &
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
ctx.sni_callback = lambda sock, name, c: ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(15)
c, _ = s.accept()
try:
    ctx.wrap_socket(c, server_side=True)
except (ssl.SSLError, OSError):
    pass
PY
sni=$!
on_exit "kill $sni"
if wait_for 10 test -s "$W/sni.port"; then
	echo QUIT >"$W/tls-alert.in"
	MB_INPUT=$W/tls-alert.in mb_batch "$W/tls-alert" 20 \
		"pop3s://localhost:$(cat "$W/sni.port")" -4 --cafile "$CA" --timeout 5
	lines tls-alert "TLS handshake failed: the server refused it \\(TLS alert 112\\) \\(OpenSSL: " \
		"the server does not know the name we asked for \\(unrecognized_name, from SNI\\)" \
		"connect with the server's own name"
else
	fail diag/tls-alert "the SNI server did not start"
fi
wait_for 10 eval "! kill -0 $sni 2>/dev/null" || kill "$sni" 2>/dev/null

# --- Nothing listens: refused, what to check, the lab's ports.
port=$("$LIB_ROOT/scripts/free-ports" 1 2>/dev/null | head -1)
[ -n "$port" ] || port=1
echo QUIT >"$W/refused.in"
MB_INPUT=$W/refused.in mb_batch "$W/refused" 20 "pop3://127.0.0.1:$port" --timeout 10
lines refused "cannot connect to 127\\.0\\.0\\.1:$port: connection refused$" \
	"the host answered, but nothing listens on that port" \
	"check the port .*the mailbench lab prints its ports when it starts"

# --- A name that cannot resolve ("a..b" is refused by the resolver
# itself: no DNS query leaves this machine).
echo QUIT >"$W/unresolvable.in"
MB_INPUT=$W/unresolvable.in mb_batch "$W/unresolvable" 20 "smtp://no..such.host:25" --timeout 10
lines unresolvable "cannot find the address of no\\.\\.such\\.host \\(" \
	"no DNS record or /etc/hosts line has that name: a typo" \
	"check the spelling; try the server's IP address instead"

# --- Connect timeout: a loopback listener whose accept queue is full
# drops new SYNs, as a firewall that drops packets does.
python3 - "$W/bh.port" 15 <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
held = []
for i in range(2):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(s.getsockname())
    except BlockingIOError:
        pass
    held.append(c)
time.sleep(0.3)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(float(sys.argv[2]))
PY
bh=$!
on_exit "kill $bh"
if wait_for 10 test -s "$W/bh.port"; then
	echo QUIT >"$W/connect-timeout.in"
	MB_INPUT=$W/connect-timeout.in mb_batch "$W/connect-timeout" 20 \
		"pop3://127.0.0.1:$(cat "$W/bh.port")" --timeout 2
	lines connect-timeout "timeout: no answer from 127\\.0\\.0\\.1:$(cat "$W/bh.port") within 2 s$" \
		"the connection attempt got no answer at all: a firewall dropping the packets" \
		"check the address and port $(cat "$W/bh.port"), and whether a firewall lets it through"
else
	fail diag/connect-timeout "the backlog listener did not start"
fi
kill "$bh" 2>/dev/null

# --- A TLS port that never answers the handshake.
scn tls-timeout <<'S'
hang 8
S
serve tls-timeout pop3s 20 --timeout 2 --cafile "$CA"
lines tls-timeout "timeout: the TLS handshake with 127\\.0\\.0\\.1:$(port tls-timeout) did not finish in 2 s$" \
	"the server accepted the connection but sent no TLS answer" \
	"check that $(port tls-timeout) is an implicit-TLS port; for a plain port use pop3://"

# --- No reply to a command: which one, and how long.
scn no-reply <<'S'
send +OK ready
expect NOOP
hang 8
S
printf 'NOOP\nQUIT\n' >"$W/no-reply.in.2"
echo QUIT >"$W/no-reply.in"
pf=$W/no-reply.port
python3 "$FAKE" "$W/no-reply.scn" --port-file "$pf" --log "$W/no-reply.srv.log" --max 15 \
	>>"$W/no-reply.srv.log" 2>&1 &
spid=$!
on_exit "kill $spid"
if wait_for 10 test -s "$pf"; then
	MB_INPUT=$W/no-reply.in.2 mb_batch "$W/no-reply" 20 "pop3://127.0.0.1:$(cat "$pf")" --timeout 2
	lines no-reply "timeout: no reply to NOOP after 2\\.[0-9] s$" \
		"the server is busy or stuck" \
		"a late reply could be taken for the next command's, so the session ends: reconnect"
else
	fail diag/no-reply "fakeserver did not start"
fi
kill "$spid" 2>/dev/null

finish

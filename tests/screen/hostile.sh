#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests with a hostile fake POP3 server: a banner full of terminal
# escape sequences and a bidi override must show escaped, never reach the
# terminal raw (no cleared screen, no retitled window).
. "$(dirname "$0")/lib.sh"

TESTS="screen-escaped-banner screen-escaped-message"
need "command -v tmux >/dev/null" "tmux is not installed" $TESTS
need "command -v python3 >/dev/null" "python3 is not installed" $TESTS
need "[ -x '$MB' ]" "mailbench is not built" $TESTS

# A one-connection server on an ephemeral loopback port; it writes the
# port to a file and exits after QUIT or 20 seconds.
cat >"$TMP/evil.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(20)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = s.accept()
c.settimeout(20)
c.sendall(b"+OK \x1b[2J\x1b[H\x1b]0;pwned\x07 evil \xe2\x80\xaetxt.exe <1.2@x>\r\n")
buf = b""
try:
    while True:
        d = c.recv(4096)
        if not d:
            break
        buf += d
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            if line.upper().startswith(b"QUIT"):
                c.sendall(b"+OK \x1b[31mbye\r\n")
                sys.exit(0)
            c.sendall(b"-ERR \x07\x1b[5mno\r\n")
except socket.timeout:
    pass
PY
python3 "$TMP/evil.py" "$TMP/port" &
srv=$!
EXTRA_CLEANUP="kill $srv 2>/dev/null"
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

t_banner() {
	[ -s "$TMP/port" ] || return 1
	start 100 30 "$MB" "pop3://127.0.0.1:$(cat "$TMP/port")" || return 1
	# The driver's escaping shows ESC as \x1b and the override by name.
	wait_for 'S: +OK \x1b[2J\x1b[H\x1b]0;pwned\x07 evil' || return 1
	screen | grep -qF 'u{202E}txt.exe' || return 1
	# The screen was not cleared under us: the status bar is intact.
	screen | head -1 | grep -q "POP3 127.0.0.1:" || return 1
	# And the window title was not changed by the peer.
	[ "$(tm display-message -p -t t '#{pane_title}')" != pwned ] || return 1
	type_line "NOOP" || return 1
	wait_for 'S: -ERR \x07\x1b[5mno' || return 1
	type_line "QUIT" || return 1
	wait_for 'S: +OK \x1b[31mbye' || return 1
	keys C-q || return 1
	wait_exit
}

# A message whose encoded subject and sender carry ESC and a bidi override,
# and whose QP body carries ESC: mailed through the lab's SMTP, read back
# over POP3, shown escaped in the mailbox and the message pane.
t_message() {
	start 120 40 "$MB" --lab || return 1
	wait_for "S: +OK" || return 1
	local smtp pop3
	smtp=$(screen | grep -o 'lab SMTP: /connect smtp://[0-9.]*:[0-9]*' | head -1 | sed 's/.*://')
	pop3=$(screen | grep -o 'POP3 [0-9]*,' | head -1 | sed 's/[^ ]* //; s/,//')
	[ -n "$smtp" ] && [ -n "$pop3" ] || return 1
	type_line "/connect smtp://127.0.0.1:$smtp" || return 1
	wait_for "S: 220" || return 1
	type_line "EHLO test.example" || return 1
	wait_for "expects: MAIL FROM" || return 1
	type_line "MAIL FROM:<m@evil.example>" || return 1
	wait_for "expects: RCPT TO" || return 1
	type_line "RCPT TO:<student@lab.example>" || return 1
	wait_for "or DATA" || return 1
	type_line "DATA" || return 1
	wait_for "message>" || return 1
	type_line "From: =?UTF-8?B?TWFsbG9yeSDigK5ldmls?= <m@evil.example>" || return 1
	# The subject also hides a zero width space (Unicode Cf, issue 12).
	type_line "Subject: =?UTF-8?B?G1szMW1SRUTigK5ldmls4oCLenc=?=" || return 1
	type_line "MIME-Version: 1.0" || return 1
	type_line 'Content-Type: multipart/mixed; boundary="b"' || return 1
	type_line "" || return 1
	type_line "--b" || return 1
	type_line "Content-Type: text/plain; charset=utf-8" || return 1
	type_line "Content-Transfer-Encoding: quoted-printable" || return 1
	type_line "" || return 1
	type_line "body =1B[2Jcleared =E2=80=AEflipped =E2=80=8Bzw=EF=BB=BFbom" || return 1
	type_line "--b" || return 1
	type_line "Content-Type: application/octet-stream" || return 1
	# A name that climbs out of the directory and hides its extension.
	type_line "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fx%2Fevil%E2%80%AEgpj.exe" || return 1
	type_line "" || return 1
	type_line "payload" || return 1
	type_line "--b" || return 1
	type_line "Content-Type: application/pdf" || return 1
	# A 304-byte UTF-8 name: shortened on whole characters, .pdf kept.
	type_line "Content-Disposition: attachment; filename*=UTF-8''%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96%D0%96.pdf" || return 1
	type_line "" || return 1
	type_line "%PDF-1.4" || return 1
	type_line "--b--" || return 1
	type_line "." || return 1
	wait_for "S: 250" || return 1
	type_line "QUIT" || return 1
	wait_for "session closed" || return 1
	type_line "/connect pop3://127.0.0.1:$pop3" || return 1
	wait_for "AUTHORIZATION" || return 1
	type_line "USER student" || return 1
	wait_for "expects: PASS password" || return 1
	type_line "PASS student" || return 1
	wait_for "TRANSACTION" || return 1
	type_line "/load" || return 1
	wait_for "/load: done" || return 1
	wait_for '\x1b[31mRED\u{202E}evil\u{200B}zw' || return 1
	wait_for 'Mallory \u{202E}evil' || return 1
	type_line "RETR 9" || return 1
	wait_for "Message 9" || return 1
	wait_for 'body \x1b[2Jcleared \u{202E}flipped \u{200B}zw\u{FEFF}bom' || return 1
	screen | head -1 | grep -q "POP3 127.0.0.1:" || return 1
	# The attachment's name is shown escaped, and saving it proposes a
	# plain name inside the current directory.
	wait_for '"../../x/evil\u{202E}gpj.exe"' || return 1
	keys C-o C-o C-o || return 1
	wait_for "message: ] [ parts" || return 1
	keys ']' w || return 1
	wait_for "Save to: ./x_evil_gpj.exe" || return 1
	keys Escape || return 1
	wait_gone "Save to:" || return 1
	# The long name keeps its extension, cut on whole characters.
	keys ']' w || return 1
	wait_for "Save to: ./$(printf 'Ж%.0s' $(seq 58)).pdf" || return 1
	keys Escape || return 1
	wait_gone "Save to:" || return 1
	keys C-q || return 1
	wait_exit
}

t_banner; result screen-escaped-banner $?
t_message; result screen-escaped-message $?
[ $failures = 0 ]

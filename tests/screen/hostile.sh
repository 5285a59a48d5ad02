#!/bin/bash
# SPDX-License-Identifier: MIT
# Screen tests with a hostile fake POP3 server: a banner full of terminal
# escape sequences and a bidi override must show escaped, never reach the
# terminal raw (no cleared screen, no retitled window).
. "$(dirname "$0")/lib.sh"

TESTS="screen-escaped-banner"
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

t_banner; result screen-escaped-banner $?
[ $failures = 0 ]

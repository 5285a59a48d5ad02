#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A scripted fake POP3/SMTP server for what real servers never do.

Usage: fakeserver.py SCENARIO --port-file FILE [--log FILE] [--cert PEM
       --key PEM] [--max SECONDS]

Listens on 127.0.0.1, port 0 (the kernel picks it), writes the port to
--port-file once listening, serves ONE connection by the scenario, and
exits: 0 every "expect" matched, 1 a mismatch, 3 no client or --max hit.
The client's lines and every step go to --log. The assertion of a peer test
is mostly mailbench's transcript; the exit code says whether the client
sent what the scenario expected (e.g. nothing between STLS and TLS).

Scenario: one step a line; "#" starts a comment line. In TEXT, escapes
\\r \\n \\t \\0 \\e (ESC) \\xNN and \\\\ are decoded; {N*TEXT} repeats TEXT
N times (for long lines).
  implicit-tls        (first line) TLS handshake right after accept
  send TEXT           TEXT + CRLF
  raw TEXT            TEXT as is, no CRLF
  trickle SECS TEXT   TEXT + CRLF one byte every SECS seconds
  drip SECS N TEXT    TEXT + CRLF N times, one line every SECS seconds
                      (a slow-loris reply: never idle, never done); stops
                      when the client closes
  expect REGEX        read a client line (no CRLF); it must match REGEX whole
  read                read a client line, whatever it is
  auth-plain USER PW  POP3 AUTH PLAIN, with or without an initial response
                      (RFC 5034): the payload must decode to \0USER\0PW
  tls                 TLS handshake now (server side); client bytes sent
                      before it and after the last line read are a mismatch
  sleep SECS          pause
  close               close the connection now (end of scenario)
  hang [SECS]         send nothing; read and discard until the client
                      closes or SECS (default: until --max)
  refuse SECS TEXT    until the client closes (or SECS): answer every line
                      it sends with TEXT + CRLF
  pop3-serve N MANIFEST [PIPELINING]
                      act as a POP3 server with N made-up messages until
                      QUIT (USER, PASS, CAPA, STAT, LIST, UIDL, TOP, RETR,
                      NOOP, RSET); write the manifest that
                      tests/integration/transcript.py reads. Without
                      PIPELINING in CAPA, a command arriving before the
                      reply to the previous one is a mismatch (RFC 2449 6.6)
  smtp-serve FILE [PIPELINING]
                      act as an ESMTP server (EHLO, HELO, MAIL, RCPT, DATA,
                      RSET, NOOP, QUIT) until QUIT; each message's text,
                      dot-unstuffed, is appended to FILE. Commands sent
                      before the previous reply are a mismatch without
                      PIPELINING (RFC 2920), and message text before 354
                      always is (RFC 2920 3.1)
  wait-close [SECS]   read until the client closes (mismatch if it sends a
                      line that is not QUIT, or does not close in SECS=10)
At the end of the scenario the server waits up to 5 s for the client to
close, then closes.
"""
import argparse
import base64
import os
import re
import select
import socket
import ssl
import sys
import time

LOG = None
DEADLINE = None
MISMATCHES = []


def log(msg):
    if LOG:
        LOG.write("%.3f %s\n" % (time.monotonic(), msg))
        LOG.flush()


def decode(text):
    """Decode the scenario escapes and {N*TEXT} repeats into bytes."""
    def rep(m):
        return m.group(2) * int(m.group(1))
    text = re.sub(r"\{(\d+)\*([^}]*)\}", rep, text)
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            d = text[i + 1]
            simple = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0",
                      "e": b"\x1b", "\\": b"\\"}
            if d in simple:
                out += simple[d]
                i += 2
                continue
            if d == "x" and i + 3 < len(text) + 0 and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
        out += c.encode("utf-8")
        i += 1
    return bytes(out)


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def remaining(self, limit=None):
        left = DEADLINE - time.monotonic()
        if limit is not None:
            left = min(left, limit)
        return max(0.0, left)

    def fill(self, timeout):
        """Read more bytes; False on timeout, EOF sets self.eof."""
        if self.eof:
            return False
        pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()
        if not pending:
            r, _, _ = select.select([self.sock], [], [], timeout)
            if not r:
                return False
        try:
            data = self.sock.recv(65536)
        except ssl.SSLWantReadError:
            return True
        except (ConnectionError, ssl.SSLError, OSError) as e:
            log("recv error: %r" % e)
            data = b""
        if not data:
            self.eof = True
            log("client closed")
            return False
        self.buf += data
        return True

    def readline(self, limit=10.0):
        end = time.monotonic() + self.remaining(limit)
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or self.eof:
                return None
            self.fill(left)
        line, _, self.buf = self.buf.partition(b"\n")
        if line.endswith(b"\r"):
            line = line[:-1]
        else:
            log("client line without CR: %r" % line)
            MISMATCHES.append("client line without CRLF: %r" % line)
        log("C: %r" % line)
        return line

    def send(self, data):
        log("S: %r" % data)
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            log("send error: %r" % e)


def mismatch(msg):
    log("MISMATCH " + msg)
    MISMATCHES.append(msg)


def run(conn, steps, ctx):
    for lineno, op, arg in steps:
        if time.monotonic() >= DEADLINE:
            mismatch("--max reached at line %d" % lineno)
            return
        if op == "send":
            conn.send(decode(arg) + b"\r\n")
        elif op == "raw":
            conn.send(decode(arg))
        elif op == "trickle":
            secs, _, text = arg.partition(" ")
            for b in decode(text) + b"\r\n":
                conn.send(bytes([b]))
                time.sleep(float(secs))
                if conn.eof or time.monotonic() >= DEADLINE:
                    break
                # Notice a client that gave up (closed) while we trickle.
                r, _, _ = select.select([conn.sock], [], [], 0)
                if r and not conn.fill(0) and conn.eof:
                    log("client closed during trickle")
                    return
        elif op == "drip":
            secs, _, rest = arg.partition(" ")
            count, _, text = rest.partition(" ")
            for _ in range(int(count)):
                conn.send(decode(text) + b"\r\n")
                time.sleep(float(secs))
                if conn.eof or time.monotonic() >= DEADLINE:
                    break
                r, _, _ = select.select([conn.sock], [], [], 0)
                if r and not conn.fill(0) and conn.eof:
                    log("client closed during drip")
                    return
        elif op == "expect":
            line = conn.readline()
            if line is None:
                mismatch("line %d: expected /%s/, got %s" % (
                    lineno, arg, "EOF" if conn.eof else "nothing (timeout)"))
                return
            if not re.fullmatch(arg.encode("utf-8"), line):
                mismatch("line %d: expected /%s/, got %r" % (lineno, arg, line))
        elif op == "auth-plain":
            user, _, pw = arg.partition(" ")
            line = conn.readline()
            m = re.fullmatch(rb"AUTH PLAIN(?: (\S+))?", line or b"", re.I)
            if not m:
                mismatch("line %d: expected AUTH PLAIN, got %r" % (lineno, line))
                return
            payload = m.group(1)
            if payload is None:
                conn.send(b"+ \r\n")
                payload = conn.readline()
            want = b"\0" + user.encode() + b"\0" + pw.encode()
            try:
                got = base64.b64decode(payload or b"", validate=True)
            except ValueError:
                got = None
            if got != want:
                mismatch("line %d: AUTH PLAIN payload %r is not %r" % (lineno, got, want))
        elif op == "read":
            if conn.readline() is None:
                mismatch("line %d: expected a line, got %s" % (
                    lineno, "EOF" if conn.eof else "nothing"))
                return
        elif op == "tls":
            # The client must wait for the handshake: nothing it sent after
            # the last line we read may be plaintext.
            if conn.buf:
                mismatch("client sent %r before the TLS handshake" % conn.buf)
            # Peek: a ClientHello starts with record type 22 (0x16); any
            # other first byte is plaintext the client should not send.
            r, _, _ = select.select([conn.sock], [], [], conn.remaining(10))
            if r:
                head = conn.sock.recv(200, socket.MSG_PEEK)
                if head and head[0] != 0x16:
                    mismatch("client sent %r instead of a TLS ClientHello" % head)
            conn.sock.settimeout(conn.remaining(10))
            try:
                conn.sock = ctx.wrap_socket(conn.sock, server_side=True)
                log("TLS up: %s %s" % (conn.sock.version(), conn.sock.cipher()[0]))
            except (ssl.SSLError, OSError) as e:
                mismatch("line %d: TLS handshake failed: %r" % (lineno, e))
                return
            conn.sock.settimeout(None)
            conn.sock.setblocking(True)
            conn.buf = b""
        elif op == "sleep":
            time.sleep(min(float(arg), conn.remaining()))
        elif op == "close":
            return
        elif op == "hang":
            end = time.monotonic() + conn.remaining(float(arg) if arg else None)
            while not conn.eof and time.monotonic() < end:
                conn.fill(min(0.5, max(0.0, end - time.monotonic())))
                conn.buf = b""
            log("hang over (%s)" % ("client closed" if conn.eof else "time"))
            return
        elif op == "refuse":
            secs, _, text = arg.partition(" ")
            end = time.monotonic() + conn.remaining(float(secs))
            while not conn.eof and time.monotonic() < end:
                if conn.readline(max(0.0, end - time.monotonic())) is not None:
                    conn.send(decode(text) + b"\r\n")
            return
        elif op == "pop3-serve":
            parts = arg.split()
            pop3_serve(conn, int(parts[0]), parts[1], "PIPELINING" in parts[2:])
            return
        elif op == "smtp-serve":
            parts = arg.split()
            smtp_serve(conn, parts[0], "PIPELINING" in parts[1:])
            return
        elif op == "wait-close":
            end = time.monotonic() + conn.remaining(float(arg) if arg else 10.0)
            while not conn.eof and time.monotonic() < end:
                line = conn.readline(max(0.0, end - time.monotonic()))
                if line is not None and line.upper() != b"QUIT":
                    mismatch("line %d: client sent %r instead of closing" % (lineno, line))
            if not conn.eof:
                mismatch("line %d: client did not close" % lineno)
            return
        else:
            mismatch("line %d: unknown step %r" % (lineno, op))
            return
    # End of the scenario: give the client a moment to close first.
    end = time.monotonic() + conn.remaining(5.0)
    while not conn.eof and time.monotonic() < end:
        conn.fill(min(0.5, max(0.0, end - time.monotonic())))


def fake_message(n):
    return ("Subject: test message %d\r\nMessage-ID: <msg%d.fake@test.invalid>\r\n"
            "X-Mailbench-Seq: %d\r\n\r\nHello, this is message %d.\r\n"
            ".leading dot %d\r\n" % (n, n, n, n, n)).encode()


def pop3_serve(conn, count, manifest, pipelining):
    msgs = {n: fake_message(n) for n in range(1, count + 1)}
    with open(manifest, "w") as f:
        for n, m in msgs.items():
            f.write("%d\t%d\ttest message %d\t<msg%d.fake@test.invalid>\n" % (n, len(m), n, n))

    def stuffed(data):
        out = b""
        for line in data.split(b"\r\n")[:-1]:
            out += (b"." if line.startswith(b".") else b"") + line + b"\r\n"
        return out + b".\r\n"

    def number(args):
        try:
            n = int(args[0])
        except (IndexError, ValueError):
            return None
        return n if n in msgs else None

    while True:
        line = conn.readline(conn.remaining())
        if line is None:
            return
        if not pipelining:
            # RFC 2449 6.6: no PIPELINING, so the client waits for each reply.
            early(conn, line)
        words = line.decode("latin-1").split()
        verb = words[0].upper() if words else ""
        args = words[1:]
        if verb == "CAPA":
            caps = ["TOP", "UIDL", "USER"] + (["PIPELINING"] if pipelining else [])
            conn.send(("+OK\r\n" + "".join(c + "\r\n" for c in caps) + ".\r\n").encode())
        elif verb in ("USER", "PASS", "NOOP", "RSET"):
            conn.send(b"+OK\r\n")
        elif verb == "STAT":
            conn.send(b"+OK %d %d\r\n" % (count, sum(len(m) for m in msgs.values())))
        elif verb in ("LIST", "UIDL"):
            val = (lambda n: len(msgs[n])) if verb == "LIST" else (lambda n: "%08X%08X" % (n, 1234))
            if args:
                n = number(args)
                conn.send(("+OK %d %s\r\n" % (n, val(n))).encode() if n else b"-ERR no such message\r\n")
            else:
                conn.send(("+OK\r\n" + "".join("%d %s\r\n" % (n, val(n)) for n in msgs) + ".\r\n").encode())
        elif verb in ("TOP", "RETR"):
            n = number(args)
            if n is None:
                conn.send(b"-ERR no such message\r\n")
            elif verb == "TOP":
                conn.send(b"+OK\r\n" + stuffed(msgs[n].split(b"\r\n\r\n")[0] + b"\r\n\r\n"))
            else:
                conn.send(b"+OK\r\n" + stuffed(msgs[n]))
        elif verb == "QUIT":
            conn.send(b"+OK bye\r\n")
            return
        else:
            conn.send(b"-ERR unknown command\r\n")


def early(conn, what):
    """True (and a mismatch) if the client sent more before our reply."""
    if conn.buf or select.select([conn.sock], [], [], 0.05)[0]:
        if conn.buf or conn.fill(0):
            mismatch("client sent %r before the reply to %r" % (conn.buf[:40], what))
            return True
    return False


def smtp_serve(conn, msgfile, pipelining):
    in_mail = False
    rcpts = 0
    while True:
        line = conn.readline(conn.remaining())
        if line is None:
            return
        words = line.decode("latin-1").split(" ", 1)
        verb = words[0].upper()
        if verb in ("MAIL", "RCPT") and pipelining:
            pass                # RFC 2920: these may come in a group
        elif verb == "DATA":
            early(conn, line)   # DATA ends a group; text waits for 354
        elif not pipelining:
            early(conn, line)
        if verb == "EHLO":
            ext = ["SIZE 1000000", "8BITMIME", "ENHANCEDSTATUSCODES"]
            if pipelining:
                ext.append("PIPELINING")
            conn.send(("250-fake.test\r\n" + "".join(
                ("250 " if i == len(ext) - 1 else "250-") + e + "\r\n"
                for i, e in enumerate(ext))).encode())
        elif verb == "HELO":
            conn.send(b"250 fake.test\r\n")
        elif verb == "MAIL":
            in_mail, rcpts = True, 0
            conn.send(b"250 2.1.0 Ok\r\n")
        elif verb == "RCPT":
            if in_mail:
                rcpts += 1
                conn.send(b"250 2.1.5 Ok\r\n")
            else:
                conn.send(b"503 5.5.1 Error: need MAIL command\r\n")
        elif verb == "DATA":
            if not rcpts:
                conn.send(b"554 5.5.1 Error: no valid recipients\r\n")
                continue
            conn.send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            text = b""
            while True:
                l = conn.readline(conn.remaining())
                if l is None:
                    return
                if l == b".":
                    break
                if l.startswith(b"."):
                    l = l[1:]   # RFC 5321 4.5.2
                text += l + b"\n"
            with open(msgfile, "ab") as f:
                f.write(text + b"\0\n")
            in_mail = False
            conn.send(b"250 2.0.0 Ok: queued as FAKE\r\n")
        elif verb in ("RSET", "NOOP"):
            in_mail = in_mail and verb == "NOOP"
            conn.send(b"250 2.0.0 Ok\r\n")
        elif verb == "QUIT":
            conn.send(b"221 2.0.0 Bye\r\n")
            return
        else:
            conn.send(b"502 5.5.2 Error: command not recognized\r\n")


def parse(path):
    steps = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            op, _, arg = line.partition(" ")
            steps.append((n, op, arg))
    return steps


def main():
    global LOG, DEADLINE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--max", type=float, default=30.0)
    a = ap.parse_args()
    LOG = open(a.log, "a", encoding="utf-8") if a.log else None
    DEADLINE = time.monotonic() + a.max
    steps = parse(a.scenario)
    ctx = None
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
    implicit = bool(steps) and steps[0][1] == "implicit-tls"
    if implicit:
        steps = steps[1:]
    if (implicit or any(s[1] == "tls" for s in steps)) and ctx is None:
        sys.exit("fakeserver: the scenario uses TLS: give --cert and --key")

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.replace(tmp, a.port_file)
    log("listening on port %d" % srv.getsockname()[1])
    r, _, _ = select.select([srv], [], [], a.max)
    if not r:
        log("RESULT no client")
        return 3
    sock, peer = srv.accept()
    srv.close()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    log("client from %s:%d" % peer)
    conn = Conn(sock)
    if implicit:
        try:
            sock.settimeout(conn.remaining(10))
            conn.sock = ctx.wrap_socket(sock, server_side=True)
            conn.sock.settimeout(None)
        except (ssl.SSLError, OSError) as e:
            mismatch("implicit TLS handshake failed: %r" % e)
    if not MISMATCHES:
        run(conn, steps, ctx)
    try:
        conn.sock.close()
    except OSError:
        pass
    timed_out = time.monotonic() >= DEADLINE
    if MISMATCHES:
        log("RESULT mismatch: " + "; ".join(MISMATCHES))
        return 1
    log("RESULT %s" % ("timeout" if timed_out else "ok"))
    return 3 if timed_out else 0


if __name__ == "__main__":
    sys.exit(main())

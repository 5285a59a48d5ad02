#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Hostile students against the lab's end-of-input handling (issue 12,
# item 9): bursts that fill the lab's output while the client has ended its
# input, an unfinished over-long line at EOF, junk, a close without reading,
# EOF in AUTH and during the slow scenario's delays, many half-closed
# sessions at once. The lab must answer what it must, close, stay up, and
# (in the ASan/UBSan build, run too when built) report no memory error.
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "labutil", os.path.join(here, "..", "integration", "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

R = labutil.Report("lab-eof")


def talk(port, data, limit=30, shut=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=limit)
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        out = b""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                d = s.recv(1 << 20)
            except socket.timeout:
                return out, False
            except ConnectionResetError:
                return out, True
            if not d:
                return out, True
            out += d
        return out, False
    finally:
        s.close()


def finals(raw):
    return [l[:3] for l in raw.replace(b"\r", b"").split(b"\n")
            if len(l) >= 4 and l[:3].isdigit() and l[3:4] == b" "]


def cases(tag, binary):
    labutil.MAILBENCH = binary
    with labutil.Lab("--quiet") as lab:
        sp, pp = lab.port("smtp"), lab.port("pop3")
        # 20,000 EHLOs: about 4 MB of replies, past the lab's 1 MiB output
        # high-water mark, all queued after our input ended.
        n = 20000
        raw, closed = talk(sp, b"EHLO x\r\n" * n + b"QUIT\r\n", limit=60)
        f = finals(raw)
        R.check("%s: %d pipelined EHLO then EOF: all answered, then closed" % (tag, n),
                closed and len(f) == n + 2 and f[-1] == b"221",
                "closed=%s replies %d last %r" % (closed, len(f), f[-1:]))
        # An unfinished line past the limit, then EOF: dropped, closed.
        raw, closed = talk(sp, b"EHLO x\r\n" + b"A" * 100000)
        R.check("%s: over-long unfinished line then EOF: closed" % tag,
                closed and finals(raw)[:2] == [b"220", b"250"], repr(raw[-200:]))
        # Junk with NUL bytes: the error limit ends it (421), as Postfix does.
        raw, closed = talk(sp, b"\x00junk\x1b[2J\r\n" * 100)
        f = finals(raw)
        R.check("%s: junk then EOF: error limit 421, closed" % tag,
                closed and f[:1] == [b"220"] and f[-1:] == [b"421"], repr(f[-3:]))
        # EOF in the middle of a SASL exchange.
        raw, closed = talk(pp, b"AUTH PLAIN\r\n")
        R.check("%s: POP3 AUTH then EOF: challenge, closed" % tag,
                closed and b"\r\n+ " in raw, repr(raw[-200:]))
        # Pipelined RETRs and a full close without reading a byte.
        for _ in range(5):
            s = socket.create_connection(("127.0.0.1", pp), timeout=10)
            s.sendall(b"USER student\r\nPASS student\r\n" + b"RETR 1\r\n" * 2000)
            s.close()
        # 200 half-closed sessions at once.
        socks = []
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", sp), timeout=10)
            s.sendall(b"EHLO x\r\nNOOP\r\n")
            s.shutdown(socket.SHUT_WR)
            socks.append(s)
        ok = 0
        for s in socks:
            buf = b""
            s.settimeout(20)
            try:
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    buf += d
            except OSError:
                pass
            s.close()
            ok += finals(buf) == [b"220", b"250", b"250"]
        R.check("%s: 200 half-closed sessions all answered" % tag, ok == 200, "%d/200" % ok)
        c = labutil.Chat(pp)
        R.check("%s: lab still serves afterwards" % tag, c.line().startswith("+OK"))
        c.close()
        rc = lab.stop()
    R.check("%s: lab exits cleanly" % tag, rc == 0, "exit %s" % rc)


def slow(tag, binary):
    labutil.MAILBENCH = binary
    with labutil.Lab("--quiet", "--scenario", "slow") as lab:
        t0 = time.monotonic()
        raw, closed = talk(lab.port("smtp"), b"NOOP\r\nQUIT\r\n")
        dt = time.monotonic() - t0
        # The slow scenario delays the greeting and each reply by 1 s; the
        # end of input must not skip the delays nor drop the commands.
        R.check("%s: slow scenario: early talker with EOF answered after the delays" % tag,
                closed and finals(raw) == [b"220", b"250", b"221"] and dt >= 2.5,
                "%.1f s %r" % (dt, raw))


def main():
    if not labutil.have_mailbench():
        R.skip("all", "%s not built" % labutil.MAILBENCH)
        return
    bins = [("plain", labutil.MAILBENCH)]
    asan = os.path.join(labutil.ROOT, "build-asan", "mailbench")
    if os.access(asan, os.X_OK) and os.path.realpath(asan) != os.path.realpath(labutil.MAILBENCH):
        bins.append(("asan", asan))
    else:
        R.skip("asan build", "build-asan/mailbench not built (make check builds it)")
    for tag, b in bins:
        # Keep the lab's stderr (the sanitizers' reports) after stop().
        old_stop = labutil.Lab.stop
        captured = []

        def stop(self, _old=old_stop):
            if self.proc is not None and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            if self.errlog is not None and not self.errlog.closed:
                self.errlog.flush()
                self.errlog.seek(0)
                captured.append(self.errlog.read())
            return _old(self)
        labutil.Lab.stop = stop
        try:
            R.run("%s: cases" % tag, lambda: cases(tag, b))
            R.run("%s: slow" % tag, lambda: slow(tag, b))
        finally:
            labutil.Lab.stop = old_stop
        bad = [e for e in captured if "AddressSanitizer" in e or "runtime error:" in e
               or "LeakSanitizer" in e]
        R.check("%s: no sanitizer report" % tag, not bad, (bad or [""])[0][:3000])


main()
R.exit()

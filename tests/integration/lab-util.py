# SPDX-License-Identifier: MIT
# Shared helpers for the lab server tests: start `mailbench lab` on free
# loopback ports, read its banner, stop it for sure; PASS/FAIL/SKIP lines.
# Loaded by the lab-*.py tests with importlib (the name has a hyphen so
# tests/run-all never runs it: it is not executable either).
import atexit
import os
import re
import select
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAILBENCH = os.environ.get("MAILBENCH", os.path.join(ROOT, "mailbench"))

_labs = []


def _cleanup(*_):
    for lab in list(_labs):
        lab.stop()


atexit.register(_cleanup)


def _on_signal(signo, _frame):
    _cleanup()
    sys.exit(128 + signo)


for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_s, _on_signal)


class Lab:
    """A `mailbench lab` process on ephemeral loopback ports."""

    def __init__(self, *args, users=None, listen=None):
        self.proc = None
        self.errlog = None
        self.tmp = tempfile.mkdtemp(prefix="mb-labtest-")
        _labs.append(self)
        self.cafile = os.path.join(self.tmp, "lab-cert.pem")
        cmd = [MAILBENCH, "lab", "--pop3-port", "0", "--pop3s-port", "0",
               "--smtp-port", "0", "--smtps-port", "0",
               "--cert-out", self.cafile]
        if listen:
            cmd += ["--listen", listen]
        if users is not None:
            path = os.path.join(self.tmp, "users")
            with open(path, "w") as f:
                for u, p in users:
                    f.write("%s:%s\n" % (u, p))
            cmd += ["--users", path]
        cmd += list(args)
        self.errlog = open(os.path.join(self.tmp, "stderr"), "w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=self.errlog, stdin=subprocess.DEVNULL)
        self.ports = {}
        self.maildir = None
        self.fingerprint = None
        self.banner = []
        self.log = []
        deadline = time.monotonic() + 20
        fp_next = False
        while True:
            line = self._readline(deadline)
            if line is None:
                self.errlog.flush()
                self.errlog.seek(0)
                err = self.errlog.read()
                self.stop()
                raise RuntimeError("lab did not start: %s %s" %
                                   (" | ".join(self.banner), err))
            self.banner.append(line)
            m = re.match(r"^\s+(POP3S?|SMTPS?)\s+(\S+):(\d+)\s", line)
            if m:
                self.ports[m.group(1).lower()] = int(m.group(3))
            m = re.match(r"^\s+Maildir (\S+)", line)
            if m:
                self.maildir = m.group(1)
            if fp_next:
                self.fingerprint = line.strip()
                fp_next = False
            if "fingerprint" in line:
                fp_next = True
            if line.strip() == "ready":
                break
        self.host = listen.strip("[]") if listen else "127.0.0.1"

    def _readline(self, deadline):
        buf = b""
        fd = self.proc.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                return None
            c = os.read(fd, 1)
            if not c:
                return None
            if c == b"\n":
                return buf.decode("utf-8", "replace")
            buf += c

    def drain_log(self, timeout=0.2):
        """Collect session log lines printed so far."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            if line is None:
                return self.log
            self.log.append(line)

    def port(self, name):
        return self.ports[name]

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self in _labs:
            _labs.remove(self)
        if self.proc is None:
            subprocess.call(["rm", "-rf", self.tmp])
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        try:
            self.proc.stdout.close()
        except Exception:
            pass
        try:
            self.errlog.close()
        except Exception:
            pass
        subprocess.call(["rm", "-rf", self.tmp])
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Report:
    """Prints PASS/FAIL/SKIP lines; details go to stderr."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            print("PASS: %s: %s" % (self.prefix, name), flush=True)
        else:
            self.failed += 1
            print("FAIL: %s: %s" % (self.prefix, name), flush=True)
            if detail:
                print("  %s: %s" % (name, detail), file=sys.stderr, flush=True)
        return cond

    def skip(self, name, why):
        print("SKIP: %s: %s (%s)" % (self.prefix, name, why), flush=True)

    def run(self, name, fn):
        try:
            fn()
        except Exception as e:  # a crash in one test fails that test only
            import traceback
            self.check(name, False, "%s: %s\n%s" % (type(e).__name__, e,
                                                     traceback.format_exc()))

    def exit(self):
        _cleanup()
        sys.exit(1 if self.failed else 0)


class Chat:
    """A raw line-based client: exact bytes out, exact lines back."""

    def __init__(self, port, host="127.0.0.1", tls_ctx=None):
        self.sock = socket.create_connection((host, port), timeout=10)
        if tls_ctx is not None:
            self.sock = tls_ctx.wrap_socket(self.sock, server_hostname=host)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.sock.recv(65536)
            if not d:
                raise EOFError("closed; have %r" % self.buf)
            self.buf += d
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l.decode("utf-8", "replace")

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.line()

    def smtp_reply(self):
        """Every line of one SMTP reply (RFC 5321 4.2.1)."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return lines

    def smtp(self, text):
        self.send(text + "\r\n")
        return self.smtp_reply()

    def multiline(self):
        out = []
        while True:
            l = self.line()
            if l == ".":
                return out
            out.append(l)

    def starttls(self, ctx=None, host="127.0.0.1"):
        self.sock = (ctx or insecure_ctx()).wrap_socket(
            self.sock, server_hostname=host)

    def close(self):
        try:
            self.sock.close()
        except Exception:
            pass


def insecure_ctx():
    """TLS without verification: the lab's certificate is self-made."""
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def have_mailbench():
    return os.access(MAILBENCH, os.X_OK)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The lab answers like Postfix and Dovecot when a client talks before the
# greeting, pipelines a burst of commands, ends lines with a bare LF, or
# ends its input (shutdown(SHUT_WR), as `printf ... | nc -q 5` does): every
# complete command received before the end of input gets its reply, then
# the server closes. Each case runs against the lab and, as root, against
# the private Postfix and Dovecot of scripts/, and the reply shapes (codes,
# +OK/-ERR) must be the same.
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("labutil", os.path.join(here, "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

R = labutil.Report("lab-pipelining")
if not labutil.have_mailbench():
    R.skip("all", "%s not built" % labutil.MAILBENCH)
    sys.exit(0)

SCRIPTS = os.path.join(labutil.ROOT, "scripts")
WORK = os.path.join(labutil.ROOT, "tests", "tmp", "lab-pipelining.%d" % os.getpid())
RCPT = "student@lab.example"


def talk(port, data, limit=20):
    """Connect, send data at once (before the greeting), end our input,
    and read until the server closes (bounded by limit seconds)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=limit)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                d = s.recv(65536)
            except socket.timeout:
                return out, False
            if not d:
                return out, True
            out += d
        return out, False
    finally:
        s.close()


def smtp_codes(raw):
    """The code of each reply: its last line has a space (or nothing)
    after the code (RFC 5321 4.2.1)."""
    codes = []
    for line in raw.split(b"\n"):
        line = line.rstrip(b"\r")
        if len(line) >= 3 and line[:3].isdigit() and (len(line) == 3 or line[3:4] == b" "):
            codes.append(line[:3].decode())
    return codes


MULTI = ("CAPA", "LIST", "UIDL", "RETR", "TOP")


def pop3_status(raw, cmds):
    """+OK/-ERR of the greeting and of each command's reply, skipping the
    bodies of multi-line replies (RFC 1939 3)."""
    lines = [l.rstrip(b"\r") for l in raw.split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    out, i = [], 0
    for cmd in [None] + cmds:
        if i >= len(lines):
            break
        st = lines[i]
        i += 1
        out.append("+OK" if st.startswith(b"+OK") else
                   "-ERR" if st.startswith(b"-ERR") else "?" + st[:20].decode("ascii", "replace"))
        verb = cmd.split(" ")[0].upper() if cmd else ""
        multi = verb in ("CAPA", "RETR", "TOP") or (verb in ("LIST", "UIDL") and " " not in cmd.strip())
        if st.startswith(b"+OK") and multi:
            while i < len(lines) and lines[i] != b".":
                i += 1
            i += 1
    return out


def pop3_bytes(cmds, eol=b"\r\n", tail=b""):
    return b"".join(c.encode() + eol for c in cmds) + tail


def smtp_cases():
    noops = ["NOOP"] * 300
    return [
        # (name, bytes, expected codes)
        ("SMTP pipelined burst then QUIT, input ended",
         b"EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<" + RCPT.encode() +
         b">\r\nRSET\r\nNOOP\r\nQUIT\r\n",
         ["220", "250", "250", "250", "250", "250", "221"]),
        ("SMTP the issue's printf | nc -q command",
         b"EHLO x\r\nMAIL FROM:<a@b>\r\nQUIT\r\n", None),
        ("SMTP input ended without QUIT",
         b"EHLO x\r\nMAIL FROM:<a@example.org>\r\nNOOP\r\n",
         ["220", "250", "250", "250"]),
        ("SMTP bare LF line ends",
         b"EHLO x\nMAIL FROM:<a@example.org>\nRSET\nQUIT\n",
         ["220", "250", "250", "250", "221"]),
        ("SMTP a last line without LF is not a command",
         b"EHLO x\r\nNOOP", ["220", "250"]),
        ("SMTP 300 pipelined NOOPs",
         ("".join(c + "\r\n" for c in ["EHLO x"] + noops + ["QUIT"])).encode(),
         ["220", "250"] + ["250"] * 300 + ["221"]),
        ("SMTP DATA cut by the end of input",
         b"EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<" + RCPT.encode() +
         b">\r\nDATA\r\nSubject: cut\r\n\r\nnever ends\r\n",
         ["220", "250", "250", "250", "354"]),
        ("SMTP STARTTLS then end of input",
         b"EHLO x\r\nSTARTTLS\r\n", ["220", "250", "220"]),
    ]


def pop3_cases(user, pw):
    login = ["USER " + user, "PASS " + pw]
    return [
        ("POP3 pipelined burst then QUIT, input ended",
         login + ["STAT", "LIST", "UIDL", "NOOP", "QUIT"], b"\r\n", b""),
        ("POP3 input ended without QUIT", login + ["STAT", "LIST 1", "NOOP"], b"\r\n", b""),
        ("POP3 bare LF line ends", ["CAPA"] + login + ["STAT", "QUIT"], b"\n", b""),
        ("POP3 a last line without LF is not a command", login, b"\r\n", b"STAT"),
        ("POP3 300 pipelined NOOPs", login + ["NOOP"] * 300 + ["QUIT"], b"\r\n", b""),
    ]


def run_smtp(name, port, data, want, who):
    raw, closed = talk(port, data)
    got = smtp_codes(raw)
    if want is None:
        # Only the shape matters: 220, EHLO, MAIL (any), 221.
        ok = len(got) == 4 and got[0] == "220" and got[1] == "250" and got[3] == "221"
    else:
        ok = got == want
    R.check("%s: %s: every command answered, then closed" % (who, name), ok and closed,
            "closed=%s got %s want %s; raw %r" % (closed, got[:12], (want or [])[:12], raw[-300:]))
    return got


def run_pop3(name, port, cmds, eol, tail, who):
    raw, closed = talk(port, pop3_bytes(cmds, eol, tail))
    got = pop3_status(raw, cmds)
    want = ["+OK"] * (1 + len(cmds))
    R.check("%s: %s: every command answered, then closed" % (who, name),
            got == want and closed,
            "closed=%s got %s; raw %r" % (closed, got[:12], raw[-300:]))
    return got


def lab_count(maildir, user="student"):
    n = 0
    for sub in ("new", "cur"):
        d = os.path.join(maildir, user, sub)
        if os.path.isdir(d):
            n += len(os.listdir(d))
    return n


def source(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v.strip("'")
    return env


def start(script, d, *args):
    os.makedirs(os.path.dirname(d), exist_ok=True)
    r = subprocess.run([os.path.join(SCRIPTS, script), d] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    if r.returncode != 0:
        return r.returncode, r.stdout.decode("utf-8", "replace")
    return 0, source(os.path.join(d, "ports"))


def stop_all():
    for name, script in (("dovecot", "dovecot-stop"), ("postfix", "postfix-stop")):
        d = os.path.join(WORK, name)
        if os.path.isdir(d):
            subprocess.run([os.path.join(SCRIPTS, script), d], timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(WORK, ignore_errors=True)


def reap_stale():
    """Stop the servers of runs killed with SIGKILL (tests/lib.sh)."""
    subprocess.run(["bash", "-c", '. "$1/tests/lib.sh"; reap_stale lab-pipelining',
                    "reap", labutil.ROOT], timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    reap_stale()
    with labutil.Lab("--quiet") as lab:
        sp, pp = lab.port("smtp"), lab.port("pop3")
        before = lab_count(lab.maildir)
        lab_smtp = {}
        for name, data, want in smtp_cases():
            lab_smtp[name] = run_smtp(name, sp, data, want, "lab")
        R.check("lab: a DATA cut by the end of input delivers nothing",
                lab_count(lab.maildir) == before, "%d -> %d" % (before, lab_count(lab.maildir)))
        lab_pop = {}
        for name, cmds, eol, tail in pop3_cases("student", "student"):
            lab_pop[name] = run_pop3(name, pp, cmds, eol, tail, "lab")
        # RFC 1939 6: without QUIT there is no UPDATE state.
        cmds = ["USER student", "PASS student", "DELE 1", "DELE 2"]
        run_pop3("POP3 DELE without QUIT", pp, cmds, b"\r\n", b"", "lab")
        R.check("lab: DELE without QUIT at the end of input removes nothing",
                lab_count(lab.maildir) == before, "%d -> %d" % (before, lab_count(lab.maildir)))
        if shutil.which("nc"):
            # The exact command of the issue (netcat-openbsd).
            r = subprocess.run("printf 'EHLO x\\r\\nMAIL FROM:<a@b>\\r\\nQUIT\\r\\n' | "
                               "timeout 20 nc -q 5 127.0.0.1 %d" % sp, shell=True,
                               stdout=subprocess.PIPE, timeout=30)
            got = smtp_codes(r.stdout)
            R.check("lab: printf ... | nc -q 5 gets every reply", got[:2] == ["220", "250"] and
                    len(got) == 4 and got[3] == "221", "got %s" % got)
        else:
            R.skip("lab: printf ... | nc -q 5", "nc (netcat-openbsd) not installed")
        R.check("lab: still serving after all that", labutil.Chat(sp).line().startswith("220"))

    if os.geteuid() != 0:
        R.skip("postfix and dovecot comparison", "needs root, as CI runs")
        return
    try:
        rc, pf = start("postfix-start", os.path.join(WORK, "postfix"))
        if rc == 77:
            R.skip("postfix comparison", "postfix not installed")
        elif rc != 0:
            R.check("postfix starts", False, pf)
        else:
            for name, data, want in smtp_cases():
                got = run_smtp(name, int(pf["POSTFIX_SMTP_PORT"]), data, want, "postfix")
                R.check("lab answers %s like postfix" % name, got == lab_smtp[name],
                        "lab %s postfix %s" % (lab_smtp[name][:12], got[:12]))
        rc, dv = start("dovecot-start", os.path.join(WORK, "dovecot"), "--messages", "3")
        if rc == 77:
            R.skip("dovecot comparison", "dovecot not installed")
        elif rc != 0:
            R.check("dovecot starts", False, dv)
        else:
            for name, cmds, eol, tail in pop3_cases(dv["DOVECOT_USER"], dv["DOVECOT_PASSWORD"]):
                got = run_pop3(name, int(dv["DOVECOT_POP3_PORT"]), cmds, eol, tail, "dovecot")
                R.check("lab answers %s like dovecot" % name, got == lab_pop[name],
                        "lab %s dovecot %s" % (lab_pop[name][:12], got[:12]))
    finally:
        stop_all()


R.run("lab-pipelining", main)
stop_all()
R.exit()

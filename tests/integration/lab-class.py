#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The trainer's view (issue 10): a scripted class of 30 accounts works on
# one lab at once with poplib/smtplib (logins, failed logins, sends,
# refusals, lesson steps); then the lab's --report CSV and its console are
# checked against what the script did. Then the class board and the
# scenario switch on a terminal (a pty), and what Ctrl-C says.
import concurrent.futures
import csv
import fcntl
import importlib.util
import os
import poplib
import pty
import re
import select
import signal
import smtplib
import subprocess
import sys
import tempfile
import termios
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("labutil", os.path.join(here, "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

R = labutil.Report("lab-class")
if not labutil.have_mailbench():
    R.skip("all", "%s not built" % labutil.MAILBENCH)
    sys.exit(0)

N = 30
COLUMNS = ["user", "logins", "failed_logins", "sent", "received", "refused", "lesson_steps"]


def name(i):
    return "student%02d" % i


def student(lab, i):
    """One student's work; returns what the report should say."""
    u = name(i)
    want = {"logins": 0, "failed_logins": 0, "sent": 0, "refused": 0}
    if i % 2 == 1:
        # A typo in the password first.
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=20)
        p.user(u)
        try:
            p.pass_("wrong-" + u)
        except poplib.error_proto:
            want["failed_logins"] += 1
        p.quit()
    p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=20)
    p.user(u)
    p.pass_(u)
    want["logins"] += 1
    p.stat()
    if i % 3 == 0:
        # The whole pop3-basics lesson: LIST, TOP, RETR, DELE, RSET, QUIT.
        p.list()
        p.top(1, 0)
        p.retr(1)
        p.dele(1)
        p.rset()
    p.quit()
    s = smtplib.SMTP("127.0.0.1", lab.port("smtp"), timeout=20)
    s.ehlo("pc%02d.example" % i)
    if i % 5 == 0:
        # A refusal: this lab relays nothing to another domain.
        s.mail("%s@lab.example" % u)
        code, _ = s.rcpt("friend@example.com")
        if code == 550:
            want["refused"] += 1
        s.rset()
    to = name(i % N + 1)
    s.sendmail("%s@lab.example" % u, ["%s@lab.example" % to],
               "From: %s@lab.example\r\nTo: %s@lab.example\r\nSubject: hi\r\n\r\n"
               "from %s\r\n" % (u, to, u))
    want["sent"] += 1
    s.quit()
    return want


def read_report(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows


def class_of_30():
    tmp = tempfile.mkdtemp(prefix="mb-class-")
    report = os.path.join(tmp, "class.csv")
    with labutil.Lab("--accounts", str(N), "--report", report) as lab:
        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as ex:
            wants = dict(zip(range(1, N + 1), ex.map(lambda i: student(lab, i),
                                                     range(1, N + 1))))
        # A hostile name in a failed login: escaped on the console.
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=20)
        p.user("evil\x1b[31m")
        try:
            p.pass_("x")
        except poplib.error_proto:
            pass
        p.quit()
        # Debounced: the report follows within about a second.
        deadline = time.monotonic() + 10
        rows = []
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if os.path.exists(report):
                rows = read_report(report)
                if len(rows) == N + 1 and all(r[3] == "1" for r in rows[1:]):
                    break
        lab.drain_log(1.0)
        log = list(lab.log)
        leftovers = [f for f in os.listdir(tmp) if f.endswith(".tmp")]
        rc = lab.stop()
        final = read_report(report)
    R.check("report: header and one row per account",
            len(rows) == N + 1 and rows[0] == COLUMNS, rows[:2])
    R.check("report: rewritten while the lab runs (no temp file left)",
            len(rows) == N + 1 and not leftovers, leftovers)
    bad = []
    for r in rows[1:]:
        i = int(r[0][len("student"):])
        w = wants[i]
        got = dict(zip(COLUMNS, r))
        for k in ("logins", "failed_logins", "sent", "refused"):
            if int(got[k]) != w[k]:
                bad.append((r[0], k, got[k], w[k]))
        if got["received"] != "1":
            bad.append((r[0], "received", got["received"], 1))
        steps = dict(x.rsplit(" ", 1) for x in got["lesson_steps"].split("; ") if x)
        if i % 3 == 0 and steps.get("pop3-basics") != "9/9":
            bad.append((r[0], "pop3-basics", steps.get("pop3-basics"), "9/9"))
        if i % 3 != 0 and steps.get("pop3-basics") != "3/9":
            bad.append((r[0], "pop3-basics", steps.get("pop3-basics"), "3/9"))
        if steps.get("smtp-send") != "6/6":
            bad.append((r[0], "smtp-send", steps.get("smtp-send"), "6/6"))
    R.check("report: every account's counts match what the class did", not bad, bad[:8])
    R.check("report: written again at exit, same content", final == rows and rc == 0,
            (rc, final[:3]))
    stamp = re.compile(r"^\d\d:\d\d:\d\d lab: ")
    R.check("console: every session line has a time stamp",
            log and all(stamp.match(l) for l in log), [l for l in log if not stamp.match(l)][:3])
    missing = []
    for i in range(1, N + 1):
        if i % 2 == 1 and not any('failed login as "%s" -> -ERR [AUTH]' % name(i) in l
                                  for l in log):
            missing.append(("failed login", name(i)))
        if i % 5 == 0 and not any(re.search(r" %s: refused RCPT TO:<friend@example\.com> -> "
                                            r"550 5\.7\.1 " % name(i), l) for l in log):
            missing.append(("refusal", name(i)))
    R.check("console: each failed login and refusal names the account and the reply",
            not missing, missing[:6])
    R.check("console: peer bytes are escaped, never raw",
            any('failed login as "evil\\x1b[31m"' in l for l in log) and
            not any("\x1b" in l for l in log), [l for l in log if "evil" in l])
    subprocess.call(["rm", "-rf", tmp])


def controlling_tty():
    """In the child: a session of its own with the pty as its terminal, so
    that Ctrl-C typed there is SIGINT, as in a real terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def board():
    """The class board and the scenario switch on a terminal."""
    master, slave = pty.openpty()
    tmp = tempfile.mkdtemp(prefix="mb-board-")
    proc = subprocess.Popen([labutil.MAILBENCH, "lab", "--pop3-port", "0", "--pop3s-port", "0",
                             "--smtp-port", "0", "--smtps-port", "0", "--accounts", "3"],
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            preexec_fn=controlling_tty)
    os.close(slave)
    out = b""

    def read_until(pat, secs=10):
        nonlocal out
        deadline = time.monotonic() + secs
        while time.monotonic() < deadline:
            if re.search(pat, out):
                return True
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    d = os.read(master, 65536)
                except OSError:
                    return bool(re.search(pat, out))
                if not d:
                    break
                out += d
        return bool(re.search(pat, out))

    try:
        ok = read_until(rb"press b and Enter")
        R.check("board: in a terminal the lab says which key shows the board", ok, out[-300:])
        pop = int(re.search(rb"POP3 +\S+:(\d+)", out).group(1))
        smtp_port = int(re.search(rb"  SMTP +\S+:(\d+)", out).group(1))
        R.check("board: the banner says loopback only and what --listen a class needs",
                b"loopback only" in out and b"--listen 0.0.0.0" in out, out[:600])
        p = poplib.POP3("127.0.0.1", pop, timeout=10)
        p.user("student02")
        p.pass_("student02")
        p.stat()
        os.write(master, b"b\n")
        ok = read_until(rb"class board.*\n(.*\n)*student03")
        row = re.search(rb"student02 +pop3 +STAT +1 ", out)
        R.check("board: 'b' shows who is logged in and the last command", ok and row,
                out[-800:])
        p.quit()
        os.write(master, b"s student01=greylist\n")
        ok = read_until(rb"scenario now student01=")
        s = smtplib.SMTP("127.0.0.1", smtp_port, timeout=10)
        try:
            s.sendmail("x@example.org", ["student01@lab.example"], "Subject: x\r\n\r\nx\r\n")
            code = 250
        except smtplib.SMTPRecipientsRefused as e:
            code = list(e.recipients.values())[0][0]
        try:
            s.sendmail("x@example.org", ["student03@lab.example"], "Subject: x\r\n\r\nx\r\n")
            code3 = 250
        except smtplib.SMTPRecipientsRefused as e:
            code3 = list(e.recipients.values())[0][0]
        s.quit()
        R.check("board: 's USER=NAME' switches one account's scenario while the lab runs",
                ok and code == 451 and code3 == 250, (code, code3, out[-300:]))
        os.write(master, b"b\n")
        ok = read_until(rb"student01 .*\[greylist\] \| last: 451 4\.7\.1")
        R.check("board: the account's own scenario and the error it met", ok, out[-800:])
        os.write(master, b"\x03")   # Ctrl-C on the terminal
        ok = read_until(rb"removing the temporary Maildir \S+ \(all class mail")
        R.check("board: Ctrl-C says what it closed and that the class mail is removed",
                ok and b"closed 0 open sessions and the listeners" in out, out[-400:])
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        subprocess.call(["rm", "-rf", tmp])


def stop_and_mail(keep):
    """Ctrl-C (SIGINT) on the lab: what it says it closed, and what becomes
    of the class mail: the temporary Maildir is really removed, a --maildir
    DIR is really kept, with the mail in it."""
    tmp = tempfile.mkdtemp(prefix="mb-stop-")
    args = ["--maildir", os.path.join(tmp, "class-mail")] if keep else []
    lab = labutil.Lab(*args)
    try:
        maildir = lab.maildir
        s = smtplib.SMTP("127.0.0.1", lab.port("smtp"), timeout=10)
        s.sendmail("trainer@lab.example", ["student@lab.example"],
                   "Subject: kept or not\r\n\r\nclass mail\r\n")
        s.quit()
        # One session still open when Ctrl-C comes.
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student")
        p.pass_("student")
        had_mail = False
        for root, _, files in os.walk(maildir or "/nonexistent"):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    had_mail = had_mail or b"Subject: kept or not" in fh.read()
        lab.proc.send_signal(signal.SIGINT)
        rc = lab.proc.wait(timeout=10)
        lab.errlog.flush()
        lab.errlog.seek(0)
        err = lab.errlog.read()
        try:
            p.quit()
        except (poplib.error_proto, OSError, EOFError):
            pass
    finally:
        lab.stop()
    said_closed = "closed 1 open session and the listeners on 127.0.0.1" in err
    if keep:
        R.check("stop: Ctrl-C with --maildir says the Maildir is kept, and it is, with the mail",
                rc == 0 and said_closed and had_mail and
                ("the Maildir %s is kept" % maildir) in err and os.path.isdir(maildir) and
                any("kept or not" in open(os.path.join(r, f), errors="replace").read()
                    for r, _, fs in os.walk(maildir) for f in fs),
                (rc, maildir, err))
    else:
        R.check("stop: Ctrl-C says what it closed and removes the temporary Maildir (all class mail)",
                rc == 0 and said_closed and had_mail and maildir is not None and
                ("removing the temporary Maildir %s (all class mail" % maildir) in err and
                not os.path.exists(maildir),
                (rc, maildir, err))
    subprocess.call(["rm", "-rf", tmp])


def report_path():
    proc = subprocess.run([labutil.MAILBENCH, "lab", "--pop3-port", "0", "--pop3s-port", "0",
                           "--smtp-port", "0", "--smtps-port", "0",
                           "--report", "/nonexistent-dir/class.csv"],
                          capture_output=True, timeout=10, stdin=subprocess.DEVNULL)
    R.check("report: a path that cannot be written is refused at start (exit 2)",
            proc.returncode == 2 and b"--report /nonexistent-dir/class.csv" in proc.stderr,
            proc.stderr)


R.run("class", class_of_30)
R.run("report-path", report_path)
R.run("board", board)
R.run("stop-temporary", lambda: stop_and_mail(False))
R.run("stop-kept", lambda: stop_and_mail(True))
R.exit()

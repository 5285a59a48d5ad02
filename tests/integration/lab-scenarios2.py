#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The scenarios that teach (issue 10), each checked with an independent
# client (Python's smtplib and poplib, a raw socket where the point is what
# a client sends too early): relay-denied, mailbox-full's quota, firewall,
# pop-before-smtp, tarpit, early-talker, per-account scenarios, switching
# scenarios while the lab runs (SIGUSR1 and --scenario-file), --cert-out
# over its own earlier file and --cert/--key kept across restarts.
import importlib.util
import os
import poplib
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("labutil", os.path.join(here, "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

R = labutil.Report("lab-scenarios2")
if not labutil.have_mailbench():
    R.skip("all", "%s not built" % labutil.MAILBENCH)
    sys.exit(0)

MSG = "From: a@lab.example\r\nSubject: t\r\n\r\nhello\r\n"


def smtp(lab, timeout=10):
    return smtplib.SMTP("127.0.0.1", lab.port("smtp"), timeout=timeout)


def code_of(exc):
    """The (code, text) of an smtplib refusal."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = list(exc.recipients.values())[0]
        return code, text.decode()
    return exc.smtp_code, exc.smtp_error.decode()


def try_send(s, frm, to, msg=MSG):
    try:
        s.sendmail(frm, to, msg)
        return 250, "ok"
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
            smtplib.SMTPSenderRefused) as e:
        return code_of(e)


def relay_denied():
    with labutil.Lab("--scenario", "relay-denied", "--quiet", "--accounts", "2") as lab:
        s = smtp(lab)
        s.ehlo("client.example")
        r_local = try_send(s, "x@example.org", ["student02@lab.example"])
        r_far = try_send(s, "x@example.org", ["someone@example.com"])
        s.quit()
        R.check("relay-denied: local recipient accepted without AUTH (smtplib)",
                r_local[0] == 250, r_local)
        R.check("relay-denied: a foreign domain gets 550 5.7.1 before AUTH",
                r_far[0] == 550 and r_far[1].startswith("5.7.1"), r_far)
        s = smtp(lab)
        s.starttls(context=labutil.insecure_ctx())
        s.login("student01", "student01")
        r = try_send(s, "student01@lab.example", ["someone@example.com"])
        s.quit()
        R.check("relay-denied: after STARTTLS+AUTH the foreign domain is accepted",
                r[0] == 250, r)
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student02")
        p.pass_("student02")
        n, _ = p.stat()
        p.quit()
        R.check("relay-denied: the local message reached student02's mailbox",
                n == 9, n)


def mailbox_full():
    with labutil.Lab("--scenario", "mailbox-full", "--quiet") as lab:
        s = smtp(lab)
        r1 = try_send(s, "x@example.org", ["student@lab.example"])
        s.quit()
        R.check("mailbox-full: a fresh account is over quota: 452 4.2.2",
                r1[0] == 452 and r1[1].startswith("4.2.2"), r1)
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student")
        p.pass_("student")
        for i in range(1, 9):
            p.dele(i)
        p.rset()
        p.quit()
        s = smtp(lab)
        r2 = try_send(s, "x@example.org", ["student@lab.example"])
        s.quit()
        R.check("mailbox-full: DELE then RSET frees nothing", r2[0] == 452, r2)
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student")
        p.pass_("student")
        for i in range(1, 9):
            p.dele(i)
        p.quit()
        s = smtp(lab)
        r3 = try_send(s, "x@example.org", ["student@lab.example"])
        big = "Subject: big\r\n\r\n" + ("x" * 70 + "\r\n") * 150
        r4 = try_send(s, "x@example.org", ["student@lab.example"], big)
        s.quit()
        R.check("mailbox-full: after DELE + QUIT the mail is accepted", r3[0] == 250, r3)
        R.check("mailbox-full: a message bigger than the room left gets 552 5.2.2",
                r4[0] == 552 and r4[1].startswith("5.2.2"), r4)


def firewall():
    with labutil.Lab("--scenario", "firewall", "--quiet") as lab:
        c = labutil.Chat(lab.port("smtp"))
        g = c.smtp_reply()[0]
        R.check("firewall: the banner is masked with asterisks",
                g.startswith("220 *") and "lab.example" not in g and
                set(g[4:]) <= set("*20 "), g)
        r = c.smtp("EHLO client.example")[-1]
        R.check("firewall: EHLO gets 500 5.5.1", r.startswith("500 5.5.1"), r)
        r = c.smtp("STARTTLS")[-1]
        R.check("firewall: STARTTLS is refused too", r.startswith("500"), r)
        c.close()
        # smtplib falls back to HELO after the 500 (RFC 5321 3.2) and
        # sends in plain text.
        s = smtp(lab)
        r = try_send(s, "x@example.org", ["student@lab.example"])
        esmtp = s.does_esmtp
        tls = s.has_extn("starttls")
        s.quit()
        R.check("firewall: smtplib falls back to HELO and the mail goes through",
                r[0] == 250 and not esmtp and not tls, (r, esmtp, tls))
        c = labutil.Chat(lab.port("smtps"), tls_ctx=labutil.insecure_ctx())
        g = c.smtp_reply()[0]
        R.check("firewall: the implicit-TLS port is not inspected (real banner)",
                g.startswith("220 lab.example"), g)
        c.close()


def pop_before_smtp():
    with labutil.Lab("--scenario", "pop-before-smtp", "--quiet") as lab:
        s = smtp(lab)
        r1 = try_send(s, "student@lab.example", ["someone@example.com"])
        s.quit()
        R.check("pop-before-smtp: relay refused before a POP3 login: 550 5.7.1",
                r1[0] == 550 and "POP" in r1[1], r1)
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student")
        p.pass_("student")
        p.quit()
        s = smtp(lab)
        r2 = try_send(s, "student@lab.example", ["someone@example.com"])
        s.quit()
        R.check("pop-before-smtp: relay allowed after a POP3 login from this address",
                r2[0] == 250, r2)


def tarpit():
    with labutil.Lab("--scenario", "tarpit", "--quiet") as lab:
        t0 = time.monotonic()
        s = smtp(lab, timeout=20)
        t1 = time.monotonic()
        r = s.noop()
        t2 = time.monotonic()
        s.quit()
        R.check("tarpit: the greeting comes about 5 seconds late",
                4.5 <= t1 - t0 < 12, t1 - t0)
        R.check("tarpit: replies after it come at once",
                r[0] == 250 and t2 - t1 < 1.5, (r, t2 - t1))
        t0 = time.monotonic()
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        t1 = time.monotonic()
        p.quit()
        R.check("tarpit: POP3 is not delayed", t1 - t0 < 1.5, t1 - t0)


def early_talker():
    with labutil.Lab("--scenario", "early-talker", "--quiet") as lab:
        c = labutil.Chat(lab.port("smtp"))
        c.send("EHLO hasty.example\r\n")
        r = c.line()
        try:
            more = c.line()
        except (EOFError, OSError):
            more = None
        c.close()
        R.check("early-talker: talking before the greeting gets 554 5.5.1",
                r.startswith("554 5.5.1"), r)
        R.check("early-talker: and the connection is closed", more is None, more)
        t0 = time.monotonic()
        s = smtp(lab)
        t1 = time.monotonic()
        r = try_send(s, "x@example.org", ["student@lab.example"])
        s.quit()
        R.check("early-talker: a client that waits gets the greeting (after ~3 s) and sends",
                r[0] == 250 and 2.5 <= t1 - t0 < 10, (r, t1 - t0))


def per_account():
    with labutil.Lab("--accounts", "3", "--scenario", "student02=greylist,student03=auth-fail",
                     "--quiet") as lab:
        s = smtp(lab)
        r1 = try_send(s, "x@example.org", ["student01@lab.example"])
        r2 = try_send(s, "x@example.org", ["student02@lab.example"])
        s.quit()
        R.check("per-account: student01 has no scenario", r1[0] == 250, r1)
        R.check("per-account: student02=greylist gets 451 4.7.1",
                r2[0] == 451 and r2[1].startswith("4.7.1"), r2)
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student03")
        try:
            p.pass_("student03")
            r3 = "+OK"
        except poplib.error_proto as e:
            r3 = e.args[0].decode()
        p.quit()
        R.check("per-account: student03=auth-fail cannot log in",
                r3.startswith("-ERR [AUTH]"), r3)
        p = poplib.POP3("127.0.0.1", lab.port("pop3"), timeout=10)
        p.user("student01")
        r4 = p.pass_("student01").decode()
        p.quit()
        R.check("per-account: student01 logs in", r4.startswith("+OK"), r4)
    proc = subprocess.run([labutil.MAILBENCH, "lab", "--pop3-port", "0", "--pop3s-port", "0",
                           "--smtp-port", "0", "--smtps-port", "0", "--accounts", "2",
                           "--scenario", "student02=tarpit"], capture_output=True,
                          timeout=10, stdin=subprocess.DEVNULL)
    R.check("per-account: a greeting scenario for one account is refused (exit 2)",
            proc.returncode == 2 and b"whole lab" in proc.stderr, proc.stderr)


def switch():
    tmp = tempfile.mkdtemp(prefix="mb-sc-")
    f = os.path.join(tmp, "scenarios")
    with open(f, "w") as fh:
        fh.write("# none yet\n")
    with labutil.Lab("--scenario-file", f) as lab:
        s = smtp(lab)
        r1 = try_send(s, "x@example.org", ["student@lab.example"])
        s.quit()
        with open(f, "w") as fh:
            fh.write("# the trainer's switch\ngreylist\n")
        lab.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        seen = False
        while time.monotonic() < deadline and not seen:
            lab.drain_log(0.3)
            seen = any("scenario now greylist" in l for l in lab.log)
        s = smtp(lab)
        r2 = try_send(s, "y@example.org", ["student@lab.example"])
        s.quit()
        with open(f, "w") as fh:
            fh.write("bogus-name\n")
        lab.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        kept = False
        while time.monotonic() < deadline and not kept:
            lab.drain_log(0.3)
            kept = any("unknown scenario" in l and "kept" in l for l in lab.log)
        s = smtp(lab)
        r3 = try_send(s, "z@example.org", ["student@lab.example"])
        s.quit()
        R.check("switch: no scenario at first", r1[0] == 250, r1)
        R.check("switch: SIGUSR1 re-reads --scenario-file (console says so)", seen, lab.log[-5:])
        R.check("switch: greylist is in force without a restart", r2[0] == 451, r2)
        R.check("switch: a bad file keeps the scenario in force", kept and r3[0] == 451,
                (kept, r3, lab.log[-5:]))
    subprocess.call(["rm", "-rf", tmp])


def certs():
    tmp = tempfile.mkdtemp(prefix="mb-cert-")
    out = os.path.join(tmp, "ca.pem")
    cert = os.path.join(tmp, "lab.crt")
    key = os.path.join(tmp, "lab.key")
    fps = []
    for _ in range(2):
        with labutil.Lab("--cert", cert, "--key", key, "--cert-out", out, "--quiet") as lab:
            fps.append(lab.fingerprint)
            ctx = ssl.create_default_context(cafile=out)
            ctx.check_hostname = False
            s = smtplib.SMTP("127.0.0.1", lab.port("smtp"), timeout=10)
            s.starttls(context=ctx)
            ok = s.noop()[0] == 250
            s.quit()
    R.check("certs: --cert/--key made once keep one fingerprint across restarts",
            fps[0] is not None and fps[0] == fps[1], fps)
    R.check("certs: --cert-out replaced its own file on the restart, and it verifies", ok)
    R.check("certs: the key file is private (0600)",
            os.stat(key).st_mode & 0o077 == 0, oct(os.stat(key).st_mode))
    other = os.path.join(tmp, "notes.txt")
    with open(other, "w") as fh:
        fh.write("my notes\n")
    proc = subprocess.run([labutil.MAILBENCH, "lab", "--pop3-port", "0", "--pop3s-port", "0",
                           "--smtp-port", "0", "--smtps-port", "0", "--cert-out", other],
                          capture_output=True, timeout=10, stdin=subprocess.DEVNULL)
    with open(other) as fh:
        kept = fh.read() == "my notes\n"
    R.check("certs: --cert-out never replaces a file that is not a certificate",
            proc.returncode == 2 and kept, proc.stderr)
    subprocess.call(["rm", "-rf", tmp])


for name, fn in (("relay-denied", relay_denied), ("mailbox-full", mailbox_full),
                 ("firewall", firewall), ("pop-before-smtp", pop_before_smtp),
                 ("tarpit", tarpit), ("early-talker", early_talker),
                 ("per-account", per_account), ("switch", switch), ("certs", certs)):
    R.run(name, fn)
R.exit()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Each classroom scenario of `mailbench lab --scenario NAME` gives the codes
# a real failing server gives; checked with a raw client, one lab each.
import base64
import importlib.util
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("labutil", os.path.join(here, "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

R = labutil.Report("lab-scenarios")
if not labutil.have_mailbench():
    R.skip("all", "%s not built" % labutil.MAILBENCH)
    sys.exit(0)


class Chat(labutil.Chat):
    """labutil.Chat whose smtp() gives the last line of the reply."""

    def reply(self):
        return self.smtp_reply()[-1]

    def smtp(self, text):
        return super().smtp(text)[-1]


def smtp_to_rcpt(lab, rcpt="student@lab.example", auth=False):
    c = Chat(lab.port("smtp"))
    c.reply()
    c.smtp("EHLO s.example")
    if auth:
        c.smtp("STARTTLS")
        c.starttls()
        c.smtp("EHLO s.example")
        r = c.smtp("AUTH PLAIN " + base64.b64encode(b"\0student\0student").decode())
        assert r.startswith("235"), r
    c.smtp("MAIL FROM:<t@example.org>")
    r = c.smtp("RCPT TO:<%s>" % rcpt)
    return c, r


def greylist():
    with labutil.Lab("--scenario", "greylist", "--quiet") as lab:
        c, r1 = smtp_to_rcpt(lab)
        c.close()
        R.check("greylist: first try gets 451 4.7.1", r1.startswith("451 4.7.1"), r1)
        c, r2 = smtp_to_rcpt(lab)
        R.check("greylist: the retry is accepted", r2.startswith("250 2.1.5"), r2)
        c.smtp("DATA")
        c.sock.sendall(b"Subject: grey\r\n\r\nok\r\n.\r\n")
        r = c.reply()
        R.check("greylist: the retried message is delivered", r.startswith("250 2.0.0"), r)
        c.close()


def relay_denied():
    with labutil.Lab("--scenario", "relay-denied", "--quiet") as lab:
        c, r = smtp_to_rcpt(lab)
        c.close()
        R.check("relay-denied: mail for the lab's own domain needs no AUTH",
                r.startswith("250 2.1.5"), r)
        c, r = smtp_to_rcpt(lab, rcpt="someone@example.com")
        c.close()
        R.check("relay-denied: another domain without AUTH gets 550 5.7.1",
                r.startswith("550 5.7.1 Relay access denied"), r)
        c, r = smtp_to_rcpt(lab, rcpt="someone@example.com", auth=True)
        c.close()
        R.check("relay-denied: after AUTH another domain is accepted",
                r.startswith("250 2.1.5"), r)


def mailbox_full():
    with labutil.Lab("--scenario", "mailbox-full", "--quiet") as lab:
        c, r = smtp_to_rcpt(lab)
        R.check("mailbox-full: RCPT gets 452 4.2.2", r.startswith("452 4.2.2"), r)
        r = c.smtp("DATA")
        R.check("mailbox-full: DATA then has no recipients (554 5.5.1)",
                r.startswith("554 5.5.1"), r)
        c.close()


def tls_required():
    with labutil.Lab("--scenario", "tls-required", "--quiet") as lab:
        c = Chat(lab.port("smtp"))
        c.reply()
        c.smtp("EHLO s.example")
        r = c.smtp("MAIL FROM:<t@example.org>")
        R.check("tls-required: MAIL before STARTTLS gets 530 5.7.0",
                r.startswith("530 5.7.0"), r)
        r = c.smtp("AUTH PLAIN " + base64.b64encode(b"\0student\0student").decode())
        R.check("tls-required: AUTH before STARTTLS gets 530 5.7.0",
                r.startswith("530 5.7.0"), r)
        c.smtp("STARTTLS")
        c.starttls()
        c.smtp("EHLO s.example")
        r = c.smtp("MAIL FROM:<t@example.org>")
        R.check("tls-required: MAIL after STARTTLS is accepted", r.startswith("250"), r)
        c.close()
        c = Chat(lab.port("pop3"))
        c.line()
        c.cmd("CAPA")
        caps = c.multiline()
        R.check("tls-required: POP3 CAPA hides USER and SASL before STLS",
                "USER" not in caps and "STLS" in caps, caps)
        r = c.cmd("USER student")
        R.check("tls-required: POP3 USER before STLS gets -ERR [AUTH]",
                r.startswith("-ERR [AUTH]"), r)
        c.cmd("STLS")
        c.starttls()
        c.cmd("USER student")
        r = c.cmd("PASS student")
        R.check("tls-required: POP3 login after STLS works", r.startswith("+OK"), r)
        c.close()


def auth_fail():
    with labutil.Lab("--scenario", "auth-fail", "--quiet") as lab:
        c = Chat(lab.port("pop3"))
        c.line()
        c.cmd("USER student")
        r = c.cmd("PASS student")
        R.check("auth-fail: POP3 right password still gets -ERR [AUTH]",
                r.startswith("-ERR [AUTH]"), r)
        r = c.cmd("AUTH PLAIN " + base64.b64encode(b"\0student\0student").decode())
        R.check("auth-fail: POP3 AUTH gets -ERR [AUTH]", r.startswith("-ERR [AUTH]"), r)
        c.close()
        c = Chat(lab.port("smtp"))
        c.reply()
        c.smtp("EHLO s.example")
        c.smtp("STARTTLS")
        c.starttls()
        c.smtp("EHLO s.example")
        r = c.smtp("AUTH PLAIN " + base64.b64encode(b"\0student\0student").decode())
        R.check("auth-fail: SMTP AUTH gets 535 5.7.8", r.startswith("535 5.7.8"), r)
        c.close()


def login_delay():
    with labutil.Lab("--scenario", "login-delay", "--quiet") as lab:
        c = Chat(lab.port("pop3"))
        c.line()
        c.cmd("CAPA")
        caps = c.multiline()
        R.check("login-delay: CAPA says LOGIN-DELAY (RFC 2449)",
                any(x.startswith("LOGIN-DELAY ") for x in caps), caps)
        c.cmd("USER student")
        r1 = c.cmd("PASS student")
        c.cmd("QUIT")
        c.close()
        c = Chat(lab.port("pop3"))
        c.line()
        c.cmd("USER student")
        r2 = c.cmd("PASS student")
        c.close()
        R.check("login-delay: a second login too soon gets -ERR [LOGIN-DELAY]",
                r1.startswith("+OK") and r2.startswith("-ERR [LOGIN-DELAY]"), (r1, r2))


def slow():
    with labutil.Lab("--scenario", "slow", "--quiet") as lab:
        t0 = time.monotonic()
        c = Chat(lab.port("smtp"))
        g = c.reply()
        t1 = time.monotonic()
        r = c.smtp("NOOP")
        t2 = time.monotonic()
        c.close()
        R.check("slow: the greeting comes about a second late",
                g.startswith("220") and 0.8 <= t1 - t0 < 5, t1 - t0)
        R.check("slow: each reply comes about a second late",
                r.startswith("250") and 0.8 <= t2 - t1 < 5, t2 - t1)


def drop_retr():
    with labutil.Lab("--scenario", "drop-retr", "--quiet") as lab:
        c = Chat(lab.port("pop3"))
        c.line()
        c.cmd("USER student")
        c.cmd("PASS student")
        r = c.cmd("RETR 1")
        got_eof = False
        lines = 0
        try:
            while True:
                l = c.line()
                if l == ".":
                    break
                lines += 1
        except EOFError:
            got_eof = True
        c.close()
        R.check("drop-retr: +OK, some lines, then the connection drops before the dot",
                r.startswith("+OK") and lines > 0 and got_eof, (r, lines, got_eof))
        c = Chat(lab.port("pop3"))
        c.line()
        c.cmd("USER student")
        r = c.cmd("PASS student")
        R.check("drop-retr: the mailbox is unlocked after the drop", r.startswith("+OK"), r)
        c.close()


for name, fn in (("greylist", greylist), ("relay-denied", relay_denied),
                 ("mailbox-full", mailbox_full), ("tls-required", tls_required),
                 ("auth-fail", auth_fail), ("login-delay", login_delay),
                 ("slow", slow), ("drop-retr", drop_retr)):
    R.run(name, fn)
R.exit()

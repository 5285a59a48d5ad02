#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The lab server against Python's own poplib and smtplib (independent
# clients) and a raw socket for exact reply codes: POP3 commands, states,
# SASL, STLS, the mailbox lock; ESMTP extensions, STARTTLS, AUTH, errors
# with enhanced codes; delivery into the Maildir and back out over POP3.
import base64
import hashlib
import hmac
import importlib.util
import os
import poplib
import smtplib
import socket
import ssl
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("labutil", os.path.join(here, "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

R = labutil.Report("lab-python")
if not labutil.have_mailbench():
    R.skip("all", "%s not built" % labutil.MAILBENCH)
    sys.exit(0)


Chat = labutil.Chat
insecure_ctx = labutil.insecure_ctx


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


lab = labutil.Lab(users=[("student", "student"), ("alice", "wonder land"),
                         ("bob", "bobpw")])
P3, P3S, SM, SMS = (lab.port("pop3"), lab.port("pop3s"), lab.port("smtp"),
                    lab.port("smtps"))
verify_ctx = ssl.create_default_context(cafile=lab.cafile)


def t_banner():
    R.check("banner prints four ports, Maildir and fingerprint",
            len(lab.ports) == 4 and lab.maildir and lab.fingerprint and
            len(lab.fingerprint.split(":")) == 32, repr(lab.banner))
    import re
    addrs = [l for l in lab.banner if re.match(r"^\s+(POP3S?|SMTPS?)\s+\S+:\d+ ", l)]
    R.check("listens on loopback only by default",
            len(addrs) == 4 and all(" 127.0.0.1:" in l for l in addrs), addrs)


def t_pop3_basic():
    p = poplib.POP3("127.0.0.1", P3, timeout=10)
    R.check("POP3 greeting has an APOP timestamp",
            b"<" in p.getwelcome() and b"@" in p.getwelcome(), p.getwelcome())
    caps = p.capa()
    R.check("CAPA lists TOP UIDL RESP-CODES AUTH-RESP-CODE PIPELINING USER SASL STLS",
            all(k in caps for k in ("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE",
                                    "PIPELINING", "USER", "SASL", "STLS")) and
            caps["SASL"] == ["PLAIN", "LOGIN", "CRAM-MD5"], caps)
    p.user("student")
    r = p.pass_("student")
    R.check("USER/PASS logs in", r.startswith(b"+OK"), r)
    n, size = p.stat()
    R.check("sample mailbox has at least 8 messages", n >= 8, n)
    lst = p.list()[1]
    sizes = {int(a): int(b) for a, b in (x.split() for x in lst)}
    R.check("LIST sums to STAT", sum(sizes.values()) == size)
    ok = True
    for i in range(1, n + 1):
        resp, lines, octets = p.retr(i)
        # poplib strips one leading dot from stuffed lines; count the
        # bytes as sent: each line + CRLF, with the stuffing removed.
        sent = sum(len(l) + 2 for l in lines)
        if sent != sizes[i] or not resp.startswith(b"+OK"):
            ok = False
            print("message %d: LIST %d, RETR %d" % (i, sizes[i], sent), file=sys.stderr)
    R.check("RETR sends exactly the octets LIST announced", ok)
    uidl1 = p.uidl()[1]
    R.check("UIDL gives one id per message, all distinct",
            len(uidl1) == n and len({u.split()[1] for u in uidl1}) == n)
    top = p.top(1, 0)[1]
    R.check("TOP n 0 gives the header block and nothing more",
            any(l.startswith(b"Subject:") for l in top) and top[-1] == b"", top[-3:])
    top2 = p.top(1, 2)[1]
    R.check("TOP n 2 gives two body lines", len(top2) == len(top) + 2, top2)
    texts = [b"\n".join(p.retr(i)[1]) for i in range(1, n + 1)]
    joined = b"\n---\n".join(texts)
    for what, needle in (("multipart/alternative", b"multipart/alternative"),
                         ("RFC 2231 names", b"filename*=UTF-8''"),
                         ("RFC 2231 continuations", b"filename*0*="),
                         ("RFC 2047 names", b'name="=?UTF-8?B?'),
                         ("nested multipart/related", b"multipart/related"),
                         ("message/rfc822", b"message/rfc822"),
                         ("koi8-r", b"charset=koi8-r"),
                         ("iso-2022-jp", b"charset=iso-2022-jp"),
                         ("a bounce (multipart/report)", b"multipart/report"),
                         ("delivery-status", b"message/delivery-status")):
        R.check("sample mailbox holds %s" % what, needle in joined)
    dots = [t for t in texts if b"Lines that begin with a dot" in t]
    R.check("dot message survives POP3 dot-stuffing",
            len(dots) == 1 and b"\n.profile and .bashrc" in dots[0] and
            b"\n.\nThe line above held a single dot" in dots[0] and
            b"\n..two dots here" in dots[0], dots)
    p.quit()
    p = poplib.POP3("127.0.0.1", P3, timeout=10)
    p.user("student")
    p.pass_("student")
    R.check("UIDs are stable between sessions", p.uidl()[1] == uidl1)
    p.quit()


def t_pop3_raw():
    c = Chat(P3)
    c.line()
    R.check("STAT before login is -ERR", c.cmd("STAT").startswith("-ERR"))
    R.check("PASS without USER is -ERR", c.cmd("PASS x").startswith("-ERR"))
    R.check("USER for an unknown name is +OK (no account probing)",
            c.cmd("USER nobody").startswith("+OK"))
    r = c.cmd("PASS whatever")
    R.check("wrong login gets -ERR [AUTH] (RFC 3206)", r.startswith("-ERR [AUTH]"), r)
    c.cmd("USER alice")
    r = c.cmd("PASS wonder land")
    R.check("PASS may contain a space (RFC 1939 7)", r.startswith("+OK"), r)
    R.check("USER in TRANSACTION is -ERR", c.cmd("USER alice").startswith("-ERR"))
    R.check("RETR 0 is -ERR", c.cmd("RETR 0").startswith("-ERR"))
    R.check("RETR 999 is -ERR", c.cmd("RETR 999").startswith("-ERR"))
    R.check("RETR x is -ERR", c.cmd("RETR x").startswith("-ERR"))
    R.check("TOP without lines is -ERR", c.cmd("TOP 1").startswith("-ERR"))
    R.check("DELE 1 is +OK", c.cmd("DELE 1").startswith("+OK"))
    R.check("DELE 1 again is -ERR", c.cmd("DELE 1").startswith("-ERR"))
    R.check("RETR of a deleted message is -ERR", c.cmd("RETR 1").startswith("-ERR"))
    r = c.cmd("STAT")
    R.check("STAT leaves out deleted messages", r.startswith("+OK 7 "), r)
    r = c.cmd("RSET")
    R.check("RSET unmarks", r.startswith("+OK") and c.cmd("STAT").startswith("+OK 8 "), r)
    R.check("NOOP is +OK", c.cmd("NOOP") == "+OK")
    long = c.cmd("NOOP " + "x" * 20000)
    R.check("an over-long line gets -ERR and the session goes on",
            long.startswith("-ERR") and c.cmd("NOOP") == "+OK", long)
    # pipelining (RFC 2449 6.6): several commands in one write
    c.send("STAT\r\nLIST 1\r\nUIDL 1\r\nNOOP\r\n")
    rs = [c.line() for _ in range(4)]
    R.check("pipelined commands get their replies in order",
            rs[0].startswith("+OK 8") and rs[1].startswith("+OK 1 ") and
            rs[2].startswith("+OK 1 ") and rs[3] == "+OK", rs)
    c.cmd("DELE 8")
    c.close()   # dropped without QUIT: no UPDATE state, nothing removed
    time.sleep(0.3)
    p = poplib.POP3("127.0.0.1", P3, timeout=10)
    p.user("alice")
    p.pass_("wonder land")
    R.check("a session dropped without QUIT removes nothing", p.stat()[0] == 8)
    p.dele(8)
    p.dele(7)
    r = p.quit()
    R.check("QUIT applies DELE (UPDATE state)", r.startswith(b"+OK"), r)
    time.sleep(0.2)
    p = poplib.POP3("127.0.0.1", P3, timeout=10)
    p.user("alice")
    p.pass_("wonder land")
    R.check("deleted messages are gone in the next session", p.stat()[0] == 6)
    p.quit()
    files = os.listdir(os.path.join(lab.maildir, "alice", "new")) + \
        os.listdir(os.path.join(lab.maildir, "alice", "cur"))
    R.check("QUIT removed the files from the Maildir", len(files) == 6, files)


def t_pop3_vanished():
    # A message file removed behind the lab's back: RETR and TOP answer a
    # plain -ERR, never "+OK" followed by an error inside the body.
    with labutil.Lab("--quiet") as l:
        c = Chat(l.port("pop3"))
        c.line()
        c.cmd("USER student")
        r = c.cmd("PASS student")
        box = os.path.join(l.maildir, "student")
        for sub in ("new", "cur"):
            for f in os.listdir(os.path.join(box, sub)):
                os.unlink(os.path.join(box, sub, f))
        rs = [c.cmd("RETR 1"), c.cmd("TOP 1 0"), c.cmd("NOOP")]
        c.close()
        R.check("RETR/TOP of a vanished file: -ERR, and the session goes on",
                r.startswith("+OK") and rs[0].startswith("-ERR") and
                rs[1].startswith("-ERR") and rs[2] == "+OK", (r, rs))


def t_pop3_lock():
    a = Chat(P3)
    a.line()
    a.cmd("USER bob")
    r1 = a.cmd("PASS bobpw")
    b = Chat(P3)
    b.line()
    b.cmd("USER bob")
    r2 = b.cmd("PASS bobpw")
    R.check("a second session for a locked mailbox gets -ERR [IN-USE]",
            r1.startswith("+OK") and r2.startswith("-ERR [IN-USE]"), (r1, r2))
    a.cmd("QUIT")
    a.close()
    time.sleep(0.2)
    b.cmd("USER bob")
    r3 = b.cmd("PASS bobpw")
    R.check("the lock goes with the session", r3.startswith("+OK"), r3)
    b.cmd("QUIT")
    b.close()


def t_pop3_sasl():
    c = Chat(P3)
    greet = c.line()
    ts = greet[greet.index("<"):greet.index(">") + 1]
    dig = hashlib.md5((ts + "student").encode()).hexdigest()
    r = c.cmd("APOP student " + dig)
    R.check("APOP logs in", r.startswith("+OK"), r)
    c.cmd("QUIT")
    c.close()
    c = Chat(P3)
    greet = c.line()
    ts = greet[greet.index("<"):greet.index(">") + 1]
    r = c.cmd("APOP student " + hashlib.md5((ts + "wrong").encode()).hexdigest())
    R.check("APOP with a wrong digest gets -ERR [AUTH]", r.startswith("-ERR [AUTH]"), r)
    r = c.cmd("AUTH PLAIN " + b64("\0student\0student"))
    R.check("AUTH PLAIN with an initial response (RFC 5034)", r.startswith("+OK"), r)
    c.cmd("QUIT")
    c.close()
    c = Chat(P3)
    c.line()
    r1 = c.cmd("AUTH PLAIN")
    r2 = c.cmd(b64("\0student\0student"))
    R.check("AUTH PLAIN with an empty challenge", r1 == "+ " and r2.startswith("+OK"), (r1, r2))
    c.cmd("QUIT")
    c.close()
    c = Chat(P3)
    c.line()
    r1 = c.cmd("AUTH LOGIN")
    r2 = c.cmd(b64("student"))
    r3 = c.cmd(b64("student"))
    R.check("AUTH LOGIN", r1 == "+ VXNlcm5hbWU6" and r2 == "+ UGFzc3dvcmQ6" and
            r3.startswith("+OK"), (r1, r2, r3))
    c.cmd("QUIT")
    c.close()
    c = Chat(P3)
    c.line()
    r1 = c.cmd("AUTH CRAM-MD5")
    chal = base64.b64decode(r1[2:])
    d = hmac.new(b"student", chal, hashlib.md5).hexdigest()
    r2 = c.cmd(b64("student " + d))
    R.check("AUTH CRAM-MD5", r1.startswith("+ ") and r2.startswith("+OK"), (r1, r2))
    c.cmd("QUIT")
    c.close()
    c = Chat(P3)
    c.line()
    c.cmd("AUTH CRAM-MD5")
    r = c.cmd("*")
    R.check("AUTH cancelled with *", r.startswith("-ERR"), r)
    r = c.cmd("AUTH PLAIN !!!notbase64")
    R.check("bad base64 in AUTH is -ERR", r.startswith("-ERR"), r)
    r = c.cmd("AUTH X-UNKNOWN")
    R.check("unknown mechanism is -ERR", r.startswith("-ERR"), r)
    r = c.cmd("AUTH PLAIN " + b64("\0student\0nope"))
    R.check("wrong AUTH PLAIN gets -ERR [AUTH]", r.startswith("-ERR [AUTH]"), r)
    c.close()


def t_pop3_tls():
    p = poplib.POP3("127.0.0.1", P3, timeout=10)
    r = p.stls(context=verify_ctx)
    R.check("STLS upgrades, and the certificate verifies for 127.0.0.1",
            r.startswith(b"+OK"), r)
    caps = p.capa()
    R.check("CAPA after STLS no longer offers STLS", "STLS" not in caps, caps)
    p.user("student")
    R.check("login over STLS", p.pass_("student").startswith(b"+OK"))
    p.quit()
    p = poplib.POP3_SSL("127.0.0.1", P3S, context=verify_ctx, timeout=10)
    R.check("POP3S greeting after the implicit TLS handshake",
            p.getwelcome().startswith(b"+OK"))
    R.check("POP3S offers no STLS", "STLS" not in p.capa())
    p.user("student")
    R.check("login over POP3S", p.pass_("student").startswith(b"+OK"))
    p.quit()
    c = Chat(P3S, tls_ctx=insecure_ctx())
    c.line()
    r = c.cmd("STLS")
    R.check("STLS on a TLS session is -ERR", r.startswith("-ERR"), r)
    c.close()
    # RFC 2595 / CVE-2011-0411: a command pipelined after STLS is dropped.
    c = Chat(P3)
    c.line()
    c.send("STLS\r\nUSER injected\r\n")
    r = c.line()
    c.starttls(insecure_ctx())
    r2 = c.cmd("PASS student")
    R.check("bytes sent after STLS before TLS are discarded, not obeyed",
            r.startswith("+OK") and r2.startswith("-ERR"), (r, r2))
    c.close()


def t_smtp_basic():
    s = smtplib.SMTP("127.0.0.1", SM, timeout=10)
    code, _ = s.ehlo("client.example")
    feats = s.esmtp_features
    R.check("EHLO offers PIPELINING SIZE 8BITMIME ENHANCEDSTATUSCODES SMTPUTF8 STARTTLS",
            code == 250 and all(k in feats for k in ("pipelining", "size", "8bitmime",
                                                     "enhancedstatuscodes", "smtputf8",
                                                     "starttls")), feats)
    R.check("no AUTH before STARTTLS", "auth" not in feats, feats)
    code, msg = s.docmd("AUTH", "PLAIN " + b64("\0student\0student"))
    R.check("AUTH before TLS gets 538 5.7.11 (RFC 4954)",
            code == 538 and msg.startswith(b"5.7.11"), (code, msg))
    s.starttls(context=verify_ctx)
    s.ehlo("client.example")
    feats = s.esmtp_features
    R.check("after STARTTLS: AUTH PLAIN LOGIN CRAM-MD5 and no STARTTLS",
            feats.get("auth", "").split() == ["PLAIN", "LOGIN", "CRAM-MD5"] and
            "starttls" not in feats, feats)
    for mech in ("CRAM-MD5", "LOGIN", "PLAIN"):
        t = smtplib.SMTP("127.0.0.1", SM, timeout=10)
        t.starttls(context=verify_ctx)
        t.ehlo("client.example")
        t.user, t.password = "student", "student"
        code, msg = t.auth(mech, getattr(t, "auth_" + mech.lower().replace("-", "_")))
        R.check("SMTP AUTH %s gives 235 2.7.0" % mech,
                code == 235 and msg.startswith(b"2.7.0"), (code, msg))
        t.quit()
    t = smtplib.SMTP("127.0.0.1", SM, timeout=10)
    t.starttls(context=verify_ctx)
    t.ehlo("x")
    try:
        t.login("student", "wrong")
        R.check("wrong SMTP AUTH gives 535 5.7.8", False)
    except smtplib.SMTPAuthenticationError as e:
        R.check("wrong SMTP AUTH gives 535 5.7.8",
                e.smtp_code == 535 and e.smtp_error.startswith(b"5.7.8"), e)
    t.quit()
    body = ("From: Sender <sender@example.org>\r\nTo: student@lab.example\r\n"
            "Subject: lab-python delivery\r\nMessage-ID: <py1@example.org>\r\n\r\n"
            "first line\r\n.a line starting with a dot\r\n.\r\n..\r\nlast line\r\n")
    refused = s.sendmail("sender@example.org", ["student@lab.example"], body)
    R.check("sendmail to a local user is accepted", refused == {})
    s.quit()
    new = os.listdir(os.path.join(lab.maildir, "student", "new"))
    tmp = os.listdir(os.path.join(lab.maildir, "student", "tmp"))
    R.check("delivery left nothing in tmp/", tmp == [], tmp)
    p = poplib.POP3("127.0.0.1", P3, timeout=10)
    p.user("student")
    p.pass_("student")
    n = p.stat()[0]
    msg = p.retr(n)[1]
    p.quit()
    R.check("the message is the newest in the next POP3 session",
            b"Subject: lab-python delivery" in msg, msg[:6])
    R.check("Return-Path first, then Received",
            msg[0] == b"Return-Path: <sender@example.org>" and
            msg[1].startswith(b"Received: from client.example"), msg[:3])
    R.check("Received says ESMTPS (RFC 3848)", b"ESMTPS" in b"".join(msg[1:4]), msg[1:4])
    bodyl = msg[msg.index(b"") + 1:]
    R.check("the body arrives byte for byte (dot lines too)",
            bodyl == [b"first line", b".a line starting with a dot", b".", b"..",
                      b"last line"], bodyl)


def t_smtp_errors():
    c = Chat(SM)
    g = c.smtp_reply()
    R.check("SMTP greeting 220", g[0].startswith("220 "), g)
    r = c.smtp("MAIL FROM:<a@example.org>")
    R.check("MAIL before EHLO: 503 5.5.1", r[-1].startswith("503 5.5.1"), r)
    r = c.smtp("EHLO")
    R.check("EHLO without a name: 501 5.5.4", r[-1].startswith("501 5.5.4"), r)
    c.smtp("EHLO client.example")
    r = c.smtp("RCPT TO:<student@lab.example>")
    R.check("RCPT before MAIL: 503 5.5.1", r[-1].startswith("503 5.5.1"), r)
    r = c.smtp("DATA")
    R.check("DATA before MAIL: 503 5.5.1", r[-1].startswith("503 5.5.1"), r)
    r = c.smtp("MAIL FROM:a@example.org")
    R.check("MAIL without brackets: 501 5.5.4", r[-1].startswith("501 5.5.4"), r)
    r = c.smtp("MAIL FROM:<a@example.org> SIZE=999999999")
    R.check("SIZE over the limit: 552 5.3.4 (RFC 1870)", r[-1].startswith("552 5.3.4"), r)
    r = c.smtp("MAIL FROM:<a@example.org> FOO=BAR")
    R.check("unknown MAIL parameter: 555 5.5.4", r[-1].startswith("555 5.5.4"), r)
    r = c.smtp("MAIL FROM:<jürgen@example.de>")
    R.check("non-ASCII address without SMTPUTF8: 553 5.6.7 (RFC 6531)",
            r[-1].startswith("553 5.6.7"), r)
    r = c.smtp("MAIL FROM:<a@example.org> SIZE=100 BODY=8BITMIME")
    R.check("MAIL with SIZE and BODY: 250 2.1.0", r[-1].startswith("250 2.1.0"), r)
    r = c.smtp("MAIL FROM:<b@example.org>")
    R.check("nested MAIL: 503 5.5.1", r[-1].startswith("503 5.5.1"), r)
    r = c.smtp("DATA")
    R.check("DATA without a recipient: 554 5.5.1", r[-1].startswith("554 5.5.1"), r)
    r = c.smtp("RCPT TO:<nobody@lab.example>")
    R.check("unknown local user: 550 5.1.1", r[-1].startswith("550 5.1.1"), r)
    r = c.smtp("RCPT TO:<someone@example.com>")
    R.check("relay to another domain: 550 5.7.1", r[-1].startswith("550 5.7.1"), r)
    r = c.smtp("RCPT TO:<../../etc@lab.example>")
    R.check("a path-like local part is just an unknown user",
            r[-1].startswith("550 5.1.1"), r)
    r = c.smtp("RCPT TO:<Student+tag@LAB.EXAMPLE>")
    R.check("case and +detail still reach the user", r[-1].startswith("250 2.1.5"), r)
    r = c.smtp("RCPT TO:<postmaster>")
    R.check("<postmaster> without a domain is accepted (RFC 5321 4.5.1)",
            r[-1].startswith("250 2.1.5"), r)
    r = c.smtp("RSET")
    R.check("RSET: 250 2.0.0", r[-1].startswith("250 2.0.0"), r)
    r = c.smtp("DATA")
    R.check("RSET ends the transaction", r[-1].startswith("503"), r)
    r = c.smtp("VRFY student")
    R.check("VRFY a user: 250 2.1.5", r[-1].startswith("250 2.1.5"), r)
    r = c.smtp("VRFY nobody")
    R.check("VRFY an unknown user: 550 5.1.1", r[-1].startswith("550 5.1.1"), r)
    r = c.smtp("HELP")
    R.check("HELP: 214", r[-1].startswith("214 "), r)
    r = c.smtp("NOOP")
    R.check("NOOP: 250 2.0.0", r[-1].startswith("250 2.0.0"), r)
    r = c.smtp("XYZZY")
    R.check("unknown command: 500 5.5.2", r[-1].startswith("500 5.5.2"), r)
    r = c.smtp("NOOP " + "x" * 20000)
    R.check("over-long line: 500 5.5.2, session goes on",
            r[-1].startswith("500 5.5.2") and c.smtp("NOOP")[-1].startswith("250"), r)
    r = c.smtp("STARTTLS now")
    R.check("STARTTLS with an argument: 501 5.5.4", r[-1].startswith("501 5.5.4"), r)
    # RFC 2920 pipelining: a whole transaction in one write
    c.send("MAIL FROM:<p@example.org>\r\nRCPT TO:<student@lab.example>\r\n"
           "RCPT TO:<nobody@lab.example>\r\nDATA\r\n")
    rs = [c.smtp_reply()[-1] for _ in range(4)]
    R.check("pipelined MAIL/RCPT/RCPT/DATA replies in order",
            rs[0].startswith("250 2.1.0") and rs[1].startswith("250 2.1.5") and
            rs[2].startswith("550 5.1.1") and rs[3].startswith("354"), rs)
    c.send("Subject: pipelined\r\n\r\nhello\r\n.\r\n")
    r = c.smtp_reply()
    R.check("250 2.0.0 after the final dot", r[-1].startswith("250 2.0.0"), r)
    r = c.smtp("QUIT")
    R.check("QUIT: 221 2.0.0", r[-1].startswith("221 2.0.0"), r)
    c.close()


def t_smtp_big():
    c = Chat(SM)
    c.smtp_reply()
    c.smtp("EHLO big.example")
    c.smtp("MAIL FROM:<a@example.org>")
    c.smtp("RCPT TO:<student@lab.example>")
    c.smtp("DATA")
    line = ("x" * 998 + "\r\n").encode()
    chunk = line * 1024
    for _ in range(11):     # 11 MB > SIZE 10485760
        c.send(chunk)
    c.send(b".\r\n")
    r = c.smtp_reply()
    R.check("a message over SIZE: 552 5.3.4 after the dot",
            r[-1].startswith("552 5.3.4"), r)
    r = c.smtp("NOOP")
    R.check("the session goes on after 552", r[-1].startswith("250"), r)
    c.close()


def t_smtp_tls():
    s = smtplib.SMTP_SSL("127.0.0.1", SMS, context=verify_ctx, timeout=10)
    s.ehlo("x")
    R.check("SMTPS: AUTH offered, no STARTTLS",
            "auth" in s.esmtp_features and "starttls" not in s.esmtp_features)
    s.login("student", "student")
    refused = s.sendmail("jürgen@example.de", ["student@lab.example"],
                         "Subject: utf8\r\n\r\nGrüße\r\n".encode(),
                         mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    R.check("SMTPUTF8 sender over SMTPS accepted", refused == {})
    s.quit()
    c = Chat(SM)
    c.smtp_reply()
    c.smtp("EHLO x")
    c.send("STARTTLS\r\nRSET\r\n")
    r = c.smtp_reply()
    c.starttls(insecure_ctx())
    r2 = c.smtp("EHLO x")
    R.check("bytes sent after STARTTLS before TLS are not obeyed (RFC 3207)",
            r[-1].startswith("220 2.0.0") and r2[0].startswith("250-"), (r, r2))
    r = c.smtp("STARTTLS")
    R.check("STARTTLS inside TLS: 503 5.5.1", r[-1].startswith("503 5.5.1"), r)
    r = c.smtp("MAIL FROM:<a@example.org>")
    R.check("EHLO again after TLS, then MAIL works", r[-1].startswith("250"), r)
    c.close()


def t_safety():
    bad = os.path.join(lab.tmp, "badusers")
    with open(bad, "w") as f:
        f.write("../evil:pw\n")
    p = subprocess.run([labutil.MAILBENCH, "lab", "--users", bad, "--pop3-port", "0",
                        "--pop3s-port", "0", "--smtp-port", "0", "--smtps-port", "0"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    R.check("a users file with '../evil' is refused (exit 2)",
            p.returncode == 2 and b"bad user name" in p.stderr, p.stderr)
    p = subprocess.run([labutil.MAILBENCH, "lab", "--scenario", "nonesuch"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    R.check("an unknown scenario is a usage error", p.returncode == 2, p.stderr)
    p = subprocess.run([labutil.MAILBENCH, "lab", "--help"], stdout=subprocess.PIPE,
                       timeout=20)
    out = p.stdout.decode()
    R.check("lab --help lists every scenario",
            all(s in out for s in ("greylist", "relay-denied", "mailbox-full",
                                   "tls-required", "auth-fail", "login-delay",
                                   "slow", "drop-retr")), out)
    for what in ("user", "new"):
        md = os.path.join(lab.tmp, "evil-" + what)
        outside = os.path.join(lab.tmp, "outside-" + what)
        os.makedirs(outside)
        if what == "user":
            os.makedirs(md)
            os.symlink(outside, os.path.join(md, "student"))
        else:
            for sub in ("tmp", "cur"):
                os.makedirs(os.path.join(md, "student", sub))
            os.symlink(outside, os.path.join(md, "student", "new"))
        p = subprocess.run([labutil.MAILBENCH, "lab", "--maildir", md, "--pop3-port", "0",
                            "--pop3s-port", "0", "--smtp-port", "0", "--smtps-port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        R.check("a symlinked %s directory in the Maildir is refused, nothing written "
                "outside" % what, p.returncode == 2 and os.listdir(outside) == [],
                (p.returncode, p.stderr, os.listdir(outside)))
    # One account can never read another's mail: logins map to their own
    # Maildir only, whatever name is typed.
    c = Chat(P3)
    c.line()
    c.cmd("USER ../alice")
    r = c.cmd("PASS wonder land")
    R.check("USER ../alice does not log in", r.startswith("-ERR [AUTH]"), r)
    c.close()


def t_idle_ipv6_maildir():
    with labutil.Lab("--idle-timeout", "1", "--quiet") as l2:
        c = Chat(l2.port("pop3"))
        c.line()
        t0 = time.monotonic()
        r = c.line()
        R.check("POP3 idle timeout: -ERR then close",
                r.startswith("-ERR") and "inactivity" in r and time.monotonic() - t0 < 5, r)
        c.close()
        c = Chat(l2.port("smtp"))
        c.smtp_reply()
        r = c.smtp_reply()
        R.check("SMTP idle timeout: 421 4.4.2", r[-1].startswith("421 4.4.2"), r)
        c.close()
    with labutil.Lab("--auth-without-tls", "--quiet") as l7:
        s = smtplib.SMTP("127.0.0.1", l7.port("smtp"), timeout=10)
        s.ehlo("x")
        R.check("--auth-without-tls offers AUTH before STARTTLS",
                "auth" in s.esmtp_features, s.esmtp_features)
        s.login("student", "student")
        s.quit()
        c = Chat(l7.port("smtp"))
        c.smtp_reply()
        c.smtp("EHLO x")
        c.smtp("AUTH LOGIN")
        r = c.smtp("A" * 20000)
        R.check("an over-long AUTH line: 500 5.5.6 (RFC 4954)",
                r[-1].startswith("500 5.5.6") and c.smtp("NOOP")[-1].startswith("250"), r)
        c.close()
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
        v6 = True
    except OSError:
        v6 = False
    if v6:
        with labutil.Lab("--quiet", listen="::1") as l6:
            p = poplib.POP3("::1", l6.port("pop3"), timeout=10)
            p.user("student")
            R.check("--listen ::1 serves POP3 over IPv6",
                    p.pass_("student").startswith(b"+OK"))
            p.quit()
            s = smtplib.SMTP("::1", l6.port("smtp"), timeout=10)
            code, _ = s.ehlo("v6.example")
            R.check("--listen ::1 serves SMTP over IPv6", code == 250)
            s.quit()
    else:
        R.skip("ipv6", "no IPv6 loopback here")
    md = os.path.join(lab.tmp, "persist")
    with labutil.Lab("--maildir", md, "--quiet") as l3:
        s = smtplib.SMTP("127.0.0.1", l3.port("smtp"), timeout=10)
        s.sendmail("a@example.org", ["student@lab.example"], "Subject: kept\r\n\r\nx\r\n")
        s.quit()
    R.check("--maildir is kept at exit", os.path.isdir(os.path.join(md, "student", "new")))
    with labutil.Lab("--maildir", md, "--quiet") as l3:
        p = poplib.POP3("127.0.0.1", l3.port("pop3"), timeout=10)
        p.user("student")
        p.pass_("student")
        n = p.stat()[0]
        last = p.retr(n)[1]
        p.quit()
        R.check("a restart keeps the mail and adds no second sample set",
                n == 9 and b"Subject: kept" in last, n)
        with labutil.Lab("--maildir", md, "--quiet") as l4:
            a = Chat(l3.port("pop3"))
            a.line()
            a.cmd("USER student")
            r1 = a.cmd("PASS student")
            b = Chat(l4.port("pop3"))
            b.line()
            b.cmd("USER student")
            r2 = b.cmd("PASS student")
            R.check("the mailbox lock holds across two labs on one Maildir",
                    r1.startswith("+OK") and r2.startswith("-ERR [IN-USE]"), (r1, r2))
            a.close()
            time.sleep(0.3)
            b.cmd("USER student")
            r3 = b.cmd("PASS student")
            R.check("a dropped session releases the lock for the other lab",
                    r3.startswith("+OK"), r3)
            b.close()


def t_certs():
    d = os.path.join(lab.tmp, "certs")
    os.makedirs(d)
    key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", crt, "-days", "2", "-subj", "/CN=class.example",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        R.skip("--cert/--key", "openssl req failed")
        return
    fp = subprocess.run(["openssl", "x509", "-in", crt, "-noout", "-fingerprint", "-sha256"],
                        stdout=subprocess.PIPE, timeout=20).stdout.decode().strip()
    fp = fp.split("=", 1)[1]
    with labutil.Lab("--cert", crt, "--key", key, "--quiet") as l5:
        R.check("--cert/--key: the printed fingerprint is that certificate's",
                l5.fingerprint == fp, (l5.fingerprint, fp))
        ctx = ssl.create_default_context(cafile=crt)
        p = poplib.POP3_SSL("127.0.0.1", l5.port("pop3s"), context=ctx, timeout=10)
        R.check("--cert/--key: POP3S serves that certificate (verified)",
                p.getwelcome().startswith(b"+OK"))
        p.quit()
    r = subprocess.run(["openssl", "genrsa", "-out", os.path.join(d, "other.pem"), "2048"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    p = subprocess.run([labutil.MAILBENCH, "lab", "--cert", crt, "--key",
                        os.path.join(d, "other.pem"), "--pop3-port", "0", "--pop3s-port", "0",
                        "--smtp-port", "0", "--smtps-port", "0"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    R.check("a key that does not match the certificate is refused (exit 2)",
            p.returncode == 2 and b"does not match" in p.stderr, p.stderr)
    p = subprocess.run([labutil.MAILBENCH, "lab", "--cert", crt],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    R.check("--cert without --key is a usage error", p.returncode == 2, p.stderr)


for name, fn in (("banner", t_banner), ("certs", t_certs), ("idle/ipv6/maildir", t_idle_ipv6_maildir), ("pop3 basic", t_pop3_basic),
                 ("pop3 raw", t_pop3_raw), ("pop3 lock", t_pop3_lock),
                 ("pop3 vanished", t_pop3_vanished),
                 ("pop3 sasl", t_pop3_sasl), ("pop3 tls", t_pop3_tls),
                 ("smtp basic", t_smtp_basic), ("smtp errors", t_smtp_errors),
                 ("smtp big", t_smtp_big), ("smtp tls", t_smtp_tls),
                 ("safety", t_safety)):
    R.run(name, fn)
R.check("the lab is still running after all that", lab.alive())
maildir = lab.maildir
rc = lab.stop()
R.check("SIGTERM stops the lab with status 0", rc == 0, rc)
R.check("the temporary Maildir is removed at exit", not os.path.exists(maildir))
R.exit()

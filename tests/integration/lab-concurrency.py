#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# One lab process, 200 sessions open at the same time: every POP3 session
# logs in, lists and retrieves; then 200 SMTP sessions at once each deliver
# a message; every one must complete, and every message must be on disk.
import asyncio
import importlib.util
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("labutil", os.path.join(here, "lab-util.py"))
labutil = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labutil)

N = 200
R = labutil.Report("lab-concurrency")
if not labutil.have_mailbench():
    R.skip("all", "%s not built" % labutil.MAILBENCH)
    sys.exit(0)


async def readline(r):
    l = await asyncio.wait_for(r.readline(), 30)
    if not l:
        raise EOFError("closed")
    return l.decode().rstrip("\r\n")


async def smtp_reply(r):
    l = await readline(r)
    while len(l) > 3 and l[3] == "-":
        l = await readline(r)
    return l


tls_ctx = labutil.insecure_ctx


async def pop3_session(i, ports, opened, go):
    user = "student%02d" % i
    # every fourth session over implicit TLS (POP3S)
    if i % 4 == 0:
        r, w = await asyncio.open_connection("127.0.0.1", ports["pop3s"], ssl=tls_ctx())
    else:
        r, w = await asyncio.open_connection("127.0.0.1", ports["pop3"])
    try:
        g = await readline(r)
        opened.append(i)
        await go.wait()          # every session is open before any goes on
        assert g.startswith("+OK"), g
        w.write(("USER %s\r\nPASS %s\r\nSTAT\r\n" % (user, user)).encode())
        assert (await readline(r)).startswith("+OK")
        l = await readline(r)
        assert l.startswith("+OK"), l
        stat = await readline(r)
        assert stat.startswith("+OK "), stat
        w.write(b"RETR 1\r\n")
        l = await readline(r)
        assert l.startswith("+OK"), l
        n = 0
        while (await readline(r)) != ".":
            n += 1
        assert n > 5
        w.write(b"QUIT\r\n")
        assert (await readline(r)).startswith("+OK")
        return True
    finally:
        w.close()


async def smtp_session(i, ports, opened, go):
    user = "student%02d" % i
    if i % 4 == 0:
        r, w = await asyncio.open_connection("127.0.0.1", ports["smtps"], ssl=tls_ctx())
    else:
        r, w = await asyncio.open_connection("127.0.0.1", ports["smtp"])
    try:
        g = await smtp_reply(r)
        opened.append(i)
        await go.wait()
        assert g.startswith("220"), g
        w.write(("EHLO c%d.example\r\nMAIL FROM:<load%d@example.org>\r\n"
                 "RCPT TO:<%s@lab.example>\r\nDATA\r\n" % (i, i, user)).encode())
        for want in ("250", "250", "250", "354"):
            l = await smtp_reply(r)
            assert l.startswith(want), l
        w.write(("Subject: load %d\r\n\r\nbody %d\r\n.\r\nQUIT\r\n" % (i, i)).encode())
        l = await smtp_reply(r)
        assert l.startswith("250 2.0.0"), l
        assert (await smtp_reply(r)).startswith("221")
        return True
    finally:
        w.close()


async def wave(fn, port):
    opened = []
    go = asyncio.Event()
    tasks = [asyncio.ensure_future(fn(i, port, opened, go)) for i in range(1, N + 1)]
    deadline = time.monotonic() + 60
    while len(opened) < N and time.monotonic() < deadline and \
            not any(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    all_open = len(opened)
    go.set()
    res = await asyncio.gather(*tasks, return_exceptions=True)
    errs = [r for r in res if r is not True]
    return all_open, errs


def main():
    t0 = time.monotonic()
    lab = labutil.Lab("--accounts", str(N), "--quiet")
    R.check("lab with %d accounts starts" % N, len(lab.ports) == 4)
    print("start took %.1fs" % (time.monotonic() - t0), file=sys.stderr)
    try:
        t0 = time.monotonic()
        opened, errs = asyncio.run(wave(pop3_session, lab.ports))
        R.check("%d POP3 sessions (a quarter POP3S) open at once" % N, opened == N, opened)
        R.check("all %d POP3 sessions complete" % N, not errs, errs[:5])
        print("pop3 wave %.1fs" % (time.monotonic() - t0), file=sys.stderr)
        t0 = time.monotonic()
        opened, errs = asyncio.run(wave(smtp_session, lab.ports))
        R.check("%d SMTP sessions (a quarter SMTPS) open at once" % N, opened == N, opened)
        R.check("all %d SMTP sessions deliver" % N, not errs, errs[:5])
        print("smtp wave %.1fs" % (time.monotonic() - t0), file=sys.stderr)
        missing = []
        for i in range(1, N + 1):
            d = os.path.join(lab.maildir, "student%02d" % i, "new")
            found = False
            for f in os.listdir(d):
                with open(os.path.join(d, f), "rb") as fh:
                    if b"Subject: load %d\n" % i in fh.read():
                        found = True
            if not found:
                missing.append(i)
        R.check("every delivered message is in its user's Maildir", not missing, missing[:10])
        R.check("the lab survives", lab.alive())
    finally:
        lab.stop()
    R.exit()


main()

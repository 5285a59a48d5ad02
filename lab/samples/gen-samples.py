#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes lab/samples.c: the lab's sample mailbox as C strings, with every
# encoding (base64, quoted-printable, RFC 2047/2231) computed, not typed.
import base64, quopri
def b64(b):
    s = base64.b64encode(b).decode()
    return "\n".join(s[i:i+76] for i in range(0, len(s), 76))
def qp(s, cs='utf-8'):
    return quopri.encodestring(s.encode(cs)).decode()
def hdr_b(s, cs='utf-8'):
    # RFC 2047 2: an encoded-word is at most 75 characters; split on
    # character boundaries and fold between words.
    name = cs.upper() if cs != 'utf-8' else 'UTF-8'
    words, cur = [], ''
    for ch in s:
        trial = cur + ch
        if len("=?%s?B?%s?=" % (name, base64.b64encode(trial.encode(cs)).decode())) > 75:
            words.append(cur)
            cur = ch
        else:
            cur = trial
    if cur:
        words.append(cur)
    return "\n ".join("=?%s?B?%s?=" % (name, base64.b64encode(w.encode(cs)).decode()) for w in words)
def hdr_q(s, cs):
    out=[]
    for ch in s.encode(cs):
        c=chr(ch)
        if c.isascii() and c.isalnum(): out.append(c)
        elif c==' ': out.append('_')
        else: out.append('=%02X'%ch)
    return "=?%s?Q?%s?=" % (cs.upper(), ''.join(out))

msgs = []
def H(frm, subj, date, mid, extra=""):
    return ("From: %s\nTo: Student <student@lab.example>\nSubject: %s\nDate: %s\nMessage-ID: <%s@lab.example>\nMIME-Version: 1.0\n%s" % (frm, subj, date, mid, extra))

msgs.append(("welcome", H("Lab Server <postmaster@lab.example>", "Welcome to the mailbench lab", "Mon, 23 Nov 2026 09:00:00 +0000", "welcome.1") +
"""Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Hello, and welcome to the mailbench lab.

This mailbox holds sample messages that show what real mail looks like
on the wire. Try these POP3 commands and watch the replies:

  STAT          how many messages, and how many octets in all
  LIST          the size of each message
  UIDL          the unique id of each message (stable between sessions)
  TOP 2 0       the headers of message 2 only
  RETR 3        the whole of message 3
  DELE 1        mark message 1; it goes away only at QUIT
  RSET          take back every DELE
  QUIT          end the session (and apply the DELEs)

To send yourself mail, connect to the SMTP port and use
EHLO, MAIL FROM:<...>, RCPT TO:<student@lab.example>, DATA.

Have fun.
"""))

msgs.append(("alternative", H("=?UTF-8?Q?Ren=C3=A9e_Dupr=C3=A9?= <renee@example.org>", "Lunch on Friday? (multipart/alternative)", "Mon, 23 Nov 2026 10:15:00 +0100", "alt.2") +
"""Content-Type: multipart/alternative; boundary="=-alt-boundary-42"

This is a multi-part message in MIME format.

--=-alt-boundary-42
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" + qp("Hi!\n\nShall we have lunch at the café on Friday? I'll bring the crème brûlée.\nA mail client shows this text/plain part, or the HTML one below:\nthey are two versions of the same content (multipart/alternative).\n\n— Renée\n") + """
--=-alt-boundary-42
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" + qp("<html><body><p>Hi!</p><p>Shall we have lunch at the <b>café</b> on Friday? I'll bring the <i>crème brûlée</i>.</p><p>— Renée</p></body></html>\n") + """
--=-alt-boundary-42--
"""))

pdfish = b"%PDF-1.4\n% mailbench sample, not a real document\n" + bytes(range(256))
notes = "Notes for the summer: été, naïve, façade.\n".encode('utf-8')
msgs.append(("attachments", H("Bob Example <bob@example.org>", hdr_b("Attachments: names in RFC 2231 and RFC 2047 — ünïcödé"), "Tue, 24 Nov 2026 08:30:00 -0500", "att.3") +
"""Content-Type: multipart/mixed; boundary="mixed-b0undary"

--mixed-b0undary
Content-Type: text/plain; charset=us-ascii

Three attachments follow. Their file names are encoded three ways:
1. RFC 2231 with a charset (filename*=UTF-8''...)
2. RFC 2231 continuations (filename*0*=, filename*1*=)
3. RFC 2047 encoded words inside a quoted name= (not standard, but common)

--mixed-b0undary
Content-Type: text/plain; charset=utf-8; name*=UTF-8''%C3%A9t%C3%A9-notes.txt
Content-Disposition: attachment; filename*=UTF-8''%C3%A9t%C3%A9-notes.txt
Content-Transfer-Encoding: base64

""" + b64(notes) + """

--mixed-b0undary
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*0*=iso-8859-1'fr'R%E9sum%E9%20du%20;
 filename*1*=r%E9seau.pdf
Content-Transfer-Encoding: base64

""" + b64(pdfish) + """

--mixed-b0undary
Content-Type: image/png; name=""" + '"' + hdr_b("смайлик.png") + '"' + """
Content-Disposition: attachment; filename=""" + '"' + hdr_b("смайлик.png") + '"' + """
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==

--mixed-b0undary--
"""))

msgs.append(("nested", H("Carol <carol@example.net>", "Nested multipart: mixed > alternative > related", "Wed, 25 Nov 2026 14:00:00 +0000", "nest.4") +
"""Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="middle"

--middle
Content-Type: text/plain; charset=us-ascii

The newsletter, as plain text. The HTML version has an inline logo.

--middle
Content-Type: multipart/related; boundary="inner"; type="text/html"

--inner
Content-Type: text/html; charset=us-ascii

<html><body><img src="cid:logo@lab.example"><p>The newsletter, in HTML.</p></body></html>

--inner
Content-Type: image/png
Content-ID: <logo@lab.example>
Content-Disposition: inline; filename="logo.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==

--inner--

--middle--

--outer
Content-Type: text/csv; charset=us-ascii; name="figures.csv"
Content-Disposition: attachment; filename="figures.csv"

month,messages
october,12
november,42

--outer--
"""))

msgs.append(("forward", H("Dave <dave@example.com>", "Fwd: Meeting notes (message/rfc822)", "Thu, 26 Nov 2026 11:11:11 +0000", "fwd.5") +
"""Content-Type: multipart/mixed; boundary="fwd-boundary"

--fwd-boundary
Content-Type: text/plain; charset=us-ascii

Forwarding the notes below as an attached message (message/rfc822):
a whole message, with its own headers, inside this one.

--fwd-boundary
Content-Type: message/rfc822
Content-Disposition: inline

From: Erin <erin@example.com>
To: Dave <dave@example.com>
Subject: Meeting notes
Date: Wed, 25 Nov 2026 17:45:00 +0000
Message-ID: <notes.5a@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

""" + qp("Notes: the caf\u00e9 budget is 50 \u00a3 a month.\n", 'iso-8859-1') + """
--fwd-boundary--
"""))

msgs.append(("charsets", H(hdr_q("Jürgen Groß", 'iso-8859-1') + " <juergen@example.de>", hdr_b("Привет", 'koi8-r') + " and " + hdr_b("こんにちは", 'iso-2022-jp') + " (several charsets)", "Fri, 27 Nov 2026 07:00:00 +0900", "cs.6") +
"""Content-Type: multipart/mixed; boundary="cs-boundary"

--cs-boundary
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

""" + qp("ISO-8859-1 (Latin-1): Grüße aus Köln, ça va?\n", 'iso-8859-1') + """
--cs-boundary
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: base64

""" + b64("KOI8-R: Привет, мир!\n".encode('koi8-r')) + """

--cs-boundary
Content-Type: text/plain; charset=iso-2022-jp
Content-Transfer-Encoding: 7bit

""" + "ISO-2022-JP: こんにちは、世界。\n".encode('iso-2022-jp').decode('ascii') + """
--cs-boundary
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

""" + qp("Windows-1252: \u201csmart quotes\u201d and the euro sign \u20ac.\n", 'cp1252') + """
--cs-boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

UTF-8 sent as 8bit: ÄÖÜ ñ 中文 🙂
--cs-boundary--
"""))

msgs.append(("bounce", ("From: Mail Delivery System <MAILER-DAEMON@lab.example>\nTo: Student <student@lab.example>\nSubject: Undelivered Mail Returned to Sender\nDate: Fri, 27 Nov 2026 12:00:00 +0000\nMessage-ID: <bounce.7@lab.example>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n") +
"""Content-Type: multipart/report; report-type=delivery-status;
 boundary="report-boundary"

--report-boundary
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is a bounce (RFC 3464). The mail system could not deliver your
message to <nobody@example.invalid>: the remote server said
550 5.1.1 "user unknown". The second part is machine-readable; the
third holds the headers of the message that bounced.

--report-boundary
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; lab.example
Arrival-Date: Fri, 27 Nov 2026 11:59:58 +0000

Final-Recipient: rfc822; nobody@example.invalid
Original-Recipient: rfc822;nobody@example.invalid
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.invalid
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.invalid>: Recipient
 address rejected: User unknown in virtual mailbox table

--report-boundary
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Student <student@lab.example>
To: nobody@example.invalid
Subject: Hello?
Date: Fri, 27 Nov 2026 11:59:50 +0000
Message-ID: <hello.7x@lab.example>

--report-boundary--
"""))

msgs.append(("dots", H("Frank <frank@example.org>", "Lines that begin with a dot", "Sat, 28 Nov 2026 09:30:00 +0000", "dots.8") +
"""Content-Type: text/plain; charset=us-ascii

POP3 and SMTP end a message with a line holding a single dot, so a line
of the message that begins with a dot is sent with one more dot in
front (dot-stuffing, RFC 5321 4.5.2 and RFC 1939 3). Look at RETR of
this message: the lines below arrive with two dots, and a client must
remove one.
.profile and .bashrc are hidden files.
..two dots here
.
The line above held a single dot. The message goes on after it.
"""))

def cstr(s):
    out=[]
    for line in s.split('\n'):
        pass
    res=[]
    b=s.encode('utf-8')
    cur=''
    lines=b.split(b'\n')
    for i,l in enumerate(lines):
        piece = l + (b'\n' if i < len(lines)-1 else b'')
        if not piece: continue
        e=''
        for ch in piece:
            c=chr(ch)
            if c=='\\': e+='\\\\'
            elif c=='"': e+='\\"'
            elif c=='\n': e+='\\n'
            elif c=='\t': e+='\\t'
            elif 32<=ch<127:
                # avoid trigraphs and hex-escape continuation
                if c=='?' and e.endswith('?'): e+='\\?'
                else: e+=c
            else: e+='\\%03o'%ch
        res.append('\t"%s"' % e)
    return '\n'.join(res)

print("""/* SPDX-License-Identifier: MIT */
/* The sample mailbox every new practice account starts with: one message
 * per MIME case a learner should see (our own data). Generated by
 * lab/samples/gen-samples.py; edit that and run
 * `python3 lab/samples/gen-samples.py > lab/samples.c`. */
#include <string.h>

#include "lab/lab-int.h"

/* Oldest first; stored with LF line ends like any Maildir message. */
static const char *const samples[] = {""")
for name, m in msgs:
    print("\t/* %s */" % name)
    print(cstr(m) + ",")
print("""};

int
lab_samples_deliver(const char *root, const char *user)
{
	const char *users[1] = { user };
	char id[128];
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (maildir_deliver(root, users, 1, samples[i],
		    strlen(samples[i]), id, sizeof(id)) == -1)
			return -1;
	return 0;
}""")

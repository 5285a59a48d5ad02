/* SPDX-License-Identifier: MIT */
/* The SMTP explainer over real replies, each read with the facts the
 * engine has when it arrives: scripted sessions reach the state (typed
 * commands, server replies, TLS), then the reply under test comes and its
 * "= " line must hold the wanted words and never the unwanted ones.
 *
 * Where the replies come from:
 *   Postfix 3.7.11, started by scripts/postfix-start (the integration
 *     runs), and Postfix's documented defaults (reject_unauth_destination
 *     "Relay access denied", reject_unknown_client_hostname 450 4.7.1);
 *   `mailbench lab` and its scenarios (lab/smtpd.c);
 *   Gmail: support.google.com/a/answer/3726730 "Gmail SMTP errors and
 *     codes", and public transcripts (Exim logs quoting smtp.gmail.com);
 *   Microsoft 365 / Exchange: learn.microsoft.com "Fix NDR error codes
 *     5.7.700 through 5.7.750", "Fix error code 451 5.7.500-699",
 *     https://smtp.codes/exchangeonline, Exchange's default receive
 *     connector EHLO ("SMTP Protocol Extensions for Exchange Server
 *     2007", KB 812455);
 *   Cisco ASA ESMTP inspection: "SMTP and Extended SMTP Inspection" in
 *     the ASA configuration guide (mask-banner, no allow-tls), Cisco TAC
 *     113423 (EHLO refused through inspection).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/explain.h"
#include "tests/unit/engine-script.h"

/* The lab's EHLO before and after TLS (lab/smtpd.c), and Postfix's with
 * SASL offered before TLS (smtpd_tls_auth_only = no). */
#define LAB_EHLO_PLAIN							\
	"250-lab.example Hello x [127.0.0.1]\r\n250-PIPELINING\r\n"	\
	"250-SIZE 10485760\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n" \
	"250-SMTPUTF8\r\n250-STARTTLS\r\n250 HELP\r\n"
#define LAB_EHLO_TLS							\
	"250-lab.example Hello x [127.0.0.1]\r\n250-PIPELINING\r\n"	\
	"250-SIZE 10485760\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n" \
	"250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 HELP\r\n"
#define POSTFIX_EHLO_AUTH						\
	"250-mailbench-postfix.test\r\n250-PIPELINING\r\n"		\
	"250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n"	\
	"250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n"	\
	"250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
/* Exchange 2013-2019's default frontend receive connector. */
#define EXCHANGE_EHLO							\
	"250-mail.contoso.com Hello [203.0.113.5]\r\n250-SIZE 37748736\r\n" \
	"250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n"	\
	"250-STARTTLS\r\n250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n"	\
	"250-X-EXPS GSSAPI NTLM\r\n250-8BITMIME\r\n250-BINARYMIME\r\n"	\
	"250-CHUNKING\r\n250-XRDST\r\n250 XSHADOW\r\n"

/* States reached by script, each the steps before the command. */
enum setup {
	GREETING,	/* nothing yet: the reply is the greeting */
	READY,		/* lab greeting, EHLO, plain */
	MAIL,		/* READY + MAIL accepted */
	RCPT,		/* MAIL + one RCPT accepted */
	RCPT_REFUSED,	/* MAIL + one RCPT refused (550 5.1.1) */
	DATA,		/* RCPT + DATA 354 + a short message typed */
	TLS,		/* READY + STARTTLS + TLS + EHLO (AUTH now listed) */
	TLS_NOEHLO,	/* READY + STARTTLS + TLS */
	AUTHED,		/* TLS + AUTH PLAIN 235 */
	AUTHED_MAIL,	/* AUTHED + MAIL accepted */
	LOGIN1,		/* TLS + AUTH LOGIN, 334 Username: */
	LOGIN2,		/* LOGIN1 + the user name typed, 334 Password: */
	MASKED,		/* a greeting masked by Cisco ASA */
	MASKED_READY,	/* MASKED + HELO accepted */
};

struct row {
	const char	*what;		/* what the row proves */
	enum setup	 setup;
	const char	*cmd;		/* typed; NULL for the greeting */
	const char	*reply;		/* the server's reply, CRLF lines */
	const char	*want, *want2;	/* substrings of the "= " line */
	const char	*never;		/* must not occur, or NULL */
};

static const struct row rows[] = {
	/* --- greeting and Cisco ASA SMTP inspection -------------------- */
	{ "Postfix's greeting: ready, EHLO next", GREETING, NULL,
	  "220 mailbench-postfix.test ESMTP Postfix\r\n",
	  "220 service ready", "EHLO", NULL },
	{ "a banner of asterisks is a firewall's mask (Cisco ASA)", GREETING,
	  NULL, "220 *****************************************************\r\n",
	  "firewall (Cisco ASA SMTP inspection) seems to rewrite", "no "
	  "STARTTLS", NULL },
	{ "EHLO refused after a masked banner: the firewall, HELO", MASKED,
	  "EHLO client.test", "500 5.5.1 Command unrecognized: \"XXXX "
	  "XXXXXXXXXXX\"\r\n", "firewall", "HELO", NULL },
	{ "EHLO refused, no mask: an RFC 821 server, HELO", READY,
	  "EHLO client.test", "502 5.5.2 Error: command not recognized\r\n",
	  "EHLO not recognized", "use HELO", "firewall (Cisco" },
	{ "EHLO through the firewall: STARTTLS stripped, X-masked keyword",
	  MASKED_READY, "EHLO client.test",
	  "250-mail.example.com Hello [203.0.113.5]\r\n250-SIZE 10240000\r\n"
	  "250-XXXXXXXA\r\n250 8BITMIME\r\n", "strips STARTTLS", "Cisco ASA",
	  NULL },

	/* --- EHLO: what the session can do now ------------------------- */
	{ "lab EHLO, plain: STARTTLS offered", READY, "EHLO x",
	  LAB_EHLO_PLAIN, "STARTTLS offered: /starttls", "7 extensions",
	  NULL },
	{ "Postfix EHLO with AUTH before TLS: STARTTLS before AUTH", READY,
	  "EHLO x", POSTFIX_EHLO_AUTH, "/starttls before AUTH", "encrypted",
	  NULL },
	{ "after TLS the lab lists AUTH it did not list before", TLS_NOEHLO,
	  "EHLO x", LAB_EHLO_TLS, "AUTH PLAIN LOGIN CRAM-MD5 appeared after "
	  "STARTTLS", "/auth", NULL },
	{ "Exchange: NTLM only, X- verbs, STARTTLS first", READY, "EHLO x",
	  EXCHANGE_EHLO, "only NTLM/GSSAPI: Windows logons", "X- keywords",
	  NULL },
	{ "HELO: no extensions", READY, "HELO x",
	  "250 lab.example Hello x [127.0.0.1]\r\n", "HELO accepted",
	  "no extensions", NULL },

	/* --- STARTTLS --------------------------------------------------- */
	{ "Postfix's 220 to STARTTLS: EHLO again after it", READY, "STARTTLS",
	  "220 2.0.0 Ready to start TLS\r\n", "handshake begins",
	  "EHLO again", "no further detail" },
	{ "Postfix: STARTTLS twice is TLS already active, not insecurity",
	  TLS, "STARTTLS", "554 5.5.1 Error: TLS already active\r\n",
	  "TLS already active", "nothing changed", "lack of security" },
	{ "the lab's 503 to a second STARTTLS: same", TLS_NOEHLO, "STARTTLS",
	  "503 5.5.1 Error: TLS already active\r\n", "TLS already active",
	  "RFC 3207", "lack of security" },

	/* --- AUTH ---------------------------------------------------------- */
	{ "334 decoded: the lab's LOGIN prompt", TLS, "AUTH LOGIN",
	  "334 VXNlcm5hbWU6\r\n", "\"Username:\"", "base64", NULL },
	{ "334 to the answered username: Password: prompt", LOGIN1,
	  "c3R1ZGVudA==", "334 UGFzc3dvcmQ6\r\n", "\"Password:\"", "334",
	  NULL },
	{ "334 CRAM-MD5 challenge decoded (the lab's)", TLS, "AUTH CRAM-MD5",
	  "334 PDkxNTMuNGRmMzBhODA4MzJkLjE3OTY2MDEyOTFAbGFiLmV4YW1wbGU+\r\n",
	  "<9153.4df30a80832d.1796601291@lab.example>", "CRAM-MD5", NULL },
	{ "typed AUTH LOGIN: the final 535 answers the password line", LOGIN2,
	  "d3Jvbmc=", "535 5.7.8 Authentication credentials invalid\r\n",
	  "user name or the password is wrong", NULL, NULL },
	{ "typed AUTH LOGIN: the final 235", LOGIN2, "c3R1ZGVudA==",
	  "235 2.7.0 Authentication successful\r\n", "235 authenticated",
	  NULL, NULL },
	{ "235: authenticated", TLS, "AUTH PLAIN AHN0dWRlbnQAc3R1ZGVudA==",
	  "235 2.7.0 Authentication successful\r\n", "authenticated",
	  "relay", NULL },
	{ "535 5.7.8 (the lab's auth-fail): wrong credentials", TLS,
	  "AUTH PLAIN AHN0dWRlbnQAd3Jvbmc=",
	  "535 5.7.8 Authentication credentials invalid\r\n",
	  "user name or the password is wrong", "5.7.8", NULL },
	{ "Gmail's 535 5.7.8: app password hint", TLS,
	  "AUTH PLAIN AHN0dWRlbnQAd3Jvbmc=",
	  "535-5.7.8 Username and Password not accepted. Learn more at\r\n"
	  "535 5.7.8  https://support.google.com/mail/?p=BadCredentials "
	  "k18-20020a05600c055200b003974a00697esm27282101wmc.38 - gsmtp\r\n",
	  "Gmail refuses this user name and password", "app password",
	  NULL },
	{ "Gmail's 534 5.7.9: application-specific password required", TLS,
	  "AUTH PLAIN AHN0dWRlbnQAd3Jvbmc=",
	  "534-5.7.9 Application-specific password required. Learn more at\r\n"
	  "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor "
	  "x12sm123456wrb.7 - gsmtp\r\n", "2-Step Verification",
	  "app password", "too weak" },
	{ "538 5.7.11 (lab auth-fail, plain): STARTTLS first", READY,
	  "AUTH PLAIN AHN0dWRlbnQAc3R1ZGVudA==", "538 5.7.11 Encryption "
	  "required for requested authentication mechanism\r\n",
	  "/starttls first", "/auth", NULL },
	{ "the lab: AUTH inside a transaction, RSET first", MAIL,
	  "AUTH PLAIN AHN0dWRlbnQAc3R1ZGVudA==",
	  "503 5.5.1 Error: AUTH not allowed during a mail transaction\r\n",
	  "not allowed inside a mail transaction", "RSET first", NULL },
	{ "the lab: AUTH twice", AUTHED, "AUTH PLAIN AHN0dWRlbnQAc3R1ZGVudA==",
	  "503 5.5.1 Error: already authenticated\r\n",
	  "already authenticated", "once per session", NULL },

	/* --- MAIL ---------------------------------------------------------- */
	{ "250 to MAIL opens a transaction", READY, "MAIL FROM:<a@example.org>",
	  "250 2.1.0 Ok\r\n", "transaction is open", "RCPT", NULL },
	{ "Postfix: nested MAIL, transaction in progress, RSET first", MAIL,
	  "MAIL FROM:<a@example.org>", "503 5.5.1 Error: nested MAIL "
	  "command\r\n", "a transaction is in progress: RSET first", NULL,
	  NULL },
	{ "lab tls-required: 530 at MAIL means /starttls", READY,
	  "MAIL FROM:<a@example.org>", "530 5.7.0 Must issue a STARTTLS "
	  "command first\r\n", "TLS required", "/starttls", NULL },
	{ "Gmail's 530 5.7.0 STARTTLS: same reading", READY,
	  "MAIL FROM:<a@example.org>", "530 5.7.0 Must issue a STARTTLS "
	  "command first. x12si1234567qkb.123 - gsmtp\r\n", "/starttls",
	  NULL, NULL },
	{ "Microsoft 365 530 5.7.57: not authenticated, /auth", TLS,
	  "MAIL FROM:<a@contoso.com>", "530 5.7.57 Client not authenticated "
	  "to send mail. [SN4PR0201CA0043.namprd02.prod.outlook.com]\r\n",
	  "/auth first", "smtp.office365.com", NULL },
	{ "Exchange's 5.7.1 text decides: send as, not relaying", AUTHED_MAIL,
	  "RCPT TO:<b@contoso.com>", "550 5.7.1 Client does not have "
	  "permissions to send as this sender\r\n", "Send As", NULL,
	  "relaying" },
	{ "a DNSBL refusal is not called spam", READY,
	  "MAIL FROM:<a@example.org>", "554 5.7.1 Service unavailable; Client "
	  "host [203.0.113.5] blocked using zen.spamhaus.org\r\n",
	  "DNS block list", NULL, "probable spam" },
	{ "Exchange Online: the client IP on Spamhaus", READY,
	  "MAIL FROM:<a@example.org>", "550 5.7.1 Service unavailable, Client "
	  "host [203.0.113.5] blocked using Spamhaus. To request removal "
	  "from this list see https://www.spamhaus.org/query/ip/203.0.113.5 "
	  "(AS3130). [BN1NAM02FT031.eop-nam02.prod.protection.outlook.com]"
	  "\r\n", "DNS block list", "listing is removed", "relaying" },
	{ "Exchange: no permission to send as this sender", AUTHED_MAIL,
	  "RCPT TO:<b@contoso.com>", "550 5.7.60 SMTP; Client does not have "
	  "permissions to send as this sender\r\n", "Send As", "own address",
	  NULL },

	/* --- RCPT ---------------------------------------------------------- */
	{ "250 to RCPT: counted", RCPT, "RCPT TO:<b@lab.example>",
	  "250 2.1.5 Ok\r\n", "recipient accepted (2 so far)", "DATA", NULL },
	{ "Postfix: RCPT before MAIL", READY, "RCPT TO:<a@example.org>",
	  "503 5.5.1 Error: need MAIL command\r\n", "RCPT before an accepted "
	  "MAIL", "MAIL FROM", NULL },
	{ "the lab's greylisting: a deferral, not relaying denied", MAIL,
	  "RCPT TO:<student@lab.example>",
	  "451 4.7.1 Greylisted: please try again later\r\n", "greylisted",
	  "normally after a few minutes", "relaying denied" },
	{ "Postfix's greylist test address (450 4.7.1)", MAIL,
	  "RCPT TO:<greylist@example.org>", "450 4.7.1 <greylist@example.org>: "
	  "Recipient address rejected: greylisted, try again later\r\n",
	  "greylisted", "try again later", "relaying denied" },
	{ "4.7.1 without greylist text: still a deferral (class 4)", MAIL,
	  "RCPT TO:<b@example.org>", "450 4.7.1 Client host rejected: cannot "
	  "find your hostname, [203.0.113.5]\r\n", "policy check",
	  "try again later", "relaying denied" },
	{ "the lab: relay denied for a foreign domain, /auth or local", MAIL,
	  "RCPT TO:<x@example.org>", "550 5.7.1 Relay access denied: this "
	  "server only takes mail for @lab.example\r\n", "relaying denied",
	  "authenticate (/auth) or send to a local address", NULL },
	{ "Postfix's default reject_unauth_destination text", MAIL,
	  "RCPT TO:<x@example.net>", "554 5.7.1 <x@example.net>: Relay access "
	  "denied\r\n", "relaying denied", "/auth", NULL },
	{ "relay denied when logged in: the account's rights", AUTHED_MAIL,
	  "RCPT TO:<x@example.net>", "554 5.7.1 <x@example.net>: Relay access "
	  "denied\r\n", "although logged in", NULL, "authenticate (/auth)" },
	{ "Postfix: unknown user", MAIL, "RCPT TO:<reject@example.org>",
	  "550 5.1.1 <reject@example.org>: Recipient address rejected: no "
	  "such user\r\n", "no such mailbox", "5.1.1", NULL },
	{ "the lab's mailbox-full scenario: 452 4.2.2, try later", MAIL,
	  "RCPT TO:<student@lab.example>", "452 4.2.2 Mailbox full: over "
	  "quota\r\n", "mailbox full", "try later", NULL },
	{ "Gmail's 552 5.2.2: over quota, permanent", MAIL,
	  "RCPT TO:<b@gmail.com>", "552-5.2.2 The email account that you "
	  "tried to reach is over quota. Please direct\r\n552 5.2.2 the "
	  "recipient to https://support.google.com/mail/?p=OverQuotaPerm "
	  "x12si1234567qkb.123 - gsmtp\r\n", "mailbox full",
	  "until they delete mail", NULL },
	{ "Microsoft 365 DBEB: 550 5.4.1 Access denied", MAIL,
	  "RCPT TO:<nobody@contoso.com>", "550 5.4.1 Recipient address "
	  "rejected: Access denied. AS(201806281) [DM6NAM12FT034.eop-nam12."
	  "prod.protection.outlook.com]\r\n", "Directory-Based Edge Blocking",
	  "check the address", NULL },
	{ "Microsoft 365 550 5.7.708: banned IP", MAIL,
	  "RCPT TO:<b@contoso.com>", "550 5.7.708 Service unavailable. Access "
	  "denied, traffic not accepted from this IP. For more information "
	  "please go to http://go.microsoft.com/fwlink/?LinkId=526653 "
	  "AS(7230)\r\n", "this sending IP", "sender.office.com", NULL },
	{ "Microsoft 365 451 4.7.500 Server busy: throttling, retry", MAIL,
	  "RCPT TO:<b@contoso.com>", "451 4.7.500 Server busy. Please try "
	  "again later from [203.0.113.5]. (AS77712344) [BN1NAM02FT031.eop-"
	  "nam02.prod.protection.outlook.com]\r\n", "throttles",
	  "try again later", "relaying denied" },

	/* --- DATA and the final "." ------------------------------------- */
	{ "354: how to end the message", RCPT, "DATA",
	  "354 End data with <CR><LF>.<CR><LF>\r\n", "a line holding only",
	  NULL, NULL },
	{ "Postfix: DATA with no accepted recipient", MAIL, "DATA",
	  "554 5.5.1 Error: no valid recipients\r\n", "no recipient was "
	  "accepted", "RSET", NULL },
	{ "... and how many were refused", RCPT_REFUSED, "DATA",
	  "554 5.5.1 Error: no valid recipients\r\n", "no recipient was "
	  "accepted", "(1 refused)", NULL },
	{ "Postfix: DATA before MAIL", READY, "DATA",
	  "503 5.5.1 Error: need RCPT command\r\n", "DATA before an accepted "
	  "MAIL", NULL, NULL },
	{ "Postfix queued it: responsible now, queue id", DATA, ".",
	  "250 2.0.0 Ok: queued as AE3A851C0CA\r\n", "server is now "
	  "responsible", "queue id AE3A851C0CA", "no further detail" },
	{ "the lab queued it: its id", DATA, ".", "250 2.0.0 Ok: queued as "
	  "1796601255.M254577P9157Q10.lab\r\n", "responsible",
	  "1796601255.M254577P9157Q10.lab", NULL },
	{ "Exchange queued it: Message-ID and internal id", DATA, ".",
	  "250 2.6.0 <a1b2c3d4@EXCH01.contoso.com> [InternalId=12345678901, "
	  "Hostname=EXCH01.contoso.com] Queued mail for delivery\r\n",
	  "<a1b2c3d4@EXCH01.contoso.com>", "internal id 12345678901", NULL },
	{ "Gmail queued it: its id before - gsmtp", DATA, ".",
	  "250 2.0.0 OK  1700000000 x12si1234567qkb.123 - gsmtp\r\n",
	  "responsible", "x12si1234567qkb.123", NULL },
	{ "Exim queued it: id=", DATA, ".", "250 OK id=1nyzAH-000Asi-Tc\r\n",
	  "responsible", "queue id 1nyzAH-000Asi-Tc", NULL },
	{ "Gmail 550 5.7.26 at the end: unauthenticated sender", DATA, ".",
	  "550-5.7.26 This mail has been blocked because the sender is\r\n"
	  "550-5.7.26 unauthenticated. Gmail requires all senders to "
	  "authenticate\r\n550 5.7.26 with either SPF or DKIM. "
	  "x12si1234567qkb.123 - gsmtp\r\n", "SPF", "nothing was delivered",
	  NULL },
	{ "Gmail 550 5.7.1 likely unsolicited: spam filter", DATA, ".",
	  "550-5.7.1 [203.0.113.5] Our system has detected that this message "
	  "is\r\n550-5.7.1 likely unsolicited mail. To reduce the amount of "
	  "spam sent\r\n550 5.7.1 to Gmail, this message has been blocked. "
	  "x12si1234567qkb.123 - gsmtp\r\n", "spam", "nothing was delivered",
	  "relaying" },
	{ "the lab: 552 5.3.4 at the end, too large", DATA, ".",
	  "552 5.3.4 Error: message exceeds fixed size limit\r\n",
	  "too large", "nothing was delivered", NULL },
	{ "the lab: 451 4.3.0 at the end: deferred, send again later", DATA,
	  ".", "451 4.3.0 Error: local delivery failed; try again later\r\n",
	  "deferred", "send it again later", NULL },
	{ "Exchange's expired message (4.4.7)", DATA, ".",
	  "550 4.4.7 QUEUE.Expired; message expired\r\n", "expired",
	  "queue", NULL },

	/* --- VRFY EXPN ETRN HELP TURN VERB NOOP RSET QUIT ------------------ */
	{ "Postfix's VRFY: 252, cannot verify but will accept", READY,
	  "VRFY postmaster", "252 2.0.0 postmaster\r\n",
	  "cannot verify but will accept", NULL, NULL },
	{ "the lab's VRFY of a local user", READY, "VRFY student",
	  "250 2.1.5 <student@lab.example>\r\n", "confirms this mailbox",
	  NULL, NULL },
	{ "the lab's VRFY of an unknown user", READY, "VRFY nobody",
	  "550 5.1.1 User unknown in lab.example\r\n", "no such user",
	  NULL, NULL },
	{ "the lab's EXPN: disabled", READY, "EXPN staff",
	  "502 5.5.1 EXPN not implemented\r\n", "disabled or unknown",
	  "reveal", NULL },
	{ "Postfix's ETRN refused: 459", READY, "ETRN example.org",
	  "459 <example.org>: service unavailable\r\n", "queue run", NULL,
	  NULL },
	{ "the lab's HELP: 214 for a human", READY, "HELP",
	  "214-2.0.0 mailbench-lab commands:\r\n214-2.0.0   EHLO HELO "
	  "STARTTLS AUTH MAIL RCPT DATA\r\n214-2.0.0   RSET VRFY NOOP HELP "
	  "QUIT\r\n214 2.0.0 See RFC 5321\r\n", "help text", "nothing changed",
	  NULL },
	{ "Postfix answers HELP with 500", READY, "HELP",
	  "500 5.5.2 Error: command not recognized\r\n", "HELP is not "
	  "implemented", NULL, NULL },
	{ "Postfix: TURN", READY, "TURN",
	  "500 5.5.2 Error: command not recognized\r\n", "TURN is disabled",
	  NULL, NULL },
	{ "Postfix: VERB", READY, "VERB",
	  "500 5.5.2 Error: command not recognized\r\n", "Sendmail extension",
	  NULL, NULL },
	{ "Postfix: NOOP", READY, "NOOP", "250 2.0.0 Ok\r\n",
	  "nothing changed", NULL, "no further detail" },
	{ "RSET with a transaction open", RCPT, "RSET", "250 2.0.0 Ok\r\n",
	  "transaction discarded", NULL, NULL },
	{ "RSET with none open", READY, "RSET", "250 2.0.0 Ok\r\n",
	  "no transaction was open", NULL, NULL },
	{ "QUIT with a transaction open: discarded", RCPT, "QUIT",
	  "221 2.0.0 Bye\r\n", "transaction was discarded", NULL, NULL },
	{ "QUIT: over", READY, "QUIT", "221 2.0.0 Bye\r\n",
	  "the session is over", NULL, NULL },

	/* --- 421 ---------------------------------------------------------- */
	{ "the lab's idle timeout", READY, "NOOP",
	  "421 4.4.2 lab.example Error: timeout exceeded\r\n",
	  "idle too long", NULL, NULL },
	{ "Gmail's 421 4.7.0: rate or reputation, later", READY,
	  "MAIL FROM:<a@example.org>", "421-4.7.0 [203.0.113.5] Our system "
	  "has detected an unusual rate of\r\n421-4.7.0 unsolicited mail "
	  "originating from your IP address.\r\n421 4.7.0 Try again later. "
	  "x12si1234567qkb.123 - gsmtp\r\n", "Gmail refuses", "later",
	  "relaying" },
};

/* The steps that reach a setup, into v (room for 32); returns how many. */
static size_t
setup_steps(enum setup u, struct step *v)
{
	size_t	n = 0;

#define ADD(o, t)	(v[n].op = (o), v[n].text = (t), n++)
	switch (u) {
	case GREETING:
		return 0;
	case MASKED:
	case MASKED_READY:
		ADD('S', "220 *************************************************"
		    "\r\n");
		if (u == MASKED_READY) {
			ADD('U', "HELO client.test");
			ADD('S', "250 mail.example.com Hello [203.0.113.5]\r\n");
		}
		return n;
	default:
		break;
	}
	ADD('S', "220 lab.example ESMTP mailbench-lab\r\n");
	ADD('U', "EHLO x");
	ADD('S', LAB_EHLO_PLAIN);
	switch (u) {
	case MAIL:
	case RCPT:
	case RCPT_REFUSED:
	case DATA:
		ADD('U', "MAIL FROM:<a@example.org>");
		ADD('S', "250 2.1.0 Ok\r\n");
		if (u == RCPT_REFUSED) {
			ADD('U', "RCPT TO:<reject@example.org>");
			ADD('S', "550 5.1.1 <reject@example.org>: Recipient "
			    "address rejected: no such user\r\n");
		} else if (u != MAIL) {
			ADD('U', "RCPT TO:<student@lab.example>");
			ADD('S', "250 2.1.5 Ok\r\n");
		}
		if (u == DATA) {
			ADD('U', "DATA");
			ADD('S', "354 End data with <CR><LF>.<CR><LF>\r\n");
			ADD('U', "Subject: x");
			ADD('U', "");
			ADD('U', "hi");
		}
		return n;
	case TLS:
	case TLS_NOEHLO:
	case AUTHED:
	case AUTHED_MAIL:
	case LOGIN1:
	case LOGIN2:
		ADD('U', "STARTTLS");
		ADD('S', "220 2.0.0 Ready to start TLS\r\n");
		ADD('T', NULL);
		if (u == TLS_NOEHLO)
			return n;
		ADD('U', "EHLO x");
		ADD('S', LAB_EHLO_TLS);
		if (u == AUTHED || u == AUTHED_MAIL) {
			ADD('U', "AUTH PLAIN AHN0dWRlbnQAc3R1ZGVudA==");
			ADD('S', "235 2.7.0 Authentication successful\r\n");
		}
		if (u == AUTHED_MAIL) {
			ADD('U', "MAIL FROM:<student@lab.example>");
			ADD('S', "250 2.1.0 Ok\r\n");
		}
		if (u == LOGIN1 || u == LOGIN2) {
			ADD('U', "AUTH LOGIN");
			ADD('S', "334 VXNlcm5hbWU6\r\n");
		}
		if (u == LOGIN2) {
			ADD('U', "c3R1ZGVudA==");
			ADD('S', "334 UGFzc3dvcmQ6\r\n");
		}
		return n;
	default:
		return n;
	}
#undef ADD
}

/* The "= " line that follows the reply's last "S: " line, into line. */
static bool
meaning_of(const char *transcript, const char *reply, char *line,
    size_t size)
{
	const char *last, *p, *e, *m;
	char	 first[512];
	size_t	 n;

	/* The reply's last line, without CRLF: "S: <line>". */
	last = reply;
	for (p = reply; (e = strstr(p, "\r\n")) != NULL && e[2] != '\0';
	    p = e + 2)
		last = e + 2;
	e = strstr(last, "\r\n");
	n = e != NULL ? (size_t)(e - last) : strlen(last);
	if (n + 4 >= sizeof(first))
		return false;
	snprintf(first, sizeof(first), "S: %.*s\n", (int)n, last);
	m = NULL;
	for (p = transcript; (p = strstr(p, first)) != NULL; p++)
		m = p;
	if (m == NULL)
		return false;
	m = strstr(m, "\n= ");
	if (m == NULL)
		return false;
	m += 3;
	e = strchr(m, '\n');
	n = e != NULL ? (size_t)(e - m) : strlen(m);
	if (n >= size)
		n = size - 1;
	memcpy(line, m, n);
	line[n] = '\0';
	return true;
}

/* A "= " line never ends in an enhanced code with no words after it
 * (" \xc2\xb7 5.7.1"): either the code is explained or left out. */
static bool
bare_code_at_end(const char *line)
{
	const char *dot = strrchr(line, '\xb7');
	size_t	i;

	if (dot == NULL || dot[1] != ' ')
		return false;
	for (i = 2; dot[i] != '\0'; i++)
		if (!isdigit((unsigned char)dot[i]) && dot[i] != '.')
			return false;
	return true;
}

static void
test_rows(void)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		struct step	 steps[32];
		struct script_out o;
		struct session	*s;
		char		 line[4096];
		size_t		 n;
		bool		 ok;

		n = setup_steps(w->setup, steps);
		if (w->cmd != NULL) {
			steps[n].op = 'U';
			steps[n].text = w->cmd;
			n++;
		}
		steps[n].op = 'S';
		steps[n].text = w->reply;
		n++;
		s = script_run(REPLY_SMTP, NULL, steps, n, 0, 0, &o, true);
		ok = o.transcript.data != NULL && meaning_of(o.transcript.data,
		    w->reply, line, sizeof(line));
		if (ok && (strstr(line, w->want) == NULL ||
		    (w->want2 != NULL && strstr(line, w->want2) == NULL) ||
		    (w->never != NULL && strstr(line, w->never) != NULL) ||
		    bare_code_at_end(line)))
			ok = false;
		if (!ok || getenv("SHOW") != NULL) {
			fprintf(stderr, "  row %zu (%s):\n  = %s\n  want \"%s\""
			    " \"%s\", never \"%s\"\n", i, w->what,
			    o.transcript.data != NULL && meaning_of(
			    o.transcript.data, w->reply, line, sizeof(line)) ?
			    line : "(no meaning line)", w->want,
			    w->want2 != NULL ? w->want2 : "",
			    w->never != NULL ? w->never : "");
			if (o.transcript.data != NULL)
				fprintf(stderr, "%s\n", o.transcript.data);
		}
		CHECK(ok);
		session_free(s);
		script_out_clear(&o);
	}
}

/* The facts behind the rows: the engine keeps an open transaction when a
 * nested MAIL is refused, and knows the masked greeting. */
static void
test_facts(void)
{
	static const struct step nested[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250 x\r\n" },
		{ 'U', "MAIL FROM:<a@example.org>" },
		{ 'S', "250 2.1.0 Ok\r\n" },
		{ 'U', "MAIL FROM:<a@example.org>" },
		{ 'S', "503 5.5.1 Error: nested MAIL command\r\n" },
	};
	static const struct step masked[] = {
		{ 'S', "220 ********************\r\n" },
	};
	struct script_out	 o;
	struct session		*s;
	struct session_facts	 f;

	/* No "MAIL -> READY": the refused nested MAIL leaves it open. */
	script_check(REPLY_SMTP, NULL, nested, NSTEPS(nested),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250 x\n"
	    "* EHLO -> READY\n"
	    "C: MAIL FROM:<a@example.org>\n"
	    "S: 250 2.1.0 Ok\n"
	    "* READY -> MAIL\n"
	    "C: MAIL FROM:<a@example.org>\n"
	    "S: 503 5.5.1 Error: nested MAIL command\n",
	    "EHLO x\r\nMAIL FROM:<a@example.org>\r\n"
	    "MAIL FROM:<a@example.org>\r\n");
	s = script_run(REPLY_SMTP, NULL, nested, NSTEPS(nested), 0, 0, &o,
	    false);
	session_facts(s, &f);
	CHECK(f.mail_accepted);
	CHECK(!f.greeting_masked);
	session_free(s);
	script_out_clear(&o);
	s = script_run(REPLY_SMTP, NULL, masked, NSTEPS(masked), 0, 0, &o,
	    false);
	session_facts(s, &f);
	CHECK(f.greeting_masked);
	session_free(s);
	script_out_clear(&o);
}

/* The masked-banner test alone: asterisks only, at least three. */
static void
test_banner(void)
{
	CHECK(explain_smtp_banner_masked("****", 4));
	CHECK(explain_smtp_banner_masked("**** ***", 8));
	CHECK(!explain_smtp_banner_masked("**", 2));
	CHECK(!explain_smtp_banner_masked("", 0));
	CHECK(!explain_smtp_banner_masked("*** ESMTP", 9));
}

static const struct test tests[] = {
	{ "explain-smtp real replies by command and facts", test_rows },
	{ "explain-smtp facts: nested MAIL, masked greeting", test_facts },
	{ "explain-smtp masked banner", test_banner },
};

TEST_MAIN("explain-smtp", tests)

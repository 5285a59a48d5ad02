/* SPDX-License-Identifier: MIT */
/* What replies mean: SMTP basic codes in the context of the command they
 * answer (RFC 5321 4.2.2-4.2.3 and extensions), RFC 3463 enhanced status
 * codes with everything IANA registered since, POP3 status indicators and
 * RFC 2449/3206/6856 response codes. */
#include <stdint.h>
#include <string.h>

#include "proto/meaning.h"
#include "proto/pop3-codes.h"
#include "base/util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * SMTP basic codes. An entry with verbs == NULL is the code's meaning in
 * general; the others apply when the command answered is one of the
 * space-separated verbs. "" stands for the greeting (no command), "." for
 * the end of message data: the reply to DATA after 354, BDAT LAST alike.
 * Texts follow RFC 5321 4.2.2 where it has one, in lower case.
 */
struct smtp_code {
	int		 code;
	const char	*verbs;
	const char	*text;
};

static const struct smtp_code smtp_codes[] = {
	{ 211, NULL, "system status, or system help reply" },
	{ 214, NULL, "help message, for a human user" },
	{ 220, NULL, "service ready" },
	{ 220, "STARTTLS", "ready to start TLS: the handshake begins now "
	    "(RFC 3207)" },
	{ 221, NULL, "service closing transmission channel" },
	{ 235, NULL, "authentication succeeded (RFC 4954)" },
	{ 250, NULL, "requested action completed" },
	{ 251, NULL, "user not local; will forward to the forward-path" },
	{ 251, "ETRN", "OK, no messages waiting for the node (RFC 1985)" },
	{ 252, NULL, "cannot verify the user, but will accept the message "
	    "and attempt delivery" },
	{ 252, "ETRN", "OK, pending messages for the node started "
	    "(RFC 1985)" },
	{ 253, NULL, "OK, messages pending for the node are being sent "
	    "(RFC 1985)" },
	{ 334, NULL, "server challenge: send the next SASL response in "
	    "base64, or \"*\" to cancel (RFC 4954)" },
	{ 354, NULL, "start mail input; end with <CRLF>.<CRLF>" },
	{ 421, NULL, "service not available, closing transmission channel" },
	{ 421, "", "service not available: the server refuses connections "
	    "now (overloaded, or your address is blocked); try later" },
	{ 432, NULL, "a password transition is needed (RFC 4954)" },
	{ 450, NULL, "requested mail action not taken: mailbox unavailable "
	    "(busy or temporarily blocked); try again later" },
	{ 450, "MAIL", "sender temporarily refused (busy, or a policy check "
	    "that failed for now); try again later" },
	{ 450, "RCPT", "recipient mailbox temporarily unavailable (busy, or "
	    "greylisting); try again later" },
	{ 451, NULL, "requested action aborted: local error in processing; "
	    "try again later" },
	{ 451, "MAIL", "sender deferred: local error or a temporary policy "
	    "check on the server; try again later" },
	{ 451, "RCPT", "recipient deferred: local error, or greylisting "
	    "(retrying after a few minutes usually succeeds)" },
	{ 451, "DATA . BDAT", "message deferred: local error in processing "
	    "or a temporary content check; try again later" },
	{ 452, NULL, "requested action not taken: insufficient system "
	    "storage" },
	{ 452, "RCPT", "recipient not accepted now: too many recipients or "
	    "insufficient storage; send the rest in a later transaction "
	    "(RFC 5321 4.5.3.1.10)" },
	{ 452, "MAIL", "insufficient system storage for a message this size "
	    "now; try again later (RFC 1870)" },
	{ 454, NULL, "temporary failure: TLS or authentication not available "
	    "now (RFC 3207, RFC 4954)" },
	{ 454, "STARTTLS", "TLS not available due to a temporary reason "
	    "(RFC 3207)" },
	{ 454, "AUTH", "temporary authentication failure; try again later "
	    "(RFC 4954)" },
	{ 455, NULL, "server unable to accommodate parameters" },
	{ 458, NULL, "unable to queue messages for the node (RFC 1985)" },
	{ 459, NULL, "node not allowed to request a queue run (RFC 1985)" },
	{ 500, NULL, "syntax error, command unrecognized (or command line "
	    "too long)" },
	{ 500, "AUTH", "syntax error, command unrecognized, or the "
	    "authentication line was too long (RFC 4954)" },
	{ 501, NULL, "syntax error in parameters or arguments" },
	{ 501, "HELO EHLO", "syntax error in the domain or address literal "
	    "given to HELO/EHLO" },
	{ 501, "MAIL", "syntax error in the sender address or the MAIL "
	    "parameters" },
	{ 501, "RCPT", "syntax error in the recipient address or the RCPT "
	    "parameters" },
	{ 501, "AUTH", "authentication cancelled, or the response was not "
	    "valid base64 (RFC 4954)" },
	{ 501, "STARTTLS", "syntax error: STARTTLS takes no parameters "
	    "(RFC 3207)" },
	{ 502, NULL, "command not implemented" },
	{ 502, "EHLO", "EHLO not implemented: an RFC 821 server, use HELO "
	    "(no extensions)" },
	{ 502, "VRFY EXPN", "command not implemented (many servers disable "
	    "it so as not to reveal their users)" },
	{ 503, NULL, "bad sequence of commands" },
	{ 503, "MAIL", "bad sequence of commands: a transaction is already "
	    "open, or EHLO/authentication must come first" },
	{ 503, "RCPT", "bad sequence of commands: RCPT needs an accepted "
	    "MAIL first" },
	{ 503, "DATA", "bad sequence of commands: DATA needs MAIL and at "
	    "least one accepted RCPT" },
	{ 503, "AUTH", "bad sequence of commands: already authenticated, or "
	    "AUTH inside a mail transaction (RFC 4954)" },
	{ 504, NULL, "command parameter not implemented" },
	{ 504, "AUTH", "unrecognized authentication mechanism (RFC 4954)" },
	{ 521, NULL, "this host does not accept mail (RFC 7504)" },
	{ 523, NULL, "encryption needed: use TLS or a stronger mechanism "
	    "first (RFC 5248, with X.7.10)" },
	{ 524, NULL, "encryption required for the requested authentication "
	    "mechanism (RFC 5248, with X.7.11)" },
	{ 525, NULL, "user account disabled (RFC 5248, with X.7.13)" },
	{ 530, NULL, "access denied: authentication required, or STARTTLS "
	    "must come first (RFC 4954, RFC 3207)" },
	{ 534, NULL, "authentication mechanism is too weak (RFC 4954)" },
	{ 535, NULL, "authentication credentials invalid (RFC 4954)" },
	{ 538, NULL, "encryption required for the requested authentication "
	    "mechanism (RFC 4954)" },
	{ 550, NULL, "requested action not taken: mailbox unavailable" },
	{ 550, "HELO EHLO", "the server refuses this client or the name it "
	    "gave (policy)" },
	{ 550, "MAIL", "sender rejected: the address or the sending host "
	    "refused by policy" },
	{ 550, "RCPT", "recipient rejected: mailbox unknown or unavailable, "
	    "or relaying denied by policy" },
	{ 550, "DATA . BDAT", "message rejected: its content or a policy "
	    "check refused it" },
	{ 550, "VRFY EXPN", "no such user or mailing list, or verification "
	    "refused" },
	{ 551, NULL, "user not local; please try the forward-path given" },
	{ 552, NULL, "requested mail action aborted: exceeded storage "
	    "allocation" },
	{ 552, "MAIL", "message size declared with SIZE= exceeds the "
	    "server's limit (RFC 1870)" },
	{ 552, "RCPT", "recipient mailbox full, or too many recipients" },
	{ 552, "DATA . BDAT", "message too large, or the mailbox is over "
	    "its quota" },
	{ 553, NULL, "requested action not taken: mailbox name not allowed" },
	{ 553, "MAIL", "sender address not allowed (bad syntax, or not "
	    "yours to use after authentication)" },
	{ 553, "RCPT", "recipient address not allowed (bad syntax or "
	    "policy)" },
	{ 553, "VRFY EXPN", "ambiguous: more than one mailbox matches "
	    "(RFC 5321 3.5.3)" },
	{ 554, NULL, "transaction failed" },
	{ 554, "", "no SMTP service here: the server refuses this "
	    "connection" },
	{ 554, "DATA", "transaction failed: no valid recipients, or the "
	    "message was rejected (RFC 5321 3.3)" },
	{ 554, ". BDAT", "transaction failed: message rejected" },
	{ 554, "STARTTLS", "command refused due to lack of security "
	    "(RFC 3207)" },
	{ 555, NULL, "MAIL FROM/RCPT TO parameters not recognized or not "
	    "implemented" },
	{ 556, NULL, "the recipient's domain does not accept mail "
	    "(RFC 7504)" },
};

/* What an explanation calls each context; verbs that share one entry
 * share a label too. */
static const struct {
	const char	*verb;
	const char	*label;
} contexts[] = {
	{ "", "as the greeting" },
	{ "HELO", "after HELO" },
	{ "EHLO", "after EHLO" },
	{ "STARTTLS", "after STARTTLS" },
	{ "AUTH", "after AUTH" },
	{ "MAIL", "after MAIL" },
	{ "RCPT", "after RCPT" },
	{ "DATA", "after DATA" },
	{ ".", "after the final \".\" of the message" },
	{ "BDAT", "after BDAT" },
	{ "VRFY", "after VRFY" },
	{ "ETRN", "after ETRN" },
	{ "EXPN", "after EXPN" },
};

/* RFC 5321 4.2.1: unregistered codes explained from their two digits. */
static const char *const smtp_generic[4][6] = {
	{ "unregistered code: positive completion (syntax)",
	  "unregistered code: positive completion (information)",
	  "unregistered code: positive completion (connections)",
	  "unregistered code: positive completion",
	  "unregistered code: positive completion",
	  "unregistered code: positive completion (mail system)" },
	{ "unregistered code: positive intermediate (syntax)",
	  "unregistered code: positive intermediate (information)",
	  "unregistered code: positive intermediate (connections)",
	  "unregistered code: positive intermediate",
	  "unregistered code: positive intermediate",
	  "unregistered code: positive intermediate (mail system)" },
	{ "unregistered code: transient failure (syntax)",
	  "unregistered code: transient failure (information)",
	  "unregistered code: transient failure (connections)",
	  "unregistered code: transient failure",
	  "unregistered code: transient failure",
	  "unregistered code: transient failure (mail system)" },
	{ "unregistered code: permanent failure (syntax)",
	  "unregistered code: permanent failure (information)",
	  "unregistered code: permanent failure (connections)",
	  "unregistered code: permanent failure",
	  "unregistered code: permanent failure",
	  "unregistered code: permanent failure (mail system)" },
};

static const char *const smtp_class_text[4] = {
	"positive completion (2yz): the command was accepted",
	"positive intermediate (3yz): accepted so far, the server waits for "
	    "more",
	"transient negative completion (4yz): not done now; the same command "
	    "may succeed later",
	"permanent negative completion (5yz): not done; do not repeat the "
	    "command as is",
};

/* Is word (NUL-terminated) one of the space-separated words of list? */
static bool
word_in(const char *list, const char *word)
{
	size_t	n = strlen(word);
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && memcmp(p, word, n) == 0)
			return true;
		if (e == NULL)
			return false;
		p = e + 1;
	}
}

static const struct smtp_code *
smtp_lookup(int code, const char *verb)
{
	const struct smtp_code *def = NULL;
	char	 up[16];
	size_t	 i;

	/* Verbs are upper case by contract; accept any case anyway. */
	if (verb != NULL) {
		for (i = 0; verb[i] != '\0' && i + 1 < sizeof(up); i++)
			up[i] = verb[i] >= 'a' && verb[i] <= 'z' ?
			    (char)(verb[i] - 'a' + 'A') : verb[i];
		up[i] = '\0';
		verb = verb[i] == '\0' ? up : NULL;
	}
	for (i = 0; i < nitems(smtp_codes); i++) {
		if (smtp_codes[i].code != code)
			continue;
		if (smtp_codes[i].verbs == NULL) {
			if (def == NULL)
				def = &smtp_codes[i];
		} else if (verb != NULL && word_in(smtp_codes[i].verbs, verb))
			return &smtp_codes[i];
	}
	return def;
}

const char *
meaning_smtp_code(int code, const char *verb)
{
	const struct smtp_code *c;

	if (code < 200 || code > 599)
		return "not an SMTP reply code (200..599)";
	c = smtp_lookup(code, verb);
	/* The engine tags a SASL continuation answer with "" too. */
	if (c != NULL && c->verbs == NULL && verb != NULL && *verb == '\0')
		c = smtp_lookup(code, "AUTH");
	if (c != NULL)
		return c->text;
	if ((code / 10) % 10 > 5)
		return smtp_generic[code / 100 - 2][3];
	return smtp_generic[code / 100 - 2][(code / 10) % 10];
}

/*
 * RFC 3463 and the IANA "SMTP Enhanced Status Codes" registry (RFC 5248,
 * updated by RFC 3886, 4468, 4954, 5248, 6531, 6710, 7293, 7372, 7505,
 * 8617, 8689). title is the registered name; text says what it means;
 * ok, when set, replaces text for class 2 (a success report).
 */
struct enh_code {
	int		 subject, detail;
	const char	*title;
	const char	*text;
	const char	*ok;
	const char	*rfc;
};

static const struct enh_code enh_codes[] = {
	{ 0, 0, "other undefined status",
	    "no further detail is given", "no further detail is given",
	    "RFC 3463" },
	{ 1, 0, "other address status",
	    "something about an address caused this", "sender address valid",
	    "RFC 3463" },
	{ 1, 1, "bad destination mailbox address",
	    "the mailbox does not exist: the part left of \"@\" is wrong",
	    NULL, "RFC 3463" },
	{ 1, 2, "bad destination system address",
	    "the domain right of \"@\" does not exist or cannot take mail",
	    NULL, "RFC 3463" },
	{ 1, 3, "bad destination mailbox address syntax",
	    "the recipient address is syntactically invalid", NULL,
	    "RFC 3463" },
	{ 1, 4, "destination mailbox address ambiguous",
	    "the address matches more than one recipient there", NULL,
	    "RFC 3463" },
	{ 1, 5, "destination address valid",
	    "the recipient address is valid", "recipient address valid",
	    "RFC 3463" },
	{ 1, 6, "destination mailbox has moved, no forwarding address",
	    "the address was valid once but takes no more mail", NULL,
	    "RFC 3463" },
	{ 1, 7, "bad sender's mailbox address syntax",
	    "the sender address is syntactically invalid", NULL,
	    "RFC 3463" },
	{ 1, 8, "bad sender's system address",
	    "the sender's domain does not exist or cannot accept return "
	    "mail", NULL, "RFC 3463" },
	{ 1, 9, "message relayed to non-compliant mailer",
	    "the address was valid, but the next system does not report "
	    "delivery status", "relayed to a system that reports no further "
	    "status", "RFC 3886" },
	{ 1, 10, "recipient address has null MX",
	    "the recipient's domain publishes a null MX: it takes no mail",
	    NULL, "RFC 7505" },
	{ 2, 0, "other or undefined mailbox status",
	    "the mailbox exists, but something about it caused this", NULL,
	    "RFC 3463" },
	{ 2, 1, "mailbox disabled, not accepting messages",
	    "the mailbox exists but does not take messages now", NULL,
	    "RFC 3463" },
	{ 2, 2, "mailbox full",
	    "the recipient is over quota; deleting mail there frees room",
	    NULL, "RFC 3463" },
	{ 2, 3, "message length exceeds administrative limit",
	    "the message is larger than this mailbox accepts", NULL,
	    "RFC 3463" },
	{ 2, 4, "mailing list expansion problem",
	    "the address is a mailing list that could not be expanded",
	    NULL, "RFC 3463" },
	{ 3, 0, "other or undefined mail system status",
	    "the destination system normally takes mail, but something "
	    "about it caused this", "mail system status: no further detail",
	    "RFC 3463" },
	{ 3, 1, "mail system full",
	    "the mail system's storage is exhausted", NULL, "RFC 3463" },
	{ 3, 2, "system not accepting network messages",
	    "the host takes no mail now (shutdown, load, maintenance)", NULL,
	    "RFC 3463" },
	{ 3, 3, "system not capable of selected features",
	    "a feature the message needs is not supported there", NULL,
	    "RFC 3463" },
	{ 3, 4, "message too big for system",
	    "the message is larger than the system's per-message limit",
	    NULL, "RFC 3463" },
	{ 3, 5, "system incorrectly configured",
	    "the system is not configured to accept this message", NULL,
	    "RFC 3463" },
	{ 3, 6, "requested priority was changed",
	    "the message was accepted with another priority than requested",
	    NULL, "RFC 6710" },
	{ 4, 0, "other or undefined network or routing status",
	    "something went wrong with networking or routing", NULL,
	    "RFC 3463" },
	{ 4, 1, "no answer from host",
	    "the next host did not answer the connection attempt", NULL,
	    "RFC 3463" },
	{ 4, 2, "bad connection",
	    "the connection was made but the transaction could not finish",
	    NULL, "RFC 3463" },
	{ 4, 3, "directory server failure",
	    "a directory server (e.g. DNS) was unavailable", NULL,
	    "RFC 3463" },
	{ 4, 4, "unable to route",
	    "no next hop could be determined (e.g. no MX or address "
	    "records)", NULL, "RFC 3463" },
	{ 4, 5, "mail system congestion",
	    "the mail system is congested", NULL, "RFC 3463" },
	{ 4, 6, "routing loop detected",
	    "the message was forwarded too many times", NULL, "RFC 3463" },
	{ 4, 7, "delivery time expired",
	    "the message was too old to keep trying", NULL, "RFC 3463" },
	{ 5, 0, "other or undefined protocol status",
	    "something about the mail protocol went wrong",
	    "protocol status: no further detail", "RFC 3463" },
	{ 5, 1, "invalid command",
	    "the command was out of sequence or is not supported", NULL,
	    "RFC 3463" },
	{ 5, 2, "syntax error",
	    "the command could not be interpreted", NULL, "RFC 3463" },
	{ 5, 3, "too many recipients",
	    "more recipients than can be delivered in one transaction",
	    NULL, "RFC 3463" },
	{ 5, 4, "invalid command arguments",
	    "the command's arguments are invalid or not supported", NULL,
	    "RFC 3463" },
	{ 5, 5, "wrong protocol version",
	    "a protocol version mismatch could not be resolved", NULL,
	    "RFC 3463" },
	{ 5, 6, "authentication exchange line is too long",
	    "the base64 AUTH response is longer than the server accepts",
	    NULL, "RFC 4954" },
	{ 6, 0, "other or undefined media error",
	    "something about the message content makes it undeliverable",
	    "message content status: no further detail", "RFC 3463" },
	{ 6, 1, "media not supported",
	    "the message's media type is not supported on the way", NULL,
	    "RFC 3463" },
	{ 6, 2, "conversion required and prohibited",
	    "the content needs conversion, which is not permitted", NULL,
	    "RFC 3463" },
	{ 6, 3, "conversion required but not supported",
	    "the content needs a conversion that is not possible (e.g. 8bit "
	    "to 7bit)", NULL, "RFC 3463" },
	{ 6, 4, "conversion with loss performed",
	    "delivery needed a conversion that lost some data",
	    "delivered, but a conversion lost some data", "RFC 3463" },
	{ 6, 5, "conversion failed",
	    "a required conversion failed", NULL, "RFC 3463" },
	{ 6, 6, "message content not available",
	    "the content could not be fetched from a remote system (BURL)",
	    NULL, "RFC 4468" },
	{ 6, 7, "non-ASCII addresses not permitted for that "
	    "sender/recipient",
	    "the address needs SMTPUTF8, which is not available", NULL,
	    "RFC 6531" },
	{ 6, 8, "UTF-8 string reply is required, but not permitted by the "
	    "SMTP client",
	    "the answer contains UTF-8, but the client did not ask for "
	    "SMTPUTF8", NULL, "RFC 6531" },
	{ 6, 9, "UTF-8 header message cannot be transferred to one or more "
	    "recipients",
	    "the message has UTF-8 headers the next hop cannot take", NULL,
	    "RFC 6531" },
	{ 6, 10, "duplicate of X.6.8, deprecated",
	    "UTF-8 string reply required but not permitted by the client",
	    NULL, "RFC 6531" },
	{ 7, 0, "other or undefined security status",
	    "a security or policy condition caused this",
	    "security status: no further detail (e.g. authenticated)",
	    "RFC 3463" },
	{ 7, 1, "delivery not authorized, message refused",
	    "the sender is not authorized to send to this destination "
	    "(per-host or per-recipient policy, e.g. relaying denied)", NULL,
	    "RFC 3463" },
	{ 7, 2, "mailing list expansion prohibited",
	    "the sender may not send to this mailing list", NULL,
	    "RFC 3463" },
	{ 7, 3, "security conversion required but not possible",
	    "a conversion between secure messaging protocols was needed",
	    NULL, "RFC 3463" },
	{ 7, 4, "security features not supported",
	    "the message uses security features the path cannot support",
	    NULL, "RFC 3463" },
	{ 7, 5, "cryptographic failure",
	    "a message could not be validated or decrypted: key missing or "
	    "invalid", NULL, "RFC 3463" },
	{ 7, 6, "cryptographic algorithm not supported",
	    "the algorithm needed to validate or decrypt is not supported",
	    NULL, "RFC 3463" },
	{ 7, 7, "message integrity failure",
	    "the message was corrupted or altered", NULL, "RFC 3463" },
	{ 7, 8, "authentication credentials invalid",
	    "user name or password (or token) wrong; ask the user again",
	    NULL, "RFC 4954" },
	{ 7, 9, "authentication mechanism is too weak",
	    "use a stronger SASL mechanism for this user", NULL,
	    "RFC 4954" },
	{ 7, 10, "encryption needed",
	    "start TLS (or use a stronger mechanism) before authenticating",
	    NULL, "RFC 5248" },
	{ 7, 11, "encryption required for requested authentication "
	    "mechanism",
	    "this mechanism is only allowed on an encrypted connection",
	    NULL, "RFC 4954" },
	{ 7, 12, "a password transition is needed",
	    "authenticate once with PLAIN (over TLS) to enable this "
	    "mechanism", NULL, "RFC 4954" },
	{ 7, 13, "user account disabled",
	    "the credentials were right but the account is disabled; "
	    "contact the administrator", NULL, "RFC 5248" },
	{ 7, 14, "trust relationship required",
	    "the submission server needs a configured trust relationship "
	    "with a third-party server", NULL, "RFC 5248" },
	{ 7, 15, "priority level is too low",
	    "the requested priority is below what the server accepts now",
	    NULL, "RFC 6710" },
	{ 7, 16, "message is too big for the specified priority",
	    "messages this large need a lower priority here", NULL,
	    "RFC 6710" },
	{ 7, 17, "mailbox owner has changed",
	    "the mailbox changed hands since the RRVS date", NULL,
	    "RFC 7293" },
	{ 7, 18, "domain owner has changed",
	    "the recipient's domain changed hands since the RRVS date", NULL,
	    "RFC 7293" },
	{ 7, 19, "RRVS test cannot be completed",
	    "the server cannot tell whether the mailbox changed hands since "
	    "the RRVS date", NULL, "RFC 7293" },
	{ 7, 20, "no passing DKIM signature found",
	    "the message has no valid DKIM signature", NULL, "RFC 7372" },
	{ 7, 21, "no acceptable DKIM signature found",
	    "DKIM signatures pass, but none is acceptable to local policy",
	    NULL, "RFC 7372" },
	{ 7, 22, "no valid author-matched DKIM signature found",
	    "no passing DKIM signature matches the From: domain", NULL,
	    "RFC 7372" },
	{ 7, 23, "SPF validation failed",
	    "the sending host is not allowed by the sender domain's SPF "
	    "record", NULL, "RFC 7372" },
	{ 7, 24, "SPF validation error",
	    "evaluating the sender domain's SPF record failed", NULL,
	    "RFC 7372" },
	{ 7, 25, "reverse DNS validation failed",
	    "the client's IP address failed the reverse DNS check", NULL,
	    "RFC 7372" },
	{ 7, 26, "multiple authentication checks failed",
	    "more than one message authentication check failed", NULL,
	    "RFC 7372" },
	{ 7, 27, "sender address has null MX",
	    "the sender's domain publishes a null MX, so no bounce could "
	    "reach it", NULL, "RFC 7505" },
	{ 7, 28, "mail flood detected",
	    "the message looks like part of a flood of similar abusive "
	    "messages", NULL, "IANA registry" },
	{ 7, 29, "ARC validation failure",
	    "the message's ARC chain did not validate", NULL, "RFC 8617" },
	{ 7, 30, "REQUIRETLS support required",
	    "the message needs REQUIRETLS, which the next hop lacks", NULL,
	    "RFC 8689" },
};

/* RFC 3463 3.1-3.8 subject titles. */
static const char *const enh_subjects[8] = {
	"other or undefined status",
	"addressing status",
	"mailbox status",
	"mail system status",
	"network and routing status",
	"mail delivery protocol status",
	"message content or media status",
	"security or policy status",
};

static const char *
enh_class_text(int cls)
{
	switch (cls) {
	case 2:
		return "success: the action this reports was done";
	case 4:
		return "persistent transient failure: the message is valid, "
		    "a temporary condition stopped it; sending again later "
		    "may succeed";
	case 5:
		return "permanent failure: resending it as is will not "
		    "succeed; the message or the destination must change";
	default:
		return "not a registered class (only 2, 4 and 5 are)";
	}
}

static const struct enh_code *
enh_lookup(int subject, int detail)
{
	size_t	i;

	for (i = 0; i < nitems(enh_codes); i++)
		if (enh_codes[i].subject == subject &&
		    enh_codes[i].detail == detail)
			return &enh_codes[i];
	return NULL;
}

/*
 * Codes whose registered text reads as a permanent refusal, as they mean
 * with class 4 (RFC 3463 3.1: "persistent transient failure": the same
 * message may go through later). 4.7.1 is what greylisting servers send
 * (Postfix's postgrey and policyd "Greylisted", the lab's greylist
 * scenario, Microsoft 365's "451 4.7.500-699" throttling is the same idea:
 * see https://smtp.codes/exchangeonline): a deferral, never "relaying
 * denied", which is only ever permanent (550 5.7.1).
 */
static const struct {
	int		 subject, detail;
	const char	*text;
} enh_temp[] = {
	{ 7, 0, "with class 4 a security or policy check that failed for "
	    "now; try again later" },
	{ 7, 1, "with class 4 a temporary policy refusal (greylisting, a "
	    "rate limit): a deferral; try again later, normally after a few "
	    "minutes" },
	{ 7, 2, "with class 4 the list refuses this sender for now; try "
	    "again later" },
};

int
meaning_enhanced(int cls, int subject, int detail, struct buf *out)
{
	const struct enh_code *e = enh_lookup(subject, detail);
	size_t	i;

	if (e != NULL && cls == 4)
		for (i = 0; i < nitems(enh_temp); i++)
			if (enh_temp[i].subject == subject &&
			    enh_temp[i].detail == detail)
				return buf_printf(out, "%s: %s", e->title,
				    enh_temp[i].text);
	if (e != NULL)
		return buf_printf(out, "%s: %s", e->title,
		    cls == 2 && e->ok != NULL ? e->ok : e->text);
	if (subject >= 0 && subject < 8)
		return buf_printf(out, "%s: detail %d is not registered",
		    enh_subjects[subject], detail);
	return buf_printf(out, "unregistered subject %d and detail %d",
	    subject, detail);
}

const char *
meaning_pop3_resp_code(const char *code)
{
	const struct pop3_code *c = pop3_code_lookup(code);

	return c != NULL ? c->text : NULL;
}

/* "[SYS/FOO]" -> the meaning of "SYS" plus a note; unknown -> a note. The
 * texts are proto/pop3-codes.c's, shared with the "= " explainer. */
static int
pop3_resp_describe(const char *code, struct buf *out)
{
	const struct pop3_code	*c;
	int			 sub;
	const char		*slash;

	if ((c = pop3_code_find(code, &sub)) == NULL)
		return buf_append_str(out, "unknown response code");
	if (!sub)
		return buf_append_str(out, c->text);
	slash = strchr(code, '/');
	return buf_printf(out, "%s; the sub-code after %.*s/ is not "
	    "registered", c->text, (int)(slash - code), code);
}

int
meaning_reply(enum reply_proto proto, const struct reply_line *r,
    const char *verb, struct buf *out)
{
	int	rc = 0;

	if (proto == REPLY_POP3) {
		if (r->pop3 == REPLY_POP3_CONT)
			return buf_append_str(out, "+ server challenge: send "
			    "the next SASL response in base64, or \"*\" to "
			    "cancel (RFC 5034)");
		rc |= buf_append_str(out, r->pop3 == REPLY_POP3_OK ?
		    "+OK positive reply" : "-ERR negative reply");
		if (r->resp_code[0] != '\0') {
			rc |= buf_printf(out, " \xc2\xb7 [%s] ", r->resp_code);
			rc |= pop3_resp_describe(r->resp_code, out);
		}
		return rc ? -1 : 0;
	}
	rc |= buf_printf(out, "%d %s", r->code,
	    meaning_smtp_code(r->code, verb));
	if (r->enh_class != 0) {
		rc |= buf_printf(out, " \xc2\xb7 %s ", r->enh);
		rc |= meaning_enhanced(r->enh_class, r->enh_subject,
		    r->enh_detail, out);
	}
	return rc ? -1 : 0;
}

/* Every contextual meaning of an SMTP code, one line each. */
static int
explain_smtp(int code, struct buf *out)
{
	const struct smtp_code *def = smtp_lookup(code, NULL);
	size_t	i, j;
	int	rc = 0;

	rc |= buf_printf(out, "%d %s%s\n", code, meaning_smtp_code(code,
	    NULL), def != NULL && strstr(def->text, "RFC ") == NULL ?
	    " (RFC 5321 4.2)" : "");
	rc |= buf_printf(out, "  %s\n", smtp_class_text[code / 100 - 2]);
	for (i = 0; i < nitems(smtp_codes); i++) {
		const struct smtp_code *c = &smtp_codes[i];
		const char *sep = "";

		if (c->code != code || c->verbs == NULL)
			continue;
		size_t n = 0, k = 0;

		rc |= buf_append_str(out, "  ");
		for (j = 0; j < nitems(contexts); j++)
			if (word_in(c->verbs, contexts[j].verb))
				n++;
		for (j = 0; j < nitems(contexts); j++) {
			const char *l = contexts[j].label;

			if (!word_in(c->verbs, contexts[j].verb))
				continue;
			/* "after DATA, the final "." or BDAT" */
			if (k > 0 && strncmp(l, "after ", 6) == 0)
				l += 6;
			sep = k == 0 ? "" : k + 1 == n ? " or " : ", ";
			rc |= buf_printf(out, "%s%s", sep, l);
			k++;
		}
		rc |= buf_printf(out, ": %s\n", c->text);
	}
	return rc;
}

static int
explain_enhanced(int cls, int subject, int detail, struct buf *out)
{
	const struct enh_code *e = enh_lookup(subject, detail);
	int	rc = 0;

	rc |= buf_printf(out, "%d.%d.%d ", cls, subject, detail);
	rc |= meaning_enhanced(cls, subject, detail, out);
	if (e != NULL)
		rc |= buf_printf(out, " (%s)", e->rfc);
	rc |= buf_printf(out, "\n  class %d: %s\n", cls, enh_class_text(cls));
	if (subject >= 0 && subject < 8)
		rc |= buf_printf(out, "  subject %d: %s\n", subject,
		    enh_subjects[subject]);
	else
		rc |= buf_printf(out, "  subject %d: not registered "
		    "(RFC 3463 defines 0..7)\n", subject);
	if (e == NULL)
		rc |= buf_printf(out, "  detail %d: not in the IANA registry\n",
		    detail);
	return rc;
}

static void
skip_spaces(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* "X.Y.Z" at *p: 1 digit class, 1..3 digit subject and detail. */
static bool
scan_enhanced(const char **p, int *c_r, int *s_r, int *d_r)
{
	const char *q = *p;
	int	v[3], k, n;

	for (k = 0; k < 3; k++) {
		if (k > 0) {
			if (*q != '.')
				return false;
			q++;
		}
		v[k] = 0;
		for (n = 0; *q >= '0' && *q <= '9'; n++, q++) {
			if (n == 3)
				return false;
			v[k] = v[k] * 10 + (*q - '0');
		}
		if (n == 0 || (k == 0 && n != 1))
			return false;
	}
	if (*q != '\0' && *q != ' ' && *q != '\t')
		return false;
	*c_r = v[0];
	*s_r = v[1];
	*d_r = v[2];
	*p = q;
	return true;
}

/* "[CODE]" or "CODE" alone: the response code, upper-cased. */
static int
explain_resp_code(const char *code, size_t len, struct buf *out)
{
	const struct pop3_code *pc;
	char	 c[64];
	size_t	 i;
	int	 rc = 0;

	if (len == 0 || len >= sizeof(c))
		return -1;
	for (i = 0; i < len; i++) {
		char ch = code[i];

		if ((unsigned char)ch < 0x21 || (unsigned char)ch > 0x7e ||
		    ch == '[' || ch == ']')
			return -1;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		c[i] = ch;
	}
	c[len] = '\0';
	rc |= buf_printf(out, "[%s] ", c);
	rc |= pop3_resp_describe(c, out);
	rc |= buf_append_str(out, "\n");
	if ((pc = pop3_code_find(c, NULL)) != NULL && pc->next != NULL)
		rc |= buf_printf(out, "  next: %s\n", pc->next);
	if (meaning_pop3_resp_code(c) == NULL)
		rc |= buf_append_str(out, "  POP3 response codes (RFC 2449 8) "
		    "are registered with IANA: IN-USE, LOGIN-DELAY, SYS/TEMP, "
		    "SYS/PERM, AUTH, UTF8\n");
	return rc ? -2 : 0;
}

static int
explain_pop3(const char *arg, struct buf *out, const char **errstr_r)
{
	struct reply_line r;
	size_t	 len = strlen(arg);
	int	 rc = 0;

	if (reply_parse_line(REPLY_POP3, arg, len, &r, errstr_r) < 0)
		return -1;
	switch (r.pop3) {
	case REPLY_POP3_OK:
		rc |= buf_append_str(out, "+OK positive reply (RFC 1939 3): "
		    "the command succeeded\n");
		break;
	case REPLY_POP3_ERR:
		rc |= buf_append_str(out, "-ERR negative reply (RFC 1939 3): "
		    "the command failed; the text says why, a [RESP-CODE] "
		    "says it for programs (RFC 2449 8)\n");
		break;
	case REPLY_POP3_CONT:
		rc |= buf_append_str(out, "+ server challenge (RFC 5034 4): "
		    "send the next SASL response in base64, or \"*\" to "
		    "cancel\n");
		return rc ? -2 : 0;
	}
	if (r.resp_code[0] != '\0') {
		int e = explain_resp_code(r.resp_code, strlen(r.resp_code),
		    out);

		if (e < 0)
			return -2;
	} else if (r.text_len > 0 && r.text[0] == '[') {
		*errstr_r = "malformed [RESP-CODE]: RFC 2449 8 wants "
		    "\"[\" printable words separated by \"/\" \"]\"";
		return -1;
	}
	return rc ? -2 : 0;
}

int
meaning_explain(const char *arg, struct buf *out, const char **errstr_r)
{
	const char *p = arg, *dummy;
	int	 code = 0, cls, subj, det, rc = 0;
	bool	 have_enh = false;

	if (errstr_r == NULL)
		errstr_r = &dummy;
	if (arg == NULL) {
		*errstr_r = "nothing to explain";
		return -1;
	}
	skip_spaces(&p);
	if (*p == '\0') {
		*errstr_r = "nothing to explain";
		return -1;
	}
	if (*p == '+' || *p == '-') {
		rc = explain_pop3(p, out, errstr_r);
		if (rc == -2) {
			*errstr_r = "output too long";
			return -1;
		}
		return rc;
	}
	if (*p == '[') {
		const char *e = strchr(p, ']');
		const char *q;

		if (e == NULL || e == p + 1) {
			*errstr_r = "a POP3 response code is written "
			    "[CODE], e.g. [IN-USE]";
			return -1;
		}
		q = e + 1;
		skip_spaces(&q);
		if (*q != '\0') {
			*errstr_r = "unexpected text after the response code";
			return -1;
		}
		rc = explain_resp_code(p + 1, (size_t)(e - p - 1), out);
		if (rc == -1)
			*errstr_r = "not a POP3 response code: printable "
			    "ASCII words separated by \"/\", e.g. [SYS/TEMP]";
		else if (rc == -2)
			*errstr_r = "output too long";
		return rc < 0 ? -1 : 0;
	}
	if (p[0] >= '0' && p[0] <= '9' && p[1] == '.') {
		if (!scan_enhanced(&p, &cls, &subj, &det)) {
			*errstr_r = "not an enhanced status code: write "
			    "class.subject.detail, e.g. 5.7.1 (RFC 3463)";
			return -1;
		}
		have_enh = true;
	} else if (p[0] >= '0' && p[0] <= '9') {
		struct reply_line r;
		size_t	n = 0;

		while (p[n] >= '0' && p[n] <= '9')
			n++;
		if (n != 3) {
			*errstr_r = "an SMTP reply code has three digits "
			    "(RFC 5321 4.2)";
			return -1;
		}
		/* Accept a pasted reply line: "550-5.7.1 Relaying denied". */
		if (reply_parse_line(REPLY_SMTP, p, strlen(p), &r,
		    errstr_r) < 0)
			return -1;
		code = r.code;
		p += p[3] == '\0' ? 3 : 4;
		skip_spaces(&p);
		if (r.enh_class == 0 && scan_enhanced(&p, &cls, &subj, &det)) {
			/* "250 5.7.1": a class that does not match. */
			have_enh = true;
		} else if (r.enh_class == 0 && p[0] >= '0' && p[0] <= '9' &&
		    p[1] == '.') {
			/* "550 5.7": a typo, not reply text. */
			*errstr_r = "not an enhanced status code: write "
			    "class.subject.detail, e.g. 5.7.1 (RFC 3463)";
			return -1;
		} else if (r.enh_class != 0) {
			cls = r.enh_class;
			subj = r.enh_subject;
			det = r.enh_detail;
			have_enh = true;
		}
	} else {
		*errstr_r = "not a reply code: try 550, 550 5.7.1, 4.2.2, "
		    "+OK or -ERR [IN-USE]";
		return -1;
	}
	if (have_enh && cls != 2 && cls != 4 && cls != 5) {
		*errstr_r = "the class of an enhanced status code is 2, 4 or "
		    "5 (RFC 3463 3.1)";
		return -1;
	}
	if (code != 0)
		rc |= explain_smtp(code, out);
	if (have_enh)
		rc |= explain_enhanced(cls, subj, det, out);
	if (code != 0 && have_enh && code / 100 != cls)
		rc |= buf_printf(out, "note: the enhanced code's class %d does "
		    "not match the reply code's first digit %d (RFC 3463 "
		    "and RFC 2034 want them equal)\n", cls, code / 100);
	if (code != 0 && code / 100 == 3 && have_enh)
		rc |= buf_append_str(out, "note: 3yz replies carry no enhanced "
		    "status code (RFC 2034 4)\n");
	if (rc) {
		*errstr_r = "output too long";
		return -1;
	}
	return 0;
}

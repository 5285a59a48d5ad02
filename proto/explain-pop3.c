/* SPDX-License-Identifier: MIT */
/* POP3 replies explained by command, reply class and session facts:
 * positive replies with their numbers decoded and their effect stated
 * (RFC 1939, RFC 2449, RFC 2595, RFC 5034), SASL challenges decoded;
 * -ERR replies are explain-pop3-err.c's. */
#include <stdio.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/explain-pop3-int.h"
#include "proto/meaning.h"
#include "proto/sasl.h"
#include "proto/verbs.h"
#include "base/util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define DOT		" \xc2\xb7 "

/* Longest decoded SASL prompt quoted. */
#define PROMPT_SHOWN	120

bool
pop3_verb_in(const char *list, const char *verb)
{
	size_t	 n = strlen(verb);
	const char *p = list;
	const struct verb *v = verb_find(REPLY_POP3, verb, n);

	while (*p != '\0') {
		size_t	w = strcspn(p, " ");

		if (w == n && memcmp(p, verb, n) == 0)
			return true;
		/* A group of the verb table (proto/verbs.h). */
		if (v != NULL && ((w == 13 && memcmp(p, "(transaction)", 13) ==
		    0 && (v->flags & VERB_TRANSACTION)) || (w == 7 &&
		    memcmp(p, "(login)", 7) == 0 && (v->flags & VERB_LOGIN))))
			return true;
		p += w;
		while (*p == ' ')
			p++;
	}
	return false;
}

int
pop3_put_count(struct buf *out, uint64_t v)
{
	char	 d[32];
	int	 n, i, rc = 0;

	n = snprintf(d, sizeof(d), "%llu", (unsigned long long)v);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			rc |= buf_append_byte(out, ',');
		rc |= buf_append_byte(out, d[i]);
	}
	return rc;
}

int
pop3_put_octets(struct buf *out, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double	d = (double)v / 1024;
	size_t	u = 0;
	int	rc = 0;

	rc |= pop3_put_count(out, v);
	rc |= buf_append_str(out, v == 1 ? " octet" : " octets");
	if (v < 1024)
		return rc;
	while (d >= 1024 && u + 1 < nitems(units)) {
		d /= 1024;
		u++;
	}
	return rc | buf_printf(out, " (%.1f %s)", d, units[u]);
}

/* A decimal number at *i in p[0..len): its value, *i moved past it. */
static bool
scan_number(const char *p, size_t len, size_t *i, uint64_t *v_r)
{
	size_t	w = *i;

	while (w < len && p[w] >= '0' && p[w] <= '9')
		w++;
	if (w == *i || parse_uint(p + *i, w - *i, UINT64_MAX, v_r) == -1)
		return false;
	*i = w;
	return true;
}

/* "n m" at the start of the reply text (STAT, LIST n). */
static bool
two_numbers(const struct px *x, uint64_t *a, uint64_t *b)
{
	size_t	i = 0;

	if (!scan_number(x->r->text, x->r->text_len, &i, a) ||
	    i >= x->r->text_len || x->r->text[i] != ' ')
		return false;
	i++;
	return scan_number(x->r->text, x->r->text_len, &i, b) &&
	    (i == x->r->text_len || x->r->text[i] == ' ');
}

/* A number followed by word ("366 octets", "3 messages") anywhere in the
 * reply text, as Dovecot ("+OK 366 octets") and the lab ("+OK Logged in
 * as student: 3 messages (1234 octets)") say it. */
static bool
number_before(const struct px *x, const char *word, uint64_t *v_r)
{
	const char	*p = x->r->text;
	size_t		 len = x->r->text_len, wl = strlen(word), i, j;

	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || (i > 0 && p[i - 1] >= '0' &&
		    p[i - 1] <= '9'))
			continue;
		j = i;
		if (!scan_number(p, len, &j, v_r))
			continue;
		if (j < len && p[j] == ' ' && len - j - 1 >= wl &&
		    slice_eq_ci(p + j + 1, wl, word))
			return true;
	}
	return false;
}

static int
put_msg(const struct px *x, struct buf *out)
{
	if (x->have_n)
		return buf_printf(out, "message %llu",
		    (unsigned long long)x->n);
	return buf_append_str(out, "the message");
}

/* The second argument (TOP's line count), when it is a number. */
static bool
second_arg(const struct px *x, uint64_t *v_r)
{
	const char	*sp;
	size_t		 i;

	if (x->arg == NULL || (sp = memchr(x->arg, ' ', x->arg_len)) == NULL)
		return false;
	i = (size_t)(sp - x->arg) + 1;
	return scan_number(x->arg, x->arg_len, &i, v_r) && i == x->arg_len;
}

/* Kept to one line at 80 columns (73 characters after the screen's
 * indent): it opens every session, below the lab's banner
 * (tests/screen/lab.sh reads the banner at 80x24). RFC 1939 4 and 7. */
static int
ok_greeting(const struct px *x, struct buf *out)
{
	const char	*ts;
	size_t		 tslen;

	if (sasl_apop_timestamp(x->r->text, x->r->text_len, &ts, &tslen) == 0)
		return buf_append_str(out, "+OK ready: log in; the <...> in "
		    "the greeting means APOP is offered");
	return buf_append_str(out, "+OK ready: log in with USER and PASS, "
	    "or AUTH (RFC 1939 4)");
}

static int
ok_login(const struct px *x, struct buf *out)
{
	uint64_t	n, octets;
	int		rc = 0;

	rc |= buf_append_str(out, "+OK logged in: the session is in "
	    "TRANSACTION and the maildrop is locked for this session until "
	    "QUIT (RFC 1939 4)");
	if (number_before(x, "message", &n) ||
	    number_before(x, "messages", &n)) {
		rc |= buf_append_str(out, DOT);
		rc |= pop3_put_count(out, n);
		rc |= buf_append_str(out, n == 1 ? " message" : " messages");
		if (number_before(x, "octets", &octets)) {
			rc |= buf_append_str(out, ", ");
			rc |= pop3_put_octets(out, octets);
		}
	}
	return rc | buf_append_str(out, DOT "next: STAT, LIST, RETR n");
}

static int
ok_user(const struct px *x, struct buf *out)
{
	(void)x;
	return buf_append_str(out, "+OK user name taken: now send PASS "
	    "with the password (RFC 1939 7)" DOT "many servers accept any "
	    "name here, so a wrong name only shows at PASS");
}

static int
ok_auth(const struct px *x, struct buf *out)
{
	/* Bare "AUTH" lists the mechanisms; with an initial response the
	 * argument is a secret (NULL). */
	if (x->arg != NULL && x->arg_len == 0)
		return buf_append_str(out, "+OK the SASL mechanisms this "
		    "server offers follow, one a line (CAPA's SASL line says "
		    "the same, RFC 2449 6.3)");
	return ok_login(x, out);
}

static int
ok_stat(const struct px *x, struct buf *out)
{
	uint64_t	n, octets;
	int		rc = 0;

	if (!two_numbers(x, &n, &octets))
		return buf_append_str(out, "+OK maildrop status, but not in "
		    "the \"+OK count octets\" form RFC 1939 5 asks for");
	rc |= buf_append_str(out, "+OK ");
	rc |= pop3_put_count(out, n);
	rc |= buf_append_str(out, n == 1 ? " message, " : " messages, ");
	rc |= pop3_put_octets(out, octets);
	rc |= buf_append_str(out, " in the maildrop");
	if (x->f->pending_deletions > 0)
		rc |= buf_printf(out, ", not counting the %zu marked for "
		    "deletion", x->f->pending_deletions);
	return rc | buf_append_str(out, " (RFC 1939 5)");
}

static int
ok_list(const struct px *x, struct buf *out)
{
	uint64_t	n, size;
	int		rc = 0;

	if (x->arg_len > 0 && two_numbers(x, &n, &size)) {
		rc |= buf_printf(out, "+OK message %llu is ",
		    (unsigned long long)n);
		rc |= pop3_put_octets(out, size);
		return rc | buf_append_str(out, " (RFC 1939 5)");
	}
	if (x->arg_len > 0)
		return buf_append_str(out, "+OK the size of the message, but "
		    "not in the \"+OK n octets\" form RFC 1939 5 asks for");
	rc |= buf_append_str(out, "+OK scan listing follows: one \"number "
	    "size\" line per message, sizes in octets; messages marked for "
	    "deletion are left out (RFC 1939 5)");
	if (number_before(x, "messages", &n) ||
	    number_before(x, "message", &n)) {
		rc |= buf_append_str(out, DOT);
		rc |= pop3_put_count(out, n);
		rc |= buf_append_str(out, n == 1 ? " message" : " messages");
	}
	return rc;
}

static int
ok_uidl(const struct px *x, struct buf *out)
{
	uint64_t	 n;
	size_t		 i = 0;

	if (x->arg_len > 0 && scan_number(x->r->text, x->r->text_len, &i,
	    &n) && i < x->r->text_len && x->r->text[i] == ' ')
		return buf_printf(out, "+OK message %llu has the unique id "
		    "\"%.*s\": the same message keeps it in later sessions, "
		    "unlike its number (RFC 1939 7)", (unsigned long long)n,
		    (int)(x->r->text_len - i - 1 > 70 ? 70 :
		    x->r->text_len - i - 1), x->r->text + i + 1);
	return buf_append_str(out, "+OK unique-id listing follows: one "
	    "\"number id\" line per message; an id stays the same across "
	    "sessions, a number may not (RFC 1939 7)");
}

static int
ok_top(const struct px *x, struct buf *out)
{
	uint64_t	lines;
	int		rc = 0;

	rc |= buf_append_str(out, "+OK the headers of ");
	rc |= put_msg(x, out);
	if (second_arg(x, &lines) && lines == 0)
		rc |= buf_append_str(out, " follow, no body lines (TOP n 0)");
	else if (second_arg(x, &lines))
		rc |= buf_printf(out, " follow, then its first %llu body "
		    "line%s", (unsigned long long)lines, lines == 1 ? "" : "s");
	else
		rc |= buf_append_str(out, " follow, then the body lines asked "
		    "for");
	return rc | buf_append_str(out, "; nothing is marked read or "
	    "deleted (RFC 1939 7)");
}

static int
ok_retr(const struct px *x, struct buf *out)
{
	uint64_t	octets;
	int		rc = 0;

	rc |= buf_append_str(out, "+OK ");
	rc |= put_msg(x, out);
	rc |= buf_append_str(out, " follows");
	if (number_before(x, "octets", &octets) ||
	    number_before(x, "octet", &octets)) {
		rc |= buf_append_str(out, ", ");
		rc |= pop3_put_octets(out, octets);
	}
	return rc | buf_append_str(out, ", up to a line holding only "
	    "\".\"" DOT "retrieving does not delete it: DELE n marks it "
	    "(RFC 1939 5)");
}

static int
ok_dele(const struct px *x, struct buf *out)
{
	size_t	marked = x->f->pending_deletions + 1;
	int	rc = 0;

	rc |= buf_append_str(out, "+OK ");
	rc |= put_msg(x, out);
	rc |= buf_printf(out, " is only marked for deletion: the server "
	    "removes it when QUIT ends the session; RSET unmarks" DOT
	    "%zu message%s marked now (RFC 1939 5)", marked,
	    marked == 1 ? "" : "s");
	return rc;
}

static int
ok_rset(const struct px *x, struct buf *out)
{
	size_t	n = x->f->pending_deletions;

	if (n == 0)
		return buf_append_str(out, "+OK nothing was marked for "
		    "deletion, so nothing changed (RFC 1939 5)");
	return buf_printf(out, "+OK deletion marks removed: %zu message%s "
	    "unmarked; QUIT now deletes nothing (RFC 1939 5)", n,
	    n == 1 ? "" : "s");
}

static int
ok_noop(const struct px *x, struct buf *out)
{
	(void)x;
	return buf_append_str(out, "+OK the server is alive; nothing "
	    "changed (RFC 1939 5)");
}

static int
ok_quit(const struct px *x, struct buf *out)
{
	size_t	n = x->f->pending_deletions;

	if (!x->f->authed)
		return buf_append_str(out, "+OK session closed before "
		    "logging in: nothing changed in the maildrop (RFC 1939 "
		    "6)");
	if (n == 0)
		return buf_append_str(out, "+OK session over: nothing was "
		    "marked, nothing deleted; the maildrop is unlocked "
		    "(RFC 1939 6)");
	return buf_printf(out, "+OK session over: the server removed the "
	    "%zu message%s marked for deletion: %zu deletion%s made final "
	    "(RFC 1939 6)", n, n == 1 ? "" : "s", n, n == 1 ? "" : "s");
}

static int
ok_stls(const struct px *x, struct buf *out)
{
	(void)x;
	return buf_append_str(out, "+OK start TLS now: the handshake "
	    "follows; the capabilities are forgotten and asked again over "
	    "TLS (RFC 2595 4)");
}

static int
ok_capa(const struct px *x, struct buf *out)
{
	(void)x;
	return buf_append_str(out, "+OK capability list follows, one a "
	    "line, each explained below (RFC 2449 5)");
}

/* A "+ " challenge (RFC 5034 4): its base64 decoded, never a secret. */
static int
challenge(const struct px *x, struct buf *out)
{
	struct buf	 d;
	size_t		 i;
	bool		 printable = true;
	int		 rc = 0;

	if (x->r->text_len == 0)
		return buf_append_str(out, "+ empty challenge: send the "
		    "response in base64 (for PLAIN: NUL, user, NUL, password), "
		    "or \"*\" to cancel (RFC 5034 4)");
	buf_init(&d, 1024);
	if (sasl_base64_decode(x->r->text, x->r->text_len, &d) == -1) {
		buf_clear(&d);
		return buf_append_str(out, "+ challenge that is not valid "
		    "base64 (RFC 5034 4 wants base64): answer \"*\" to "
		    "cancel");
	}
	for (i = 0; i < d.len; i++)
		if ((unsigned char)d.data[i] < 0x20 ||
		    (unsigned char)d.data[i] > 0x7e)
			printable = false;
	if (!printable)
		rc |= buf_printf(out, "+ challenge of %zu binary bytes "
		    "(decoded from base64): the mechanism's next step; "
		    "answer in base64, or \"*\" to cancel", d.len);
	else if (d.len > 1 && d.data[0] == '<' && d.data[d.len - 1] == '>')
		rc |= buf_printf(out, "+ challenge \"%.*s\" (decoded from "
		    "base64): answer with the user name and an HMAC-MD5 of it "
		    "keyed with the password, in base64 (CRAM-MD5, RFC 2195)",
		    (int)(d.len > PROMPT_SHOWN ? PROMPT_SHOWN : d.len),
		    d.data);
	else
		rc |= buf_printf(out, "+ the server asks \"%.*s\"%s (decoded "
		    "from base64): answer in base64, or \"*\" to cancel "
		    "(RFC 5034 4)", (int)(d.len > PROMPT_SHOWN ? PROMPT_SHOWN :
		    d.len), d.data, d.len > PROMPT_SHOWN ? "..." : "");
	buf_clear(&d);
	return rc;
}

/* Positive replies by command. */
static const struct {
	const char	*verbs;
	int		(*fn)(const struct px *, struct buf *);
} oks[] = {
	{ "USER", ok_user },
	{ "PASS APOP", ok_login },
	{ "AUTH", ok_auth },
	{ "STAT", ok_stat },
	{ "LIST", ok_list },
	{ "UIDL", ok_uidl },
	{ "TOP", ok_top },
	{ "RETR", ok_retr },
	{ "DELE", ok_dele },
	{ "RSET", ok_rset },
	{ "NOOP", ok_noop },
	{ "QUIT", ok_quit },
	{ "STLS", ok_stls },
	{ "CAPA", ok_capa },
};

int
explain_pop3(const struct session_facts *f, const struct explain_cmd *cmd,
    const struct reply_line *r, const char *whole, size_t whole_len,
    struct buf *out)
{
	struct px	 x;
	size_t		 i, w;
	int		 rc;

	(void)whole;
	(void)whole_len;
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.r = r;
	x.verb = cmd->verb != NULL ? cmd->verb : "?";
	x.arg = cmd->arg;
	x.arg_len = cmd->arg != NULL ? cmd->arg_len : 0;
	for (w = 0; w < x.arg_len && x.arg[w] != ' '; w++)
		;
	x.have_n = w > 0 && parse_uint(x.arg, w, UINT64_MAX,
	    &x.n) == 0;
	if (cmd->verb == NULL)
		return meaning_reply(REPLY_POP3, r, NULL, out);
	if (!f->greeted) {
		if (r->pop3 == REPLY_POP3_OK)
			return ok_greeting(&x, out);
		return pop3_explain_err(&x, out);
	}
	if (r->pop3 == REPLY_POP3_CONT) {
		if (pop3_verb_in("AUTH", x.verb) || x.verb[0] == '\0')
			return challenge(&x, out);
		return meaning_reply(REPLY_POP3, r, x.verb, out);
	}
	if (r->pop3 == REPLY_POP3_ERR)
		return pop3_explain_err(&x, out);
	/* A line answering a SASL challenge: its +OK ends the login. */
	if (x.verb[0] == '\0')
		return ok_login(&x, out);
	for (i = 0; i < nitems(oks); i++)
		if (pop3_verb_in(oks[i].verbs, x.verb))
			return oks[i].fn(&x, out);
	rc = buf_printf(out, "+OK the server accepted %s", x.verb);
	return rc;
}

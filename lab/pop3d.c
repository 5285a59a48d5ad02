/* SPDX-License-Identifier: MIT */
/* The lab's POP3 session (RFC 1939, 2449, 2595, 5034, 3206): one command
 * line in, replies out; AUTHORIZATION -> TRANSACTION -> UPDATE at QUIT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab-int.h"
#include "proto/dot.h"
#include "proto/limits.h"
#include "proto/sasl.h"
#include "base/util.h"

enum pop3d_state {
	POP3D_AUTHORIZATION,
	POP3D_TRANSACTION,
	POP3D_UPDATE,
};

struct pop3d {
	struct lab_sess		*s;
	struct lab		*lab;
	enum pop3d_state	 state;
	char			 apop_ts[128];
	char			 user[72];	/* from USER; validated */
	bool			 have_user;
	bool			 in_sasl;
	struct labsasl		 sasl;
	struct lab_account	*acct;
	int			 lockfd;
	struct maildir_msg	*msgs;
	size_t			 n;
	unsigned		 errors;
};

/* RFC 1939 4-5: the commands of one state, refused with a reason in the
 * other (CAPA, QUIT are valid in both). */
static const char *const authorization_verbs[] = {
	"USER", "PASS", "APOP", "AUTH", "STLS", NULL,
};
static const char *const transaction_verbs[] = {
	"STAT", "LIST", "UIDL", "RETR", "TOP", "DELE", "RSET", "NOOP", NULL,
};

static bool
verb_in(const char *const *list, const char *verb, size_t vlen)
{
	for (; *list != NULL; list++)
		if (slice_eq_ci(verb, vlen, *list))
			return true;
	return false;
}

struct pop3d *
pop3d_new(struct lab_sess *s)
{
	static unsigned counter;
	struct pop3d *p = xcalloc(1, sizeof(*p));

	p->s = s;
	p->lab = s->lab;
	p->lockfd = -1;
	/* RFC 1939 7: the APOP timestamp is unique per greeting. */
	snprintf(p->apop_ts, sizeof(p->apop_ts), "<%u.%u.%lld@%s>",
	    (unsigned)getpid(), ++counter, (long long)time(NULL), LAB_DOMAIN);
	return p;
}

static void
unlock(struct pop3d *p)
{
	if (p->acct != NULL && p->state != POP3D_AUTHORIZATION)
		p->acct->locked = false;
	if (p->lockfd != -1)
		close(p->lockfd);
	p->lockfd = -1;
	maildir_msgs_free(p->msgs, p->n);
	p->msgs = NULL;
	p->n = 0;
}

void
pop3d_free(struct pop3d *p)
{
	if (p == NULL)
		return;
	/* A session that ends without QUIT never enters UPDATE (RFC 1939
	 * 6): nothing marked is removed. */
	unlock(p);
	labsasl_clear(&p->sasl);
	free(p);
}

void
pop3d_greet(struct pop3d *p)
{
	lab_reply(p->s, "+OK %s POP3 ready %s", LAB_SOFTWARE, p->apop_ts);
}

unsigned
pop3d_delay(struct pop3d *p, const char *line, size_t len)
{
	(void)line;
	(void)len;
	return (p->lab->scenarios & LAB_SC_SLOW) ? LAB_SLOW_MS : 0;
}

void
pop3d_too_long(struct pop3d *p)
{
	if (p->in_sasl) {
		p->in_sasl = false;
		labsasl_clear(&p->sasl);
		lab_reply(p->s, "-ERR Authentication line too long; "
		    "exchange cancelled");
		return;
	}
	lab_reply(p->s, "-ERR Line too long (at most %u octets)",
	    LAB_POP3_LINE);
}

void
pop3d_timeout(struct pop3d *p)
{
	lab_reply(p->s, "-ERR Disconnected for inactivity.");
	p->s->want_close = true;
}

void
pop3d_tls_done(struct pop3d *p)
{
	/* RFC 2595 4: the state stays AUTHORIZATION; forget the USER. */
	p->have_user = false;
	if (p->s->svc == LAB_POP3S)
		pop3d_greet(p);
}

static void
bad(struct pop3d *p, const char *msg)
{
	lab_reply(p->s, "-ERR %s", msg);
	if (++p->errors >= LAB_MAX_ERRORS) {
		lab_reply(p->s, "-ERR Too many bad commands, closing.");
		p->s->want_close = true;
	}
}

static bool
plaintext_blocked(struct pop3d *p)
{
	return (lab_sess_scenarios(p->s) & LAB_SC_TLS_REQUIRED) && !p->s->tls;
}

static void
capa(struct pop3d *p)
{
	struct lab_sess *s = p->s;

	lab_reply(s, "+OK Capability list follows");
	lab_reply(s, "CAPA");
	lab_reply(s, "TOP");
	lab_reply(s, "UIDL");
	lab_reply(s, "RESP-CODES");
	lab_reply(s, "AUTH-RESP-CODE");
	lab_reply(s, "PIPELINING");
	lab_reply(s, "EXPIRE NEVER");
	if (lab_sess_scenarios(p->s) & LAB_SC_LOGIN_DELAY)
		lab_reply(s, "LOGIN-DELAY %d", LAB_LOGIN_DELAY);
	if (p->state == POP3D_AUTHORIZATION) {
		if (!plaintext_blocked(p)) {
			lab_reply(s, "USER");
			lab_reply(s, "SASL %s", LABSASL_MECHS);
		}
		if (!s->tls && s->svc == LAB_POP3)
			lab_reply(s, "STLS");
	}
	lab_reply(s, "IMPLEMENTATION %s", LAB_SOFTWARE);
	lab_reply(s, ".");
}

static size_t
live_count(struct pop3d *p, size_t *octets_r)
{
	size_t i, n = 0, octets = 0;

	for (i = 0; i < p->n; i++)
		if (!p->msgs[i].deleted) {
			n++;
			octets += p->msgs[i].size;
		}
	*octets_r = octets;
	return n;
}

/* The credentials are right: take the lock and open the maildrop. */
static void
login(struct pop3d *p, struct lab_account *a, const char *how)
{
	time_t now = time(NULL);
	size_t n, octets;

	/* The credentials were right: a refusal from here on is this
	 * account's (the console and the report name it). */
	class_attribute(p->s, a);

	if (((p->lab->scenarios | a->scenarios) & LAB_SC_LOGIN_DELAY) &&
	    a->last_login != 0 &&
	    now - a->last_login < LAB_LOGIN_DELAY) {
		/* RFC 2449 8.1.1 */
		lab_reply(p->s, "-ERR [LOGIN-DELAY] Minimum time between "
		    "logins is %d seconds; try again later", LAB_LOGIN_DELAY);
		return;
	}
	if (a->locked) {
		/* RFC 2449 8.1.2 */
		lab_reply(p->s, "-ERR [IN-USE] Mailbox is locked by another "
		    "POP3 session");
		return;
	}
	p->lockfd = maildir_lock(p->lab->maildir, a->user);
	if (p->lockfd == -2) {
		p->lockfd = -1;
		lab_reply(p->s, "-ERR [IN-USE] Mailbox is locked by another "
		    "process");
		return;
	}
	if (p->lockfd == -1 || maildir_scan(p->lab->maildir, a->user,
	    &p->msgs, &p->n) == -1) {
		/* RFC 3206 4 */
		if (p->lockfd != -1)
			close(p->lockfd);
		p->lockfd = -1;
		lab_reply(p->s, "-ERR [SYS/TEMP] Cannot open the mailbox");
		return;
	}
	a->locked = true;
	a->last_login = now;
	p->acct = a;
	class_login(p->s, a);
	lab_popb4_note(p->s);
	p->state = POP3D_TRANSACTION;
	n = live_count(p, &octets);
	lab_reply(p->s, "+OK Logged in as %s: %zu message%s (%zu octets)",
	    a->user, n, n == 1 ? "" : "s", octets);
	lab_log(p->lab, "pop3 #%llu %s: %s logged in (%s), %zu messages",
	    (unsigned long long)p->s->id, p->s->peer, a->user, how, n);
}

static void
auth_failed(struct pop3d *p, const char *user, size_t ulen)
{
	/* RFC 3206 5 */
	class_login_failed(p->s, user, ulen);
	lab_reply(p->s, "-ERR [AUTH] Authentication failed.");
	if (++p->errors >= LAB_MAX_ERRORS) {
		lab_reply(p->s, "-ERR Too many failures, closing.");
		p->s->want_close = true;
	}
}

static void
sasl_result(struct pop3d *p, enum labsasl_step r, struct buf *out)
{
	switch (r) {
	case LABSASL_CONTINUE:
		p->in_sasl = true;
		/* RFC 5034 4: "+" SP base64 (an empty challenge is "+ "). */
		lab_reply(p->s, "+ %s", out->data ? out->data : "");
		return;
	case LABSASL_OK:
		p->in_sasl = false;
		login(p, p->sasl.acct, "AUTH");
		break;
	case LABSASL_FAIL:
		p->in_sasl = false;
		auth_failed(p, p->sasl.user, strlen(p->sasl.user));
		break;
	case LABSASL_BAD:
		p->in_sasl = false;
		lab_reply(p->s, "-ERR Invalid base64 or SASL response");
		break;
	case LABSASL_CANCEL:
		p->in_sasl = false;
		lab_reply(p->s, "-ERR Authentication cancelled");
		break;
	}
	labsasl_clear(&p->sasl);
}

/* The message number argument: 1..n and not deleted, else a reply. */
static struct maildir_msg *
msg_arg(struct pop3d *p, const char *a, size_t len)
{
	uint64_t v;

	if (parse_uint(a, len, 1000000000, &v) == -1 || v == 0) {
		lab_reply(p->s, "-ERR Invalid message number");
		return NULL;
	}
	if (v > p->n) {
		lab_reply(p->s, "-ERR There's no message %llu",
		    (unsigned long long)v);
		return NULL;
	}
	if (p->msgs[v - 1].deleted) {
		lab_reply(p->s, "-ERR Message %llu is deleted",
		    (unsigned long long)v);
		return NULL;
	}
	return &p->msgs[v - 1];
}

/* Bytes of a stored message that TOP msg n sends: the header, the empty
 * line after it, and n lines of the body (RFC 1939 7). */
static size_t
top_len(const char *p, size_t len, uint64_t n)
{
	const char	*nl;
	size_t		 off = 0, l;
	bool		 in_body = false;

	while (off < len) {
		if (in_body && n-- == 0)
			break;
		nl = memchr(p + off, '\n', len - off);
		l = nl != NULL ? (size_t)(nl - (p + off)) + 1 : len - off;
		if (!in_body && (l == 1 || (l == 2 && p[off] == '\r')))
			in_body = true;
		off += l;
	}
	return off;
}

/* Answer RETR (top < 0) or TOP msg top: read the stored message first, so
 * a failure is a plain -ERR and never a "+OK" without its body, then the
 * status line and the lines as CRLF, dot-stuffed, ended by "." (RFC 1939
 * 3). drop_half: the drop-retr scenario cuts the connection midway. */
static void
send_message(struct pop3d *p, struct maildir_msg *m, int64_t top,
    bool drop_half)
{
	struct buf raw, out;
	int r;

	buf_init(&raw, LIMIT_MESSAGE);
	buf_init(&out, LIMIT_MESSAGE + LIMIT_MESSAGE / 2);
	r = maildir_read(p->lab->maildir, p->acct->user, m, &raw);
	if (r == 0)
		r = dot_stuff_message(raw.data != NULL ? raw.data : "",
		    top < 0 ? raw.len : top_len(raw.data, raw.len,
		    (uint64_t)top), &out);
	buf_clear(&raw);
	if (r == -1) {
		lab_reply(p->s, "-ERR [SYS/TEMP] Cannot read the message");
		buf_clear(&out);
		return;
	}
	if (top < 0)
		lab_reply(p->s, "+OK %zu octets", m->size);
	else
		lab_reply(p->s, "+OK Top of message follows");
	if (drop_half) {
		lab_write(p->s, out.data, out.len / 2);
		lab_log(p->lab, "pop3 #%llu %s: dropping the connection "
		    "mid-RETR (scenario drop-retr)",
		    (unsigned long long)p->s->id, p->s->peer);
		p->s->want_close = true;
	} else
		lab_write(p->s, out.data, out.len);
	buf_clear(&out);
}

static void
update(struct pop3d *p)
{
	size_t i, removed = 0, failed = 0, left, octets;

	p->state = POP3D_UPDATE;
	for (i = 0; i < p->n; i++) {
		if (!p->msgs[i].deleted)
			continue;
		if (maildir_remove(p->lab->maildir, p->acct->user,
		    &p->msgs[i]) == -1)
			failed++;
		else
			removed++;
	}
	left = live_count(p, &octets);
	if (failed > 0)
		lab_reply(p->s, "-ERR [SYS/TEMP] %zu deleted message%s could "
		    "not be removed", failed, failed == 1 ? "" : "s");
	else
		lab_reply(p->s, "+OK Logging out, %zu message%s removed, %zu "
		    "left", removed, removed == 1 ? "" : "s", left);
	lab_log(p->lab, "pop3 #%llu %s: %s quit, %zu removed",
	    (unsigned long long)p->s->id, p->s->peer, p->acct->user, removed);
	p->acct->locked = false;
	p->acct = NULL;
	close(p->lockfd);
	p->lockfd = -1;
}

static void
transaction(struct pop3d *p, const char *verb, size_t vlen, const char *arg,
    size_t alen, bool has_arg)
{
	struct lab_sess *s = p->s;
	struct maildir_msg *m;
	size_t i, octets, n;

	if (slice_eq_ci(verb, vlen, "STAT")) {
		n = live_count(p, &octets);
		lab_reply(s, "+OK %zu %zu", n, octets);
	} else if (slice_eq_ci(verb, vlen, "LIST") ||
	    slice_eq_ci(verb, vlen, "UIDL")) {
		bool uidl = slice_eq_ci(verb, vlen, "UIDL");

		if (has_arg) {
			if ((m = msg_arg(p, arg, alen)) == NULL)
				return;
			if (uidl)
				lab_reply(s, "+OK %zu %s",
				    (size_t)(m - p->msgs) + 1, m->uid);
			else
				lab_reply(s, "+OK %zu %zu",
				    (size_t)(m - p->msgs) + 1, m->size);
			return;
		}
		n = live_count(p, &octets);
		if (uidl)
			lab_reply(s, "+OK Unique-ID listing follows");
		else
			lab_reply(s, "+OK %zu message%s (%zu octets)", n,
			    n == 1 ? "" : "s", octets);
		for (i = 0; i < p->n; i++) {
			if (p->msgs[i].deleted)
				continue;
			if (uidl)
				lab_reply(s, "%zu %s", i + 1, p->msgs[i].uid);
			else
				lab_reply(s, "%zu %zu", i + 1, p->msgs[i].size);
		}
		lab_reply(s, ".");
	} else if (slice_eq_ci(verb, vlen, "RETR")) {
		if (!has_arg) {
			bad(p, "Syntax: RETR msg");
			return;
		}
		if ((m = msg_arg(p, arg, alen)) == NULL)
			return;
		send_message(p, m, -1, lab_sess_scenarios(s) &
		    LAB_SC_DROP_RETR);
	} else if (slice_eq_ci(verb, vlen, "TOP")) {
		const char *sp = has_arg ? memchr(arg, ' ', alen) : NULL;
		uint64_t lines;

		if (sp == NULL || parse_uint(sp + 1, alen -
		    (size_t)(sp + 1 - arg), 1000000000, &lines) == -1) {
			bad(p, "Syntax: TOP msg lines");
			return;
		}
		if ((m = msg_arg(p, arg, (size_t)(sp - arg))) == NULL)
			return;
		send_message(p, m, (int64_t)lines, false);
	} else if (slice_eq_ci(verb, vlen, "DELE")) {
		if (!has_arg) {
			bad(p, "Syntax: DELE msg");
			return;
		}
		if ((m = msg_arg(p, arg, alen)) == NULL)
			return;
		m->deleted = true;
		lab_reply(s, "+OK Message %zu marked for deletion (removed at "
		    "QUIT)", (size_t)(m - p->msgs) + 1);
	} else if (slice_eq_ci(verb, vlen, "RSET")) {
		for (i = 0; i < p->n; i++)
			p->msgs[i].deleted = false;
		n = live_count(p, &octets);
		lab_reply(s, "+OK Maildrop has %zu message%s (%zu octets)", n,
		    n == 1 ? "" : "s", octets);
	} else if (slice_eq_ci(verb, vlen, "NOOP")) {
		lab_reply(s, "+OK");
	} else if (slice_eq_ci(verb, vlen, "QUIT")) {
		update(p);
		s->want_close = true;
	} else if (slice_eq_ci(verb, vlen, "CAPA")) {
		capa(p);
	} else if (verb_in(authorization_verbs, verb, vlen)) {
		bad(p, "Already logged in (command only valid in "
		    "AUTHORIZATION state)");
	} else
		bad(p, "Unknown command");
}

static void
authorization(struct pop3d *p, const char *verb, size_t vlen, const char *arg,
    size_t alen, bool has_arg)
{
	struct lab_sess *s = p->s;
	struct buf out;

	if (slice_eq_ci(verb, vlen, "CAPA")) {
		capa(p);
	} else if (slice_eq_ci(verb, vlen, "QUIT")) {
		lab_reply(s, "+OK Bye");
		s->want_close = true;
	} else if (slice_eq_ci(verb, vlen, "STLS")) {
		if (s->tls)
			bad(p, "Command not permitted when TLS active");
		else if (s->svc != LAB_POP3 || p->lab->tls == NULL)
			bad(p, "STLS not available");
		else if (has_arg)
			bad(p, "Syntax: STLS takes no argument");
		else {
			lab_reply(s, "+OK Begin TLS negotiation now.");
			s->want_tls = true;
		}
	} else if (verb_in(authorization_verbs, verb, vlen)) {
		/* USER, PASS, APOP, AUTH (STLS was handled above). */
		bool is_user = slice_eq_ci(verb, vlen, "USER");
		bool is_pass = slice_eq_ci(verb, vlen, "PASS");
		bool is_apop = slice_eq_ci(verb, vlen, "APOP");

		if (plaintext_blocked(p)) {
			p->have_user = false;
			lab_reply(s, "-ERR [AUTH] Plaintext authentication "
			    "disallowed on non-secure connections: use STLS "
			    "first");
			return;
		}
		if (is_user) {
			if (!has_arg || alen == 0 || alen > 64) {
				bad(p, "Syntax: USER name");
				return;
			}
			/* Unknown names get +OK too: PASS says no, so the
			 * reply does not reveal which accounts exist. */
			snprintf(p->user, sizeof(p->user), "%.*s", (int)alen,
			    arg);
			p->have_user = memchr(arg, '\0', alen) == NULL;
			lab_reply(s, "+OK Send PASS");
		} else if (is_pass) {
			struct lab_account *a;

			if (!p->have_user) {
				bad(p, "No USER given; send USER first");
				return;
			}
			p->have_user = false;
			/* RFC 1939 7: the password may contain spaces. */
			a = lab_user_check(p->lab, p->user, strlen(p->user),
			    arg, has_arg ? alen : 0);
			if (a == NULL)
				auth_failed(p, p->user, strlen(p->user));
			else
				login(p, a, "USER/PASS");
		} else if (is_apop) {
			const char *sp = has_arg ? memchr(arg, ' ', alen) :
			    NULL;
			struct lab_account *a;
			char hex[33];

			p->have_user = false;
			if (sp == NULL || alen - (size_t)(sp + 1 - arg) != 32) {
				bad(p, "Syntax: APOP name digest");
				return;
			}
			a = lab_user_find(p->lab, arg, (size_t)(sp - arg));
			if (a == NULL || ((p->lab->scenarios | a->scenarios) &
			    LAB_SC_AUTH_FAIL)) {
				auth_failed(p, arg, (size_t)(sp - arg));
				return;
			}
			sasl_apop_digest(p->apop_ts, strlen(p->apop_ts),
			    a->pass, strlen(a->pass), hex);
			if (!labsasl_hex_equal(hex, sp + 1))
				auth_failed(p, arg, (size_t)(sp - arg));
			else
				login(p, a, "APOP");
			explicit_bzero(hex, sizeof(hex));
		} else {
			const char *sp;
			bool unknown;
			enum labsasl_step r;

			p->have_user = false;
			if (!has_arg || alen == 0) {
				/* RFC 1734 habit: list the mechanisms. */
				lab_reply(s, "+OK Mechanisms follow");
				lab_reply(s, "PLAIN");
				lab_reply(s, "LOGIN");
				lab_reply(s, "CRAM-MD5");
				lab_reply(s, ".");
				return;
			}
			sp = memchr(arg, ' ', alen);
			buf_init(&out, 4096);
			r = labsasl_start(&p->sasl, p->lab, arg, sp ?
			    (size_t)(sp - arg) : alen, sp ? sp + 1 : NULL,
			    sp ? alen - (size_t)(sp + 1 - arg) : 0, &unknown,
			    &out);
			if (unknown)
				bad(p, "Unsupported authentication mechanism");
			else
				sasl_result(p, r, &out);
			buf_clear(&out);
		}
	} else if (verb_in(transaction_verbs, verb, vlen)) {
		bad(p, "Not logged in (command only valid in TRANSACTION "
		    "state)");
	} else
		bad(p, "Unknown command");
}

void
pop3d_line(struct pop3d *p, const char *line, size_t len)
{
	const char *sp;
	size_t vlen;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (p->state == POP3D_UPDATE)
		return;
	if (p->in_sasl) {
		struct buf out;

		buf_init(&out, 4096);
		sasl_result(p, labsasl_next(&p->sasl, p->lab, line, len,
		    &out), &out);
		buf_clear(&out);
		return;
	}
	sp = memchr(line, ' ', len);
	vlen = sp != NULL ? (size_t)(sp - line) : len;
	if (vlen == 0 || vlen > 4) {
		bad(p, len == 0 ? "Empty command" : "Unknown command");
		return;
	}
	if (p->state == POP3D_AUTHORIZATION)
		authorization(p, line, vlen, sp ? sp + 1 : "", sp ? len -
		    vlen - 1 : 0, sp != NULL);
	else
		transaction(p, line, vlen, sp ? sp + 1 : "", sp ? len - vlen -
		    1 : 0, sp != NULL);
}

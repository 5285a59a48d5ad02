/* SPDX-License-Identifier: MIT */
/* The trainer's view of a class: which account each session belongs to,
 * per-account counters, the built-in lessons followed on the server's side,
 * one console line per refusal or failed login, the --report CSV and the
 * class board. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab-int.h"
#include "net/loop.h"
#include "proto/lesson.h"
#include "proto/reply.h"
#include "proto/transcript.h"
#include "base/util.h"

/* Events of a session kept until it is known whose it is. */
#define PENDING_MAX	24
/* The --report file is rewritten at most this often. */
#define REPORT_MS	1000

struct class_ev {
	char	verb[16];
	char	arg[128];
	bool	secret;		/* arg not kept (PASS, AUTH, APOP) */
	char	reply[160];
	bool	failed_login;
};

static bool
is_pop3(const struct lab_sess *s)
{
	return s->svc == LAB_POP3 || s->svc == LAB_POP3S;
}

/* Peer (or our) bytes as printable text: transcript_escape, capped. */
static void
escape(char *dst, size_t size, const char *p, size_t len)
{
	struct buf b;

	if (len == 0) {
		dst[0] = '\0';
		return;
	}
	buf_init(&b, 1024);
	if (transcript_escape(p, len, &b) == -1 || b.data == NULL)
		snprintf(dst, size, "?");
	else
		snprintf(dst, size, "%.*s", (int)b.len, b.data);
	buf_clear(&b);
}

static void
on_report(void *arg)
{
	struct lab *lab = arg;

	if (class_report_write(lab) == -1)
		lab_log(lab, "--report %s: cannot write it", lab->opt.report);
}

void
class_init(struct lab *lab)
{
	const char *const *names = lesson_builtin_names();
	size_t i, n = 0;

	while (names[n] != NULL)
		n++;
	lab->lessons = xcalloc(n + 1, sizeof(*lab->lessons));
	for (i = 0; i < n; i++) {
		struct lesson *l = lesson_builtin(names[i]);

		if (l != NULL)
			lab->lessons[lab->nlessons++] = l;
	}
	for (i = 0; i < lab->nacct; i++)
		lab->acct[i].lstep = xcalloc(lab->nlessons + 1,
		    sizeof(*lab->acct[i].lstep));
	lab->report_timer = loop_timer_add(lab->loop, REPORT_MS, false,
	    on_report, lab);
	loop_timer_stop(lab->report_timer);
}

void
class_free(struct lab *lab)
{
	size_t i;

	if (lab->report_timer != NULL) {
		loop_timer_del(lab->report_timer);
		lab->report_timer = NULL;
	}
	for (i = 0; i < lab->nlessons; i++)
		lesson_free(lab->lessons[i]);
	free(lab->lessons);
	lab->lessons = NULL;
	lab->nlessons = 0;
	for (i = 0; i < lab->nacct; i++) {
		free(lab->acct[i].lstep);
		lab->acct[i].lstep = NULL;
	}
}

/* Something in the report changed: rewrite it within REPORT_MS. */
static void
dirty(struct lab *lab)
{
	if (lab->opt.report != NULL && lab->report_timer != NULL &&
	    !loop_timer_armed(lab->report_timer))
		loop_timer_reset(lab->report_timer, REPORT_MS);
}

void
class_sess_free(struct lab_sess *s)
{
	if (s->pend != NULL)
		explicit_bzero(s->pend, PENDING_MAX * sizeof(*s->pend));
	free(s->pend);
	s->pend = NULL;
}

void
class_capture(struct lab_sess *s, const char *line, size_t len)
{
	if (!s->capturing || s->reply[0] != '\0')
		return;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= sizeof(s->reply))
		len = sizeof(s->reply) - 1;
	memcpy(s->reply, line, len);
	s->reply[len] = '\0';
	if (len == 0)
		snprintf(s->reply, sizeof(s->reply), " ");
}

void
class_cmd_begin(struct lab_sess *s, const char *line, size_t len)
{
	size_t vlen, i;

	s->reply[0] = '\0';
	s->capturing = true;
	s->login_failed = false;
	if (s->cont || line == NULL)
		return;		/* a SASL answer: keep the AUTH command */
	if (len > 0 && line[len - 1] == '\r')
		len--;
	vlen = strcspn(line, " ");
	if (vlen > len)
		vlen = len;
	for (i = 0; i < vlen && i + 1 < sizeof(s->verb); i++) {
		unsigned char c = (unsigned char)line[i];

		s->verb[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) :
		    c > 0x20 && c < 0x7f ? (char)c : '?';
	}
	s->verb[i] = '\0';
	s->secret = strcmp(s->verb, "PASS") == 0 ||
	    strcmp(s->verb, "AUTH") == 0 || strcmp(s->verb, "APOP") == 0;
	s->arg[0] = '\0';
	if (!s->secret && vlen < len) {
		size_t alen = len - vlen - 1;

		if (alen >= sizeof(s->arg))
			alen = sizeof(s->arg) - 1;
		memcpy(s->arg, line + vlen + 1, alen);
		s->arg[alen] = '\0';
	}
}

/* The greeting counts as the event with the empty verb. */
void
class_greet_begin(struct lab_sess *s)
{
	s->cont = false;
	s->verb[0] = '\0';
	s->arg[0] = '\0';
	s->secret = false;
	s->reply[0] = '\0';
	s->capturing = true;
	s->login_failed = false;
}

/* The reply is negative: SMTP 4xx/5xx, POP3 -ERR. */
static bool
negative(const struct lab_sess *s, const struct reply_line *rl, bool parsed)
{
	if (!parsed)
		return false;
	if (is_pop3(s))
		return rl->pop3 == REPLY_POP3_ERR;
	return rl->code >= 400;
}

static void
lessons_follow(struct lab *lab, struct lab_account *a, bool pop3,
    const char *verb, const char *arg, bool secret,
    const struct reply_line *rl)
{
	size_t i;

	for (i = 0; i < lab->nlessons; i++) {
		struct lesson *l = lab->lessons[i];

		if (a->lstep[i] >= l->nsteps)
			continue;
		if (l->proto_set && (l->proto == REPLY_POP3) != pop3)
			continue;
		if (lesson_check(&l->steps[a->lstep[i]], verb,
		    secret ? NULL : arg, secret ? 0 : strlen(arg), rl) ==
		    LESSON_DONE)
			a->lstep[i]++;
	}
}

/* One command and its reply, for the account the session belongs to. */
static void
account_event(struct lab_sess *s, struct lab_account *a,
    const struct class_ev *ev)
{
	struct reply_line rl;
	bool parsed;

	parsed = reply_parse_line(is_pop3(s) ? REPLY_POP3 : REPLY_SMTP,
	    ev->reply, strlen(ev->reply), &rl, NULL) == 0;
	if (negative(s, &rl, parsed) && !ev->failed_login) {
		a->refused++;
		snprintf(a->last_error, sizeof(a->last_error), "%s",
		    ev->reply);
	}
	snprintf(a->last_cmd, sizeof(a->last_cmd), "%s",
	    ev->verb[0] != '\0' ? ev->verb : "(connect)");
	a->last_seen = time(NULL);
	if (parsed)
		lessons_follow(s->lab, a, is_pop3(s), ev->verb, ev->arg,
		    ev->secret, &rl);
	dirty(s->lab);
}

static void
console(struct lab_sess *s, const struct class_ev *ev)
{
	char reply[400], who[160], arg[200];

	escape(reply, sizeof(reply), ev->reply, strlen(ev->reply));
	if (ev->failed_login) {
		escape(who, sizeof(who), s->failed_user,
		    strlen(s->failed_user));
		lab_log(s->lab, "%s #%llu %s: failed login as \"%s\" -> %s",
		    is_pop3(s) ? "pop3" : "smtp", (unsigned long long)s->id,
		    s->peer, who, reply);
		return;
	}
	escape(arg, sizeof(arg), ev->arg, strlen(ev->arg));
	lab_log(s->lab, "%s #%llu %s %s: refused %s%s%s -> %s",
	    is_pop3(s) ? "pop3" : "smtp", (unsigned long long)s->id, s->peer,
	    s->acct != NULL ? s->acct->user : "(not logged in)",
	    ev->verb[0] != '\0' ? ev->verb : "(connect)",
	    ev->secret ? " ..." : arg[0] != '\0' ? " " : "", ev->secret ? "" :
	    arg, reply);
}

void
class_cmd_end(struct lab_sess *s)
{
	struct class_ev ev;
	struct reply_line rl;
	bool parsed;

	s->capturing = false;
	if (s->reply[0] == '\0')
		return;		/* a line inside DATA, or no reply yet */
	/* RFC 4954 4 / RFC 5034 4: a SASL challenge, the command goes on. */
	if ((!is_pop3(s) && strncmp(s->reply, "334", 3) == 0) ||
	    (is_pop3(s) && s->reply[0] == '+' && (s->reply[1] == ' ' ||
	    s->reply[1] == '\0'))) {
		s->cont = true;
		return;
	}
	s->cont = false;
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.verb, sizeof(ev.verb), "%s", s->verb);
	snprintf(ev.arg, sizeof(ev.arg), "%s", s->arg);
	snprintf(ev.reply, sizeof(ev.reply), "%s", s->reply);
	ev.secret = s->secret;
	ev.failed_login = s->login_failed;
	parsed = reply_parse_line(is_pop3(s) ? REPLY_POP3 : REPLY_SMTP,
	    ev.reply, strlen(ev.reply), &rl, NULL) == 0;
	if (negative(s, &rl, parsed) || ev.failed_login)
		console(s, &ev);
	if (s->acct != NULL) {
		account_event(s, s->acct, &ev);
		return;
	}
	if (s->pend == NULL)
		s->pend = xcalloc(PENDING_MAX, sizeof(*s->pend));
	if (s->npend == PENDING_MAX) {
		memmove(s->pend, s->pend + 1, (PENDING_MAX - 1) *
		    sizeof(*s->pend));
		s->npend--;
	}
	s->pend[s->npend++] = ev;
}

void
class_attribute(struct lab_sess *s, struct lab_account *a)
{
	size_t i;

	if (s->acct != NULL || a == NULL)
		return;
	s->acct = a;
	for (i = 0; i < s->npend; i++)
		account_event(s, a, &s->pend[i]);
	s->npend = 0;
	dirty(s->lab);
}

void
class_login(struct lab_sess *s, struct lab_account *a)
{
	a->logins++;
	if (s->acct != a) {
		s->acct = NULL;
		class_attribute(s, a);
	}
	dirty(s->lab);
}

void
class_login_failed(struct lab_sess *s, const char *user, size_t len)
{
	struct lab_account *a;

	s->login_failed = true;
	if (len >= sizeof(s->failed_user))
		len = sizeof(s->failed_user) - 1;
	memcpy(s->failed_user, user, len);
	s->failed_user[len] = '\0';
	a = lab_user_name_ok(user, len) ? lab_user_find(s->lab, user, len) :
	    NULL;
	if (a != NULL) {
		a->failed_logins++;
		a->last_seen = time(NULL);
		dirty(s->lab);
	}
}

void
class_delivered(struct lab_sess *s, char *const *users, size_t n)
{
	size_t i;

	if (s->acct != NULL)
		s->acct->sent++;
	for (i = 0; i < n; i++) {
		struct lab_account *a = users[i] == NULL ? NULL :
		    lab_user_find(s->lab, users[i], strlen(users[i]));

		if (a != NULL)
			a->received++;
	}
	dirty(s->lab);
}

/* "pop3-basics 9/9; smtp-send 3/6": the lessons begun. */
static void
lesson_cell(struct lab *lab, const struct lab_account *a, char *out,
    size_t size)
{
	size_t i, off = 0;

	out[0] = '\0';
	for (i = 0; i < lab->nlessons && off < size; i++) {
		int n;

		if (a->lstep[i] == 0)
			continue;
		n = snprintf(out + off, size - off, "%s%s %u/%zu",
		    off > 0 ? "; " : "", lab->lessons[i]->name, a->lstep[i],
		    lab->lessons[i]->nsteps);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int
class_report_write(struct lab *lab)
{
	char tmp[1100], cell[512];
	FILE *f;
	size_t i;
	int fd, bad;

	if (lab->opt.report == NULL)
		return 0;
	if (lab->report_timer != NULL)
		loop_timer_stop(lab->report_timer);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", lab->opt.report) >=
	    sizeof(tmp))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "user,logins,failed_logins,sent,received,refused,"
	    "lesson_steps\n");
	for (i = 0; i < lab->nacct; i++) {
		const struct lab_account *a = &lab->acct[i];

		lesson_cell(lab, a, cell, sizeof(cell));
		/* Names are [a-z0-9._-]; the cell has no comma or quote. */
		fprintf(f, "%s,%u,%u,%u,%u,%u,%s\n", a->user, a->logins,
		    a->failed_logins, a->sent, a->received, a->refused, cell);
	}
	bad = fflush(f) != 0 || ferror(f);
	fd = fileno(f);
	if (!bad && fsync(fd) == -1)
		bad = 1;
	if (fclose(f) != 0)
		bad = 1;
	if (bad || rename(tmp, lab->opt.report) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Sessions open now for an account. */
static unsigned
open_sessions(struct lab *lab, const struct lab_account *a, bool *pop3_r,
    bool *smtp_r)
{
	struct lab_sess *s;
	unsigned n = 0;

	*pop3_r = *smtp_r = false;
	for (s = lab->sessions; s != NULL; s = s->next)
		if (s->acct == a) {
			n++;
			if (is_pop3(s))
				*pop3_r = true;
			else
				*smtp_r = true;
		}
	return n;
}

void
class_board(struct lab *lab, FILE *f)
{
	char cell[200], err[80], clock[16];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	fprintf(f, "---- class board %s · %u session%s · scenario %s ----\n",
	    clock, lab->nsessions, lab->nsessions == 1 ? "" : "s",
	    lab->scenario_text[0] != '\0' ? lab->scenario_text : "none");
	fprintf(f, "%-12s %-9s %-10s %5s %5s %4s %4s %4s  %s\n", "user",
	    "online", "last", "login", "fail", "sent", "recv", "ref",
	    "lessons / last error");
	for (i = 0; i < lab->nacct; i++) {
		const struct lab_account *a = &lab->acct[i];
		bool pop3, smtp;
		unsigned n = open_sessions(lab, a, &pop3, &smtp);

		lesson_cell(lab, a, cell, sizeof(cell));
		if (a->scenarios != 0) {
			/* The account's own scenarios, after its lessons. */
			char sc[120];

			lab_scenario_names(a->scenarios, sc, sizeof(sc));
			snprintf(cell + strlen(cell), sizeof(cell) - strlen(cell),
			    "%s[%s]", cell[0] != '\0' ? " " : "", sc);
		}
		escape(err, sizeof(err), a->last_error, strlen(a->last_error));
		fprintf(f, "%-12.12s %-9s %-10.10s %5u %5u %4u %4u %4u  %s%s%s%s"
		    "\n", a->user, n == 0 ? "-" : pop3 && smtp ? "pop3+smtp" :
		    pop3 ? "pop3" : "smtp", a->last_cmd[0] != '\0' ?
		    a->last_cmd : "-", a->logins, a->failed_logins, a->sent,
		    a->received, a->refused, cell, cell[0] != '\0' &&
		    err[0] != '\0' ? " | " : "", err[0] != '\0' ? "last: " :
		    "", err);
	}
	fflush(f);
}

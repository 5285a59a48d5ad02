/* SPDX-License-Identifier: MIT */
/* The lab's practice accounts (student, studentNN, --users FILE) and its
 * classroom scenarios. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/lab-int.h"
#include "base/util.h"

static const struct {
	const char	*name;
	unsigned	 flag;
	const char	*help;
} scenarios[] = {
	{ "greylist", LAB_SC_GREYLIST,
	    "first RCPT of a sender/recipient pair: 451 4.7.1; retry works" },
	{ "relay-denied", LAB_SC_RELAY_DENIED,
	    "mail to @lab.example accepted; other domains 550 5.7.1 until "
	    "AUTH" },
	{ "mailbox-full", LAB_SC_MAILBOX_FULL,
	    "quota of 8192 octets per account: 452 4.2.2 until DELE+QUIT "
	    "frees room" },
	{ "tls-required", LAB_SC_TLS_REQUIRED,
	    "530 5.7.0 / -ERR [AUTH] until STARTTLS or STLS" },
	{ "auth-fail", LAB_SC_AUTH_FAIL,
	    "every login fails: -ERR [AUTH] (POP3), 535 5.7.8 (SMTP)" },
	{ "login-delay", LAB_SC_LOGIN_DELAY,
	    "POP3 LOGIN-DELAY 30: a login too soon gets -ERR [LOGIN-DELAY]" },
	{ "slow", LAB_SC_SLOW,
	    "every greeting and reply comes 1 second late" },
	{ "drop-retr", LAB_SC_DROP_RETR,
	    "POP3 RETR sends half the message, then drops the connection" },
	{ "firewall", LAB_SC_FIREWALL,
	    "Cisco PIX/ASA SMTP inspection on the SMTP port: banner masked "
	    "with *,\n"
	    "                    EHLO and other ESMTP commands 500 5.5.1 "
	    "(use HELO), no STARTTLS" },
	{ "pop-before-smtp", LAB_SC_POP_BEFORE_SMTP,
	    "other domains accepted for 5 minutes after a POP3 login from "
	    "the\n"
	    "                    same address, else 550 5.7.1" },
	{ "tarpit", LAB_SC_TARPIT,
	    "the SMTP greeting comes 5 seconds late" },
	{ "early-talker", LAB_SC_EARLY_TALKER,
	    "SMTP greeting after 3 s; a client talking first gets 554 5.5.1 "
	    "(pregreet)" },
};
#define NSCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

const char *
lab_scenario_help(void)
{
	static char text[4096];
	size_t off = 0, i;

	if (text[0] != '\0')
		return text;
	for (i = 0; i < NSCENARIOS; i++) {
		int n = snprintf(text + off, sizeof(text) - off,
		    "      %-13s %s\n", scenarios[i].name, scenarios[i].help);

		if (n < 0 || (size_t)n >= sizeof(text) - off)
			break;
		off += (size_t)n;
	}
	return text;
}

/* "NAME+NAME" -> flags; -1 with errbuf naming the unknown one. */
static int
names_parse(struct lab *lab, const char *p, size_t len, unsigned *flags_r)
{
	*flags_r = 0;
	while (len > 0) {
		size_t n = 0, i, k, o;
		bool found = false;

		while (n < len && p[n] != '+')
			n++;
		for (i = 0; i < NSCENARIOS; i++)
			if (n > 0 && strlen(scenarios[i].name) == n &&
			    strncmp(scenarios[i].name, p, n) == 0) {
				*flags_r |= scenarios[i].flag;
				found = true;
			}
		if (n > 0 && !found && !(n == 4 && strncmp(p, "none", 4) == 0)) {
			o = (size_t)snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "unknown scenario \"%.*s\"; one of:",
			    (int)(n > 40 ? 40 : n), p);
			for (k = 0; o < sizeof(lab->errbuf) && k < NSCENARIOS;
			    k++)
				o += (size_t)snprintf(lab->errbuf + o,
				    sizeof(lab->errbuf) - o, " %s",
				    scenarios[k].name);
			return -1;
		}
		p += n;
		len -= n;
		if (len > 0) {
			p++;
			len--;
		}
	}
	return 0;
}

int
lab_scenarios_parse(struct lab *lab, const char *list)
{
	const char *p = list;
	unsigned global = 0, *own;
	size_t i;

	own = xcalloc(lab->nacct + 1, sizeof(*own));
	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, ", \t\r\n");
		const char *eq = memchr(p, '=', len);
		unsigned flags;

		if (eq != NULL) {
			/* USER=NAME+NAME: that account's own scenarios. */
			struct lab_account *a = lab_user_find(lab, p,
			    (size_t)(eq - p));

			if (a == NULL) {
				snprintf(lab->errbuf, sizeof(lab->errbuf),
				    "scenario for \"%.*s\": no such account",
				    (int)((size_t)(eq - p) > 40 ? 40 :
				    (size_t)(eq - p)), p);
				free(own);
				return -1;
			}
			if (names_parse(lab, eq + 1, len - (size_t)(eq + 1 - p),
			    &flags) == -1) {
				free(own);
				return -1;
			}
			if (flags & LAB_SC_GLOBAL_ONLY) {
				snprintf(lab->errbuf, sizeof(lab->errbuf),
				    "%s=...: slow, tarpit, early-talker and "
				    "firewall act before a session has an "
				    "account; set them for the whole lab",
				    a->user);
				free(own);
				return -1;
			}
			own[a - lab->acct] |= flags;
		} else if (names_parse(lab, p, len, &flags) == -1) {
			free(own);
			return -1;
		} else
			global |= flags;
		p += len;
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n')
			p++;
	}
	lab->scenarios = global;
	for (i = 0; i < lab->nacct; i++)
		lab->acct[i].scenarios = own[i];
	free(own);
	/* What the banner and the class board show. */
	lab->scenario_text[0] = '\0';
	for (i = 0; i < NSCENARIOS; i++)
		if (global & scenarios[i].flag)
			snprintf(lab->scenario_text + strlen(lab->scenario_text),
			    sizeof(lab->scenario_text) -
			    strlen(lab->scenario_text), "%s%s",
			    lab->scenario_text[0] != '\0' ? "," : "",
			    scenarios[i].name);
	for (i = 0; i < lab->nacct; i++)
		if (lab->acct[i].scenarios != 0 &&
		    strlen(lab->scenario_text) + 2 < sizeof(lab->scenario_text))
			snprintf(lab->scenario_text + strlen(lab->scenario_text),
			    sizeof(lab->scenario_text) -
			    strlen(lab->scenario_text), "%s%s=...",
			    lab->scenario_text[0] != '\0' ? "," : "",
			    lab->acct[i].user);
	return 0;
}

/* The names of flags, "a+b", for the board and the console. */
void
lab_scenario_names(unsigned flags, char *out, size_t size)
{
	size_t i, off = 0;

	out[0] = '\0';
	for (i = 0; i < NSCENARIOS && off < size; i++)
		if (flags & scenarios[i].flag) {
			int n = snprintf(out + off, size - off, "%s%s",
			    off > 0 ? "+" : "", scenarios[i].name);

			if (n < 0)
				break;
			off += (size_t)n;
		}
}

unsigned
lab_sess_scenarios(const struct lab_sess *s)
{
	return s->lab->scenarios | (s->acct != NULL ? s->acct->scenarios : 0);
}

void
lab_peer_ip(const struct lab_sess *s, char *out, size_t size)
{
	const char *colon = strrchr(s->peer, ':');
	size_t n = colon != NULL ? (size_t)(colon - s->peer) : strlen(s->peer);

	if (n > 0 && s->peer[0] == '[' && s->peer[n - 1] == ']')
		snprintf(out, size, "%.*s", (int)(n - 2), s->peer + 1);
	else
		snprintf(out, size, "%.*s", (int)n, s->peer);
}

void
lab_popb4_note(struct lab_sess *s)
{
	struct lab *lab = s->lab;
	char ip[64];
	size_t i, oldest = 0;

	lab_peer_ip(s, ip, sizeof(ip));
	for (i = 0; i < lab->npopb4; i++) {
		if (strcmp(lab->popb4[i].ip, ip) == 0)
			break;
		if (lab->popb4[i].when < lab->popb4[oldest].when)
			oldest = i;
	}
	if (i == lab->npopb4) {
		if (lab->npopb4 == LAB_POPB4SMTP_MAX)
			i = oldest;
		else {
			lab->popb4 = xrealloc(lab->popb4, (lab->npopb4 + 1) *
			    sizeof(*lab->popb4));
			lab->npopb4++;
		}
		snprintf(lab->popb4[i].ip, sizeof(lab->popb4[i].ip), "%s", ip);
	}
	lab->popb4[i].when = time(NULL);
}

bool
lab_popb4_recent(struct lab_sess *s)
{
	struct lab *lab = s->lab;
	char ip[64];
	time_t now = time(NULL);
	size_t i;

	lab_peer_ip(s, ip, sizeof(ip));
	for (i = 0; i < lab->npopb4; i++)
		if (strcmp(lab->popb4[i].ip, ip) == 0)
			return now - lab->popb4[i].when <= LAB_POPB4SMTP_SECS;
	return false;
}

bool
lab_user_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 64 || s[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return false;
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return false;
	}
	return true;
}

static int
add(struct lab *lab, const char *user, size_t ulen, const char *pass,
    size_t plen)
{
	if (!lab_user_name_ok(user, ulen)) {
		snprintf(lab->errbuf, sizeof(lab->errbuf),
		    "bad user name \"%.*s\": use a-z 0-9 . _ -",
		    (int)(ulen > 40 ? 40 : ulen), user);
		return -1;
	}
	if (lab_user_find(lab, user, ulen) != NULL) {
		snprintf(lab->errbuf, sizeof(lab->errbuf),
		    "user \"%.*s\" listed twice", (int)ulen, user);
		return -1;
	}
	if (plen == 0) {
		snprintf(lab->errbuf, sizeof(lab->errbuf),
		    "user \"%.*s\" has an empty password", (int)ulen, user);
		return -1;
	}
	lab->acct = xrealloc(lab->acct, (lab->nacct + 1) * sizeof(*lab->acct));
	memset(&lab->acct[lab->nacct], 0, sizeof(lab->acct[0]));
	lab->acct[lab->nacct].user = xstrndup(user, ulen);
	lab->acct[lab->nacct].pass = xstrndup(pass, plen);
	lab->nacct++;
	return 0;
}

static int
load_file(struct lab *lab, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	unsigned lineno = 0;

	if (f == NULL) {
		snprintf(lab->errbuf, sizeof(lab->errbuf), "%s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		char *colon;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		colon = memchr(line, ':', len);
		if (colon == NULL) {
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "%s:%u: expected user:password", path, lineno);
			fclose(f);
			return -1;
		}
		if (add(lab, line, (size_t)(colon - line), colon + 1,
		    len - (size_t)(colon + 1 - line)) == -1) {
			char tmp[160];

			snprintf(tmp, sizeof(tmp), "%.150s", lab->errbuf);
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "%.80s:%u: %s", path, lineno, tmp);
			explicit_bzero(line, sizeof(line));
			fclose(f);
			return -1;
		}
		explicit_bzero(line, sizeof(line));
	}
	fclose(f);
	if (lab->nacct == 0) {
		snprintf(lab->errbuf, sizeof(lab->errbuf),
		    "%s: no accounts", path);
		return -1;
	}
	return 0;
}

int
lab_users_load(struct lab *lab)
{
	unsigned i;

	if (lab->opt.users_file != NULL)
		return load_file(lab, lab->opt.users_file);
	if (lab->opt.accounts > 0) {
		if (lab->opt.accounts > 9999) {
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "--accounts: at most 9999");
			return -1;
		}
		for (i = 1; i <= lab->opt.accounts; i++) {
			char name[32];

			snprintf(name, sizeof(name), "student%02u", i);
			if (add(lab, name, strlen(name), name,
			    strlen(name)) == -1)
				return -1;
		}
		return 0;
	}
	return add(lab, "student", 7, "student", 7);
}

void
lab_users_free(struct lab *lab)
{
	size_t i;

	for (i = 0; i < lab->nacct; i++) {
		free(lab->acct[i].user);
		explicit_bzero(lab->acct[i].pass, strlen(lab->acct[i].pass));
		free(lab->acct[i].pass);
	}
	free(lab->acct);
	lab->acct = NULL;
	lab->nacct = 0;
}

struct lab_account *
lab_user_find(struct lab *lab, const char *name, size_t len)
{
	size_t i, j;

	for (i = 0; i < lab->nacct; i++) {
		const char *u = lab->acct[i].user;

		if (strlen(u) != len)
			continue;
		for (j = 0; j < len; j++)
			if (tolower((unsigned char)name[j]) != u[j])
				break;
		if (j == len)
			return &lab->acct[i];
	}
	return NULL;
}

struct lab_account *
lab_user_check(struct lab *lab, const char *user, size_t ulen,
    const char *pass, size_t plen)
{
	struct lab_account *a = lab_user_find(lab, user, ulen);
	unsigned char diff;
	size_t i, alen;

	if (a == NULL)
		return NULL;
	alen = strlen(a->pass);
	diff = alen != plen;
	for (i = 0; i < plen; i++)
		diff |= (unsigned char)(pass[i] ^ a->pass[i % (alen ? alen : 1)]);
	if (diff != 0 || ((lab->scenarios | a->scenarios) & LAB_SC_AUTH_FAIL))
		return NULL;
	return a;
}

/* SPDX-License-Identifier: MIT */
/* The lab's practice accounts (student, studentNN, --users FILE) and its
 * classroom scenarios. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab-int.h"
#include "proto/util.h"

static const struct {
	const char	*name;
	unsigned	 flag;
	const char	*help;
} scenarios[] = {
	{ "greylist", LAB_SC_GREYLIST,
	    "first RCPT of a sender/recipient pair: 451 4.7.1; retry works" },
	{ "relay-denied", LAB_SC_RELAY_DENIED,
	    "RCPT gets 550 5.7.1 unless the client did SMTP AUTH" },
	{ "mailbox-full", LAB_SC_MAILBOX_FULL,
	    "RCPT to a local user gets 452 4.2.2 (mailbox full)" },
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
};

const char *
lab_scenario_help(void)
{
	static char text[2048];
	size_t off = 0, i;

	if (text[0] != '\0')
		return text;
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		int n = snprintf(text + off, sizeof(text) - off,
		    "      %-13s %s\n", scenarios[i].name, scenarios[i].help);

		if (n < 0 || (size_t)n >= sizeof(text) - off)
			break;
		off += (size_t)n;
	}
	return text;
}

int
lab_scenarios_parse(struct lab *lab, const char *list)
{
	const char *p = list;

	lab->scenarios = 0;
	if (list == NULL)
		return 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ", "), i;
		bool found = false;

		for (i = 0; len > 0 &&
		    i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
			if (strlen(scenarios[i].name) == len &&
			    strncmp(scenarios[i].name, p, len) == 0) {
				lab->scenarios |= scenarios[i].flag;
				found = true;
			}
		}
		if (len > 0 && !found && !(len == 4 &&
		    strncmp(p, "none", 4) == 0)) {
			size_t k, o;

			o = (size_t)snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "unknown scenario \"%.*s\"; one of:",
			    (int)(len > 40 ? 40 : len), p);
			for (k = 0; o < sizeof(lab->errbuf) && k <
			    sizeof(scenarios) / sizeof(scenarios[0]); k++)
				o += (size_t)snprintf(lab->errbuf + o,
				    sizeof(lab->errbuf) - o, " %s",
				    scenarios[k].name);
			return -1;
		}
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
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
	if (diff != 0 || (lab->scenarios & LAB_SC_AUTH_FAIL))
		return NULL;
	return a;
}

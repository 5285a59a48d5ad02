/* SPDX-License-Identifier: MIT */
/* `mailbench explain CODE...`: the meaning of SMTP and POP3 reply codes. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "proto/meaning.h"
#include "proto/transcript.h"
#include "front/modes.h"
#include "version.h"

static void
explain_usage(FILE *f)
{
	fputs("usage: mailbench explain [--] CODE...\n"
	    "\n"
	    "Explain SMTP and POP3 replies. A CODE is one of:\n"
	    "  550            an SMTP reply code, with its meaning after each "
	    "command\n"
	    "  550 5.7.1      a reply code with its enhanced status code "
	    "(RFC 3463)\n"
	    "  4.2.2          an enhanced status code alone\n"
	    "  '550-5.7.1 Relaying denied'   a whole reply line, pasted\n"
	    "  +OK  -ERR  +   a POP3 status indicator\n"
	    "  -ERR [IN-USE]  with an RFC 2449 response code; [SYS/TEMP] "
	    "alone\n"
	    "Several codes may follow each other: explain 354 550 5.7.1 "
	    "4.2.2\n"
	    "Put -- before a code that starts with '-': "
	    "explain -- '-ERR [IN-USE]'\n"
	    "\n"
	    "Exit status: 0 explained, 2 usage error or not a code.\n", f);
}

/* Print "mailbench explain: <pre>"TEXT"<sep><post>" on stderr, TEXT escaped
 * the one way the program escapes (the user's own text, but it may have
 * been pasted from a server's reply: keep the terminal safe anyway). */
static void
explain_complain(const char *pre, const char *text, const char *sep,
    const char *post)
{
	struct buf	b;

	buf_init(&b, 64 * 1024);
	(void)transcript_escape(text, strlen(text), &b);
	fprintf(stderr, "mailbench explain: %s\"%s\"%s%s\n", pre,
	    b.data != NULL ? b.data : "", sep, post);
	buf_clear(&b);
}

static bool
is_basic_code(const char *s)
{
	return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] >= '0' && s[2] <= '9' &&
	    (s[3] == '\0' || s[3] == ' ' || s[3] == '-');
}

static bool
is_enhanced(const char *s)
{
	return s[0] >= '0' && s[0] <= '9' && s[1] == '.';
}

static bool
is_pop3_status(const char *s)
{
	return s[0] == '+' || strncmp(s, "-ERR", 4) == 0 ||
	    strncmp(s, "-err", 4) == 0;
}

/* Does this word start a new code, given what the current group holds
 * (kind: 'S' an SMTP code alone, 'P' a POP3 status alone, 'X' more) and
 * the first digit of its SMTP code? */
static bool
starts_code(const char *w, int group_kind, char digit)
{
	if (is_basic_code(w) || is_pop3_status(w))
		return true;
	/* "550 5.7.1": the enhanced code belongs to the basic code before
	 * when their classes agree; "354 4.2.2" are two codes. */
	if (is_enhanced(w))
		return group_kind != 'S' || w[0] != digit;
	/* "-ERR [IN-USE]": the response code belongs to the status before. */
	if (w[0] == '[')
		return group_kind != 'P';
	return false;
}

/* Explain one group of words ("550 5.7.1") into out, a blank line before
 * every group but the first; an error line into err. 0, or 2. */
static int
explain_one(const char *code, bool first, struct buf *out, struct buf *err)
{
	size_t		 before = out->len;
	const char	*errstr = NULL;

	if (!first)
		(void)buf_append_byte(out, '\n');
	if (meaning_explain(code, out, &errstr) < 0) {
		buf_truncate(out, before);
		(void)buf_append_str(err, "\"");
		(void)transcript_escape(code, strlen(code), err);
		(void)buf_printf(err, "\": %s\n", errstr != NULL ? errstr :
		    "not a reply code");
		return 2;
	}
	return 0;
}

int
explain_words(size_t nwords, const char *const *words, struct buf *out,
    struct buf *err)
{
	struct buf	 group;
	size_t		 i;
	int		 rc = 0, kind = 0, n = 0;
	char		 digit = 0;

	buf_init(&group, 64 * 1024);
	for (i = 0; i < nwords; i++) {
		const char *w = words[i];

		while (*w == ' ' || *w == '\t')
			w++;
		if (*w == '\0')
			continue;
		if (group.len > 0 && starts_code(w, kind, digit)) {
			if (explain_one(group.data, n++ == 0, out, err) != 0)
				rc = 2;
			buf_reset(&group);
			kind = 0;
		}
		if ((group.len > 0 && buf_append_byte(&group, ' ') < 0) ||
		    buf_append_str(&group, w) < 0) {
			buf_clear(&group);
			(void)buf_append_str(err, "arguments too long\n");
			return 2;
		}
		if (kind == 0) {
			digit = w[0];
			kind = is_basic_code(w) && strchr(w, ' ') == NULL ?
			    'S' : is_pop3_status(w) && strchr(w, ' ') == NULL ?
			    'P' : 'X';
		} else
			kind = 'X';
	}
	if (group.len > 0 && explain_one(group.data, n++ == 0, out, err) != 0)
		rc = 2;
	buf_clear(&group);
	if (n == 0) {
		(void)buf_append_str(err, "no code given\n");
		return 2;
	}
	return rc;
}

int
explain_main(int argc, char **argv)
{
	struct buf	 out, err;
	const char	*nl, *p;
	int		 i, rc;
	bool		 dashdash = false;

	for (i = 1; i < argc && !dashdash; i++) {
		if (strcmp(argv[i], "--") == 0)
			dashdash = true;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			explain_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("mailbench %s\n", MAILBENCH_VERSION);
			return 0;
		} else if (argv[i][0] == '-' && !is_pop3_status(argv[i])) {
			explain_complain("unknown option ", argv[i], "",
			    " (put -- before a code starting with '-')");
			explain_usage(stderr);
			return 2;
		}
	}
	/* "--" itself is no code. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			argv[i] = (char *)"";
	buf_init(&out, 1024 * 1024);
	buf_init(&err, 64 * 1024);
	rc = explain_words((size_t)(argc - 1), (const char *const *)argv + 1,
	    &out, &err);
	if (out.len > 0)
		fwrite(out.data, 1, out.len, stdout);
	for (p = err.data; p != NULL && p < err.data + err.len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(err.data + err.len - p));
		if (nl == NULL)
			break;
		fprintf(stderr, "mailbench explain: %.*s\n", (int)(nl - p), p);
	}
	if (err.len > 0 && strstr(err.data, "no code given") != NULL)
		explain_usage(stderr);
	buf_clear(&out);
	buf_clear(&err);
	return rc;
}

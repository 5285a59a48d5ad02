/* SPDX-License-Identifier: MIT */
/* `mailbench explain CODE...`: the meaning of SMTP and POP3 reply codes. */
#include <stdio.h>
#include <string.h>

#include "proto/buf.h"
#include "proto/meaning.h"
#include "proto/transcript.h"
#include "ui/modes.h"
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

static int
explain_one(const char *code, bool first)
{
	struct buf	 out;
	const char	*errstr = NULL;

	buf_init(&out, 64 * 1024);
	if (meaning_explain(code, &out, &errstr) < 0) {
		explain_complain("", code, ": ", errstr != NULL ? errstr :
		    "not a reply code");
		buf_clear(&out);
		return 2;
	}
	if (!first)
		fputc('\n', stdout);
	if (out.len > 0)
		fwrite(out.data, 1, out.len, stdout);
	buf_clear(&out);
	return 0;
}

int
explain_main(int argc, char **argv)
{
	struct buf	 group;
	int		 i, rc = 0, kind = 0, n = 0;
	char		 digit = 0;
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
	buf_init(&group, 64 * 1024);
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "--") == 0)
			continue;
		while (*w == ' ' || *w == '\t')
			w++;
		if (*w == '\0')
			continue;
		if (group.len > 0 && starts_code(w, kind, digit)) {
			if (explain_one(group.data, n++ == 0) != 0)
				rc = 2;
			buf_reset(&group);
			kind = 0;
		}
		if (group.len > 0 && buf_append_byte(&group, ' ') < 0)
			goto too_long;
		if (buf_append_str(&group, w) < 0)
			goto too_long;
		if (kind == 0) {
			digit = w[0];
			kind = is_basic_code(w) && strchr(w, ' ') == NULL ?
			    'S' : is_pop3_status(w) && strchr(w, ' ') == NULL ?
			    'P' : 'X';
		} else
			kind = 'X';
	}
	if (group.len > 0) {
		if (explain_one(group.data, n++ == 0) != 0)
			rc = 2;
	}
	buf_clear(&group);
	if (n == 0) {
		fputs("mailbench explain: no code given\n", stderr);
		explain_usage(stderr);
		return 2;
	}
	return rc;
too_long:
	buf_clear(&group);
	fputs("mailbench explain: arguments too long\n", stderr);
	return 2;
}

/* SPDX-License-Identifier: MIT */
/* Classify typed lines: verb, reply shape, secrecy (from the protocol's
 * table of verbs, proto/verbs.h). */
#include <ctype.h>
#include <string.h>

#include "proto/command.h"
#include "proto/limits.h"
#include "proto/verbs.h"
#include "base/util.h"

/* LIMIT_COMMAND_LINE as text, for the refusal message. */
#define COMMAND_STR(x)	#x
#define COMMAND_XSTR(x)	COMMAND_STR(x)
#define LIMIT_COMMAND_LINE_TEXT	COMMAND_XSTR(LIMIT_COMMAND_LINE)

/* Offset of the first byte after the next run of spaces from i. */
static size_t
skip_spaces(const char *line, size_t len, size_t i)
{
	while (i < len && line[i] == ' ')
		i++;
	return i;
}

/* Offset of the end of the word starting at i. */
static size_t
word_end(const char *line, size_t len, size_t i)
{
	while (i < len && line[i] != ' ')
		i++;
	return i;
}

int
command_parse(enum reply_proto proto, const char *line, size_t len,
    struct command *cmd_r, const char **errstr_r)
{
	const struct verb *v;
	size_t	vend, i, n, a, aend;
	bool	has_arg;

	memset(cmd_r, 0, sizeof(*cmd_r));
	cmd_r->arg = line + len;
	if (len > LIMIT_COMMAND_LINE) {
		*errstr_r = "line too long: a command line holds at most "
		    LIMIT_COMMAND_LINE_TEXT " bytes here (RFC 5321 4.5.3.1.4 "
		    "and RFC 2449 4 allow 512 and 255)";
		return -1;
	}
	/* A CR or LF inside a typed line would smuggle a second command
	 * past the transcript; NUL is never valid in a command. */
	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL) {
		*errstr_r = "line contains CR or LF";
		return -1;
	}
	if (memchr(line, '\0', len) != NULL) {
		*errstr_r = "line contains a NUL byte";
		return -1;
	}
	if (len > 0 && line[0] == '/') {
		cmd_r->workbench = true;
		i = 1;
	} else
		i = 0;
	vend = word_end(line, len, i);
	n = vend - i < sizeof(cmd_r->verb) - 1 ? vend - i :
	    sizeof(cmd_r->verb) - 1;
	for (a = 0; a < n; a++)
		cmd_r->verb[a] = (char)toupper((unsigned char)line[i + a]);
	cmd_r->verb[n] = '\0';
	a = vend < len ? vend + 1 : len;
	cmd_r->arg = line + a;
	cmd_r->arg_len = len - a;
	has_arg = skip_spaces(line, len, vend) < len;
	if (cmd_r->workbench)
		return 0;

	/* What the protocol's table says of the verb (proto/verbs.h); a
	 * verb it does not know expects one reply and holds no secret. */
	v = verb_find(proto, cmd_r->verb, strlen(cmd_r->verb));
	if (v == NULL)
		return 0;
	cmd_r->shape = has_arg ? v->shape : v->shape_bare;
	cmd_r->starttls = (v->flags & VERB_STARTTLS) != 0;
	cmd_r->quit = (v->flags & VERB_QUIT) != 0;
	if (v->flags & VERB_SECRET_ARG) {
		cmd_r->secret = true;
		cmd_r->secret_keep = a;
	} else if (v->flags & VERB_SECRET_2ND) {
		i = skip_spaces(line, len, vend);
		aend = word_end(line, len, i);
		cmd_r->secret = true;
		cmd_r->secret_keep = aend < len ? aend + 1 : len;
	} else if (v->flags & VERB_SECRET_IR) {
		/* AUTH MECH [initial-response] (RFC 4954 4, RFC 5034 4). */
		i = skip_spaces(line, len, vend);
		aend = word_end(line, len, i);
		if (skip_spaces(line, len, aend) < len) {
			cmd_r->secret = true;
			cmd_r->secret_keep = aend + 1;
		}
	}
	return 0;
}

void
command_continuation(const char *line, size_t len, struct command *cmd_r)
{
	memset(cmd_r, 0, sizeof(*cmd_r));
	cmd_r->arg = line;
	cmd_r->arg_len = len;
	cmd_r->shape = COMMAND_SASL;
	/* RFC 4954 4: a lone "*" cancels the exchange; it is no secret. */
	cmd_r->secret = !(len == 1 && line[0] == '*');
	cmd_r->secret_keep = 0;
}

bool
command_is_secret(enum reply_proto proto, bool sasl_open, const char *line,
    size_t len, size_t *keep_r)
{
	struct command	 cmd;
	const char	*err;

	*keep_r = 0;
	if (sasl_open)
		command_continuation(line, len, &cmd);
	else if (command_parse(proto, line, len, &cmd, &err) == -1 ||
	    cmd.workbench)
		return false;
	*keep_r = cmd.secret_keep;
	return cmd.secret;
}

/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/reply.c: SMTP and POP3 reply lines, good and bad. */
#include <stdio.h>

#include "proto/reply.h"
#include "tests/unit/harness.h"

static const struct {
	enum reply_proto proto;
	const char	*in;
	int		 ret;
	int		 code;
	bool		 last;
	int		 pop3;
	const char	*enh;
	const char	*resp;
	const char	*text;
} cases[] = {
	/* SPEC.md greeting: last line, no enhanced code for 220 text. */
	{ REPLY_SMTP, "220 lab.example ESMTP mailbench-lab", 0, 220, true, 0,
	    "", "", "lab.example ESMTP mailbench-lab" },
	/* SPEC.md: enhanced code after the code, class matches. */
	{ REPLY_SMTP, "250 2.1.0 Ok", 0, 250, true, 0, "2.1.0", "", "Ok" },
	/* RFC 5321 4.2.1: hyphen means more lines follow. */
	{ REPLY_SMTP, "250-PIPELINING", 0, 250, false, 0, "", "",
	    "PIPELINING" },
	/* A bare code is a complete last line with empty text. */
	{ REPLY_SMTP, "250", 0, 250, true, 0, "", "", "" },
	/* Code, space, nothing: last, empty text. */
	{ REPLY_SMTP, "250 ", 0, 250, true, 0, "", "", "" },
	/* Enhanced code on a continuation line. */
	{ REPLY_SMTP, "550-5.7.1 Relaying denied", 0, 550, false, 0, "5.7.1",
	    "", "Relaying denied" },
	/* Enhanced code alone, with no text after it. */
	{ REPLY_SMTP, "451 4.7.1", 0, 451, true, 0, "4.7.1", "", "" },
	/* Three-digit subject and detail are allowed (RFC 3463 1*3digit). */
	{ REPLY_SMTP, "550 5.123.456 x", 0, 550, true, 0, "5.123.456", "",
	    "x" },
	/* Class must match the code's first digit: 250 5.7.1 is text. */
	{ REPLY_SMTP, "250 5.7.1 odd", 0, 250, true, 0, "", "",
	    "5.7.1 odd" },
	/* No enhanced codes on 3xx (RFC 2034 applies to 2/4/5). */
	{ REPLY_SMTP, "354 3.0.0 go ahead", 0, 354, true, 0, "", "",
	    "3.0.0 go ahead" },
	/* Four-digit subject is not an enhanced code. */
	{ REPLY_SMTP, "550 5.1234.1 x", 0, 550, true, 0, "", "",
	    "5.1234.1 x" },
	/* Enhanced code glued to text is not one. */
	{ REPLY_SMTP, "550 5.7.1relay", 0, 550, true, 0, "", "",
	    "5.7.1relay" },
	/* Two-digit class is not an enhanced code. */
	{ REPLY_SMTP, "550 55.7.1 x", 0, 550, true, 0, "", "", "55.7.1 x" },
	/* Missing detail. */
	{ REPLY_SMTP, "550 5.7 x", 0, 550, true, 0, "", "", "5.7 x" },
	/* Codes below 200 are not SMTP replies. */
	{ REPLY_SMTP, "199 hi", -1, 0, true, 0, "", "", "" },
	/* Codes of 600 and above neither. */
	{ REPLY_SMTP, "600 hi", -1, 0, true, 0, "", "", "" },
	/* Non-digit code. */
	{ REPLY_SMTP, "2x0 hi", -1, 0, true, 0, "", "", "" },
	/* Too short. */
	{ REPLY_SMTP, "25", -1, 0, true, 0, "", "", "" },
	/* Empty line. */
	{ REPLY_SMTP, "", -1, 0, true, 0, "", "", "" },
	/* Four digits. */
	{ REPLY_SMTP, "2500 hi", -1, 0, true, 0, "", "", "" },
	/* Other separator than space or hyphen. */
	{ REPLY_SMTP, "250\tx", -1, 0, true, 0, "", "", "" },
	/* A POP3 line on an SMTP session. */
	{ REPLY_SMTP, "+OK ready", -1, 0, true, 0, "", "", "" },
	/* Text is kept as is, several spaces included. */
	{ REPLY_SMTP, "221  bye ", 0, 221, true, 0, "", "", " bye " },

	/* POP3 greeting with an APOP timestamp. */
	{ REPLY_POP3, "+OK POP3 ready <1.2@x>", 0, 0, true, REPLY_POP3_OK, "",
	    "", "POP3 ready <1.2@x>" },
	/* Bare +OK. */
	{ REPLY_POP3, "+OK", 0, 0, true, REPLY_POP3_OK, "", "", "" },
	/* RFC 2449 8.1.2 response code. */
	{ REPLY_POP3, "-ERR [IN-USE] locked", 0, 0, true, REPLY_POP3_ERR, "",
	    "IN-USE", "locked" },
	/* RFC 3206 hierarchical code. */
	{ REPLY_POP3, "-ERR [SYS/TEMP] try later", 0, 0, true,
	    REPLY_POP3_ERR, "", "SYS/TEMP", "try later" },
	/* Response code alone. */
	{ REPLY_POP3, "-ERR [AUTH]", 0, 0, true, REPLY_POP3_ERR, "", "AUTH",
	    "" },
	/* Response code after +OK is accepted too. */
	{ REPLY_POP3, "+OK [UTF8] fine", 0, 0, true, REPLY_POP3_OK, "",
	    "UTF8", "fine" },
	/* Unclosed bracket: no response code, all text. */
	{ REPLY_POP3, "-ERR [IN-USE locked", 0, 0, true, REPLY_POP3_ERR, "",
	    "", "[IN-USE locked" },
	/* Empty brackets are not a response code. */
	{ REPLY_POP3, "-ERR [] x", 0, 0, true, REPLY_POP3_ERR, "", "",
	    "[] x" },
	/* Empty level ("SYS//TEMP") is not a response code. */
	{ REPLY_POP3, "-ERR [SYS//TEMP] x", 0, 0, true, REPLY_POP3_ERR, "",
	    "", "[SYS//TEMP] x" },
	/* A space inside brackets is not a response code. */
	{ REPLY_POP3, "-ERR [IN USE] x", 0, 0, true, REPLY_POP3_ERR, "", "",
	    "[IN USE] x" },
	/* Lower case accepted leniently (documented in reply.c). */
	{ REPLY_POP3, "+ok fine", 0, 0, true, REPLY_POP3_OK, "", "", "fine" },
	/* SASL continuation with a base64 challenge (RFC 5034). */
	{ REPLY_POP3, "+ PDEyMzQ+", 0, 0, true, REPLY_POP3_CONT, "", "",
	    "PDEyMzQ+" },
	/* Continuation with an empty challenge. */
	{ REPLY_POP3, "+ ", 0, 0, true, REPLY_POP3_CONT, "", "", "" },
	/* Bare "+" tolerated as an empty continuation. */
	{ REPLY_POP3, "+", 0, 0, true, REPLY_POP3_CONT, "", "", "" },
	/* "+OKAY" is not +OK. */
	{ REPLY_POP3, "+OKAY", -1, 0, true, 0, "", "", "" },
	/* "-ERROR" is not -ERR. */
	{ REPLY_POP3, "-ERROR x", -1, 0, true, 0, "", "", "" },
	/* An SMTP line on a POP3 session. */
	{ REPLY_POP3, "220 hello", -1, 0, true, 0, "", "", "" },
	/* Empty line. */
	{ REPLY_POP3, "", -1, 0, true, 0, "", "", "" },
};

static void
test_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reply_line r;
		const char *err = NULL;
		int ret = reply_parse_line(cases[i].proto, cases[i].in,
		    strlen(cases[i].in), &r, &err);
		char text[256];

		if (ret != cases[i].ret)
			fprintf(stderr, "  case %zu: \"%s\"\n", i, cases[i].in);
		CHECK_INT(ret, cases[i].ret);
		if (ret != 0) {
			CHECK(err != NULL && *err != '\0');
			continue;
		}
		CHECK_INT(r.code, cases[i].code);
		CHECK_INT(r.last, cases[i].last);
		if (cases[i].proto == REPLY_POP3)
			CHECK_INT(r.pop3, cases[i].pop3);
		CHECK_STR(r.enh, cases[i].enh);
		CHECK_STR(r.resp_code, cases[i].resp);
		CHECK(r.text_len < sizeof(text));
		memcpy(text, r.text, r.text_len);
		text[r.text_len] = '\0';
		CHECK_STR(text, cases[i].text);
	}
}

/* Numeric fields of the enhanced code are filled. */
static void
test_enh_fields(void)
{
	struct reply_line r;
	const char *line = "452-4.2.2 Mailbox full";

	CHECK_INT(reply_parse_line(REPLY_SMTP, line, strlen(line), &r, NULL),
	    0);
	CHECK_INT(r.enh_class, 4);
	CHECK_INT(r.enh_subject, 2);
	CHECK_INT(r.enh_detail, 2);
	line = "250 ok";
	CHECK_INT(reply_parse_line(REPLY_SMTP, line, strlen(line), &r, NULL),
	    0);
	CHECK_INT(r.enh_class, 0);
}

/* A NUL byte inside the text does not stop parsing (slices, not strings),
 * and nothing is read past len. */
static void
test_nul_and_len(void)
{
	struct reply_line r;
	static const char line[] = "250 a\0b";
	static const char pop[] = "-ERR [X]\0tail";

	CHECK_INT(reply_parse_line(REPLY_SMTP, line, sizeof(line) - 1, &r,
	    NULL), 0);
	CHECK_INT(r.text_len, 3);
	/* len stops before the enhanced code's digits: still parses. */
	CHECK_INT(reply_parse_line(REPLY_SMTP, "250 2.1.0 Ok", 7, &r, NULL),
	    0);
	CHECK_STR(r.enh, "");
	CHECK_INT(reply_parse_line(REPLY_POP3, pop, sizeof(pop) - 1, &r,
	    NULL), 0);
	CHECK_STR(r.resp_code, "X");
	CHECK_INT(r.text_len, 5);
}

/* A response code too long for the field stays in the text. */
static void
test_long_resp_code(void)
{
	char line[200];
	struct reply_line r;
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "-ERR [%0100d] x", 0);
	CHECK_INT(reply_parse_line(REPLY_POP3, line, n, &r, NULL), 0);
	CHECK_STR(r.resp_code, "");
	CHECK(r.text_len == n - 5);
}

static const struct test tests[] = {
	{ "reply_table", test_table },
	{ "reply_enh_fields", test_enh_fields },
	{ "reply_nul_and_len", test_nul_and_len },
	{ "reply_long_resp_code", test_long_resp_code },
};

TEST_MAIN("reply", tests)

/* SPDX-License-Identifier: MIT */
/* Tests for front/url.c (compiled in here: tests/net links no ui/ library). */
#include <stdio.h>

#include "tests/unit/harness.h"
#include "front/url.h"

static const struct {
	const char	*in;
	int		 ret;
	enum url_scheme	 scheme;
	const char	*user, *host, *port;
	bool		 tls;
} cases[] = {
	/* Default ports per scheme (SPEC.md). */
	{ "pop3://mail.example.org", 0, URL_POP3, NULL, "mail.example.org",
	    "110", false },
	{ "pop3s://mail.example.org", 0, URL_POP3S, NULL, "mail.example.org",
	    "995", true },
	{ "smtp://mx.example", 0, URL_SMTP, NULL, "mx.example", "25", false },
	{ "smtps://mx.example", 0, URL_SMTPS, NULL, "mx.example", "465",
	    true },
	{ "submission://mx.example", 0, URL_SUBMISSION, NULL, "mx.example",
	    "587", false },
	/* User, port, scheme case-insensitive, trailing slash. */
	{ "POP3://student@127.0.0.1:1110/", 0, URL_POP3, "student",
	    "127.0.0.1", "1110", false },
	/* A user with '@' (the last '@' splits) and a %-escape. */
	{ "pop3://a@b.example@host:2", 0, URL_POP3, "a@b.example", "host",
	    "2", false },
	{ "pop3://a%40b@host", 0, URL_POP3, "a@b", "host", "110", false },
	/* IPv6 literals in brackets, with and without port. */
	{ "smtp://[::1]:2525", 0, URL_SMTP, NULL, "::1", "2525", false },
	{ "pop3s://u@[2001:db8::1]", 0, URL_POP3S, "u", "2001:db8::1", "995",
	    true },
	/* Errors. */
	{ "imap://host", -1, 0, NULL, NULL, NULL, false },
	{ "host:110", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://host:0", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://host:65536", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://host:12x", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://host:", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://::1", -1, 0, NULL, NULL, NULL, false },	/* no brackets */
	{ "pop3://[::1", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://[nonsense]", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://[::1]x", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://@host", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://a%0d%0aQUIT@host", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://a%4@host", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://host/path", -1, 0, NULL, NULL, NULL, false },
	{ "pop3://ho st", -1, 0, NULL, NULL, NULL, false },
};

/* Each case parses to the expected fields, or fails with a reason. */
static void
test_url_cases(void)
{
	size_t i;
	struct url u;
	const char *err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = NULL;
		int r = url_parse(cases[i].in, &u, &err);

		if (r != cases[i].ret)
			fprintf(stderr, "case %s\n", cases[i].in);
		CHECK_INT(r, cases[i].ret);
		if (r == -1) {
			CHECK(err != NULL);
			CHECK(u.host == NULL && u.user == NULL);
			continue;
		}
		CHECK_INT(u.scheme, cases[i].scheme);
		CHECK_INT(u.implicit_tls, cases[i].tls);
		CHECK_STR(u.host, cases[i].host);
		CHECK_STR(u.port, cases[i].port);
		if (cases[i].user == NULL)
			CHECK(u.user == NULL);
		else
			CHECK_STR(u.user, cases[i].user);
		url_clear(&u);
	}
}

/* host:port display brackets IPv6 again. */
static void
test_url_hostport(void)
{
	struct url u;
	const char *err;
	char hp[80];

	CHECK_INT(url_parse("smtp://[::1]:25", &u, &err), 0);
	url_hostport(&u, hp, sizeof(hp));
	CHECK_STR(hp, "[::1]:25");
	url_clear(&u);
	CHECK_INT(url_parse("pop3://127.0.0.1", &u, &err), 0);
	url_hostport(&u, hp, sizeof(hp));
	CHECK_STR(hp, "127.0.0.1:110");
	CHECK_INT(u.proto, REPLY_POP3);
	url_clear(&u);
}

static const struct test tests[] = {
	{ "url_cases", test_url_cases },
	{ "url_hostport", test_url_hostport },
};

TEST_MAIN("url", tests)

/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/address.c: RFC 5322 3.4 address lists. */
#include <string.h>

#include "proto/address.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*in;
	size_t		 n;
	const char	*name[3];
	const char	*addr[3];
} cases[] = {
	/* a bare addr-spec */
	{ "a@example.org", 1, { "" }, { "a@example.org" } },
	/* name-addr with a quoted display name */
	{ "\"Doe, John\" <john@example.org>", 1, { "Doe, John" },
	  { "john@example.org" } },
	/* RFC 5322 A.1.2: a list with an empty display name */
	{ "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", 3,
	  { "Mary Smith", "", "Who?" },
	  { "mary@x.test", "jdoe@example.org", "one@y.test" } },
	/* A.1.3: groups are flattened, the empty group gives nothing */
	{ "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"
	  ", Undisclosed recipients:;", 3, { "Ed Jones", "", "John" },
	  { "c@a.test", "joe@where.test", "jdoe@one.test" } },
	/* A.5: comments vanish, CFWS between words is one space */
	{ "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", 1,
	  { "Pete" }, { "pete@silly.test" } },
	/* A.6.1 obsolete route and obs-phrase dots */
	{ "Joe Q. Public <@node.test,@x.test:john.q.public@example.com>", 1,
	  { "Joe Q. Public" }, { "john.q.public@example.com" } },
	/* RFC 2047 encoded words in a display name, also quoted ones */
	{ "=?utf-8?q?J=C3=B6rg?= <j@x.test>, \"=?utf-8?b?w6k=?=\" <e@x.test>", 2,
	  { "J\xc3\xb6rg", "\xc3\xa9" }, { "j@x.test", "e@x.test" } },
	/* RFC 6532: raw UTF-8 in names and addresses */
	{ "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc.example>", 1, { "J\xc3\xb6rg" },
	  { "j\xc3\xb6rg@b\xc3\xbc.example" } },
	/* a local part that needs quotes gets them back */
	{ "\"john doe\"@example.org", 1, { "" }, { "\"john doe\"@example.org" } },
	/* empty elements of a list are skipped (RFC 5322 4.4) */
	{ ", ,a@b,,", 1, { "" }, { "a@b" } },
	/* a word with no '@' stands as what it is */
	{ "undisclosed", 1, { "" }, { "undisclosed" } },
	/* RFC 2047 5 (3): no encoded word in an addr-spec: kept as written */
	{ "=?utf-8?q?a?=@example.org", 1, { "" },
	  { "=?utf-8?q?a?=@example.org" } },
	/* the null path */
	{ "<>", 1, { "" }, { "<>" } },
	/* an addr-spec before '<' wins, as Python reads it */
	{ "a@b.test <c@d.test>", 1, { "" }, { "a@b.test" } },
	/* an unclosed quote does not run away */
	{ "\"unclosed <a@b>", 1, { "" }, { "\"unclosed <a@b>\"" } },
};

static void
test_lists(void)
{
	size_t	i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct address_list l;

		address_list_init(&l);
		CHECK_INT(address_parse(cases[i].in, strlen(cases[i].in), &l),
		    cases[i].n);
		for (k = 0; k < cases[i].n && k < l.count; k++) {
			CHECK_STR(l.items[k].name, cases[i].name[k]);
			CHECK_STR(l.items[k].addr, cases[i].addr[k]);
		}
		address_list_clear(&l);
	}
}

/* Group names are kept on their members. */
static void
test_group(void)
{
	static const char in[] = "Team: a@x, B <b@x>;, c@x";
	struct address_list l;

	address_list_init(&l);
	CHECK_INT(address_parse(in, sizeof(in) - 1, &l), 3);
	CHECK_STR(l.items[0].group, "Team");
	CHECK_STR(l.items[1].group, "Team");
	CHECK_STR(l.items[2].group, "");
	address_list_clear(&l);
}

/* Parsing appends: several From fields make one list. */
static void
test_append(void)
{
	struct address_list l;

	address_list_init(&l);
	address_parse("a@x", 3, &l);
	address_parse("b@x, c@x", 8, &l);
	CHECK_INT(l.count, 3);
	CHECK_STR(l.items[2].addr, "c@x");
	address_list_clear(&l);
	CHECK_INT(l.count, 0);
}

static const struct test tests[] = {
	{ "lists", test_lists },
	{ "group", test_group },
	{ "append", test_append },
};

TEST_MAIN("address", tests)

/* SPDX-License-Identifier: MIT */
/* Unit tests for the POP3 engine (proto/pop3.c through proto/session.c),
 * driven by scripted server bytes. */
#include "tests/unit/engine-script.h"

/* USER/PASS typed by hand: PASS redacted, state change, QUIT. */
static void
test_login(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n" },
		{ 'U', "USER student" },
		{ 'S', "+OK\r\n" },
		{ 'U', "PASS student" },
		{ 'S', "+OK logged in\r\n" },
		{ 'U', "QUIT" },
		{ 'S', "+OK bye\r\n" },
		{ 'E', NULL },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: USER student\n"
	    "S: +OK\n"
	    "C: PASS ********\n"
	    "S: +OK logged in\n"
	    "* AUTHORIZATION -> TRANSACTION\n"
	    "C: QUIT\n"
	    "S: +OK bye\n"
	    "* TRANSACTION -> UPDATE\n"
	    "* the server answered QUIT\n"
	    "* UPDATE -> CLOSED\n"
	    "* connection closed by the server\n",
	    "USER student\r\nPASS student\r\nQUIT\r\n");
}

static const struct test tests[] = {
	{ "pop3 USER/PASS login and QUIT", test_login },
};

TEST_MAIN("pop3", tests)

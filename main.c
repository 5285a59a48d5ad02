/* SPDX-License-Identifier: MIT */
/* mailbench's entry point: picks a mode from the first argument. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ui/modes.h"
#include "version.h"

static void
usage(FILE *f)
{
	fputs("usage: mailbench [options] [URL]        open the workbench\n"
	    "       mailbench --lab [options]          workbench on the built-in lab server\n"
	    "       mailbench lab [options]            run the lab server alone\n"
	    "       mailbench batch [options] URL [FILE]  non-interactive session\n"
	    "       mailbench mime [--json] FILE...    headers and MIME tree of messages\n"
	    "       mailbench explain CODE...          meaning of a reply code\n"
	    "\n"
	    "URL: pop3://[user@]host[:port]  pop3s://  smtp://  smtps://  submission://\n"
	    "Run 'mailbench MODE --help' for the options of a mode; see mailbench(1).\n"
	    "\n"
	    "options of the workbench (mailbench [options] [URL], --lab):\n",
	    f);
	screen_options_usage(f);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc >= 2) {
		const char *m = argv[1];

		if (strcmp(m, "batch") == 0)
			return batch_main(argc - 1, argv + 1);
		if (strcmp(m, "lab") == 0)
			return lab_main(argc - 1, argv + 1);
		if (strcmp(m, "mime") == 0)
			return mime_main(argc - 1, argv + 1);
		if (strcmp(m, "explain") == 0)
			return explain_main(argc - 1, argv + 1);
		if (strcmp(m, "--help") == 0 || strcmp(m, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(m, "--version") == 0) {
			printf("mailbench %s\n", MAILBENCH_VERSION);
			return 0;
		}
	}
	return screen_main(argc, argv);
}

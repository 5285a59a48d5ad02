/* SPDX-License-Identifier: MIT */
/* mailbench's entry point: picks a mode from the first argument. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "front/modes.h"
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
	    "       mailbench replay FILE              step through a saved transcript\n"
	    "\n"
	    "URL: pop3://[user@]host[:port]  pop3s://  smtp://  smtps://  submission://\n"
	    "Run 'mailbench MODE --help' for the options of a mode; see mailbench(1).\n"
	    "\n"
	    "options of the workbench (mailbench [options] [URL], --lab):\n",
	    f);
	screen_options_usage(f);
}

/* The modes that may hold a password (typed, from --password-file or
 * MAILBENCH_PASSWORD, or a lab's users file) never leave it in a core
 * file: no core dump (RLIMIT_CORE 0) and not dumpable (which also keeps
 * other processes of the user from reading our memory with ptrace or
 * /proc/PID/mem). A secret can arrive with any line typed, so this holds
 * for the whole run. */
static void
protect_secrets(void)
{
	struct rlimit rl = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* A file-size limit (ulimit -f) makes write() fail with EFBIG, which
	 * is reported, instead of killing the program half-way through a
	 * save. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc >= 2) {
		const char *m = argv[1];

		if (strcmp(m, "batch") == 0) {
			protect_secrets();
			return batch_main(argc - 1, argv + 1);
		}
		if (strcmp(m, "lab") == 0) {
			protect_secrets();
			return lab_main(argc - 1, argv + 1);
		}
		if (strcmp(m, "mime") == 0)
			return mime_main(argc - 1, argv + 1);
		if (strcmp(m, "explain") == 0)
			return explain_main(argc - 1, argv + 1);
		if (strcmp(m, "replay") == 0)
			return screen_main(argc - 1, argv + 1);
		if (strcmp(m, "--help") == 0 || strcmp(m, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(m, "--version") == 0) {
			printf("mailbench %s\n", MAILBENCH_VERSION);
			return 0;
		}
	}
	protect_secrets();
	return screen_main(argc, argv);
}

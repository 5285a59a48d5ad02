/* SPDX-License-Identifier: MIT */
/* mailbench's entry point: picks a mode from the first argument, and
 * composes --lab (starts the lab on the workbench's loop, hands the
 * workbench its URL). */
#include <stdbool.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "front/modes.h"
#include "lab/lab.h"
#include "ui/screen.h"
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

/* mailbench --lab: the lab on the workbench's loop, and what the workbench
 * is told of it. */
struct lab_run {
	struct lab_options	 lo;	/* ephemeral, plus the lab's options */
	struct lab		*lab;
	char			 url[512], smtp[300];
	char			 urls[SCREEN_LAB_URLS][96];
	char			 banner[5][320];
	char			 dir[64], cert[96];	/* its certificate */
	struct screen_lab	 sl;
};

static int
lab_run_option(void *arg, const char *name, const char *value, char *err,
    size_t errlen)
{
	struct lab_run *r = arg;

	return lab_option_set(&r->lo, name, value, err, errlen);
}

/* Start the lab on the loop and fill r->sl: its POP3 URL, its SMTP URL,
 * its four URLs for Tab, the banner lines (ports, certificate, account;
 * short enough for 80 columns, the SMTP URL ready to type) and, unless
 * --cafile was given, its certificate written to a private temporary
 * directory so STLS/STARTTLS verify. 0, or -1 (said on stderr). */
static int
lab_run_start(struct lab_run *r, struct loop *loop, bool cafile_given)
{
	static const char *const scheme[SCREEN_LAB_URLS] = { "pop3",
	    "pop3s", "smtp", "smtps" };
	static const enum lab_service which[SCREEN_LAB_URLS] = { LAB_POP3,
	    LAB_POP3S, LAB_SMTP, LAB_SMTPS };
	const char *err = NULL, *a, *tmp = getenv("TMPDIR");
	bool v6;
	int k;

	r->lab = lab_start(loop, &r->lo, &err);
	if (r->lab == NULL) {
		fprintf(stderr, "mailbench: lab server: %s\n",
		    err ? err : "failed to start");
		return -1;
	}
	a = lab_address(r->lab);
	v6 = strchr(a, ':') != NULL;
	snprintf(r->url, sizeof(r->url), "pop3://%s@%s:%d", lab_user(r->lab),
	    a, lab_port(r->lab, LAB_POP3));
	snprintf(r->smtp, sizeof(r->smtp), "smtp://%s%s%s:%d", v6 ? "[" : "",
	    a, v6 ? "]" : "", lab_port(r->lab, LAB_SMTP));
	r->sl.url = r->url;
	r->sl.smtp_url = r->smtp;
	for (k = 0; k < SCREEN_LAB_URLS; k++)
		if (lab_port(r->lab, which[k]) > 0) {
			snprintf(r->urls[k], sizeof(r->urls[k]),
			    "%s://%s%s%s:%d", scheme[k], v6 ? "[" : "", a,
			    v6 ? "]" : "", lab_port(r->lab, which[k]));
			r->sl.complete[k] = r->urls[k];
		}
	snprintf(r->banner[0], sizeof(r->banner[0]), "lab server on %s: POP3 "
	    "%d, POP3S %d, SMTPS %d", a, lab_port(r->lab, LAB_POP3),
	    lab_port(r->lab, LAB_POP3S), lab_port(r->lab, LAB_SMTPS));
	snprintf(r->banner[1], sizeof(r->banner[1]), "lab SMTP: /connect %s",
	    r->smtp);
	snprintf(r->banner[2], sizeof(r->banner[2]), "lab certificate SHA-256 "
	    "%.23s...", lab_fingerprint(r->lab) ? lab_fingerprint(r->lab) :
	    "?");
	snprintf(r->banner[3], sizeof(r->banner[3]), "practice account: user "
	    "%s, password %s", lab_user(r->lab), lab_password(r->lab));
	snprintf(r->banner[4], sizeof(r->banner[4]), "try USER %s, PASS %s, "
	    "then /load", lab_user(r->lab), lab_password(r->lab));
	for (k = 0; k < 5; k++)
		r->sl.banner[k] = r->banner[k];
	/* Trust exactly the lab's own certificate (unless --cafile says
	 * otherwise): TLS in the lab verifies like it should anywhere. */
	if (!cafile_given) {
		snprintf(r->dir, sizeof(r->dir), "%s/mailbench-lab.XXXXXX",
		    tmp != NULL && tmp[0] == '/' && strlen(tmp) < 40 ? tmp :
		    "/tmp");
		if (mkdtemp(r->dir) != NULL) {
			snprintf(r->cert, sizeof(r->cert), "%s/lab-cert.pem",
			    r->dir);
			if (lab_write_cert(r->lab, r->cert) == 0)
				r->sl.cafile = r->cert;
			else
				r->cert[0] = '\0';
		} else
			r->dir[0] = '\0';
	}
	return 0;
}

/* Stop the lab and remove its certificate. */
static void
lab_run_stop(struct lab_run *r)
{
	lab_free(r->lab);
	r->lab = NULL;
	if (r->cert[0] != '\0')
		unlink(r->cert);
	if (r->dir[0] != '\0')
		rmdir(r->dir);
}

/* The workbench (argv[0]: program name, or "replay"), with --lab composed
 * here: the screen parses the command line (lab options through r), then
 * the lab starts on the screen's loop before the screen opens. */
static int
workbench_main(int argc, char **argv)
{
	struct lab_run r;
	struct screen_lab_parse lp = { lab_option_known, lab_run_option, &r };
	struct screen *s;
	bool lab;
	int rc;

	memset(&r, 0, sizeof(r));
	lab_options_init_ephemeral(&r.lo);
	if ((s = screen_new(argc, argv, &lp, &lab, &rc)) == NULL)
		return rc;
	if (lab && lab_run_start(&r, screen_loop(s),
	    screen_has_cafile(s)) == -1) {
		screen_free(s);
		return 3;
	}
	rc = screen_run(s, lab ? &r.sl : NULL);
	lab_run_stop(&r);
	screen_free(s);
	return rc;
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
			return workbench_main(argc - 1, argv + 1);
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
	return workbench_main(argc, argv);
}

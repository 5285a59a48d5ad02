/* SPDX-License-Identifier: MIT */
/* `mailbench lab`: the lab server alone, in the foreground. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab.h"
#include "net/loop.h"
#include "proto/util.h"
#include "ui/modes.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mailbench lab [options]\n"
	    "Run the practice POP3 + ESMTP server on a Maildir, in the "
	    "foreground.\n"
	    "\n"
	    "  --listen ADDR        address to listen on (default 127.0.0.1; "
	    "::1 for IPv6)\n"
	    "  --pop3-port N        POP3 with STLS (default 1110)\n"
	    "  --pop3s-port N       POP3 over implicit TLS (default 1995)\n"
	    "  --smtp-port N        ESMTP with STARTTLS (default 2525)\n"
	    "  --smtps-port N       ESMTP over implicit TLS (default 1465)\n"
	    "                       port 0 picks a free port, -1 turns the "
	    "service off\n"
	    "  --maildir DIR        Maildir root (default: a fresh temporary "
	    "directory,\n"
	    "                       removed at exit)\n"
	    "  --accounts N         practice accounts student01..studentNN "
	    "(password = name)\n"
	    "  --users FILE         accounts from \"user:password\" lines\n"
	    "                       (default: one account, student/student)\n"
	    "  --cert FILE --key FILE  PEM certificate and key (default: a "
	    "self-signed\n"
	    "                       certificate made at start; its "
	    "fingerprint is printed)\n"
	    "  --cert-out FILE      write the certificate in use to FILE "
	    "(for --cafile)\n"
	    "  --auth-without-tls   offer SMTP AUTH before STARTTLS too\n"
	    "  --idle-timeout SECS  end idle sessions after SECS (default "
	    "POP3 600, SMTP 300)\n"
	    "  --scenario NAME[,NAME...]  behave like a failing real "
	    "server:\n"
	    "%s"
	    "  --report FILE        keep a CSV of the class in FILE (one row "
	    "per account:\n"
	    "                       user,logins,failed_logins,sent,received,"
	    "refused,\n"
	    "                       lesson_steps), rewritten at most once a "
	    "second and at exit\n"
	    "  --quiet              print only the start banner, not each "
	    "session\n"
	    "  --help, --version\n"
	    "\n"
	    "Mail to user@lab.example sent over SMTP lands in that user's "
	    "Maildir and is\n"
	    "seen by their next POP3 session. Stop with Ctrl-C.\n",
	    lab_scenario_help());
}

static void
on_signal(void *arg)
{
	loop_break(arg);
}

static int
port_arg(const char *opt, const char *v, int *port_r)
{
	uint64_t n;

	if (strcmp(v, "-1") == 0) {
		*port_r = -1;
		return 0;
	}
	if (parse_uint(v, strlen(v), 65535, &n) == -1) {
		fprintf(stderr, "mailbench lab: %s: not a port number: %s\n",
		    opt, v);
		return -1;
	}
	*port_r = (int)n;
	return 0;
}

/* The service a --SVC-port option names, or -1. */
static int
port_option(const char *name)
{
	static const struct {
		const char	*name;
		int		 svc;
	} opts[] = {
		{ "--pop3-port", LAB_POP3 }, { "--pop3s-port", LAB_POP3S },
		{ "--smtp-port", LAB_SMTP }, { "--smtps-port", LAB_SMTPS },
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(name, opts[i].name) == 0)
			return opts[i].svc;
	return -1;
}

int
lab_main(int argc, char **argv)
{
	struct lab_options o;
	struct loop *loop;
	struct lab *lab;
	const char *err;
	bool quiet = false;
	int i, svc;

	lab_options_init(&o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		char name[64];
		uint64_t n;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("mailbench %s\n", MAILBENCH_VERSION);
			return 0;
		}
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = true;
			continue;
		}
		if (strcmp(a, "--auth-without-tls") == 0) {
			o.smtp_auth_plaintext = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "mailbench lab: unexpected argument: "
			    "%s (see --help)\n", a);
			return 2;
		}
		/* --name=value or --name value */
		eq = strchr(a, '=');
		if (eq != NULL) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
			v = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			if (i + 1 >= argc) {
				fprintf(stderr, "mailbench lab: %s needs a "
				    "value (see --help)\n", a);
				return 2;
			}
			v = argv[++i];
		}
		if (strcmp(name, "--listen") == 0)
			o.listen = v;
		else if ((svc = port_option(name)) != -1) {
			if (port_arg(name, v, &o.port[svc]) == -1)
				return 2;
		} else if (strcmp(name, "--maildir") == 0)
			o.maildir = v;
		else if (strcmp(name, "--users") == 0)
			o.users_file = v;
		else if (strcmp(name, "--accounts") == 0) {
			if (parse_uint(v, strlen(v), 9999, &n) == -1 || n == 0) {
				fprintf(stderr, "mailbench lab: --accounts: "
				    "a number from 1 to 9999\n");
				return 2;
			}
			o.accounts = (unsigned)n;
		} else if (strcmp(name, "--cert") == 0)
			o.cert_file = v;
		else if (strcmp(name, "--key") == 0)
			o.key_file = v;
		else if (strcmp(name, "--cert-out") == 0)
			o.cert_out = v;
		else if (strcmp(name, "--scenario") == 0)
			o.scenario = v;
		else if (strcmp(name, "--report") == 0)
			o.report = v;
		else if (strcmp(name, "--idle-timeout") == 0) {
			if (parse_uint(v, strlen(v), 86400, &n) == -1 ||
			    n == 0) {
				fprintf(stderr, "mailbench lab: "
				    "--idle-timeout: seconds, 1 to 86400\n");
				return 2;
			}
			o.pop3_idle = o.smtp_idle = (unsigned)n;
		} else {
			fprintf(stderr, "mailbench lab: unknown option %s "
			    "(see --help)\n", name);
			return 2;
		}
	}
	if ((o.cert_file == NULL) != (o.key_file == NULL)) {
		fprintf(stderr, "mailbench lab: --cert and --key go together\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	loop = loop_new();
	lab = lab_start(loop, &o, &err);
	if (lab == NULL) {
		fprintf(stderr, "mailbench lab: %s\n", err);
		loop_free(loop);
		return 2;
	}
	loop_signal(loop, SIGINT, on_signal, loop);
	loop_signal(loop, SIGTERM, on_signal, loop);
	loop_signal(loop, SIGHUP, on_signal, loop);
	if (quiet)
		lab_set_log(lab, NULL);
	loop_run(loop);
	fprintf(stderr, "mailbench lab: stopping\n");
	lab_free(lab);
	loop_free(loop);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* `mailbench lab`: the lab server alone, in the foreground. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/lab.h"
#include "net/loop.h"
#include "base/util.h"
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
	    "  --scenario NAME[,USER=NAME+NAME...]  behave like a failing "
	    "real server\n"
	    "                       (NAME: the whole lab; USER=NAME: one "
	    "account):\n"
	    "%s"
	    "  --report FILE        keep a CSV of the class in FILE (one row "
	    "per account:\n"
	    "                       user,logins,failed_logins,sent,received,"
	    "refused,\n"
	    "                       lesson_steps), rewritten at most once a "
	    "second and at exit\n"
	    "  --scenario-file FILE the same list read from FILE (one or "
	    "more a line, # comments);\n"
	    "                       kill -USR1 the lab to read it again and "
	    "switch at once\n"
	    "                       NAME applies to the whole lab, "
	    "USER=NAME[+NAME] to one account\n"
	    "                       (slow, tarpit, early-talker, firewall: "
	    "whole lab only)\n"
	    "  --quiet, -q          print only the start banner, not each "
	    "session\n"
	    "  --help, --version\n"
	    "\n"
	    "Mail to user@lab.example sent over SMTP lands in that user's "
	    "Maildir and is\n"
	    "seen by their next POP3 session. In a terminal, type b and "
	    "Enter for the\n"
	    "class board (who is online, last command, errors, lesson "
	    "steps), s LIST to switch\n"
	    "scenarios, r to write the report. Stop with Ctrl-C.\n",
	    lab_scenario_help());
}

/* What the signal handlers and the trainer's keys work on. */
struct lab_run {
	struct loop		*loop;
	struct lab		*lab;
	const char		*scenario_file;
	struct loop_watch	*keys;
	char			 line[512];
	size_t			 len;
};

static void
on_signal(void *arg)
{
	struct lab_run *r = arg;

	loop_break(r->loop);
}

/* The scenario file: the --scenario syntax, one or more a line, "#"
 * comments. Returns a malloc'd list joined by ",", or NULL (errno). */
static char *
read_scenario_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[1024], *out;
	size_t off = 0, cap = 4096;

	if (f == NULL)
		return NULL;
	out = xcalloc(1, cap);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "#\r\n");

		line[n] = '\0';
		if (n == 0)
			continue;
		if (off + n + 2 > cap) {
			fclose(f);
			free(out);
			errno = EFBIG;
			return NULL;
		}
		off += (size_t)snprintf(out + off, cap - off, "%s%s",
		    off > 0 ? "," : "", line);
	}
	fclose(f);
	return out;
}

/* SIGUSR1: read the scenario file again and switch to it. */
static void
on_usr1(void *arg)
{
	struct lab_run *r = arg;
	const char *err;
	char *spec;

	if (r->scenario_file == NULL) {
		fprintf(stderr, "mailbench lab: SIGUSR1: no --scenario-file "
		    "to read; scenario kept\n");
		return;
	}
	if ((spec = read_scenario_file(r->scenario_file)) == NULL) {
		printf("mailbench lab: --scenario-file %s: %s; scenario "
		    "kept\n", r->scenario_file, strerror(errno));
		return;
	}
	if (lab_set_scenarios(r->lab, spec, &err) == -1)
		printf("mailbench lab: --scenario-file %s: %s; scenario "
		    "kept\n", r->scenario_file, err);
	free(spec);
}

static void
keys_help(void)
{
	printf("keys (then Enter): b class board · s NAME[,USER=NAME...] "
	    "switch scenarios (s none: off) · r write the --report now · "
	    "h this help\n");
}

/* One line typed at the lab's terminal. */
static void
key_line(struct lab_run *r, char *line)
{
	const char *err;

	while (*line == ' ')
		line++;
	if (strcmp(line, "b") == 0 || strcmp(line, "") == 0)
		lab_board(r->lab, stdout);
	else if (line[0] == 's' && (line[1] == ' ' || line[1] == '\0')) {
		const char *spec = line + 1;

		while (*spec == ' ')
			spec++;
		if (*spec == '\0')
			printf("scenario in force: %s\n",
			    lab_scenarios_text(r->lab)[0] != '\0' ?
			    lab_scenarios_text(r->lab) : "none");
		else if (lab_set_scenarios(r->lab, spec, &err) == -1)
			printf("%s; scenario kept\n", err);
	} else if (strcmp(line, "r") == 0) {
		if (lab_report(r->lab) == -1)
			printf("--report: not written (none given, or an "
			    "error)\n");
		else
			printf("--report written\n");
	} else
		keys_help();
	fflush(stdout);
}

static void
on_key(int fd, short revents, void *arg)
{
	struct lab_run *r = arg;
	char buf[256];
	ssize_t n, i;

	(void)revents;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0) {
		/* The terminal went away: stop listening to it. */
		loop_watch_del(r->keys);
		r->keys = NULL;
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			r->line[r->len] = '\0';
			key_line(r, r->line);
			r->len = 0;
		} else if (r->len + 1 < sizeof(r->line) &&
		    (unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f)
			r->line[r->len++] = buf[i];
	}
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

bool
lab_option_known(const char *name)
{
	return strcmp(name, "--scenario") == 0 ||
	    strcmp(name, "--accounts") == 0 || strcmp(name, "--users") == 0 ||
	    port_option(name) != -1;
}

int
lab_option_set(struct lab_options *o, const char *name, const char *v,
    char *err, size_t errlen)
{
	uint64_t n;
	int svc;

	if (strcmp(name, "--scenario") == 0)
		o->scenario = v;
	else if (strcmp(name, "--users") == 0)
		o->users_file = v;
	else if (strcmp(name, "--accounts") == 0) {
		if (parse_uint(v, strlen(v), 9999, &n) == -1 || n == 0) {
			snprintf(err, errlen, "--accounts: a number from 1 to "
			    "9999");
			return -1;
		}
		o->accounts = (unsigned)n;
	} else if ((svc = port_option(name)) != -1) {
		if (strcmp(v, "-1") == 0)
			o->port[svc] = -1;
		else if (parse_uint(v, strlen(v), 65535, &n) == -1) {
			snprintf(err, errlen, "%s: not a port number: %.40s",
			    name, v);
			return -1;
		} else
			o->port[svc] = (int)n;
	} else {
		snprintf(err, errlen, "%s: not a lab option", name);
		return -1;
	}
	return 0;
}

int
lab_main(int argc, char **argv)
{
	struct lab_options o;
	struct lab_run run;
	struct loop *loop;
	struct lab *lab;
	const char *err;
	char *spec = NULL;
	bool quiet = false, tmp_maildir;
	unsigned nsess;
	int i, svc;

	memset(&run, 0, sizeof(run));

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
		else if (strcmp(name, "--scenario-file") == 0)
			run.scenario_file = v;
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
	if (run.scenario_file != NULL && o.scenario != NULL) {
		fprintf(stderr, "mailbench lab: --scenario and --scenario-file: "
		    "give one (the file takes the same list)\n");
		return 2;
	}
	if (run.scenario_file != NULL) {
		if ((spec = read_scenario_file(run.scenario_file)) == NULL) {
			fprintf(stderr, "mailbench lab: --scenario-file %s: "
			    "%s\n", run.scenario_file, strerror(errno));
			return 2;
		}
		o.scenario = spec;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	loop = loop_new();
	lab = lab_start(loop, &o, &err);
	if (lab == NULL) {
		fprintf(stderr, "mailbench lab: %s\n", err);
		loop_free(loop);
		free(spec);
		return 2;
	}
	run.loop = loop;
	run.lab = lab;
	loop_signal(loop, SIGINT, on_signal, &run);
	loop_signal(loop, SIGTERM, on_signal, &run);
	loop_signal(loop, SIGHUP, on_signal, &run);
	loop_signal(loop, SIGUSR1, on_usr1, &run);
	if (quiet)
		lab_set_log(lab, NULL);
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* The trainer's keys: a line at a time (the terminal's own
		 * line editing), so no terminal mode to restore. */
		run.keys = loop_watch_add(loop, STDIN_FILENO, POLLIN, on_key,
		    &run);
		printf("press b and Enter for the class board, h for the "
		    "other keys; Ctrl-C stops\n");
	}
	loop_run(loop);
	loop_watch_del(run.keys);
	nsess = lab_session_count(lab);
	tmp_maildir = lab_maildir_is_temp(lab);
	fprintf(stderr, "mailbench lab: stopping: closed %u open session%s and "
	    "the listeners on %s\n", nsess, nsess == 1 ? "" : "s",
	    lab_address(lab));
	if (o.report != NULL)
		fprintf(stderr, "mailbench lab: the class report is in %s\n",
		    o.report);
	if (tmp_maildir)
		fprintf(stderr, "mailbench lab: removing the temporary Maildir "
		    "%s (all class mail; --maildir DIR keeps it)\n",
		    lab_maildir(lab));
	else
		fprintf(stderr, "mailbench lab: the Maildir %s is kept\n",
		    lab_maildir(lab));
	lab_free(lab);
	loop_free(loop);
	free(spec);
	return 0;
}

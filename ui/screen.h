/* SPDX-License-Identifier: MIT */
/* The workbench's entry points: parse its command line, run it on a loop
 * main.c may share first (mailbench --lab starts the lab on it), free it. */
#ifndef UI_SCREEN_H
#define UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct loop;		/* net/loop.h */
struct screen;		/* opaque: the workbench */

#define SCREEN_LAB_URLS		4	/* POP3, POP3S, SMTP, SMTPS */
#define SCREEN_LAB_BANNER	8

/* What the workbench uses and shows of a lab main.c started (--lab); the
 * screen knows no lab. Strings stay valid until screen_run returns. */
struct screen_lab {
	const char	*url;		/* connect here first (pop3://user@...) */
	const char	*smtp_url;	/* its SMTP: lessons, --lesson smtp-* */
	/* URLs Tab completes after /connect; NULL where a service is off. */
	const char	*complete[SCREEN_LAB_URLS];
	/* The lab's certificate as PEM, trusted unless --cafile was given;
	 * NULL: none. */
	const char	*cafile;
	/* "* " lines shown at start (ports, fingerprint, account); NULL
	 * ends the list early. */
	const char	*banner[SCREEN_LAB_BANNER];
};

/* The lab's own options (--scenario, --accounts, ...) that the workbench's
 * command line takes with --lab: the screen asks known() of a word and
 * hands it with its value to set(), 0 or -1 with err filled. */
struct screen_lab_parse {
	bool	(*known)(const char *name);
	int	(*set)(void *arg, const char *name, const char *value,
		    char *err, size_t errlen);
	void	*arg;
};

/* Parse the workbench's command line (argv[0]: the program name, or
 * "replay" for mailbench replay FILE) and make its loop. NULL when the
 * program should end now with exit code *rc_r (usage error, --help, no
 * terminal); else *lab_r says whether --lab was given. lp may be NULL
 * (no lab options taken). */
struct screen	*screen_new(int argc, char **argv,
		    const struct screen_lab_parse *lp, bool *lab_r, int *rc_r);
/* The loop the workbench runs on, for main.c to start the lab on. */
struct loop	*screen_loop(struct screen *);
/* Was --cafile given (then the lab's certificate is not needed)? */
bool		 screen_has_cafile(const struct screen *);
/* Open the terminal and run until the user quits; lab (NULL: no --lab)
 * is used only until this returns. The exit code: 0, 2 (terminal), 3
 * (connection or TLS failure). */
int		 screen_run(struct screen *, const struct screen_lab *lab);
/* Free the workbench and its loop (after anything else on the loop is
 * freed). NULL is fine. */
void		 screen_free(struct screen *);

/* The workbench's options (after its usage lines), for --help. */
void		 screen_options_usage(FILE *);

#endif

/* SPDX-License-Identifier: MIT */
/* The connect options shared by batch and the screen: --starttls --cafile
 * --insecure --timeout --reply-deadline -4 -6 --transcript --password-file
 * --no-color
 * --timing --help --version, and the positional arguments left over. */
#ifndef UI_OPTIONS_H
#define UI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "front/driver.h"

/* Default for --timeout, in seconds. */
#define OPTIONS_DEFAULT_TIMEOUT	30.0
/* Default for --reply-deadline, in seconds: RFC 5321 4.5.3.2.6 asks a
 * client to wait up to 10 minutes for the reply to the end of DATA, the
 * longest of its per-reply timeouts, so no honest reply is cut; a server
 * dripping a line at a time is still stopped. 0 turns it off. */
#define OPTIONS_DEFAULT_REPLY_DEADLINE	600.0

struct options {
	struct driver_options	 drv;
	bool			 no_color;	/* --no-color or NO_COLOR set */
	bool			 timing;	/* --timing: print timing lines */
	bool			 help;		/* --help / -h */
	bool			 version;	/* --version */
	/* Positional arguments (URL, FILE...), pointers into argv. */
	char			**args;
	int			 nargs;
};

/* Parse argv[1..argc-1] (argv[0] is the mode name). Options and
 * positional arguments may mix; "--" ends options; "--opt=value" and
 * "--opt value" both work. extra (may be NULL) lists additional flag
 * names without value the caller accepts (e.g. "--lab"); they are
 * returned in args like positionals. 0, or -1 with a message in err
 * (size errlen) for a usage error (exit 2). Free with options_clear. */
int	options_parse(int argc, char **argv, const char *const *extra,
	    struct options *o_r, char *err, size_t errlen);
/* Free what options_parse allocated. */
void	options_clear(struct options *);
/* Print the connect options, one a line, to f (for --help texts). */
void	options_usage(FILE *f);

#endif

/* SPDX-License-Identifier: MIT */
/* Command-line options shared by the modes that connect. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proto/util.h"
#include "ui/options.h"

void
options_usage(FILE *f)
{
	fputs("  --starttls            upgrade to TLS before anything else "
	    "(STLS/STARTTLS)\n"
	    "  --cafile FILE         trust only the CA certificates in FILE "
	    "(PEM)\n"
	    "  --insecure            go on when the certificate cannot be "
	    "verified (said loudly)\n"
	    "  --timeout SECONDS     bound every wait: connect, TLS, each "
	    "reply (default 30)\n"
	    "  -4, -6                IPv4 or IPv6 only\n"
	    "  --transcript FILE     save the transcript as it goes "
	    "(secrets redacted;\n"
	    "                        never over an existing file, as /save)\n"
	    "  --password-file FILE  answer password requests from FILE "
	    "(first line)\n"
	    "                        (or the MAILBENCH_PASSWORD environment "
	    "variable)\n"
	    "  --no-color            no colours (also when NO_COLOR is set)\n"
	    "  --help, --version\n", f);
}

/* Split "--name=value"; true if name matches. */
static bool
opt_is(const char *arg, const char *name, const char **inline_r)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return false;
	if (arg[n] == '\0') {
		*inline_r = NULL;
		return true;
	}
	if (arg[n] == '=' && name[1] == '-') {
		*inline_r = arg + n + 1;
		return true;
	}
	return false;
}

int
options_parse(int argc, char **argv, const char *const *extra,
    struct options *o, char *err, size_t errlen)
{
	const char *inl, *val;
	static const char *const with_value[] = {
		"--cafile", "--timeout", "--transcript", "--password-file",
		NULL,
	};
	bool dashdash = false;
	int i, k;
	const char *ev;

	memset(o, 0, sizeof(*o));
	o->drv.timeout = OPTIONS_DEFAULT_TIMEOUT;
	o->args = xcalloc((size_t)argc + 1, sizeof(*o->args));
	ev = getenv("NO_COLOR");
	if (ev != NULL && *ev != '\0')
		o->no_color = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			o->args[o->nargs++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = true;
			continue;
		}
		if (extra != NULL) {
			for (k = 0; extra[k] != NULL; k++)
				if (strcmp(a, extra[k]) == 0)
					break;
			if (extra[k] != NULL) {
				o->args[o->nargs++] = argv[i];
				continue;
			}
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = true;
			continue;
		}
		if (strcmp(a, "--version") == 0) {
			o->version = true;
			continue;
		}
		if (strcmp(a, "--starttls") == 0) {
			o->drv.starttls = true;
			continue;
		}
		if (strcmp(a, "--insecure") == 0) {
			o->drv.insecure = true;
			continue;
		}
		if (strcmp(a, "--no-color") == 0 ||
		    strcmp(a, "--no-colour") == 0) {
			o->no_color = true;
			continue;
		}
		if (strcmp(a, "--timing") == 0) {
			o->timing = true;
			continue;
		}
		if (strcmp(a, "-4") == 0 || strcmp(a, "-6") == 0) {
			o->drv.family = a[1] - '0';
			continue;
		}
		for (k = 0; with_value[k] != NULL; k++)
			if (opt_is(a, with_value[k], &inl))
				break;
		if (with_value[k] == NULL) {
			snprintf(err, errlen, "unknown option '%s'", a);
			goto fail;
		}
		if (inl != NULL)
			val = inl;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			snprintf(err, errlen, "%s needs a value", with_value[k]);
			goto fail;
		}
		if (*val == '\0') {
			snprintf(err, errlen, "%s needs a value", with_value[k]);
			goto fail;
		}
		switch (k) {
		case 0:
			o->drv.cafile = val;
			break;
		case 1: {
			char *end;
			double t = strtod(val, &end);

			if (*end != '\0' || !isfinite(t) || t <= 0 ||
			    t > 86400) {
				snprintf(err, errlen, "--timeout needs a "
				    "number of seconds (0 < N <= 86400), not "
				    "'%s'", val);
				goto fail;
			}
			o->drv.timeout = t;
			break;
		}
		case 2:
			o->drv.transcript = val;
			break;
		case 3:
			o->drv.password_file = val;
			break;
		}
	}
	return 0;
fail:
	options_clear(o);
	return -1;
}

void
options_clear(struct options *o)
{
	free(o->args);
	o->args = NULL;
	o->nargs = 0;
}

/* SPDX-License-Identifier: MIT */
/* Command-line options shared by the modes that connect. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "front/options.h"

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
	    "silence in a reply\n"
	    "                        (default 30)\n"
	    "  --reply-deadline SECONDS\n"
	    "                        bound each whole reply, however it "
	    "trickles in\n"
	    "                        (default 600; 0: no deadline)\n"
	    "  -4, -6                IPv4 or IPv6 only\n"
	    "  --transcript FILE     save the transcript as it goes "
	    "(secrets redacted;\n"
	    "                        never over an existing file, as /save)\n"
	    "  --password-file FILE  answer password requests from FILE "
	    "(first line;\n"
	    "                        refused unless only you can read it: "
	    "chmod 600)\n"
	    "                        (or the MAILBENCH_PASSWORD environment "
	    "variable)\n"
	    "  --max-message SIZE    largest RETR/TOP/LIST response read, in "
	    "bytes or with K, M,\n"
	    "                        G (default 1G); a longer one ends the "
	    "session (disk bound)\n"
	    "  --no-color            no colours (also when NO_COLOR is set)\n"
	    "  --help, --version\n", f);
}

/* A password file others can read is refused, as ssh refuses a private
 * key file with group or other permissions ("UNPROTECTED PRIVATE KEY
 * FILE!"): the password may already be known, and using it quietly would
 * teach that this is fine. 0, or -1 with a message in err. */
static int
check_password_file(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "--password-file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* A pipe (--password-file <(pass show x)) is 0600 and passes. */
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "--password-file %s: permissions %04o "
		    "are too open (group or others may read it); it is not "
		    "used. Run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
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

/* "1048576", "64M", "2G": a byte count with an optional binary suffix,
 * from 1 KiB to 1 TiB. */
static int
parse_size(const char *v, uint64_t *size_r)
{
	size_t len = strlen(v);
	uint64_t n, unit = 1;

	if (len > 0 && strchr("kKmMgG", v[len - 1]) != NULL) {
		unit = v[len - 1] == 'k' || v[len - 1] == 'K' ? 1ull << 10 :
		    v[len - 1] == 'm' || v[len - 1] == 'M' ? 1ull << 20 :
		    1ull << 30;
		len--;
	}
	if (parse_uint(v, len, (1ull << 40) / unit, &n) == -1 ||
	    n * unit < 1024)
		return -1;
	*size_r = n * unit;
	return 0;
}

int
options_parse(int argc, char **argv, const char *const *extra,
    struct options *o, char *err, size_t errlen)
{
	const char *inl, *val;
	static const char *const with_value[] = {
		"--cafile", "--timeout", "--transcript", "--password-file",
		"--reply-deadline", "--max-message", NULL,
	};
	bool dashdash = false;
	int i, k;
	const char *ev;

	memset(o, 0, sizeof(*o));
	o->drv.timeout = OPTIONS_DEFAULT_TIMEOUT;
	o->drv.reply_deadline = OPTIONS_DEFAULT_REPLY_DEADLINE;
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
			if (check_password_file(val, err, errlen) == -1)
				goto fail;
			o->drv.password_file = val;
			break;
		case 4: {
			char *end;
			double t = strtod(val, &end);

			if (*end != '\0' || !isfinite(t) || t < 0 ||
			    t > 86400) {
				snprintf(err, errlen, "--reply-deadline needs a "
				    "number of seconds (0 <= N <= 86400; 0: "
				    "none), not '%s'", val);
				goto fail;
			}
			o->drv.reply_deadline = t;
			break;
		}
		case 5:
			if (parse_size(val, &o->drv.max_response) == -1) {
				snprintf(err, errlen, "--max-message needs a "
				    "size in bytes, optionally with K, M or G "
				    "(1K to 1024G), not '%s'", val);
				goto fail;
			}
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

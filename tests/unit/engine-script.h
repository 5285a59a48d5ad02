/* SPDX-License-Identifier: MIT */
/* Scripted sessions for the engine tests: server bytes in, typed lines in,
 * and the transcript and wire bytes that come out. Header-only (static),
 * because unit tests link against libproto.a and the harness alone. */
#ifndef TESTS_UNIT_ENGINE_SCRIPT_H
#define TESTS_UNIT_ENGINE_SCRIPT_H

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "proto/session.h"
#include "proto/transcript.h"
#include "tests/unit/harness.h"

struct step {
	char		 op;	/* S server bytes, U user line, P secret,
				 * T tls done, E eof, C cancel */
	const char	*text;
};

struct script_out {
	struct buf	 transcript;	/* lines joined by "\n" */
	struct buf	 wire;		/* everything written */
	struct buf	 kinds;		/* one letter per event */
	int		 fails;
};

/* Drain events into out. meanings: include "= " lines. */
static void
script_drain(struct session *s, struct script_out *o, bool meanings)
{
	struct proto_event	ev;
	struct buf		*w = session_output(s);
	static const char	letters[] = "SRM*ZUYBNPFC";

	while (session_event(s, &ev) == 1) {
		buf_append_byte(&o->kinds, letters[ev.kind]);
		if (ev.kind == PEV_MEANING && !meanings)
			continue;
		if (ev.kind == PEV_FAIL)
			o->fails++;
		if (transcript_format(&ev, false, &o->transcript) == 1)
			buf_append_byte(&o->transcript, '\n');
	}
	buf_append(&o->wire, w->data, w->len);
	buf_consume(w, w->len);
}

/* Run steps; server bytes in "S" steps are fed in the given split mode
 * (0 whole, 1 byte by byte, 2 random with seed). */
static struct session *
script_run(enum reply_proto proto, const struct session_options *opts,
    const struct step *steps, size_t n, int mode, unsigned seed,
    struct script_out *o, bool meanings)
{
	struct session	*s = session_new(proto, opts);
	size_t		 i, off, len, k;

	buf_init(&o->transcript, 64 * 1024 * 1024);
	buf_init(&o->wire, 64 * 1024 * 1024);
	buf_init(&o->kinds, 1024 * 1024);
	o->fails = 0;
	for (i = 0; i < n; i++) {
		const char *t = steps[i].text;

		switch (steps[i].op) {
		case 'S':
			len = strlen(t);
			for (off = 0; off < len; off += k) {
				k = mode == 0 ? len : mode == 1 ? 1 :
				    1 + harness_rand(&seed) % 9;
				if (k > len - off)
					k = len - off;
				session_input(s, t + off, k);
				script_drain(s, o, meanings);
			}
			break;
		case 'U':
			session_submit(s, t, strlen(t), NULL);
			break;
		case 'P':
			session_secret(s, t, strlen(t));
			break;
		case 'T':
			session_tls_done(s);
			break;
		case 'E':
			session_eof(s);
			break;
		case 'C':
			session_cancel(s);
			break;
		}
		script_drain(s, o, meanings);
	}
	return s;
}

static void
script_out_clear(struct script_out *o)
{
	buf_clear(&o->transcript);
	buf_clear(&o->wire);
	buf_clear(&o->kinds);
}

/* Check a script gives want (transcript without meanings) and wire, the
 * same fed whole, byte by byte and in random splits. */
static void
script_check(enum reply_proto proto, const struct session_options *opts,
    const struct step *steps, size_t n, const char *want,
    const char *want_wire)
{
	struct script_out	 o, o2;
	struct session		*s;
	unsigned		 seed;

	s = script_run(proto, opts, steps, n, 0, 0, &o, false);
	if (want != NULL && (o.transcript.data == NULL ||
	    strcmp(o.transcript.data, want) != 0)) {
		fprintf(stderr, "transcript:\n%s\n--- wanted:\n%s\n",
		    o.transcript.data ? o.transcript.data : "", want);
		CHECK(!"transcript differs");
	}
	if (want_wire != NULL && (o.wire.data == NULL ||
	    strcmp(o.wire.data, want_wire) != 0)) {
		fprintf(stderr, "wire:\n%s\n--- wanted:\n%s\n",
		    o.wire.data ? o.wire.data : "", want_wire);
		CHECK(!"wire differs");
	}
	session_free(s);
	for (seed = 0; seed < 12; seed++) {
		s = script_run(proto, opts, steps, n, seed == 0 ? 1 : 2, seed,
		    &o2, true);
		session_free(s);
		script_out_clear(&o2);
		s = script_run(proto, opts, steps, n, seed == 0 ? 1 : 2, seed,
		    &o2, false);
		if (o2.transcript.len != o.transcript.len ||
		    memcmp(o2.transcript.data, o.transcript.data,
		    o.transcript.len) != 0 || o2.wire.len != o.wire.len ||
		    memcmp(o2.wire.data, o.wire.data, o.wire.len) != 0) {
			fprintf(stderr, "split %u differs:\n%s\n", seed,
			    o2.transcript.data ? o2.transcript.data : "");
			CHECK(!"split transcript differs");
		}
		session_free(s);
		script_out_clear(&o2);
	}
	script_out_clear(&o);
}

#define NSTEPS(a)	(sizeof(a) / sizeof((a)[0]))

#endif

/* SPDX-License-Identifier: MIT */
/* --bench: generated transcript lines and mailbox rows, and the
 * keystroke-to-redraw times written at exit (make bench). */

#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "front/driver.h"
#include "front/store.h"
#include "ui/pane-mailbox.h"
#include "ui/pane-transcript.h"
#include "ui/screen-int.h"

void
screen_bench_fill(struct screen *s)
{
	const char *ev = getenv("MAILBENCH_BENCH_LINES");
	const char *em = getenv("MAILBENCH_BENCH_MESSAGES");
	unsigned long lines = ev ? strtoul(ev, NULL, 10) : 1000000;
	unsigned long msgs = em ? strtoul(em, NULL, 10) : 10000;
	unsigned long i;
	char b[160];

	for (i = 0; i < lines; i++) {
		int n;
		unsigned kind = (unsigned)(i % 4);

		n = snprintf(b, sizeof(b), kind == 0 ? "RETR %lu" : kind == 1 ?
		    "+OK %lu octets follow" : kind == 2 ?
		    "Subject: line %lu of a long session \xc3\xa9t\xc3\xa9" :
		    "positive reply %lu", i / 4 + 1);
		pane_transcript_append(s->pt, kind == 0 ? DRIVER_LINE_SENT :
		    kind == 3 ? DRIVER_LINE_MEANING : DRIVER_LINE_RECEIVED,
		    kind == 1 ? DRIVER_LF_POSITIVE : 0, i / 4 + 1, b,
		    (size_t)n);
	}
	for (i = 1; i <= msgs; i++) {
		char from[64], subj[96];

		snprintf(from, sizeof(from), "Sender %lu <s%lu@example.org>",
		    i % 97, i);
		snprintf(subj, sizeof(subj), "Message %lu: r\xc3\xa9sum\xc3\xa9 "
		    "\xe6\x97\xa5\xe6\x9c\xac", i);
		pane_mailbox_put(s->pm, i, 1000 + (i * 7919) % 100000,
		    1700000000 + (int64_t)((i * 104729) % 1000000), from, subj,
		    i % 50 == 0);
	}
	s->bench_ms = xcalloc(BENCH_MAX, sizeof(double));
	s->bench_key = xcalloc(BENCH_MAX, sizeof(int));
}

/* One line per keystroke, in order: "key-code milliseconds"; the bench
 * script groups them by phase. */
void
screen_bench_report(struct screen *s)
{
	const char *path = getenv("MAILBENCH_BENCH_LOG");
	FILE *f;
	size_t i;

	if (path == NULL)
		return;
	if ((f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "# lines %zu messages %zu store_bytes %zu\n",
	    pane_transcript_lines(s->pt), pane_mailbox_count(s->pm),
	    store_bytes(s->store));
	for (i = 0; i < s->bench_n; i++)
		fprintf(f, "%d %.3f\n", s->bench_key[i], s->bench_ms[i]);
	fclose(f);
}

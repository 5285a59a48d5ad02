/* SPDX-License-Identifier: MIT */
/* Shared by the lab fuzzers: two labs with no listeners, one plain and
 * one with every classroom scenario that needs no timer, made once. Each
 * input goes to one detached session (lab_sess_detached) in reads split
 * at 0xff, then the end of input; byte 0 picks the lab and plain or
 * implicit TLS. Replies must be CRLF lines: no bare LF ever. */
#ifndef TESTS_FUZZ_LAB_FUZZ_H
#define TESTS_FUZZ_LAB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lab/lab-int.h"
#include "net/loop.h"

static struct loop	*fl_loop;
static struct lab	*fl_lab[2];

static void
fl_stop(void)
{
	lab_free(fl_lab[0]);
	lab_free(fl_lab[1]);
	loop_free(fl_loop);
}

static void
fl_init(void)
{
	static const char *const sc[2] = { NULL, "greylist,relay-denied,"
	    "mailbox-full,tls-required,auth-fail,login-delay,firewall,"
	    "pop-before-smtp" };
	struct lab_options o;
	const char *err;
	int i, svc;

	fl_loop = loop_new();
	for (i = 0; i < 2; i++) {
		lab_options_init_ephemeral(&o);
		for (svc = 0; svc < LAB_SERVICE_COUNT; svc++)
			o.port[svc] = -1;
		o.scenario = sc[i];
		if ((fl_lab[i] = lab_start(fl_loop, &o, &err)) == NULL) {
			fprintf(stderr, "lab_start: %s\n", err);
			abort();
		}
	}
	atexit(fl_stop);
}

/* Keep the practice mailbox between 4 and 64 messages: POP3 inputs delete
 * the samples, SMTP inputs deliver new ones. */
static void
fl_tidy(struct lab *lab)
{
	struct maildir_msg *m;
	size_t i, n;

	if (maildir_scan(lab_maildir(lab), lab_user(lab), &m, &n) == -1)
		return;
	if (n > 64)
		for (i = 0; i < n; i++)
			maildir_remove(lab_maildir(lab), lab_user(lab), &m[i]);
	maildir_msgs_free(m, n);
	if (n < 4 || n > 64)
		lab_samples_deliver(lab_maildir(lab), lab_user(lab));
}

static void
fl_drain(struct lab_sess *s)
{
	struct buf *out = lab_sess_output(s);
	size_t k;

	for (k = 0; k < out->len; k++)
		if (out->data[k] == '\n' && (k == 0 || out->data[k - 1] != '\r'))
			__builtin_trap();
	buf_consume(out, out->len);
}

static void
fl_run(enum lab_service svc, const uint8_t *data, size_t size)
{
	static unsigned runs;
	struct lab *lab;
	struct lab_sess *s;
	size_t i = 1, n;

	if (size < 1)
		return;
	lab = fl_lab[data[0] & 1];
	if (runs++ % 256 == 0)
		fl_tidy(lab);
	s = lab_sess_detached(lab, svc + ((data[0] >> 1) & 1));
	fl_drain(s);
	while (i < size) {
		for (n = i; n < size && data[n] != 0xff; n++)
			;
		if (n > i && !lab_sess_feed(s, data + i, n - i))
			break;
		fl_drain(s);
		i = n + 1;
	}
	lab_sess_feed(s, NULL, 0);
	fl_drain(s);
	lab_sess_free(s);
}

#endif

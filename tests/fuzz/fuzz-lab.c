/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the lab's command handling for one service, fed a
 * student's bytes without a socket (see lab-fuzz.h). Built twice by the
 * Makefile: fuzz-lab-pop3 (lab/pop3d.c) and fuzz-lab-smtp (lab/smtpd.c),
 * each with the SASL server and the Maildir behind it. */
#include "tests/fuzz/lab-fuzz.h"

#ifndef FUZZ_LAB_SERVICE
#error "build with -DFUZZ_LAB_SERVICE=LAB_POP3 or LAB_SMTP (see Makefile)"
#endif

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fl_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_run(FUZZ_LAB_SERVICE, data, size);
	return 0;
}

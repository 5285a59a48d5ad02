/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the lab's POP3 command handling (lab/pop3d.c, SASL
 * server, Maildir) fed a student's bytes without a socket; see lab-fuzz.h. */
#include "tests/fuzz/lab-fuzz.h"

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
	fl_run(LAB_POP3, data, size);
	return 0;
}

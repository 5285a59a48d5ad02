/* SPDX-License-Identifier: MIT */
/* PLACEHOLDER: replaced by the module's owner. */
#include <stdio.h>

#include "ui/modes.h"

int
screen_main(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "mailbench %s: not built yet\n", argv[0]);
	return 2;
}

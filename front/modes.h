/* SPDX-License-Identifier: MIT */
/* Entry points of mailbench's modes; main.c picks one. Each returns the exit
 * code (0 success, 1 negative reply, 2 usage, 3 connection/TLS/timeout). */
#ifndef UI_MODES_H
#define UI_MODES_H

#include <stddef.h>
#include <stdio.h>

/* argv[0] is the mode name ("batch", "mime", "explain"). The workbench's
 * entry points are in ui/screen.h, the lab's in lab/lab.h. */
int	batch_main(int argc, char **argv);	/* front/batch.c */
int	mime_main(int argc, char **argv);	/* front/mime-cmd.c */
int	explain_main(int argc, char **argv);	/* front/explain.c */
struct buf;

/* The meaning of the codes in words, grouped as `mailbench explain` does
 * ("550 5.7.1" is one reply): lines into out, one line per error into err
 * (the code escaped). 0, or 2 when a word was not a code (front/explain.c). */
int	explain_words(size_t nwords, const char *const *words, struct buf *out,
	    struct buf *err);

#endif

/* SPDX-License-Identifier: MIT */
/* The version mailbench reports. */
#define MAILBENCH_VERSION "0.1.0"

/* SPDX-License-Identifier: MIT */
/* The lab server (POP3 + ESMTP on a Maildir) as an object on the one poll
 * loop: `mailbench lab` runs it alone, `mailbench --lab` in-process. */
#ifndef LAB_LAB_H
#define LAB_LAB_H

#include <stdbool.h>
#include <stdio.h>

struct buf;		/* base/buf.h */
struct loop;		/* net/loop.h */
struct lab;		/* opaque: listeners, sessions, accounts, TLS */
struct lab_sess;	/* opaque: one client session */

/* The four services; the index into lab_options.port[] and lab_port(). */
enum lab_service {
	LAB_POP3,	/* plain POP3, STLS offered */
	LAB_POP3S,	/* implicit TLS POP3 */
	LAB_SMTP,	/* plain ESMTP, STARTTLS offered */
	LAB_SMTPS,	/* implicit TLS ESMTP */
	LAB_SERVICE_COUNT
};

struct lab_options {
	/* Address to listen on (IPv4 or IPv6 literal); "127.0.0.1". */
	const char	*listen;
	/* Port per service: 0 picks a free one, -1 disables the service.
	 * Defaults 1110, 1995, 2525, 1465. */
	int		 port[LAB_SERVICE_COUNT];
	/* Maildir root; NULL: a fresh temporary directory removed by
	 * lab_free(). */
	const char	*maildir;
	/* Accounts: users_file ("user:password" lines) if set, else
	 * `accounts` students student01..studentNN (password = user name)
	 * if > 0, else the single account student/student. */
	const char	*users_file;
	unsigned	 accounts;
	/* PEM certificate and key; NULL: a self-signed one made at start. */
	const char	*cert_file, *key_file;
	/* Comma-separated classroom scenarios (see lab_scenario_help()); NULL
	 * for none. */
	const char	*scenario;
	/* Offer SMTP AUTH before STARTTLS too (default: only after TLS). */
	bool		 smtp_auth_plaintext;
	/* Idle timeouts in seconds (RFC 1939 3: at least 600; RFC 5321
	 * 4.5.3.2.7: 300). */
	unsigned	 pop3_idle, smtp_idle;
	/* Write the certificate in use here as PEM (a new file) before the
	 * banner says "ready"; NULL: don't. */
	const char	*cert_out;
	/* CSV of the class (one row per account), rewritten as the class
	 * works and at lab_free(); NULL: none. */
	const char	*report;
	/* Where lab_start() prints its start banner (addresses, accounts,
	 * fingerprint) and the session log; NULL prints nothing. */
	FILE		*log;
};

/* Fill with the defaults of `mailbench lab` (SPEC.md "The lab server"). */
void	lab_options_init(struct lab_options *);
/* Fill with the defaults of `mailbench --lab`: every port 0 (ephemeral)
 * on 127.0.0.1, a temporary Maildir, one account, no log. */
void	lab_options_init_ephemeral(struct lab_options *);

/* Create the Maildir root and sample mailboxes, the TLS context, and the
 * listeners, registered on the loop. Returns NULL with *errstr_r set (a
 * constant or a string valid until the next call) on failure. */
struct lab	*lab_start(struct loop *, const struct lab_options *,
		    const char **errstr_r);
/* Close every listener and session, remove the temporary Maildir (if the
 * lab made it). NULL is fine. */
void		 lab_free(struct lab *);

/* The port a service actually listens on (after port 0 was resolved),
 * or -1 when the service is disabled. */
int		 lab_port(const struct lab *, enum lab_service);
/* The listen address as given ("127.0.0.1", "::1"). */
const char	*lab_address(const struct lab *);
/* The first practice account (what `mailbench --lab` logs in as). */
const char	*lab_user(const struct lab *);
const char	*lab_password(const struct lab *);
/* The Maildir root in use. */
const char	*lab_maildir(const struct lab *);
/* SHA-256 fingerprint of the certificate, "AB:CD:..." */
const char	*lab_fingerprint(const struct lab *);
/* Number of sessions currently open (tests, status lines). */
unsigned	 lab_session_count(const struct lab *);

/* Write the certificate in use as PEM to path (a new file), so a client
 * can verify it (--cafile). 0 or -1. */
int		 lab_write_cert(const struct lab *, const char *path);

/* Change where session events are logged (NULL: nowhere). */
void		 lab_set_log(struct lab *, FILE *);

/* A session without a socket, for fuzzers and tests: the command handling
 * of an accepted connection to service svc (greeting included), fed bytes
 * by lab_sess_feed() and writing its replies to lab_sess_output(); a
 * STARTTLS/STLS (and implicit TLS) counts as an instant, successful
 * handshake. Free it with lab_sess_free(). */
struct lab_sess	*lab_sess_detached(struct lab *, enum lab_service);
/* Bytes from the client as if read from the socket; len 0: the client ended
 * its input. Returns false once the session is closing (QUIT, error
 * limit, end of input): later bytes are ignored. */
bool		 lab_sess_feed(struct lab_sess *, const void *, size_t);
/* The replies not yet taken: the caller consumes what it reads. */
struct buf	*lab_sess_output(struct lab_sess *);
/* Free a detached session (releases its maildrop lock). NULL is fine. */
void		 lab_sess_free(struct lab_sess *);

/* Replace the scenarios in force (the --scenario syntax: "NAME,...",
 * "USER=NAME+NAME", "none"); the console says what is in force now.
 * 0, or -1 with *errstr_r set (the old scenarios stay). */
int		 lab_set_scenarios(struct lab *, const char *spec,
		    const char **errstr_r);
/* The scenarios in force, "greylist,student03=..." ("" for none). */
const char	*lab_scenarios_text(const struct lab *);
/* The Maildir root is the lab's own temporary directory (removed by
 * lab_free()). */
bool		 lab_maildir_is_temp(const struct lab *);
/* Print the class board (accounts, sessions, progress) to f. */
void		 lab_board(struct lab *, FILE *f);
/* Rewrite the --report file now. 0 or -1. */
int		 lab_report(struct lab *);

/* The lab options `mailbench --lab` takes too: --scenario, --accounts,
 * --users, --pop3-port, --pop3s-port, --smtp-port, --smtps-port. Is name
 * one of them? */
bool		 lab_option_known(const char *name);
/* Set one of them from its value: 0, or -1 with err filled. */
int		 lab_option_set(struct lab_options *, const char *name,
		    const char *value, char *err, size_t errlen);

/* One line per scenario, "name  description\n", for --help. */
const char	*lab_scenario_help(void);

/* `mailbench lab`: the lab server alone, in the foreground, until a signal
 * (argv[0] is "lab"). Returns the exit code: 0, or 2 (usage, no start). */
int		 lab_main(int argc, char **argv);

#endif

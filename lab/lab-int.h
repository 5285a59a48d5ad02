/* SPDX-License-Identifier: MIT */
/* Inside the lab server: the shared state of one lab, a session's I/O
 * glue, and the pieces (accounts, Maildir, samples, POP3, SMTP). */
#ifndef LAB_LAB_INT_H
#define LAB_LAB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>

#include "lab/lab.h"
#include "base/buf.h"

/* The lab's own domain: local recipients are user@LAB_DOMAIN (or
 * user@localhost, user@[127.0.0.1]). */
#define LAB_DOMAIN		"lab.example"
#define LAB_SOFTWARE		"mailbench-lab"
/* The SIZE limit offered in EHLO (RFC 1870). */
#define LAB_MAX_MESSAGE		(10 * 1024 * 1024)
/* RFC 5321 4.5.3.1.4 says 512 for a command line; SASL responses in
 * AUTH (RFC 4954 4) may be 12288 octets, so allow 16 KiB. */
#define LAB_SMTP_LINE		(16 * 1024)
/* RFC 2449 4: 255 octets for a POP3 command; AUTH responses longer. */
#define LAB_POP3_LINE		(8 * 1024)
/* A line inside DATA (real mail breaks the 1000-octet rule). */
#define LAB_DATA_LINE		(1024 * 1024)
/* RFC 5321 4.5.3.1.8: at least 100 recipients must be accepted. */
#define LAB_MAX_RCPT		100
/* Sessions at once; more get a temporary error and are closed. */
#define LAB_MAX_SESSIONS	1000
/* Commands that fail before the session is ended (SMTP 421). */
#define LAB_MAX_ERRORS		20
/* Greylisting triplets remembered. */
#define LAB_GREYLIST_MAX	10000
/* The slow scenario's delay before each reply, in ms. */
#define LAB_SLOW_MS		1000
/* The login-delay scenario's minimum seconds between logins (RFC 2449). */
#define LAB_LOGIN_DELAY		30

/* Classroom scenarios (bit flags). */
enum {
	LAB_SC_GREYLIST		= 1 << 0,
	LAB_SC_RELAY_DENIED	= 1 << 1,
	LAB_SC_MAILBOX_FULL	= 1 << 2,
	LAB_SC_TLS_REQUIRED	= 1 << 3,
	LAB_SC_AUTH_FAIL	= 1 << 4,
	LAB_SC_LOGIN_DELAY	= 1 << 5,
	LAB_SC_SLOW		= 1 << 6,
	LAB_SC_DROP_RETR	= 1 << 7,
	LAB_SC_FIREWALL		= 1 << 8,
	LAB_SC_POP_BEFORE_SMTP	= 1 << 9,
	LAB_SC_TARPIT		= 1 << 10,
	LAB_SC_EARLY_TALKER	= 1 << 11,
};
/* Scenarios that act before a session belongs to an account (the
 * greeting, EHLO): only lab-wide. */
#define LAB_SC_GLOBAL_ONLY	(LAB_SC_SLOW | LAB_SC_TARPIT | \
	    LAB_SC_EARLY_TALKER | LAB_SC_FIREWALL)
/* The tarpit scenario's greeting delay, in ms. */
#define LAB_TARPIT_MS		5000
/* The early-talker scenario waits this long before greeting; a client
 * that talks first is refused (Postfix postscreen_greet_wait, 6 s). */
#define LAB_PREGREET_MS		3000
/* The mailbox-full scenario's quota per account, in octets: below the
 * sample mailbox (8 messages, 9,186 octets), so a fresh account is full
 * until a few messages are deleted. */
#define LAB_QUOTA		8192
/* pop-before-smtp: relaying allowed this long after a POP3 login from
 * the same address (seconds), for at most this many addresses. */
#define LAB_POPB4SMTP_SECS	300
#define LAB_POPB4SMTP_MAX	1024

struct lab_account {
	char	*user;
	char	*pass;
	bool	 locked;	/* a POP3 session holds the maildrop */
	time_t	 last_login;
	/* The trainer's view (lab/class.c). */
	unsigned logins, failed_logins, sent, received, refused;
	unsigned *lstep;	/* per built-in lesson: steps done */
	char	 last_cmd[16];	/* verb only (never an argument) */
	char	 last_error[160];	/* the last negative reply */
	time_t	 last_seen;
	unsigned scenarios;	/* this account's own (--scenario USER=NAME) */
};

/* pop-before-smtp: the last POP3 login from an address. */
struct lab_popb4 {
	char	 ip[64];
	time_t	 when;
};

struct lab_sess;

struct lab {
	struct loop		*loop;
	struct lab_options	 opt;
	char			*listen;
	char			*maildir;
	bool			 maildir_tmp;	/* remove at lab_free */
	struct lab_account	*acct;
	size_t			 nacct;
	unsigned		 scenarios;
	SSL_CTX			*tls;
	char			 fp[128];
	int			 port[LAB_SERVICE_COUNT];
	int			 lfd[LAB_SERVICE_COUNT];
	struct loop_watch	*lwatch[LAB_SERVICE_COUNT];
	struct loop_timer	*accept_pause;	/* after EMFILE */
	struct lab_sess		*sessions;
	unsigned		 nsessions;
	uint64_t		 next_id;
	char			**grey;
	size_t			 ngrey;
	FILE			*log;
	char			 errbuf[256];
	/* lab/class.c: built-in lessons followed per account, --report. */
	struct lesson		**lessons;
	size_t			 nlessons;
	struct loop_timer	*report_timer;
	char			 scenario_text[256];
	bool			 cert_made;	/* --cert/--key made now */
	struct lab_popb4	*popb4;
	size_t			 npopb4;
};

/* One client session: the glue between a conn and the POP3 or SMTP
 * command handler (lab/server.c). */
struct lab_sess {
	struct lab		*lab;
	enum lab_service	 svc;
	struct conn		*conn;
	uint64_t		 id;
	char			 peer[80];
	bool			 tls;		/* running over TLS now */
	bool			 want_tls;	/* handshake once flushed */
	bool			 want_close;	/* close once flushed */
	bool			 closing;
	bool			 skipping;	/* discarding an over-long line */
	bool			 delayed;	/* next line already waited */
	bool			 greet_pending;	/* slow scenario: greet later */
	bool			 eof;		/* the client ended its input */
	bool			 detached;	/* no socket: lab_sess_detached() */
	struct buf		 in;
	struct buf		 out;		/* detached: the replies */
	struct loop_timer	*idle;
	struct loop_timer	*delay;
	struct pop3d		*pop3;
	struct smtpd		*smtp;
	struct lab_sess		*next, *prev;
	/* lab/class.c: whose session this is (a login, or SMTP MAIL FROM /
	 * RCPT TO a local account), and the command being answered. */
	struct lab_account	*acct;
	char			 verb[16];
	char			 arg[128];
	bool			 secret;	/* arg withheld */
	bool			 capturing;
	bool			 cont;		/* inside a SASL exchange */
	bool			 login_failed;
	char			 failed_user[72];
	char			 reply[160];	/* first reply line */
	struct class_ev		*pend;		/* before attribution */
	size_t			 npend;
};

/* lab/server.c: queue a reply line (CRLF added) or raw bytes. */
void	lab_reply(struct lab_sess *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	lab_write(struct lab_sess *, const void *, size_t);
/* Log a line about a session (our own text only; never peer bytes). */
void	lab_log(struct lab *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* lab/class.c: the trainer's view. */
struct class_ev;
/* Load the built-in lessons, per-account progress, the report timer
 * (after the accounts are loaded). */
void	class_init(struct lab *);
/* Free them (class_report_write() first for the last report). */
void	class_free(struct lab *);
void	class_sess_free(struct lab_sess *);
/* Around each line given to a handler, and around the greeting: the first
 * reply line is captured (class_capture, from lab_reply), then counted for
 * the session's account, checked against the lessons, and logged when it
 * is negative. */
void	class_cmd_begin(struct lab_sess *, const char *, size_t);
void	class_greet_begin(struct lab_sess *);
void	class_capture(struct lab_sess *, const char *, size_t);
void	class_cmd_end(struct lab_sess *);
/* The session belongs to this account from now on (events seen before
 * are counted for it); a no-op once it has one. */
void	class_attribute(struct lab_sess *, struct lab_account *);
/* A successful login as a (moves the session to a). */
void	class_login(struct lab_sess *, struct lab_account *);
/* A failed login naming user (peer bytes; escaped when shown). */
void	class_login_failed(struct lab_sess *, const char *, size_t);
/* A message delivered to these accounts. */
void	class_delivered(struct lab_sess *, char *const *, size_t);
/* Rewrite --report atomically (temp file + rename). 0 or -1. */
int	class_report_write(struct lab *);
/* Print the class board. */
void	class_board(struct lab *, FILE *);

/* lab/users.c */
/* True when name is a safe account name: [a-z0-9._-], 1..64 bytes, not
 * starting with "." and without "..". */
bool	lab_user_name_ok(const char *, size_t);
/* Load the accounts of the options into lab. 0, or -1 with errbuf set. */
int	lab_users_load(struct lab *);
void	lab_users_free(struct lab *);
/* Find an account by name (exact, after lower-casing); NULL. */
struct lab_account *lab_user_find(struct lab *, const char *, size_t);
/* Check a password in constant time; the account or NULL. */
struct lab_account *lab_user_check(struct lab *, const char *user, size_t,
	    const char *pass, size_t);
/* A scenario list ("NAME,NAME,USER=NAME+NAME", "none") -> the lab-wide
 * flags and each account's own; replaces both. -1 on an unknown name or
 * account (errbuf says which; nothing changed). */
int	lab_scenarios_parse(struct lab *, const char *);
/* The scenarios in force for a session: lab-wide plus its account's. */
unsigned lab_sess_scenarios(const struct lab_sess *);
/* The names of scenario flags, "a+b". */
void	lab_scenario_names(unsigned, char *, size_t);
/* pop-before-smtp: note a POP3 login from the session's address; is
 * there a recent one? */
void	lab_popb4_note(struct lab_sess *);
bool	lab_popb4_recent(struct lab_sess *);
/* The address part of a session's peer ("127.0.0.1", "::1"). */
void	lab_peer_ip(const struct lab_sess *, char *, size_t);

/* lab/maildir.c */
/* Create root/user/{tmp,new,cur} if missing; *fresh_r says the user
 * directory was new. 0 or -1. */
int	maildir_prepare(const char *root, const char *user, bool *fresh_r);
/* Deliver the bytes to each user's new/ atomically (tmp/, fsync, link,
 * fsync the directory), all or none. The lines may end in CRLF; they are
 * stored with LF. 0, or -1 (nothing delivered). */
int	maildir_deliver(const char *root, const char *const *users,
	    size_t nusers, const char *msg, size_t len, char *id_r,
	    size_t id_size);

struct maildir_msg {
	char	*path;		/* "new/NAME" or "cur/NAME:2,S" under the user */
	char	 uid[72];	/* RFC 1939 7: 1..70 chars 0x21..0x7E */
	size_t	 size;		/* octets as sent by RETR (CRLF line ends) */
	bool	 deleted;
};

/* Scan cur/ and new/ of a user, oldest first. 0 or -1. */
int	maildir_scan(const char *root, const char *user,
	    struct maildir_msg **msgs_r, size_t *n_r);
void	maildir_msgs_free(struct maildir_msg *, size_t);
/* Read one message (at most LIMIT_MESSAGE). 0 or -1. */
int	maildir_read(const char *root, const char *user,
	    const struct maildir_msg *, struct buf *out);
/* Remove one message. 0 or -1. */
int	maildir_remove(const char *root, const char *user,
	    const struct maildir_msg *);
/* Take the user's maildrop lock (root/user/mailbench.lock, flock), also
 * against other lab processes on the same root. Returns the fd to close
 * to unlock, -2 when another session holds it, -1 on error. */
int	maildir_lock(const char *root, const char *user);
/* Remove a directory tree made by the lab (no symlinks followed). */
int	maildir_rmtree(const char *root);

/* lab/samples.c: deliver the sample mailbox to a new account. 0 or -1. */
int	lab_samples_deliver(const char *root, const char *user);

/* lab/pop3d.c and lab/smtpd.c: one session's command handling. */
struct pop3d	*pop3d_new(struct lab_sess *);
void		 pop3d_free(struct pop3d *);
void		 pop3d_greet(struct pop3d *);
void		 pop3d_line(struct pop3d *, const char *, size_t);
void		 pop3d_too_long(struct pop3d *);
void		 pop3d_timeout(struct pop3d *);
void		 pop3d_tls_done(struct pop3d *);
/* Wait this long (ms) before handling this line; 0 none. Lines given to
 * *_line() still end in "\r" when the peer sent CRLF (no "\n"). */
unsigned	 pop3d_delay(struct pop3d *, const char *, size_t);

struct smtpd	*smtpd_new(struct lab_sess *);
void		 smtpd_free(struct smtpd *);
void		 smtpd_greet(struct smtpd *);
void		 smtpd_line(struct smtpd *, const char *, size_t);
void		 smtpd_too_long(struct smtpd *);
void		 smtpd_timeout(struct smtpd *);
void		 smtpd_tls_done(struct smtpd *);
unsigned	 smtpd_delay(struct smtpd *, const char *, size_t);
/* The line cap right now (commands or DATA). */
size_t		 smtpd_line_max(struct smtpd *);

/* lab/sasl-server.c: the server side of SASL PLAIN/LOGIN/CRAM-MD5 for both
 * protocols. */
enum labsasl_step {
	LABSASL_CONTINUE,	/* send the challenge in *out (base64) */
	LABSASL_OK,		/* authenticated as acct */
	LABSASL_FAIL,		/* wrong credentials */
	LABSASL_BAD,		/* malformed response (bad base64, syntax) */
	LABSASL_CANCEL,		/* client sent "*" */
};
struct labsasl {
	int		 mech;		/* 0 none, else enum in sasl-server.c */
	int		 step;
	char		 user[128];
	char		 challenge[160];
	struct lab_account *acct;
};
/* Start mech (name), with an optional initial response (NULL if none;
 * "=" is the empty one). */
enum labsasl_step labsasl_start(struct labsasl *, struct lab *,
	    const char *mech, size_t mech_len, const char *ir, size_t ir_len,
	    bool *unknown_mech_r, struct buf *out);
/* Feed the next client line. */
enum labsasl_step labsasl_next(struct labsasl *, struct lab *,
	    const char *, size_t, struct buf *out);
/* Forget everything, wiping secrets. */
void	labsasl_clear(struct labsasl *);
/* Compare 32 lower-case hex digits with 32 given by the peer (either case)
 * in constant time: CRAM-MD5 and APOP digests. */
bool	labsasl_hex_equal(const char *hex, const char *given);
/* The mechanisms, space-separated. */
#define LABSASL_MECHS	"PLAIN LOGIN CRAM-MD5"

#endif

/* SPDX-License-Identifier: MIT */
/* RFC 5322 3.4 address lists (display names, groups, comments, obsolete routes) to mailboxes. */
#ifndef PROTO_ADDRESS_H
#define PROTO_ADDRESS_H

#include <stddef.h>

/* One mailbox. Strings are NUL-terminated UTF-8, never NULL. */
struct address {
	char	*name;		/* display name, RFC 2047 decoded; "" if none */
	char	*addr;		/* local@domain (local part quoted when it
				 * needs it), or what stood there */
	char	*group;		/* name of the group it was in, or "" */
};

struct address_list {
	struct address	*items;
	size_t		 count;
	size_t		 cap;
};

void	address_list_init(struct address_list *);
void	address_list_clear(struct address_list *);
/* Parse an (unfolded) address-list value and append every mailbox, groups
 * flattened, as Python's email.headerregistry does for policy.default.
 * Tolerant: never fails; returns the number of mailboxes appended. */
size_t	address_parse(const char *, size_t, struct address_list *);

#endif

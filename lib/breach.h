/* SPDX-License-Identifier: MIT */
/*
 * breach: is a new password known to attackers?  Three sources, cheapest
 * first: a small built-in list of the most common passwords (so a fresh
 * install with no network already refuses them), an offline copy of the
 * Pwned Passwords SHA-1 list imported into the state directory, and the
 * Have I Been Pwned range API with k-anonymity -- only the first five hex
 * digits of the password's SHA-1 leave the host (libcurl; the URL is
 * configurable so a self-hosted mirror works).
 */
#ifndef BREACH_H
#define BREACH_H

#include <stdint.h>

#include "rc.h"

struct req;

enum breach_verdict {
	BREACH_OK,
	BREACH_COMMON,		/* in the built-in list: 4000005 */
	BREACH_FOUND,		/* seen in breaches: 4000034 */
	BREACH_UNKNOWN,		/* the online check failed and may not be ignored */
};

/* Check pw.  RC_OK with *v set, or store errors. */
enum rc	 breach_check(struct req *r, const char *pw, enum breach_verdict *v);

/* 1 if pw (case-insensitively) is one of the built-in common passwords. */
int	 breach_is_common(const char *pw);

/*
 * Import a Pwned Passwords file ("HEX40:COUNT" lines, SHA-1 ordered or
 * not) into the breached database, committing in batches.  Returns the
 * number of hashes stored, or -1 after printing why.
 */
long	 breach_import(struct req *r, const char *path);

#endif /* BREACH_H */

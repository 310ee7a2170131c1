/* SPDX-License-Identifier: MIT */
/*
 * lookup: recovery codes ("lookup secrets", NIST SP 800-63B §5.1.2).
 *
 * Twelve codes, each an index letter and 12 Crockford base32 characters
 * (60 random bits), shown as "A-7K3M-9QXT-2HBW".  Each is stored as its own
 * salted argon2id hash, so a stolen database gives no usable code and one
 * guess costs one hash; the index letter says which hash to try, so a
 * sign-in costs exactly one.
 */
#ifndef LOOKUP_H
#define LOOKUP_H

#include "rc.h"

struct arena;

#define LOOKUP_CODES	12

/* Twelve fresh codes in display form, in the arena. */
enum rc	 lookup_generate(struct arena *a, char *codes[LOOKUP_CODES]);

/*
 * The canonical form of a typed code (dashes and spaces dropped,
 * upper-cased, Crockford's I/L -> 1 and O -> 0), or NULL if it cannot be a
 * code.  *index gets its position 0..11.
 */
char	*lookup_normalise(struct arena *a, const char *typed, int *index);

/* The argon2id hash of a canonical code (low cost: 60-bit secrets). */
enum rc	 lookup_hash(struct arena *a, const char *canonical, char **phc);

/* RC_OK if canonical matches phc, else RC_DENIED (constant time). */
enum rc	 lookup_verify(const char *phc, const char *canonical);

#endif /* LOOKUP_H */

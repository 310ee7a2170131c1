/* SPDX-License-Identifier: MIT */
/*
 * pwhash: password hashing with argon2id (RFC 9106) in PHC string format,
 * "$argon2id$v=19$m=...,t=...,p=...$salt$hash".
 */
#ifndef PWHASH_H
#define PWHASH_H

#include <stddef.h>
#include <stdint.h>

#include "rc.h"

struct arena;

struct pwhash_params {
	uint32_t	memory_kib;	/* m */
	uint32_t	iterations;	/* t */
	uint32_t	parallelism;	/* p */
};

/*
 * Hash pw[0..len) with a fresh 16-byte salt.  *out is the PHC string, in
 * the arena.  RC_OK, RC_CRYPTO.
 */
enum rc	 pwhash_hash(struct arena *a, const struct pwhash_params *p,
	    const char *pw, size_t len, char **out);

/*
 * Check pw against a stored PHC string.  RC_OK on a match, RC_DENIED on a
 * mismatch, RC_BADREQ if the stored string is not an argon2 hash.  The
 * comparison inside libargon2 is constant-time.
 */
enum rc	 pwhash_verify(const char *phc, const char *pw, size_t len);

/*
 * Spend the time of one verification without a stored hash, so that an
 * unknown account answers as slowly as a wrong password.
 */
void	 pwhash_dummy(const struct pwhash_params *p, const char *pw,
	    size_t len);

#endif /* PWHASH_H */

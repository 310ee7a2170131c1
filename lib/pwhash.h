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
 * Check pw against a stored hash: argon2id / argon2i (PHC strings), and
 * the formats identities may be imported with -- bcrypt ($2a$, $2b$,
 * $2y$, via libcrypt) and PBKDF2 ($pbkdf2-sha256$ / $pbkdf2-sha512$
 * "i=<iterations>,l=<length>$<salt>$<hash>", base64, as Kratos writes
 * them).  Costs beyond sane bounds are refused before any work (an
 * imported hash must not be a denial of service).  RC_OK on a match,
 * RC_DENIED on a mismatch, RC_BADREQ for an unknown or out-of-bounds
 * format.  Comparisons are constant-time.
 */
enum rc	 pwhash_verify(const char *phc, const char *pw, size_t len);

/*
 * 1 if a hash that just verified should be replaced: not argon2id, or
 * argon2id with other parameters than p.
 */
int	 pwhash_needs_rehash(const char *phc, const struct pwhash_params *p);

/* 1 if phc is a format pwhash_verify() understands (for imports). */
int	 pwhash_is_supported(const char *phc);

/*
 * Spend the time of one verification without a stored hash, so that an
 * unknown account answers as slowly as a wrong password.
 */
void	 pwhash_decoy(const struct pwhash_params *p, const char *pw,
	    size_t len);

#endif /* PWHASH_H */

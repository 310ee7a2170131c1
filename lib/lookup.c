/* SPDX-License-Identifier: MIT */
/*
 * lookup: generation, normalisation and hashing of recovery codes.
 */
#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "lookup.h"
#include "pwhash.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char indexes[] = "ABCDEFGHJKMN";	/* no I or L: they read as 1 */

/* Cheap on purpose: each code carries 60 random bits (NIST: a KDF for < 112). */
static const struct pwhash_params params = { 2048, 1, 1 };

enum rc
lookup_generate(struct arena *a, char *codes[LOOKUP_CODES])
{
	unsigned char	 r[12];
	int		 i, j;
	enum rc		 rc;

	for (i = 0; i < LOOKUP_CODES; i++) {
		char	*c = arena_alloc(a, 17);

		if ((rc = crypto_random(r, sizeof(r))) != RC_OK)
			return rc;

		/* 32 symbols: five bits per character, no modulo bias. */
		c[0] = indexes[i];
		c[1] = '-';
		for (j = 0; j < 12; j++)
			c[2 + j + j / 4] = crockford[r[j] & 31];
		c[6] = '-';
		c[11] = '-';
		c[16] = '\0';
		codes[i] = c;
	}
	crypto_wipe(r, sizeof(r));
	return RC_OK;
}

char *
lookup_normalise(struct arena *a, const char *typed, int *index)
{
	char		*out = arena_alloc(a, 14);
	const char	*p;
	size_t		 n = 0;
	char		 c;

	for (p = typed; *p != '\0'; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (n == 13)
			return NULL;
		c = (char)toupper((unsigned char)*p);
		if (n > 0) {
			if (c == 'I' || c == 'L')
				c = '1';
			else if (c == 'O')
				c = '0';
			if (strchr(crockford, c) == NULL || c == '\0')
				return NULL;
		}
		out[n++] = c;
	}
	if (n != 13 || (p = strchr(indexes, out[0])) == NULL || out[0] == '\0')
		return NULL;
	out[13] = '\0';
	*index = (int)(p - indexes);
	return out;
}

enum rc
lookup_hash(struct arena *a, const char *canonical, char **phc)
{
	return pwhash_hash(a, &params, canonical, strlen(canonical), phc);
}

enum rc
lookup_verify(const char *phc, const char *canonical)
{
	return pwhash_verify(phc, canonical, strlen(canonical)) == RC_OK ?
	    RC_OK : RC_DENIED;
}

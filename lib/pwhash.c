/* SPDX-License-Identifier: MIT */
/*
 * pwhash: libargon2's encoded API.  The salt comes from getrandom(2).
 */
#include <string.h>

#include <argon2.h>

#include "arena.h"
#include "crypto.h"
#include "log.h"
#include "pwhash.h"

#define SALT_LEN	16
#define HASH_LEN	32

enum rc
pwhash_hash(struct arena *a, const struct pwhash_params *p, const char *pw,
    size_t len, char **out)
{
	unsigned char	 salt[SALT_LEN];
	size_t		 enclen;
	char		*enc;
	int		 ret;
	enum rc		 rc;

	if ((rc = crypto_random(salt, sizeof(salt))) != RC_OK)
		return rc;
	enclen = argon2_encodedlen(p->iterations, p->memory_kib,
	    p->parallelism, SALT_LEN, HASH_LEN, Argon2_id);
	enc = arena_alloc(a, enclen);
	ret = argon2id_hash_encoded(p->iterations, p->memory_kib,
	    p->parallelism, pw, len, salt, SALT_LEN, HASH_LEN, enc, enclen);
	if (ret != ARGON2_OK) {
		log_warnx("%s: argon2id: %s", __func__, argon2_error_message(ret));
		return RC_CRYPTO;
	}
	*out = enc;
	return RC_OK;
}

enum rc
pwhash_verify(const char *phc, const char *pw, size_t len)
{
	int	 ret;

	if (strncmp(phc, "$argon2id$", 10) == 0)
		ret = argon2id_verify(phc, pw, len);
	else if (strncmp(phc, "$argon2i$", 9) == 0)
		ret = argon2i_verify(phc, pw, len);
	else
		return RC_BADREQ;
	if (ret == ARGON2_OK)
		return RC_OK;
	if (ret == ARGON2_VERIFY_MISMATCH)
		return RC_DENIED;
	log_warnx("%s: argon2 verify: %s", __func__, argon2_error_message(ret));
	return RC_BADREQ;
}

void
pwhash_dummy(const struct pwhash_params *p, const char *pw, size_t len)
{
	unsigned char	 salt[SALT_LEN] = { 0 }, hash[HASH_LEN];

	(void)argon2id_hash_raw(p->iterations, p->memory_kib, p->parallelism,
	    pw, len, salt, SALT_LEN, hash, HASH_LEN);
	crypto_wipe(hash, sizeof(hash));
}

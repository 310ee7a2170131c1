/* SPDX-License-Identifier: MIT */
/*
 * pwhash: libargon2's encoded API.  The salt comes from getrandom(2).
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/evp.h>

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

/* Parameters of an argon2 PHC string; 0 when unreadable. */
static int
argon2_params(const char *phc, unsigned *m, unsigned *t, unsigned *p)
{
	const char	*s = strstr(phc, "$m=");

	return s != NULL && sscanf(s, "$m=%u,t=%u,p=%u", m, t, p) == 3;
}

static enum rc
verify_bcrypt(const char *phc, const char *pw, size_t len)
{
	struct crypt_data	*cd;
	const char		*out;
	int			 cost;
	enum rc			 rc;

	/* "$2b$12$" + 53 characters; a cost above 15 is a DoS, not a hash. */
	if (strlen(phc) != 60 || sscanf(phc + 4, "%2d$", &cost) != 1 ||
	    cost < 4 || cost > 15 || strlen(pw) != len)
		return RC_BADREQ;
	cd = calloc(1, sizeof(*cd));
	if (cd == NULL)
		return RC_CRYPTO;
	/*
	 * bcrypt reads only 72 bytes; a longer password must not match on
	 * its prefix, but it still costs the same hash (no timing tell).
	 */
	out = crypt_r(pw, phc, cd);
	rc = out != NULL && len <= 72 && crypto_eq(out, strlen(out), phc,
	    strlen(phc)) ? RC_OK : RC_DENIED;
	crypto_wipe(cd, sizeof(*cd));
	free(cd);
	return rc;
}

static enum rc
verify_pbkdf2(const char *phc, const char *pw, size_t len)
{
	const EVP_MD	*md;
	unsigned	 iter, klen;
	char		 salt64[128], hash64[256];
	unsigned char	*salt, *want, got[128];
	size_t		 slen, hlen;
	struct arena	 a;
	enum rc		 rc;

	if (strncmp(phc, "$pbkdf2-sha256$", 15) == 0)
		md = EVP_sha256();
	else if (strncmp(phc, "$pbkdf2-sha512$", 15) == 0)
		md = EVP_sha512();
	else
		return RC_BADREQ;
	if (sscanf(phc + 15, "i=%u,l=%u$%127[^$]$%255s", &iter, &klen,
	    salt64, hash64) != 4 || iter < 1 || iter > 10000000 ||
	    klen < 16 || klen > sizeof(got))
		return RC_BADREQ;

	/* Kratos writes unpadded base64; crypto_b64_decode takes both. */
	arena_init(&a, 1024);
	rc = RC_BADREQ;
	if (crypto_b64_decode(&a, salt64, &salt, &slen) == RC_OK &&
	    crypto_b64_decode(&a, hash64, &want, &hlen) == RC_OK &&
	    hlen == klen) {
		if (PKCS5_PBKDF2_HMAC(pw, (int)len, salt, (int)slen, (int)iter,
		    md, (int)klen, got) != 1)
			rc = RC_CRYPTO;
		else
			rc = crypto_eq(got, klen, want, klen) ? RC_OK :
			    RC_DENIED;
	}
	crypto_wipe(got, sizeof(got));
	arena_release(&a);
	return rc;
}

int
pwhash_is_supported(const char *phc)
{
	return strncmp(phc, "$argon2id$", 10) == 0 ||
	    strncmp(phc, "$argon2i$", 9) == 0 ||
	    strncmp(phc, "$2a$", 4) == 0 || strncmp(phc, "$2b$", 4) == 0 ||
	    strncmp(phc, "$2y$", 4) == 0 ||
	    strncmp(phc, "$pbkdf2-sha256$", 15) == 0 ||
	    strncmp(phc, "$pbkdf2-sha512$", 15) == 0;
}

int
pwhash_needs_rehash(const char *phc, const struct pwhash_params *p)
{
	unsigned	 m, t, par;

	if (strncmp(phc, "$argon2id$", 10) != 0 ||
	    !argon2_params(phc, &m, &t, &par))
		return 1;
	return m != p->memory_kib || t != p->iterations || par != p->parallelism;
}

enum rc
pwhash_verify(const char *phc, const char *pw, size_t len)
{
	unsigned	 m, t, p;
	int		 ret;

	if (strncmp(phc, "$2a$", 4) == 0 || strncmp(phc, "$2b$", 4) == 0 ||
	    strncmp(phc, "$2y$", 4) == 0)
		return verify_bcrypt(phc, pw, len);
	if (strncmp(phc, "$pbkdf2-", 8) == 0)
		return verify_pbkdf2(phc, pw, len);

	/* Kratos's import limits: m <= 1 GiB, t <= 10, p <= 16. */
	if (strncmp(phc, "$argon2", 7) == 0 && (!argon2_params(phc, &m, &t, &p)
	    || m > 1048576 || t > 10 || p > 16))
		return RC_BADREQ;
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
pwhash_decoy(const struct pwhash_params *p, const char *pw, size_t len)
{
	unsigned char	 salt[SALT_LEN] = { 0 }, hash[HASH_LEN];

	(void)argon2id_hash_raw(p->iterations, p->memory_kib, p->parallelism,
	    pw, len, salt, SALT_LEN, hash, HASH_LEN);
	crypto_wipe(hash, sizeof(hash));
}

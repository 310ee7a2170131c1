/* SPDX-License-Identifier: MIT */
/*
 * crypto: randomness, hashes, MACs, constant-time comparison and the
 * encodings used for tokens and identifiers.
 *
 * Randomness comes from getrandom(2) rather than OpenSSL's DRBG: it needs
 * no seeding at start-up, which matters for a CGI process that lives for
 * one request.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "rc.h"

struct arena;

#define CRYPTO_SHA256_LEN	32
#define UUID_STR_LEN		37	/* 36 characters and a NUL */

/* Fill buf with n bytes from the kernel CSPRNG.  RC_OK or RC_CRYPTO. */
enum rc	 crypto_random(void *buf, size_t n);

/* SHA-256 of p[0..n) into out[32]. */
void	 crypto_sha256(const void *p, size_t n, unsigned char out[32]);

/* HMAC-SHA-256 of p[0..n) under key[0..klen) into out[32]. */
void	 crypto_hmac_sha256(const void *key, size_t klen, const void *p,
	    size_t n, unsigned char out[32]);

/*
 * Constant-time equality of two byte strings: lengths first (a length
 * difference is not secret), then CRYPTO_memcmp.  Returns 1 when equal.
 */
int	 crypto_eq(const void *a, size_t alen, const void *b, size_t blen);

/* Wipe n bytes in a way the compiler may not elide. */
void	 crypto_wipe(void *p, size_t n);

/* Lower-case hex of p[0..n), in the arena. */
char	*crypto_hex(struct arena *a, const void *p, size_t n);

/*
 * Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) encodings, in
 * the arena.
 */
char	*crypto_b64(struct arena *a, const void *p, size_t n);
char	*crypto_b64url(struct arena *a, const void *p, size_t n);

/*
 * Decode standard or url-safe base64 (padding optional) into the arena.
 * RC_OK with *out and *outlen set, or RC_BADREQ on malformed input.
 */
enum rc	 crypto_b64_decode(struct arena *a, const char *s,
	    unsigned char **out, size_t *outlen);

/* A random UUID v4 (RFC 9562 §5.4) into out[UUID_STR_LEN]. */
enum rc	 crypto_uuid(char out[UUID_STR_LEN]);

/* 1 if s is a UUID in canonical lower- or upper-case form. */
int	 crypto_is_uuid(const char *s);

/*
 * A token: prefix followed by 64 lower-case hex digits (256 random bits),
 * in the arena.  RC_OK or RC_CRYPTO.
 */
enum rc	 crypto_token(struct arena *a, const char *prefix, char **out);

#endif /* CRYPTO_H */

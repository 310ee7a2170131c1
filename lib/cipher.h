/* SPDX-License-Identifier: MIT */
/*
 * cipher: authenticated encryption of secrets at rest (TOTP seeds, pending
 * recovery codes) with AES-256-GCM under the configured cipher secrets.
 *
 * A sealed value is "aes256gcm:<key id>:<base64url(nonce || ciphertext ||
 * tag)>": the key id (8 hex digits of SHA-256 of the key) says which of
 * secrets.cipher opens it, so the list can be rotated -- the first key
 * seals, every key opens.
 */
#ifndef CIPHER_H
#define CIPHER_H

#include <stddef.h>

#include "rc.h"

struct arena;
struct config;

/* Seal p[0..n) with the first cipher secret.  RC_OK or RC_CRYPTO. */
enum rc	 cipher_seal(struct arena *a, const struct config *cfg,
	    const void *p, size_t n, const char **out);

/*
 * Open a sealed value into the arena (NUL-terminated).  RC_OK, or
 * RC_CRYPTO when no configured key opens it or it was tampered with.
 */
enum rc	 cipher_open(struct arena *a, const struct config *cfg,
	    const char *sealed, char **out, size_t *outlen);

#endif /* CIPHER_H */

/* SPDX-License-Identifier: MIT */
/*
 * cipher: AES-256-GCM through OpenSSL's EVP interface, a fresh 96-bit
 * random nonce per seal (NIST SP 800-38D §8.2.2), the prefix and key id
 * bound in as additional authenticated data.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "arena.h"
#include "cipher.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "mem.h"

#define NONCE_LEN	12
#define TAG_LEN		16
#define PREFIX		"aes256gcm:"

static void
key_id(const unsigned char *key, size_t len, char out[9])
{
	unsigned char	 h[32];

	crypto_sha256(key, len, h);
	snprintf(out, 9, "%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
}

enum rc
cipher_seal(struct arena *a, const struct config *cfg, const void *p,
    size_t n, const char **out)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*buf;
	char		 kid[9], aad[32];
	int		 len, ok;
	enum rc		 rc;

	key_id(cfg->cipher_secrets[0], cfg->cipher_secret_lens[0], kid);
	snprintf(aad, sizeof(aad), PREFIX "%s", kid);
	buf = arena_alloc(a, mem_size_add(n, NONCE_LEN + TAG_LEN));
	if ((rc = crypto_random(buf, NONCE_LEN)) != RC_OK)
		return rc;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return RC_CRYPTO;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL,
	    cfg->cipher_secrets[0], buf) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (unsigned char *)aad,
	    (int)strlen(aad)) == 1 &&
	    EVP_EncryptUpdate(ctx, buf + NONCE_LEN, &len, p, (int)n) == 1 &&
	    EVP_EncryptFinal_ex(ctx, buf + NONCE_LEN + len, &len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    buf + NONCE_LEN + n) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		log_warnx("%s: AES-256-GCM encryption failed", __func__);
		return RC_CRYPTO;
	}
	*out = arena_printf(a, "%s:%s", aad, crypto_b64url(a, buf,
	    n + NONCE_LEN + TAG_LEN));
	return RC_OK;
}

enum rc
cipher_open(struct arena *a, const struct config *cfg, const char *sealed,
    char **out, size_t *outlen)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*raw, *plain;
	const char	*kidp, *body;
	char		 kid[9], aad[32];
	size_t		 rawlen, i, n;
	int		 len, ok;

	if (strncmp(sealed, PREFIX, strlen(PREFIX)) != 0)
		return RC_CRYPTO;
	kidp = sealed + strlen(PREFIX);
	if ((body = strchr(kidp, ':')) == NULL || body - kidp != 8)
		return RC_CRYPTO;
	body++;
	if (crypto_b64_decode(a, body, &raw, &rawlen) != RC_OK ||
	    rawlen < NONCE_LEN + TAG_LEN)
		return RC_CRYPTO;
	n = rawlen - NONCE_LEN - TAG_LEN;
	for (i = 0; i < cfg->cipher_secrets_len; i++) {
		key_id(cfg->cipher_secrets[i], cfg->cipher_secret_lens[i], kid);
		if (memcmp(kid, kidp, 8) != 0)
			continue;
		snprintf(aad, sizeof(aad), PREFIX "%s", kid);
		plain = arena_alloc(a, n + 1);
		if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
			return RC_CRYPTO;
		ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL,
		    cfg->cipher_secrets[i], raw) == 1 &&
		    EVP_DecryptUpdate(ctx, NULL, &len, (unsigned char *)aad,
		    (int)strlen(aad)) == 1 &&
		    EVP_DecryptUpdate(ctx, plain, &len, raw + NONCE_LEN,
		    (int)n) == 1 &&
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
		    raw + NONCE_LEN + n) == 1 &&
		    EVP_DecryptFinal_ex(ctx, plain + len, &len) == 1;
		EVP_CIPHER_CTX_free(ctx);
		if (ok) {
			plain[n] = '\0';
			*out = (char *)plain;
			*outlen = n;
			return RC_OK;
		}
	}
	log_warnx("%s: a sealed value could not be opened (unknown key id "
	    "or tampered data)", __func__);
	return RC_CRYPTO;
}

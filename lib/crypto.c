/* SPDX-License-Identifier: MIT */
/*
 * crypto: thin, auditable wrappers over getrandom(2) and OpenSSL's
 * libcrypto.  Nothing here allocates outside the caller's arena.
 */
#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * SHA256_Init() and friends are deprecated in OpenSSL 3 in favour of EVP,
 * but EVP fetches its implementation from a provider on first use, which
 * costs about a third of a CGI request's instructions; the low-level
 * functions run the same code without that start-up.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "arena.h"
#include "crypto.h"
#include "log.h"
#include "mem.h"

enum rc
crypto_random(void *buf, size_t n)
{
	unsigned char	*p = buf;
	ssize_t		 got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			log_warn("%s: getrandom", __func__);
			return RC_CRYPTO;
		}
		p += got;
		n -= (size_t)got;
	}
	return RC_OK;
}

void
crypto_sha256(const void *p, size_t n, unsigned char out[32])
{
	SHA256_CTX	 c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(out, &c);
}

/* HMAC (RFC 2104) over the low-level SHA-256, for the reason above. */
void
crypto_hmac_sha256(const void *key, size_t klen, const void *p, size_t n,
    unsigned char out[32])
{
	unsigned char	 k[64], pad[64], inner[32];
	SHA256_CTX	 c;
	size_t		 i;

	memset(k, 0, sizeof(k));
	if (klen > sizeof(k))
		crypto_sha256(key, klen, k);
	else
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	SHA256_Init(&c);
	SHA256_Update(&c, pad, sizeof(pad));
	SHA256_Update(&c, p, n);
	SHA256_Final(inner, &c);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256_Init(&c);
	SHA256_Update(&c, pad, sizeof(pad));
	SHA256_Update(&c, inner, sizeof(inner));
	SHA256_Final(out, &c);
	crypto_wipe(k, sizeof(k));
	crypto_wipe(pad, sizeof(pad));
	crypto_wipe(inner, sizeof(inner));
	crypto_wipe(&c, sizeof(c));
}

int
crypto_eq(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return 0;
	return CRYPTO_memcmp(a, b, alen) == 0;
}

void
crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

char *
crypto_hex(struct arena *a, const void *p, size_t n)
{
	static const char	 digits[] = "0123456789abcdef";
	const unsigned char	*s = p;
	char			*out;
	size_t			 i;

	out = arena_alloc(a, mem_size_add(mem_size_mul(n, 2), 1));
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[s[i] >> 4];
		out[2 * i + 1] = digits[s[i] & 0xf];
	}
	out[2 * n] = '\0';
	return out;
}

char *
crypto_b64(struct arena *a, const void *p, size_t n)
{
	size_t	 len = mem_size_add(mem_size_mul((n + 2) / 3, 4), 1);
	char	*out = arena_alloc(a, len);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

char *
crypto_b64url(struct arena *a, const void *p, size_t n)
{
	char	*s = crypto_b64(a, p, n), *c;

	for (c = s; *c != '\0'; c++) {
		if (*c == '+')
			*c = '-';
		else if (*c == '/')
			*c = '_';
		else if (*c == '=') {
			*c = '\0';
			break;
		}
	}
	return s;
}

enum rc
crypto_b64_decode(struct arena *a, const char *s, unsigned char **out,
    size_t *outlen)
{
	size_t		 n = strlen(s), i, padded, pad;
	char		*t;
	unsigned char	*bin;
	int		 got;

	/* Strip padding; it is re-added below to a multiple of four. */
	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return RC_BADREQ;
	padded = mem_size_add(n, 3) & ~(size_t)3;
	t = arena_alloc(a, mem_size_add(padded, 1));
	for (i = 0; i < n; i++) {
		char	 c = s[i];

		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!(isalnum((unsigned char)c) || c == '+' || c == '/'))
			return RC_BADREQ;
		t[i] = c;
	}
	for (; i < padded; i++)
		t[i] = '=';
	t[padded] = '\0';
	pad = padded - n;

	bin = arena_alloc(a, padded / 4 * 3 + 1);
	got = EVP_DecodeBlock(bin, (unsigned char *)t, (int)padded);
	if (got < 0 || (size_t)got < pad)
		return RC_BADREQ;
	*out = bin;
	*outlen = (size_t)got - pad;
	return RC_OK;
}

enum rc
crypto_uuid(char out[UUID_STR_LEN])
{
	unsigned char	 b[16];
	enum rc		 rc;

	if ((rc = crypto_random(b, sizeof(b))) != RC_OK)
		return rc;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, UUID_STR_LEN,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
	    b[10], b[11], b[12], b[13], b[14], b[15]);
	return RC_OK;
}

int
crypto_is_uuid(const char *s)
{
	size_t	 i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return s[36] == '\0';
}

enum rc
crypto_token(struct arena *a, const char *prefix, char **out)
{
	unsigned char	 b[32];
	enum rc		 rc;

	if ((rc = crypto_random(b, sizeof(b))) != RC_OK)
		return rc;
	*out = arena_printf(a, "%s%s", prefix, crypto_hex(a, b, sizeof(b)));
	crypto_wipe(b, sizeof(b));
	return RC_OK;
}

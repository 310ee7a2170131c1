/* SPDX-License-Identifier: MIT */
/*
 * test_crypto: constant-time comparison, hex and base64 encodings (RFC 4648
 * §10 vectors), base64 decoding, UUIDs, tokens, SHA-256 (FIPS 180-2) and
 * HMAC-SHA-256 (RFC 4231).  The vectors are in tests/vectors/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "testlib.h"

#define ROWS(t)	(sizeof(t) / sizeof((t)[0]))

/* Per-test arena (JSON memory too): tl_arena_setup/teardown, testlib.h. */
#define setup		tl_arena_setup
#define teardown	tl_arena_teardown

/* --- comparison, wiping, hex ---------------------------------------------- */

static void
test_crypto_eq(void **state)
{
	(void)state;
	assert_true(crypto_eq("abc", 3, "abc", 3));
	assert_true(crypto_eq("", 0, "", 0));
	assert_true(crypto_eq("a\0b", 3, "a\0b", 3));	/* binary */
	assert_false(crypto_eq("abc", 3, "abd", 3));
	assert_false(crypto_eq("abc", 3, "bbc", 3));
	assert_false(crypto_eq("a\0b", 3, "a\0c", 3));
	assert_false(crypto_eq("abc", 3, "abcd", 4));	/* lengths differ */
	assert_false(crypto_eq("abcd", 4, "abc", 3));
	assert_false(crypto_eq("abc", 3, "", 0));
	/* Equal prefixes with different lengths still differ. */
	assert_false(crypto_eq("abc", 2, "abc", 3));
}

static void
test_crypto_wipe(void **state)
{
	unsigned char	 b[33];
	size_t		 i;

	(void)state;
	memset(b, 0xa5, sizeof(b));
	crypto_wipe(b, 32);
	for (i = 0; i < 32; i++)
		assert_int_equal(b[i], 0);
	assert_int_equal(b[32], 0xa5);
}

static void
test_crypto_hex(void **state)
{
	struct arena	*a = *state;

	assert_string_equal(crypto_hex(a, "", 0), "");
	assert_string_equal(crypto_hex(a, "\x00\xff\x10\xab", 4), "00ff10ab");
	assert_string_equal(crypto_hex(a, "abc", 3), "616263");
}

/* --- base64 --------------------------------------------------------------- */

static void
test_crypto_b64_rfc4648_vectors(void **state)
{
	struct arena	*a = *state;
	struct tl_vec	 v;
	size_t		 n, cases = 0;

	assert_int_equal(tl_vec_open(&v, "base64.txt"), 0);
	while (tl_vec_next(&v)) {
		unsigned char	*out;
		size_t		 outlen;

		assert_int_equal(v.n, 3);
		n = tl_unescape(v.f[0]);
		if (strcmp(crypto_b64(a, v.f[0], n), v.f[1]) != 0)
			fail_msg("%s:%u: base64 %s, want %s", v.file, v.lineno,
			    crypto_b64(a, v.f[0], n), v.f[1]);
		if (strcmp(crypto_b64url(a, v.f[0], n), v.f[2]) != 0)
			fail_msg("%s:%u: base64url %s, want %s", v.file,
			    v.lineno, crypto_b64url(a, v.f[0], n), v.f[2]);

		/* Both encodings decode back to the input. */
		assert_int_equal(crypto_b64_decode(a, v.f[1], &out, &outlen),
		    RC_OK);
		assert_int_equal(outlen, n);
		assert_memory_equal(out, v.f[0], n);
		assert_int_equal(crypto_b64_decode(a, v.f[2], &out, &outlen),
		    RC_OK);
		assert_int_equal(outlen, n);
		assert_memory_equal(out, v.f[0], n);
		cases++;
	}
	tl_vec_close(&v);
	assert_true(cases >= 13);
}

static void
test_crypto_b64_decode_vectors(void **state)
{
	struct arena	*a = *state;
	struct tl_vec	 v;
	size_t		 cases = 0, bad = 0;

	assert_int_equal(tl_vec_open(&v, "base64-decode.txt"), 0);
	while (tl_vec_next(&v)) {
		unsigned char	*out = NULL;
		size_t		 outlen = 12345, want;
		enum rc		 rc;

		(void)tl_unescape(v.f[0]);
		rc = crypto_b64_decode(a, v.f[0], &out, &outlen);
		if (strcmp(v.f[1], "BADREQ") == 0) {
			if (rc != RC_BADREQ)
				fail_msg("%s:%u: accepted \"%s\"", v.file,
				    v.lineno, v.f[0]);
			/* Out-parameters are written only on RC_OK. */
			assert_null(out);
			assert_int_equal(outlen, 12345);
			bad++;
		} else {
			assert_int_equal(v.n, 3);
			want = tl_unescape(v.f[2]);
			if (rc != RC_OK)
				fail_msg("%s:%u: rejected \"%s\"", v.file,
				    v.lineno, v.f[0]);
			assert_int_equal(outlen, want);
			assert_memory_equal(out, v.f[2], want);
		}
		cases++;
	}
	tl_vec_close(&v);
	assert_true(cases >= 30);
	assert_true(bad >= 14);
}

static void
test_crypto_b64_binary_round_trip(void **state)
{
	struct arena	*a = *state;
	unsigned char	 b[256], *out;
	size_t		 len, n;

	for (n = 0; n < sizeof(b); n++)
		b[n] = (unsigned char)(255 - n);
	for (n = 0; n <= sizeof(b); n += 17) {
		char	*s = crypto_b64url(a, b, n);

		/* url-safe: no '+', '/' or '='. */
		assert_null(strpbrk(s, "+/="));
		assert_int_equal(crypto_b64_decode(a, s, &out, &len), RC_OK);
		assert_int_equal(len, n);
		if (n)
			assert_memory_equal(out, b, n);
		s = crypto_b64(a, b, n);
		assert_int_equal(strlen(s) % 4, 0);
		assert_int_equal(crypto_b64_decode(a, s, &out, &len), RC_OK);
		assert_int_equal(len, n);
	}
}

/* --- UUIDs and tokens ----------------------------------------------------- */

static void
test_crypto_uuid_format(void **state)
{
	char	 u[UUID_STR_LEN], w[UUID_STR_LEN];
	size_t	 i;
	int	 round;

	(void)state;
	for (round = 0; round < 32; round++) {
		assert_int_equal(crypto_uuid(u), RC_OK);
		assert_int_equal(strlen(u), 36);
		for (i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				assert_int_equal(u[i], '-');
			else if (!isxdigit((unsigned char)u[i]) ||
			    isupper((unsigned char)u[i]))
				fail_msg("%s: not lower-case hex at %zu", u, i);
		}
		/* Version 4 (RFC 9562 §5.4), variant 10xx (§4.1). */
		assert_int_equal(u[14], '4');
		assert_non_null(strchr("89ab", u[19]));
		assert_true(crypto_is_uuid(u));
	}
	assert_int_equal(crypto_uuid(w), RC_OK);
	assert_string_not_equal(u, w);
}

static const char *const uuid_ok[] = {
	"123e4567-e89b-12d3-a456-426614174000",
	"123E4567-E89B-12D3-A456-426614174000",		/* upper case */
	"00000000-0000-0000-0000-000000000000",		/* nil */
	"ffffffff-ffff-ffff-ffff-ffffffffffff",		/* max */
	"6ba7b810-9dad-11d1-80b4-00c04fd430c8",
};

static const char *const uuid_bad[] = {
	"",
	"123e4567",
	"123e4567-e89b-12d3-a456-42661417400",		/* 35 chars */
	"123e4567-e89b-12d3-a456-4266141740000",	/* 37 chars */
	"123e4567e89b-12d3-a456-426614174000-",		/* hyphen moved */
	"123e4567-e89b12d3-a456-4266141740000",
	"123e4567_e89b_12d3_a456_426614174000",
	"123e4567-e89b-12d3-a456-42661417400g",		/* not hex */
	"g23e4567-e89b-12d3-a456-426614174000",
	"123e4567-e89b-12d3-a456-426614174000\n",
	" 123e4567-e89b-12d3-a456-426614174000",
	"{123e4567-e89b-12d3-a456-426614174000}",
	"urn:uuid:123e4567-e89b-12d3-a456-426614174000",
	"123e4567e89b12d3a456426614174000",		/* no hyphens */
	"../../../../../../../../../../../etc/passwd",
};

static void
test_crypto_is_uuid(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(uuid_ok); i++)
		if (!crypto_is_uuid(uuid_ok[i]))
			fail_msg("rejected %s", uuid_ok[i]);
	for (i = 0; i < ROWS(uuid_bad); i++)
		if (crypto_is_uuid(uuid_bad[i]))
			fail_msg("accepted \"%s\"", uuid_bad[i]);
}

static void
test_crypto_token(void **state)
{
	struct arena	*a = *state;
	char		*t, *u;
	size_t		 i;

	assert_int_equal(crypto_token(a, "ory_st_", &t), RC_OK);
	assert_int_equal(strlen(t), 7 + 64);
	assert_memory_equal(t, "ory_st_", 7);
	for (i = 7; i < 71; i++)
		assert_non_null(strchr("0123456789abcdef", t[i]));
	assert_int_equal(crypto_token(a, "ory_st_", &u), RC_OK);
	assert_string_not_equal(t, u);

	assert_int_equal(crypto_token(a, "", &t), RC_OK);
	assert_int_equal(strlen(t), 64);
}

static void
test_crypto_random(void **state)
{
	unsigned char	 a[64], b[64], zero[64];

	(void)state;
	memset(zero, 0, sizeof(zero));
	assert_int_equal(crypto_random(a, 0), RC_OK);
	assert_int_equal(crypto_random(a, sizeof(a)), RC_OK);
	assert_int_equal(crypto_random(b, sizeof(b)), RC_OK);
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_memory_not_equal(a, b, sizeof(a));
}

/* --- SHA-256, HMAC-SHA-256 ------------------------------------------------ */

static void
test_crypto_sha256_vectors(void **state)
{
	struct arena	*a = *state;
	struct tl_vec	 v;
	unsigned char	 d[32];
	size_t		 cases = 0;

	assert_int_equal(tl_vec_open(&v, "sha256.txt"), 0);
	while (tl_vec_next(&v)) {
		assert_int_equal(v.n, 2);
		crypto_sha256(v.f[0], strlen(v.f[0]), d);
		if (strcmp(crypto_hex(a, d, sizeof(d)), v.f[1]) != 0)
			fail_msg("%s:%u: SHA-256(\"%s\") = %s", v.file,
			    v.lineno, v.f[0], crypto_hex(a, d, sizeof(d)));
		cases++;
	}
	tl_vec_close(&v);
	assert_int_equal(cases, 3);

	/* FIPS 180-2 B.1 spelled out, independent of the file. */
	crypto_sha256("abc", 3, d);
	assert_string_equal(crypto_hex(a, d, 32), "ba7816bf8f01cfea414140de5d"
	    "ae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_crypto_hmac_sha256_rfc4231(void **state)
{
	struct arena	*a = *state;
	struct tl_vec	 v;
	unsigned char	 key[256], data[512], mac[32];
	size_t		 klen, dlen, cases = 0;

	assert_int_equal(tl_vec_open(&v, "hmac-sha256.txt"), 0);
	while (tl_vec_next(&v)) {
		assert_int_equal(v.n, 4);
		klen = tl_unhex(v.f[1], key, sizeof(key));
		dlen = tl_unhex(v.f[2], data, sizeof(data));
		assert_true(klen != (size_t)-1 && dlen != (size_t)-1);
		crypto_hmac_sha256(key, klen, data, dlen, mac);
		if (strcmp(crypto_hex(a, mac, sizeof(mac)), v.f[3]) != 0)
			fail_msg("%s:%u: RFC 4231 case %s: %s", v.file,
			    v.lineno, v.f[0], crypto_hex(a, mac, sizeof(mac)));
		cases++;
	}
	tl_vec_close(&v);
	assert_int_equal(cases, 6);

	/* Test cases 1 and 2 spelled out. */
	memset(key, 0x0b, 20);
	crypto_hmac_sha256(key, 20, "Hi There", 8, mac);
	assert_string_equal(crypto_hex(a, mac, 32), "b0344c61d8db38535ca8afceaf"
	    "0bf12b881dc200c9833da726e9376c2e32cff7");
	crypto_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	assert_string_equal(crypto_hex(a, mac, 32), "5bdcc146bf60754e6a04242608"
	    "9575c75a003f089d2739839dec58b964ec3843");
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_eq),
		cmocka_unit_test(test_crypto_wipe),
		T(test_crypto_hex),
		T(test_crypto_b64_rfc4648_vectors),
		T(test_crypto_b64_decode_vectors),
		T(test_crypto_b64_binary_round_trip),
		cmocka_unit_test(test_crypto_uuid_format),
		cmocka_unit_test(test_crypto_is_uuid),
		T(test_crypto_token),
		cmocka_unit_test(test_crypto_random),
		T(test_crypto_sha256_vectors),
		T(test_crypto_hmac_sha256_rfc4231),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for totp.c, lookup.c and cipher.c: RFC 6238 Appendix B
 * vectors (truncated to the six digits Gatehouse uses), the ±1 step
 * window, replay refusal, strict code syntax, the otpauth URI and QR code,
 * recovery-code syntax and hashing, and sealing with key rotation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "cipher.h"
#include "config.h"
#include "lookup.h"
#include "totp.h"

/* ASCII "12345678901234567890", RFC 6238 Appendix B's SHA-1 key. */
static const char *const rfc_key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static struct arena a;

static int
setup(void **state)
{
	(void)state;
	arena_init(&a, 4096);
	arena_use_for_json(&a);
	return totp_init() == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	arena_release(&a);
	return 0;
}

static void
test_totp_rfc6238_vectors(void **state)
{
	static const struct {
		time_t		 t;
		const char	*code;	/* the 8-digit value's last six */
	} v[] = {
		{ 59, "287082" },
		{ 1111111109, "081804" },
		{ 1111111111, "050471" },
		{ 1234567890, "005924" },
		{ 2000000000, "279037" },
		{ (time_t)20000000000LL, "353130" },	/* T beyond 32 bits */
	};
	char	 out[7];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t	 step;

		assert_int_equal(totp_code(&a, rfc_key, v[i].t, out), RC_OK);
		assert_string_equal(out, v[i].code);
		assert_int_equal(totp_check(&a, rfc_key, v[i].code, v[i].t, -1,
		    &step), RC_OK);
		assert_int_equal(step, (int64_t)(v[i].t / 30));
	}
}

static void
test_totp_window_is_one_step(void **state)
{
	time_t	 now = 1111111111, t;
	char	 code[7];
	int64_t	 step;
	int	 d;

	(void)state;
	for (d = -3; d <= 3; d++) {
		t = now + d * 30;
		assert_int_equal(totp_code(&a, rfc_key, t, code), RC_OK);
		assert_int_equal(totp_check(&a, rfc_key, code, now, -1, &step),
		    d >= -1 && d <= 1 ? RC_OK : RC_DENIED);
		if (d >= -1 && d <= 1)
			assert_int_equal(step, (int64_t)(t / 30));
	}
}

static void
test_totp_replay_refused(void **state)
{
	time_t	 now = 1234567890;
	char	 code[7], prev[7];
	int64_t	 step, step2;

	(void)state;
	assert_int_equal(totp_code(&a, rfc_key, now, code), RC_OK);
	assert_int_equal(totp_check(&a, rfc_key, code, now, -1, &step), RC_OK);

	/* The same code again, with the step recorded: refused. */
	assert_int_equal(totp_check(&a, rfc_key, code, now, step, &step2),
	    RC_DENIED);

	/* An older step inside the window is refused too. */
	assert_int_equal(totp_code(&a, rfc_key, now - 30, prev), RC_OK);
	assert_int_equal(totp_check(&a, rfc_key, prev, now, step, &step2),
	    RC_DENIED);

	/* The next step is still good. */
	assert_int_equal(totp_code(&a, rfc_key, now + 30, code), RC_OK);
	assert_int_equal(totp_check(&a, rfc_key, code, now, step, &step2),
	    RC_OK);
	assert_int_equal(step2, step + 1);
}

static void
test_totp_code_syntax(void **state)
{
	static const char *const bad[] = {
		"", "12345", "1234567", " 287082", "287082 ", "+87082",
		"28708a", "２８７０８２", "28 082", NULL,
	};
	int64_t	 step;
	size_t	 i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		assert_int_equal(totp_check(&a, rfc_key, bad[i], 59, -1, &step),
		    RC_DENIED);
	assert_int_equal(totp_check(&a, rfc_key, NULL, 59, -1, &step),
	    RC_DENIED);
	assert_int_equal(totp_check(&a, "not base32!", "287082", 59, -1,
	    &step), RC_DENIED);
}

static void
test_totp_new_secret_and_uri(void **state)
{
	char	*s1, *s2, *uri, *png;

	(void)state;
	assert_int_equal(totp_new_secret(&a, &s1), RC_OK);
	assert_int_equal(totp_new_secret(&a, &s2), RC_OK);
	assert_int_equal(strlen(s1), 32);
	assert_int_equal(strspn(s1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	assert_string_not_equal(s1, s2);
	uri = totp_uri(&a, "Gate house", "a@b.example", s1);
	assert_non_null(strstr(uri, "otpauth://totp/Gate%20house:a%40b.example?"
	    "secret="));
	assert_non_null(strstr(uri, "&issuer=Gate%20house&algorithm=SHA1&"
	    "digits=6&period=30"));
	assert_int_equal(totp_qr_data_uri(&a, uri, &png), RC_OK);
	assert_true(strncmp(png, "data:image/png;base64,iVBORw0KGgo", 33) == 0);
}

static void
test_lookup_generate_and_normalise(void **state)
{
	char	*codes[LOOKUP_CODES], *canon, *phc;
	int	 i, idx;

	(void)state;
	assert_int_equal(lookup_generate(&a, codes), RC_OK);
	for (i = 0; i < LOOKUP_CODES; i++) {
		assert_int_equal(strlen(codes[i]), 16);
		assert_int_equal(codes[i][1], '-');
		assert_int_equal(codes[i][6], '-');
		assert_int_equal(codes[i][11], '-');
		canon = lookup_normalise(&a, codes[i], &idx);
		assert_non_null(canon);
		assert_int_equal(idx, i);
	}

	/* Lower case, no dashes, Crockford look-alikes. */
	canon = lookup_normalise(&a, "b-0000-1111-2222", &idx);
	assert_string_equal(canon, "B000011112222");
	assert_int_equal(idx, 1);
	assert_string_equal(lookup_normalise(&a, "b oOoO iIlL 2222", &idx),
	    "B000011112222");
	assert_null(lookup_normalise(&a, "Z-0000-1111-2222", &idx));
	assert_null(lookup_normalise(&a, "A-0000-1111-222", &idx));
	assert_null(lookup_normalise(&a, "A-0000-1111-22222", &idx));
	assert_null(lookup_normalise(&a, "A-0000-1111-222U", &idx));
	assert_null(lookup_normalise(&a, "", &idx));

	canon = lookup_normalise(&a, codes[3], &idx);
	assert_int_equal(lookup_hash(&a, canon, &phc), RC_OK);
	assert_true(strncmp(phc, "$argon2id$", 10) == 0);
	assert_int_equal(lookup_verify(phc, canon), RC_OK);
	assert_int_equal(lookup_verify(phc, lookup_normalise(&a, codes[4],
	    &idx)), RC_DENIED);
}

static void
test_cipher_seal_open_rotate(void **state)
{
	unsigned char	*k1 = (unsigned char *)"0123456789abcdef0123456789abcdef";
	unsigned char	*k2 = (unsigned char *)"fedcba9876543210fedcba9876543210";
	unsigned char	*keys[2];
	size_t		 lens[2] = { 32, 32 }, len;
	struct config	 cfg;
	const char	*sealed, *sealed2;
	char		*plain, *t;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	keys[0] = k1;
	cfg.cipher_secrets = keys;
	cfg.cipher_secret_lens = lens;
	cfg.cipher_secrets_len = 1;
	assert_int_equal(cipher_seal(&a, &cfg, "secret", 6, &sealed), RC_OK);
	assert_null(strstr(sealed, "secret"));
	assert_int_equal(cipher_seal(&a, &cfg, "secret", 6, &sealed2), RC_OK);
	assert_string_not_equal(sealed, sealed2);	/* fresh nonce */
	assert_int_equal(cipher_open(&a, &cfg, sealed, &plain, &len), RC_OK);
	assert_int_equal(len, 6);
	assert_string_equal(plain, "secret");

	/* Tampering anywhere is detected. */
	t = arena_strdup(&a, sealed);
	t[strlen(t) - 3] = t[strlen(t) - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(cipher_open(&a, &cfg, t, &plain, &len), RC_CRYPTO);
	assert_int_equal(cipher_open(&a, &cfg, "aes256gcm:zz", &plain, &len),
	    RC_CRYPTO);

	/* Rotation: a new first key seals, the old one still opens. */
	keys[0] = k2;
	keys[1] = k1;
	cfg.cipher_secrets_len = 2;
	assert_int_equal(cipher_open(&a, &cfg, sealed, &plain, &len), RC_OK);
	assert_int_equal(cipher_seal(&a, &cfg, "x", 1, &sealed2), RC_OK);
	cfg.cipher_secrets_len = 1;
	assert_int_equal(cipher_open(&a, &cfg, sealed, &plain, &len),
	    RC_CRYPTO);
	assert_int_equal(cipher_open(&a, &cfg, sealed2, &plain, &len), RC_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totp_rfc6238_vectors),
		cmocka_unit_test(test_totp_window_is_one_step),
		cmocka_unit_test(test_totp_replay_refused),
		cmocka_unit_test(test_totp_code_syntax),
		cmocka_unit_test(test_totp_new_secret_and_uri),
		cmocka_unit_test(test_lookup_generate_and_normalise),
		cmocka_unit_test(test_cipher_seal_open_rotate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

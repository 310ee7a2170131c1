/* SPDX-License-Identifier: MIT */
/*
 * test_pwhash: argon2id hashing in PHC format, verification against our
 * own hashes and against hashes made elsewhere (libargon2's test suite and
 * the argon2(1) command), the imported formats (bcrypt, PBKDF2), rehash
 * decisions, and refusal of unknown formats and excessive costs.
 * Small parameters (m=1024 KiB, t=1, p=1) keep the run fast.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "pwhash.h"
#include "testlib.h"

#define ROWS(t)	(sizeof(t) / sizeof((t)[0]))

static const struct pwhash_params small = { 1024, 1, 1 };

/* Per-test arena (JSON memory too): tl_arena_setup/teardown, testlib.h. */
#define setup		tl_arena_setup
#define teardown	tl_arena_teardown

static void
test_pwhash_hash_then_verify(void **state)
{
	struct arena	*a = *state;
	const char	*pw = "correct horse battery staple";
	char		*phc;

	assert_int_equal(pwhash_hash(a, &small, pw, strlen(pw), &phc), RC_OK);
	assert_int_equal(pwhash_verify(phc, pw, strlen(pw)), RC_OK);
}

static void
test_pwhash_wrong_password_denied(void **state)
{
	struct arena	*a = *state;
	const char	*pw = "correct horse battery staple";
	char		*phc;

	assert_int_equal(pwhash_hash(a, &small, pw, strlen(pw), &phc), RC_OK);
	assert_int_equal(pwhash_verify(phc, "Correct horse battery staple",
	    strlen(pw)), RC_DENIED);
	assert_int_equal(pwhash_verify(phc, pw, strlen(pw) - 1), RC_DENIED);
	assert_int_equal(pwhash_verify(phc, "", 0), RC_DENIED);
}

static void
test_pwhash_phc_format(void **state)
{
	struct arena	*a = *state;
	const struct pwhash_params p = { 2048, 3, 2 };
	char		*phc, *salt, *hash;

	assert_int_equal(pwhash_hash(a, &small, "pw", 2, &phc), RC_OK);
	assert_true(strncmp(phc, "$argon2id$v=19$m=1024,t=1,p=1$",
	    strlen("$argon2id$v=19$m=1024,t=1,p=1$")) == 0);

	/* 16-byte salt and 32-byte hash, unpadded base64: 22 and 43 chars. */
	salt = phc + strlen("$argon2id$v=19$m=1024,t=1,p=1$");
	hash = strchr(salt, '$');
	assert_non_null(hash);
	assert_int_equal(hash - salt, 22);
	assert_int_equal(strlen(hash + 1), 43);
	assert_null(strchr(salt, '='));	/* no padding */

	/* The parameters asked for are the parameters recorded. */
	assert_int_equal(pwhash_hash(a, &p, "pw", 2, &phc), RC_OK);
	assert_true(strncmp(phc, "$argon2id$v=19$m=2048,t=3,p=2$",
	    strlen("$argon2id$v=19$m=2048,t=3,p=2$")) == 0);
	assert_int_equal(pwhash_verify(phc, "pw", 2), RC_OK);
}

static void
test_pwhash_fresh_salt(void **state)
{
	struct arena	*a = *state;
	char		*p1, *p2;

	assert_int_equal(pwhash_hash(a, &small, "same", 4, &p1), RC_OK);
	assert_int_equal(pwhash_hash(a, &small, "same", 4, &p2), RC_OK);
	assert_string_not_equal(p1, p2);
	assert_int_equal(pwhash_verify(p1, "same", 4), RC_OK);
	assert_int_equal(pwhash_verify(p2, "same", 4), RC_OK);
}

static void
test_pwhash_binary_and_empty_passwords(void **state)
{
	struct arena	*a = *state;
	const char	 bin[] = "a\0b\xff";
	char		*phc;

	/* The length is the password: an embedded NUL does not cut it. */
	assert_int_equal(pwhash_hash(a, &small, bin, 4, &phc), RC_OK);
	assert_int_equal(pwhash_verify(phc, bin, 4), RC_OK);
	assert_int_equal(pwhash_verify(phc, bin, 1), RC_DENIED);
	assert_int_equal(pwhash_verify(phc, "a\0b\xfe", 4), RC_DENIED);

	assert_int_equal(pwhash_hash(a, &small, "", 0, &phc), RC_OK);
	assert_int_equal(pwhash_verify(phc, "", 0), RC_OK);
	assert_int_equal(pwhash_verify(phc, " ", 1), RC_DENIED);
}

/*
 * Hashes made by other implementations.  The first two are the version
 * 0x13 vectors of libargon2's src/test.c ("password", salt "somesalt",
 * m=64 MiB, t=2, p=1); the last was made with the small parameters by
 * `echo -n password | argon2 somesalt -id -t 1 -k 1024 -p 1 -l 32`.
 */
static const struct {
	const char	*phc, *pw;
} known[] = {
	{ "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
	  "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password" },
	{ "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
	  "wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA", "password" },
	{ "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
	  "yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM", "password" },
};

static void
test_pwhash_known_vectors(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(known); i++) {
		if (pwhash_verify(known[i].phc, known[i].pw,
		    strlen(known[i].pw)) != RC_OK)
			fail_msg("did not verify: %s", known[i].phc);
		if (pwhash_verify(known[i].phc, "passwore", 8) != RC_DENIED)
			fail_msg("wrong password not denied: %s", known[i].phc);
	}
}

static void
test_pwhash_tampered_hash_denied(void **state)
{
	char	 phc[128];

	(void)state;
	/* The last hash character changed: a valid string, a wrong hash. */
	snprintf(phc, sizeof(phc), "%s", known[2].phc);
	phc[strlen(phc) - 2] = phc[strlen(phc) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(pwhash_verify(phc, "password", 8), RC_DENIED);

	/* A different salt. */
	snprintf(phc, sizeof(phc), "%s", known[2].phc);
	memcpy(strstr(phc, "c29tZXNhbHQ"), "c29tZXNhbGQ", 11);
	assert_int_equal(pwhash_verify(phc, "password", 8), RC_DENIED);
}

/*
 * Imported formats (pwhash.h): bcrypt vectors from Openwall's
 * crypt_blowfish test suite and PHP's password_verify() documentation;
 * PBKDF2-HMAC-SHA-256 from RFC 7914 §11 (P="passwd", S="salt", c=1,
 * dkLen=64) in Kratos's "$pbkdf2-sha256$i=,l=$salt$hash" form (unpadded
 * base64), and a PBKDF2-HMAC-SHA-512 one made with Python's hashlib, both
 * unpadded and padded.
 */
static const struct {
	const char	*phc, *pw;
} imported[] = {
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U" },
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK",
	  "U*U*" },
	{ "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a",
	  "U*U*U" },
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", "" },
	{ "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U" },
	{ "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a",
	  "rasmuslerdorf" },
	{ "$pbkdf2-sha256$i=1,l=64$c2FsdA$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8"
	  "INrLxJypzM8Xm2RZkWZLOdd+8xfHG4RbHjC9UJESBB06GXgw", "passwd" },
	{ "$pbkdf2-sha512$i=1000,l=32$c2FsdHNhbHRzYWx0c2FsdA$"
	  "715rqIr5dXOVPpBhqqsugl037zT5bWJTWYmZtIcK8hA", "password" },
	{ "$pbkdf2-sha512$i=1000,l=32$c2FsdHNhbHRzYWx0c2FsdA==$"
	  "715rqIr5dXOVPpBhqqsugl037zT5bWJTWYmZtIcK8hA=", "password" },
};

static void
test_pwhash_imported_formats(void **state)
{
	struct pwhash_params	 p = { 19456, 2, 1 };
	size_t			 i;

	(void)state;
	for (i = 0; i < ROWS(imported); i++) {
		const char	*pw = imported[i].pw;

		assert_true(pwhash_is_supported(imported[i].phc));
		if (pwhash_verify(imported[i].phc, pw, strlen(pw)) != RC_OK)
			fail_msg("did not verify: %s", imported[i].phc);
		if (pwhash_verify(imported[i].phc, "U*U*U*", 6) != RC_DENIED)
			fail_msg("wrong password not denied: %s",
			    imported[i].phc);
		/* Anything that is not our argon2id is upgraded at sign-in. */
		assert_true(pwhash_needs_rehash(imported[i].phc, &p));
	}
}

static void
test_pwhash_needs_rehash(void **state)
{
	struct arena			*a = *state;
	const struct pwhash_params	 other = { 2048, 1, 1 };
	char				*phc;

	assert_int_equal(pwhash_hash(a, &small, "pw", 2, &phc), RC_OK);
	assert_false(pwhash_needs_rehash(phc, &small));
	assert_true(pwhash_needs_rehash(phc, &other));
	assert_true(pwhash_needs_rehash(known[1].phc, &small));	/* argon2i */
	assert_true(pwhash_needs_rehash(known[0].phc, &small));
	assert_true(pwhash_needs_rehash("$argon2id$garbage", &small));
}

/* Strings that are no hash pwhash_verify() reads, or cost too much. */
static const char *const unsupported[] = {
	"",
	"password",
	"$6$rounds=5000$salt$hash",
	"$1$salt$hash",
	"$argon2d$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
	"CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
	"$argon2$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$abc",
	"argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	"$ARGON2ID$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	/* argon2-prefixed but undecodable. */
	"$argon2id$",
	"$argon2id$garbage",
	"$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$",
	"$argon2id$v=19$m=1024,t=1,p=1$$yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	"$argon2id$v=19$m=1024,t=0,p=1$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	"$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM$extra",
	"$argon2i$v=19$m=1024,t=1,p=1$!!!$abc",
	/* argon2 costs above Kratos's import limits: refused before work. */
	"$argon2id$v=19$m=2097152,t=1,p=1$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	"$argon2id$v=19$m=1024,t=11,p=1$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	"$argon2id$v=19$m=1024,t=1,p=17$c29tZXNhbHQ$"
	"yOmu3JVvan3/Ck1ClA32KGI/Mo6hI1AFq6yTPFcJPiM",
	/* bcrypt: costs out of bounds, wrong lengths, unknown variants. */
	"$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	"$2b$16$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	"$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	"$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
	"$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW",
	"$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	"$2$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWx",
	/* PBKDF2: other digests, passlib's layout, bounds, lengths. */
	"$pbkdf2-sha1$i=1,l=20$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAA",
	"$pbkdf2-sha256$29000$N2ZMac45x3hvzdXbQqh5DQ$abc",
	"$pbkdf2-sha256$i=0,l=32$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	"$pbkdf2-sha256$i=20000000,l=32$c2FsdA$"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	"$pbkdf2-sha256$i=1,l=8$c2FsdA$AAAAAAAAAAA",
	"$pbkdf2-sha256$i=1,l=32$c2FsdA$AAAA",		/* l != length */
	"$pbkdf2-sha256$i=1,l=32$c2Fsd!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	"$pbkdf2-sha256$i=1,l=32$c2FsdA",
};

static void
test_pwhash_unsupported_badreq(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(unsupported); i++)
		if (pwhash_verify(unsupported[i], "password", 8) != RC_BADREQ)
			fail_msg("not refused: \"%s\"", unsupported[i]);
	assert_false(pwhash_is_supported(""));
	assert_false(pwhash_is_supported("$6$rounds=5000$salt$hash"));
	assert_false(pwhash_is_supported("$argon2d$v=19$m=1,t=1,p=1$a$b"));
	assert_true(pwhash_is_supported(known[0].phc));
	assert_true(pwhash_is_supported(known[1].phc));
}

static void
test_pwhash_decoy_runs(void **state)
{
	(void)state;
	/* No result to check; it must simply not fail or leak. */
	pwhash_decoy(&small, "whatever", 8);
	pwhash_decoy(&small, "", 0);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pwhash_hash_then_verify),
		T(test_pwhash_wrong_password_denied),
		T(test_pwhash_phc_format),
		T(test_pwhash_fresh_salt),
		T(test_pwhash_binary_and_empty_passwords),
		cmocka_unit_test(test_pwhash_known_vectors),
		cmocka_unit_test(test_pwhash_tampered_hash_denied),
		cmocka_unit_test(test_pwhash_imported_formats),
		T(test_pwhash_needs_rehash),
		cmocka_unit_test(test_pwhash_unsupported_badreq),
		cmocka_unit_test(test_pwhash_decoy_runs),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

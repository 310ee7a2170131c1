/* SPDX-License-Identifier: MIT */
/*
 * test_str: str_to_i64 (strtonum's contract), str_copy, str_has_prefix,
 * str_is_utf8, str_to_duration and str_to_bytes, each with rows it accepts
 * and rows it rejects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "str.h"
#include "testlib.h"

#define ROWS(t)	(sizeof(t) / sizeof((t)[0]))

/* --- str_to_i64 ------------------------------------------------------- */

static const struct {
	const char	*s;
	int64_t		 min, max, want;
} i64_ok[] = {
	{ "0", 0, 10, 0 },
	{ "10", 0, 10, 10 },		/* max is inclusive */
	{ "-5", -5, 5, -5 },		/* min is inclusive */
	{ "+5", 0, 10, 5 },		/* a plus sign is a sign */
	{ "-0", 0, 10, 0 },
	{ "+0", 0, 0, 0 },
	{ "007", 0, 10, 7 },
	{ "3600", 1, 86400, 3600 },
	{ "9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN },
};

static const struct {
	const char	*s;
	int64_t		 min, max;
	const char	*err;
} i64_bad[] = {
	{ "", 0, 10, "invalid" },
	{ " 1", 0, 10, "invalid" },	/* strtoll would skip it */
	{ "\t1", 0, 10, "invalid" },
	{ "1 ", 0, 10, "invalid" },
	{ "1x", 0, 10, "invalid" },
	{ "x1", 0, 10, "invalid" },
	{ "-", 0, 10, "invalid" },
	{ "+", 0, 10, "invalid" },
	{ "--1", -10, 10, "invalid" },
	{ "+-1", -10, 10, "invalid" },
	{ "0x10", 0, 100, "invalid" },
	{ "1e3", 0, 10000, "invalid" },
	{ "1.0", 0, 10, "invalid" },
	{ "11", 0, 10, "too large" },
	{ "-6", -5, 5, "too small" },
	{ "-1", 0, 10, "too small" },
	{ "5", 1, 0, "invalid" },	/* min > max */
	{ "9223372036854775808", INT64_MIN, INT64_MAX, "too large" },
	{ "99999999999999999999999", INT64_MIN, INT64_MAX, "too large" },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, "too small" },
	{ "-99999999999999999999999", INT64_MIN, INT64_MAX, "too small" },
};

static void
test_str_to_i64_accepts(void **state)
{
	const char	*err;
	size_t		 i;

	(void)state;
	for (i = 0; i < ROWS(i64_ok); i++) {
		err = "unset";
		assert_true(str_to_i64(i64_ok[i].s, i64_ok[i].min,
		    i64_ok[i].max, &err) == i64_ok[i].want);
		if (err != NULL)
			fail_msg("\"%s\": %s", i64_ok[i].s, err);
	}
}

static void
test_str_to_i64_rejects(void **state)
{
	const char	*err;
	size_t		 i;

	(void)state;
	for (i = 0; i < ROWS(i64_bad); i++) {
		err = NULL;
		/* On error the result is 0 and errstr names the problem. */
		assert_true(str_to_i64(i64_bad[i].s, i64_bad[i].min,
		    i64_bad[i].max, &err) == 0);
		if (err == NULL || strcmp(err, i64_bad[i].err) != 0)
			fail_msg("\"%s\": got %s, want %s", i64_bad[i].s,
			    err ? err : "(null)", i64_bad[i].err);
	}
	err = NULL;
	assert_true(str_to_i64(NULL, 0, 10, &err) == 0);
	assert_string_equal(err, "invalid");
}

/* --- str_copy, str_has_prefix ----------------------------------------- */

static void
test_str_copy_truncates(void **state)
{
	char	 dst[8];

	(void)state;
	memset(dst, 'X', sizeof(dst));
	assert_int_equal(str_copy(dst, "hello", sizeof(dst)), 5);
	assert_string_equal(dst, "hello");

	/* Exactly fits: 7 characters and the NUL. */
	assert_int_equal(str_copy(dst, "1234567", sizeof(dst)), 7);
	assert_string_equal(dst, "1234567");

	/* One too many: truncated, NUL-terminated, result >= size. */
	memset(dst, 'X', sizeof(dst));
	assert_int_equal(str_copy(dst, "12345678", sizeof(dst)), 8);
	assert_string_equal(dst, "1234567");
	assert_int_equal(str_copy(dst, "a much longer string", sizeof(dst)),
	    20);
	assert_string_equal(dst, "a much ");

	/* size 1 holds only the NUL. */
	assert_int_equal(str_copy(dst, "abc", 1), 3);
	assert_int_equal(dst[0], '\0');

	/* size 0 writes nothing. */
	memset(dst, 'X', sizeof(dst));
	assert_int_equal(str_copy(dst, "abc", 0), 3);
	assert_int_equal(dst[0], 'X');

	assert_int_equal(str_copy(dst, "", sizeof(dst)), 0);
	assert_string_equal(dst, "");
}

static void
test_str_has_prefix(void **state)
{
	(void)state;
	assert_true(str_has_prefix("https://x", "https://"));
	assert_true(str_has_prefix("abc", ""));
	assert_true(str_has_prefix("abc", "abc"));
	assert_false(str_has_prefix("ab", "abc"));
	assert_false(str_has_prefix("http://x", "https://"));
	assert_false(str_has_prefix("", "a"));
}

/* --- str_is_utf8 -------------------------------------------------------- */

struct bytes {
	const char	*s;
	size_t		 n;
	const char	*why;
};

#define B(lit, why)	{ lit, sizeof(lit) - 1, why }

static const struct bytes utf8_ok[] = {
	B("", "empty"),
	B("plain ASCII ~!@#", "ASCII"),
	B("\x7f", "DEL is ASCII"),
	B("\xc2\x80", "U+0080, smallest 2-byte"),
	B("\xc3\xa9", "U+00E9"),
	B("\xdf\xbf", "U+07FF, largest 2-byte"),
	B("\xe0\xa0\x80", "U+0800, smallest 3-byte"),
	B("\xe2\x82\xac", "U+20AC euro"),
	B("\xed\x9f\xbf", "U+D7FF, below the surrogates"),
	B("\xee\x80\x80", "U+E000, above the surrogates"),
	B("\xef\xbf\xbf", "U+FFFF"),
	B("\xf0\x90\x80\x80", "U+10000, smallest 4-byte"),
	B("\xf0\x9f\x98\x80", "U+1F600"),
	B("\xf4\x8f\xbf\xbf", "U+10FFFF, the last code point"),
	B("a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80", "mixed"),
};

static const struct bytes utf8_bad[] = {
	B("a\0b", "NUL byte"),
	B("\0", "lone NUL"),
	B("\x80", "lone continuation byte"),
	B("\xbf", "lone continuation byte"),
	B("\xc0\x80", "overlong NUL"),
	B("\xc1\xbf", "overlong 2-byte"),
	B("\xe0\x80\xaf", "overlong '/' in 3 bytes"),
	B("\xe0\x9f\xbf", "overlong U+07FF in 3 bytes"),
	B("\xf0\x80\x80\xaf", "overlong '/' in 4 bytes"),
	B("\xf0\x8f\xbf\xbf", "overlong U+FFFF in 4 bytes"),
	B("\xed\xa0\x80", "U+D800 surrogate"),
	B("\xed\xbf\xbf", "U+DFFF surrogate"),
	B("\xed\xa0\xbd\xed\xb8\x80", "CESU-8 surrogate pair"),
	B("\xf4\x90\x80\x80", "U+110000"),
	B("\xf7\xbf\xbf\xbf", "U+1FFFFF"),
	B("\xf8\x88\x80\x80\x80", "5-byte form"),
	B("\xfc\x84\x80\x80\x80\x80", "6-byte form"),
	B("\xfe", "0xFE"),
	B("\xff", "0xFF"),
	B("\xc3", "truncated 2-byte"),
	B("\xe2\x82", "truncated 3-byte"),
	B("\xf0\x9f\x98", "truncated 4-byte"),
	B("ok\xe2", "truncated at the end"),
	B("\xc3\x28", "bad continuation"),
	B("\xe2\x28\xa1", "bad second byte"),
	B("\xe2\x82\x28", "bad third byte"),
	B("\xf0\x9f\x98\x28", "bad fourth byte"),
};

static void
test_str_is_utf8_accepts(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(utf8_ok); i++)
		if (!str_is_utf8(utf8_ok[i].s, utf8_ok[i].n))
			fail_msg("rejected: %s", utf8_ok[i].why);
}

static void
test_str_is_utf8_rejects(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(utf8_bad); i++)
		if (str_is_utf8(utf8_bad[i].s, utf8_bad[i].n))
			fail_msg("accepted: %s", utf8_bad[i].why);
}

static void
test_str_is_utf8_respects_length(void **state)
{
	(void)state;
	/* A sequence cut by n is truncated even if more bytes follow. */
	assert_false(str_is_utf8("\xc3\xa9", 1));
	assert_false(str_is_utf8("\xe2\x82\xac", 2));
	assert_true(str_is_utf8("ab\xff", 2));
	/* Bytes past n, including a NUL terminator, are not looked at. */
	assert_true(str_is_utf8("abc", 3));
	assert_true(str_is_utf8("abc", 0));
}

/* --- str_to_duration ---------------------------------------------------- */

static const struct {
	const char	*s;
	int64_t		 want;
} dur_ok[] = {
	{ "1h", 3600 },
	{ "15m", 900 },
	{ "30s", 30 },
	{ "1h30m", 5400 },
	{ "1h1m1s", 3661 },
	{ "2h0m", 7200 },
	{ "90", 90 },
	{ "0", 0 },
	{ "0s", 0 },
	{ "1d", 86400 },
	{ "24h", 86400 },
	{ "3153600000", 3153600000LL },	/* 100 years, the ceiling */
};

static const char *const dur_bad[] = {
	"",
	"h",
	"s",
	"1x",
	"-1s",
	"-1",
	"+1s",
	"1ms",
	"1h30ms",
	"1.5h",
	" 1h",
	"1h ",
	"1 h",
	"1H",
	"1h-",
	"1hh",
	"h1",
	"3153600001",		/* over 100 years */
	"36501d",
	"99999999999999999999",
	"99999999999999999999s",
};

static void
test_str_to_duration_accepts(void **state)
{
	int64_t	 v;
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(dur_ok); i++) {
		v = -1;
		if (str_to_duration(dur_ok[i].s, &v) != 0)
			fail_msg("rejected \"%s\"", dur_ok[i].s);
		if (v != dur_ok[i].want)
			fail_msg("\"%s\": got %lld, want %lld", dur_ok[i].s,
			    (long long)v, (long long)dur_ok[i].want);
	}
}

static void
test_str_to_duration_rejects(void **state)
{
	int64_t	 v;
	size_t	 i;

	(void)state;
	for (i = 0; i < ROWS(dur_bad); i++) {
		v = 12345;
		if (str_to_duration(dur_bad[i], &v) != -1)
			fail_msg("accepted \"%s\" as %lld", dur_bad[i],
			    (long long)v);
	}
	assert_int_equal(str_to_duration(NULL, &v), -1);
}

/* --- str_to_bytes ------------------------------------------------------- */

static const struct {
	const char	*s;
	uint64_t	 want;
} bytes_ok[] = {
	{ "0", 0 },
	{ "65536", 65536 },
	{ "10B", 10 },
	{ "10b", 10 },
	{ "64KB", 65536 },
	{ "64KiB", 65536 },
	{ "64kb", 65536 },
	{ "19MB", 19 * 1048576 },
	{ "19MiB", 19 * 1048576 },
	{ "4mb", 4 * 1048576 },
	{ "1GB", 1073741824 },
	{ "4GiB", 4ULL << 30 },
	{ "18446744073709551615", UINT64_MAX },
	{ "17179869183GB", 17179869183ULL << 30 },
};

static const char *const bytes_bad[] = {
	"",
	"KB",
	"-1",
	"+1",
	" 1",
	"1 ",
	"1 KB",
	"1K",
	"1M",
	"1TB",
	"1.5MB",
	"0x10",
	"1KBB",
	"18446744073709551616",		/* 2^64 */
	"17179869184GB",		/* 2^34 GiB = 2^64 */
	"18446744073709551615KB",
};

static void
test_str_to_bytes_accepts(void **state)
{
	uint64_t	 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < ROWS(bytes_ok); i++) {
		v = 1;
		if (str_to_bytes(bytes_ok[i].s, &v) != 0)
			fail_msg("rejected \"%s\"", bytes_ok[i].s);
		if (v != bytes_ok[i].want)
			fail_msg("\"%s\": got %llu", bytes_ok[i].s,
			    (unsigned long long)v);
	}
}

static void
test_str_to_bytes_rejects(void **state)
{
	uint64_t	 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < ROWS(bytes_bad); i++) {
		v = 7;
		if (str_to_bytes(bytes_bad[i], &v) != -1)
			fail_msg("accepted \"%s\"", bytes_bad[i]);
		assert_int_equal(v, 7);	/* untouched on error */
	}
	assert_int_equal(str_to_bytes(NULL, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_to_i64_accepts),
		cmocka_unit_test(test_str_to_i64_rejects),
		cmocka_unit_test(test_str_copy_truncates),
		cmocka_unit_test(test_str_has_prefix),
		cmocka_unit_test(test_str_is_utf8_accepts),
		cmocka_unit_test(test_str_is_utf8_rejects),
		cmocka_unit_test(test_str_is_utf8_respects_length),
		cmocka_unit_test(test_str_to_duration_accepts),
		cmocka_unit_test(test_str_to_duration_rejects),
		cmocka_unit_test(test_str_to_bytes_accepts),
		cmocka_unit_test(test_str_to_bytes_rejects),
	};

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

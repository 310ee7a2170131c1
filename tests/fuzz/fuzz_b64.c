/* SPDX-License-Identifier: MIT */
/*
 * fuzz_b64: crypto_b64_decode() and the str.h parsers (str_is_utf8,
 * str_to_i64, str_to_duration, str_to_bytes) on the input.  Checked:
 * decoded bytes encode (padded and url-safe) and decode back to the same
 * bytes; parsed numbers respect their documented ranges.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "fuzz.h"
#include "str.h"

static void
b64(struct arena *a, const char *s)
{
	unsigned char	*bin, *again;
	size_t		 len, len2;
	const char	*enc[2];
	size_t		 i;

	if (crypto_b64_decode(a, s, &bin, &len) != RC_OK)
		return;
	FUZZ_CHECK(len <= strlen(s) / 4 * 3 + 2);
	enc[0] = crypto_b64(a, bin, len);
	enc[1] = crypto_b64url(a, bin, len);
	for (i = 0; i < 2; i++) {
		FUZZ_CHECK(crypto_b64_decode(a, enc[i], &again, &len2) ==
		    RC_OK);
		FUZZ_CHECK(len2 == len && memcmp(again, bin, len) == 0);
	}
}

static void
numbers(const char *s)
{
	static const int64_t	 ranges[][2] = {
		{ INT64_MIN, INT64_MAX }, { 0, 100 }, { -5, 5 }, { 6, 1024 },
	};
	const char		*errstr;
	int64_t			 v;
	uint64_t		 u;
	size_t			 i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		v = str_to_i64(s, ranges[i][0], ranges[i][1], &errstr);
		if (errstr == NULL)
			FUZZ_CHECK(v >= ranges[i][0] && v <= ranges[i][1]);
		else
			FUZZ_CHECK(v == 0);
	}
	if (str_to_duration(s, &v) == 0)
		FUZZ_CHECK(v >= 0 && v <= 100LL * 365 * 86400);
	(void)str_to_bytes(s, &u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	char		*s, copy[16];
	size_t		 n;

	arena_init(&a, 4096);
	arena_use_for_json(&a);

	s = fuzz_cstr(&a, data, size);
	(void)str_is_utf8((const char *)data, size);
	b64(&a, s);
	numbers(s);

	n = str_copy(copy, s, sizeof(copy));
	FUZZ_CHECK(n == strlen(s) && strlen(copy) == (n < 16 ? n : 15));

	arena_release(&a);
	return 0;
}

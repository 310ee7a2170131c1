/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cookie: cookie_parse() on a NUL-terminated copy of the input.
 * Checked: names are non-empty, trimmed and unique (the first wins), values
 * are UTF-8 and hold no ';', and a pair put back through cookie_format()
 * parses to the same value.
 */
#include <string.h>

#include "arena.h"
#include "cookie.h"
#include "fuzz.h"
#include "str.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		 a;
	struct kvlist		 l, back;
	struct cookie_attrs	 attrs = { NULL, "Strict", 1, 1, 3600 };
	size_t			 i, j, klen, vlen;

	arena_init(&a, 4096);
	arena_use_for_json(&a);

	cookie_parse(&a, fuzz_cstr(&a, data, size), &l);
	for (i = 0; i < l.n; i++) {
		const char	*k = l.v[i].key, *v = l.v[i].val;

		klen = strlen(k);
		vlen = strlen(v);
		FUZZ_CHECK(klen > 0);
		FUZZ_CHECK(strchr(" \t", k[0]) == NULL);
		FUZZ_CHECK(strchr(" \t", k[klen - 1]) == NULL);
		FUZZ_CHECK(strpbrk(k, ";=") == NULL);
		FUZZ_CHECK(strchr(v, ';') == NULL);
		FUZZ_CHECK(str_is_utf8(v, vlen));
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(l.v[j].key, k) != 0);

		/*
		 * A value still wrapped in quotes would lose them once more,
		 * and one with edge spaces is trimmed; the rest survive.
		 */
		if ((vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') ||
		    (vlen > 0 && (v[0] == ' ' || v[vlen - 1] == ' ')))
			continue;
		cookie_parse(&a, cookie_format(&a, k, v, &attrs), &back);
		FUZZ_CHECK(kv_get(&back, k) != NULL);
		FUZZ_CHECK(strcmp(kv_get(&back, k), v) == 0);
	}
	cookie_parse(&a, NULL, &l);
	FUZZ_CHECK(l.n == 0);

	arena_release(&a);
	return 0;
}

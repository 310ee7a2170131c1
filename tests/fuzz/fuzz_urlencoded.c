/* SPDX-License-Identifier: MIT */
/*
 * fuzz_urlencoded: form_parse_urlencoded() over arbitrary bytes, then
 * form_escape() on what it decoded.  Checked: the parser's contract (keys
 * unique and non-empty, keys and values UTF-8 without NUL) and that
 * form_escape() is the decoder's inverse.
 */
#include <string.h>

#include "arena.h"
#include "form.h"
#include "fuzz.h"
#include "str.h"

/* 1 if s holds only what form_escape() may emit. */
static int
escaped_only(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%") == strlen(s);
}

/* Escape k and v, parse "k=v" back, and expect exactly k and v. */
static void
round_trip(struct arena *a, const char *k, const char *v)
{
	struct kvlist	 l;
	char		*ek, *ev, *p;

	ek = form_escape(a, k);
	ev = form_escape(a, v);

	FUZZ_CHECK(escaped_only(ek) && escaped_only(ev));
	p = arena_printf(a, "%s=%s", ek, ev);
	FUZZ_CHECK(form_parse_urlencoded(a, p, strlen(p), &l) == RC_OK);
	FUZZ_CHECK(l.n == 1);
	FUZZ_CHECK(strcmp(l.v[0].key, k) == 0);
	FUZZ_CHECK(strcmp(l.v[0].val, v) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct kvlist	 l;
	enum rc		 rc;
	size_t		 i, j;
	char		*s;

	arena_init(&a, 4096);
	arena_use_for_json(&a);

	rc = form_parse_urlencoded(&a, (const char *)data, size, &l);
	FUZZ_CHECK(rc == RC_OK || rc == RC_BADREQ);
	for (i = 0; rc == RC_OK && i < l.n; i++) {
		const char	*k = l.v[i].key, *v = l.v[i].val;

		FUZZ_CHECK(*k != '\0');
		FUZZ_CHECK(str_is_utf8(k, strlen(k)));
		FUZZ_CHECK(str_is_utf8(v, strlen(v)));
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(l.v[j].key, k) != 0);
		FUZZ_CHECK(kv_get(&l, k) == v);
		round_trip(&a, k, v);
	}

	/* The whole input as one value: escapable, and back iff UTF-8. */
	s = fuzz_cstr(&a, data, size);
	if (str_is_utf8(s, strlen(s)))
		round_trip(&a, "v", s);
	else
		FUZZ_CHECK(escaped_only(form_escape(&a, s)));

	arena_release(&a);
	return 0;
}

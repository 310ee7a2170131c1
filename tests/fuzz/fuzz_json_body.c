/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json_body: form_parse_json() over arbitrary bytes.  Checked: the
 * flattened keys are unique dotted paths without empty segments (a key
 * given twice is refused), and every value is UTF-8 without NUL, like the
 * urlencoded parser's.
 */
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "form.h"
#include "fuzz.h"
#include "str.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;

	/* A fixed hash seed, so runs are reproducible. */
	json_object_seed(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct kvlist	 l;
	json_t		*root = NULL;
	enum rc		 rc;
	size_t		 i, j, klen;

	arena_init(&a, 4096);
	arena_use_for_json(&a);

	rc = form_parse_json(&a, (const char *)data, size, &l, &root);
	FUZZ_CHECK(rc == RC_OK || rc == RC_BADREQ);
	if (rc == RC_OK)
		FUZZ_CHECK(json_is_object(root));
	for (i = 0; rc == RC_OK && i < l.n; i++) {
		const char	*k = l.v[i].key, *v = l.v[i].val;

		klen = strlen(k);
		FUZZ_CHECK(klen > 0 && k[0] != '.' && k[klen - 1] != '.');
		FUZZ_CHECK(strstr(k, "..") == NULL);
		FUZZ_CHECK(str_is_utf8(k, klen));
		FUZZ_CHECK(str_is_utf8(v, strlen(v)));
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(l.v[j].key, k) != 0);
		FUZZ_CHECK(kv_get(&l, k) == v);
		(void)form_escape(&a, v);
	}

	arena_release(&a);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz_schema: schema_load() on the input written to a file; when it
 * loads, schema_check() on a few fixed traits objects, then schema_free().
 * schema_is_email() gets the input as a string too.  Checked: what
 * struct schema promises (one identifier, which is required; form fields
 * named "traits.<name>") and schema_check()'s counting of errors beyond max.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "fuzz.h"
#include "schema.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmpdir_init();

	/* A fixed hash seed, so runs are reproducible. */
	json_object_seed(1);
	return 0;
}

static void
check_schema(const struct schema *s)
{
	size_t	 i, ids = 0;
	char	 field[512];

	FUZZ_CHECK(s->nprops > 0);
	FUZZ_CHECK(s->identifier >= s->props &&
	    s->identifier < s->props + s->nprops);
	FUZZ_CHECK(s->identifier->required);
	for (i = 0; i < s->nprops; i++) {
		snprintf(field, sizeof(field), "traits.%s", s->props[i].name);
		FUZZ_CHECK(strcmp(s->props[i].field, field) == 0 ||
		    strlen(s->props[i].name) > sizeof(field) - 8);
		ids += s->props[i].identifier != 0;
	}
	FUZZ_CHECK(ids == 1);
}

/* Run schema_check() on traits and check what it reports. */
static void
check_traits(const struct schema *s, json_t *traits)
{
	struct schema_error	 errs[2];
	size_t			 n, i;

	memset(errs, 0, sizeof(errs));
	n = schema_check(s, traits, errs, 2);
	for (i = 0; i < n && i < 2; i++)
		FUZZ_CHECK(errs[i].field != NULL && errs[i].msg != 0);
	FUZZ_CHECK(n > 0 || json_is_object(traits));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const values[] = {
		"  Alice@Example.COM\t", "", "x", "\xc3\xa9t\xc3\xa9",
	};
	struct arena	 a;
	struct schema	*s;
	json_t		*traits;
	const char	*path;
	char		 err[512];
	size_t		 i, v;

	arena_init(&a, 4096);
	arena_use_for_json(&a);

	(void)schema_is_email(fuzz_cstr(&a, data, size));

	path = fuzz_write_file("identity.schema.json", data, size);
	err[0] = '\0';
	if (schema_load(path, &s, err, sizeof(err)) == -1) {
		FUZZ_CHECK(err[0] != '\0');
		arena_release(&a);
		return 0;
	}
	check_schema(s);

	/* Every trait set to each value in turn, then odd shapes. */
	for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		traits = json_object();
		for (i = 0; i < s->nprops; i++)
			json_object_set_new(traits, s->props[i].name,
			    json_string(values[v]));
		check_traits(s, traits);
	}
	check_traits(s, json_object());
	check_traits(s, json_pack("{s:i, s:s}", "unknown", 1,
	    s->props[0].name, "a@b.c"));
	check_traits(s, json_pack("{s:i}", s->props[0].name, 7));
	check_traits(s, json_string("not an object"));

	schema_free(s);
	arena_release(&a);
	return 0;
}

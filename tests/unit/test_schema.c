/* SPDX-License-Identifier: MIT */
/*
 * test_schema: loading the identity schema (etc/identity.schema.json and
 * schemas Gatehouse must refuse), validating traits with schema_check, and
 * the schema_is_email table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "schema.h"
#include "testlib.h"
#include "text.h"

#define ROWS(t)	(sizeof(t) / sizeof((t)[0]))

struct fx {
	struct arena	 a;
	char		*dir;
	struct schema	*s;		/* etc/identity.schema.json */
};

static int
setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));
	char		 path[PATH_MAX], err[512];

	if (fx == NULL)
		return -1;
	arena_init(&fx->a, 16384);
	arena_use_for_json(&fx->a);
	if ((fx->dir = tl_mkdtemp()) == NULL)
		return -1;
	if (schema_load(tl_path(path, sizeof(path),
	    "etc/identity.schema.json"), &fx->s, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	schema_free(fx->s);
	tl_rmrf(fx->dir);
	free(fx->dir);
	arena_release(&fx->a);
	free(fx);
	return 0;
}

/* Write json to a file in the fixture directory and schema_load it. */
static int
load_text(struct fx *fx, const char *json, struct schema **out, char *err,
    size_t errlen)
{
	char	*path = arena_printf(&fx->a, "%s/s.json", fx->dir);

	assert_int_equal(tl_write_file(path, json), 0);
	return schema_load(path, out, err, errlen);
}

static const struct schema_prop *
prop(const struct schema *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->nprops; i++)
		if (strcmp(s->props[i].name, name) == 0)
			return &s->props[i];
	return NULL;
}

/* --- schema_load ---------------------------------------------------------- */

static void
test_schema_load_default(void **state)
{
	struct fx			*fx = *state;
	const struct schema_prop	*email, *name;

	assert_int_equal(fx->s->nprops, 2);
	email = prop(fx->s, "email");
	name = prop(fx->s, "name");
	assert_non_null(email);
	assert_non_null(name);
	assert_ptr_equal(fx->s->identifier, email);
	assert_string_equal(email->field, "traits.email");
	assert_string_equal(email->title, "E-Mail");
	assert_true(email->email);
	assert_true(email->required);
	assert_true(email->identifier);
	assert_int_equal(email->min_len, 3);
	assert_int_equal(email->max_len, 254);
	assert_string_equal(name->field, "traits.name");
	assert_string_equal(name->title, "Name");
	assert_false(name->email);
	assert_false(name->required);
	assert_false(name->identifier);
	assert_int_equal(name->max_len, 128);
	assert_false(fx->s->additional);
}

#define WRAP(props, extra) \
	"{\"type\":\"object\",\"properties\":{\"traits\":{\"type\":\"object\"," \
	"\"properties\":{" props "}" extra "}}}"
#define IDENT	"\"ory.sh/kratos\":{\"credentials\":{\"password\":" \
		"{\"identifier\":true}}}"

static void
test_schema_load_minimal_accepts(void **state)
{
	struct fx	*fx = *state;
	struct schema	*s = NULL;
	char		 err[512];

	/* The identifier is made required even when the schema forgets. */
	assert_int_equal(load_text(fx, WRAP("\"username\":{\"type\":\"string\","
	    "\"description\":\"x\"," IDENT "}", ""), &s, err, sizeof(err)), 0);
	assert_int_equal(s->nprops, 1);
	assert_string_equal(s->identifier->name, "username");
	assert_true(s->identifier->required);
	assert_false(s->identifier->email);
	assert_true(s->additional);	/* not said: allowed */
	assert_null(s->identifier->title);
	schema_free(s);
}

static const struct {
	const char	*json;
	const char	*why;		/* a substring of the message */
} schema_bad[] = {
	{ WRAP("\"n\":{\"type\":\"number\"," IDENT "}", ""),
	  "only string traits" },
	{ WRAP("\"e\":{\"type\":\"string\"," IDENT "},"
	       "\"age\":{\"type\":\"integer\"}", ""),
	  "only string traits are supported; trait: age" },
	{ WRAP("\"e\":{\"type\":\"string\"," IDENT "},"
	       "\"o\":{\"type\":\"object\"}", ""), "only string traits" },
	{ WRAP("\"e\":{\"type\":\"string\"," IDENT "},"
	       "\"l\":{\"type\":[\"string\",\"null\"]}", ""),
	  "only string traits" },
	{ WRAP("\"e\":{\"type\":\"string\"," IDENT "},\"x\":\"string\"", ""),
	  "only string traits" },
	{ WRAP("\"e\":{" IDENT "}", ""), "only string traits" },
	{ WRAP("\"e\":{\"type\":\"string\"}", ""), "marks no trait" },
	{ WRAP("\"e\":{\"type\":\"string\",\"ory.sh/kratos\":{\"credentials\":"
	       "{\"password\":{\"identifier\":false}}}}", ""),
	  "marks no trait" },
	{ WRAP("\"a\":{\"type\":\"string\"," IDENT "},"
	       "\"b\":{\"type\":\"string\"," IDENT "}", ""),
	  "more than one password identifier" },
	{ WRAP("\"e\":{\"type\":\"string\",\"pattern\":\"^a\"," IDENT "}", ""),
	  "unsupported schema keyword on a trait: pattern" },
	{ WRAP("\"e\":{\"type\":\"string\",\"format\":\"uri\"," IDENT "}", ""),
	  "unsupported format on trait: e" },
	{ WRAP("", ""), "no properties.traits.properties" },
	{ "{\"properties\":{}}", "no properties.traits.properties" },
	{ "[]", "no properties.traits.properties" },
	{ "{", "identity schema" },
	{ "", "identity schema" },
};

static void
test_schema_load_rejects(void **state)
{
	struct fx	*fx = *state;
	struct schema	*s;
	char		 err[512];
	size_t		 i;

	for (i = 0; i < ROWS(schema_bad); i++) {
		s = (struct schema *)0x1;
		err[0] = '\0';
		if (load_text(fx, schema_bad[i].json, &s, err,
		    sizeof(err)) != -1)
			fail_msg("loaded %s", schema_bad[i].json);
		assert_ptr_equal(s, (struct schema *)0x1);	/* untouched */
		if (strstr(err, schema_bad[i].why) == NULL)
			fail_msg("%s: message \"%s\", want \"%s\"",
			    schema_bad[i].json, err, schema_bad[i].why);
	}

	/* A missing file names the file. */
	assert_int_equal(schema_load("/nonexistent/identity.schema.json", &s,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/identity.schema.json"));
}

/* --- schema_check ------------------------------------------------------- */

static json_t *
traits(const char *json)
{
	json_error_t	 e;
	json_t		*t = json_loads(json, 0, &e);

	if (t == NULL)
		fail_msg("bad test JSON %s: %s", json, e.text);
	return t;
}

static void
test_schema_check_valid(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[4];
	json_t			*t;

	t = traits("{\"email\":\"ann@example.com\",\"name\":\"Ann\"}");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);
	t = traits("{\"email\":\"ann@example.com\"}");	/* name optional */
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);
	t = traits("{\"email\":\"a@b\"}");			/* minLength 3 */
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);
}

static void
test_schema_check_missing_email(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[4];
	static const char *const missing[] = {
		"{}",
		"{\"name\":\"Ann\"}",
		"{\"email\":\"\"}",
		"{\"email\":\"   \\t\\n\"}",		/* blank after trimming */
	};
	size_t			 i;
	json_t			*t;

	for (i = 0; i < ROWS(missing); i++) {
		t = traits(missing[i]);
		memset(errs, 0, sizeof(errs));
		assert_int_equal(schema_check(fx->s, t, errs, 4), 1);
		assert_string_equal(errs[0].field, "traits.email");
		assert_int_equal(errs[0].msg, 4000002);
		assert_int_equal(errs[0].msg, MSG_VALIDATION_MISSING);
		assert_string_equal(errs[0].s, "email");
		/* An empty value is dropped, not stored. */
		assert_null(json_object_get(t, "email"));
	}
}

static void
test_schema_check_lengths(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[4];
	json_t			*t;
	char			 email[300], name[400];
	size_t			 i;

	/* 255 characters: above maxLength 254. */
	memset(email, 'a', 64);
	email[64] = '@';
	memset(email + 65, 'b', 186);
	memcpy(email + 251, ".com", 5);
	assert_int_equal(strlen(email), 255);
	t = json_pack("{s:s}", "email", email);
	assert_int_equal(schema_check(fx->s, t, errs, 4), 1);
	assert_string_equal(errs[0].field, "traits.email");
	assert_int_equal(errs[0].msg, MSG_VALIDATION_MAX_LENGTH);
	assert_int_equal(errs[0].a, 254);
	assert_int_equal(errs[0].b, 255);

	/* 254 is fine. */
	email[251] = '\0';
	strcat(email, ".co");
	assert_int_equal(strlen(email), 254);
	t = json_pack("{s:s}", "email", email);
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);

	/* Below minLength 3. */
	t = traits("{\"email\":\"a@\"}");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 1);
	assert_int_equal(errs[0].msg, MSG_VALIDATION_MIN_LENGTH);
	assert_int_equal(errs[0].a, 3);
	assert_int_equal(errs[0].b, 2);

	/* Lengths count code points: 128 two-byte letters fit, 129 do not. */
	for (i = 0; i < 128; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[256] = '\0';
	t = json_pack("{s:s, s:s}", "email", "a@b.example", "name", name);
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);
	strcat(name, "x");
	t = json_pack("{s:s, s:s}", "email", "a@b.example", "name", name);
	assert_int_equal(schema_check(fx->s, t, errs, 4), 1);
	assert_string_equal(errs[0].field, "traits.name");
	assert_int_equal(errs[0].msg, MSG_VALIDATION_MAX_LENGTH);
	assert_int_equal(errs[0].a, 128);
	assert_int_equal(errs[0].b, 129);
}

static void
test_schema_check_invalid_email(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[4];
	static const char *const bad[] = {
		"not-an-email",
		"a@b@c",
		"@example.com",
		"ann@",
		"ann@exa mple.com",
		"ann@.example.com",
	};
	size_t			 i;
	json_t			*t;

	for (i = 0; i < ROWS(bad); i++) {
		t = json_pack("{s:s}", "email", bad[i]);
		if (schema_check(fx->s, t, errs, 4) != 1 ||
		    errs[0].msg != 4000040)
			fail_msg("\"%s\" not refused with 4000040", bad[i]);
		assert_int_equal(errs[0].msg, MSG_EMAIL_INVALID);
		assert_string_equal(errs[0].field, "traits.email");
	}
}

static const char *const typed[] = {
	"{\"email\":5}",
	"{\"email\":true}",
	"{\"email\":null}",
	"{\"email\":[\"a@b.example\"]}",
	"{\"email\":{\"x\":\"a@b.example\"}}",
	"{\"email\":\"a@b.example\",\"name\":1}",
};

static void
test_schema_check_additional_and_types(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[4];
	struct schema		*open;
	char			 err[512];
	json_t			*t;
	size_t			 i;

	/* additionalProperties false: an unknown trait is an error. */
	t = traits("{\"email\":\"a@b.example\",\"admin\":\"yes\"}");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 1);
	assert_string_equal(errs[0].field, "traits");
	assert_int_equal(errs[0].msg, MSG_VALIDATION_GENERIC);
	assert_non_null(strstr(errs[0].s, "additional properties"));

	/* Known traits must be strings. */
	for (i = 0; i < ROWS(typed); i++) {
		t = traits(typed[i]);
		if (schema_check(fx->s, t, errs, 4) != 1)
			fail_msg("accepted %s", typed[i]);
		assert_string_equal(errs[0].field, "traits");
		assert_int_equal(errs[0].msg, MSG_VALIDATION_GENERIC);
	}

	/* Not an object at all. */
	t = traits("[\"a@b.example\"]");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 1);
	assert_string_equal(errs[0].field, "traits");
	t = json_string("a@b.example");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 1);

	/* Without additionalProperties: false, unknown traits pass. */
	assert_int_equal(load_text(fx, WRAP("\"email\":{\"type\":\"string\","
	    IDENT "}", ""), &open, err, sizeof(err)), 0);
	t = traits("{\"email\":\"a@b.example\",\"extra\":\"x\"}");
	assert_int_equal(schema_check(open, t, errs, 4), 0);
	schema_free(open);
}

static void
test_schema_check_normalises(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[4];
	json_t			*t;

	t = traits("{\"email\":\"  Ann.Lee@Example.COM \\t\","
	    "\"name\":\"  Ann LEE \\n\"}");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);
	/* The email is trimmed and lower-cased; other traits only trimmed. */
	assert_string_equal(json_string_value(json_object_get(t, "email")),
	    "ann.lee@example.com");
	assert_string_equal(json_string_value(json_object_get(t, "name")),
	    "Ann LEE");

	/* An optional trait that is blank is dropped without an error. */
	t = traits("{\"email\":\"a@b.example\",\"name\":\"   \"}");
	assert_int_equal(schema_check(fx->s, t, errs, 4), 0);
	assert_null(json_object_get(t, "name"));
}

static void
test_schema_check_max_errors(void **state)
{
	struct fx		*fx = *state;
	struct schema_error	 errs[1];
	struct schema_error	 guard[2];
	json_t			*t;

	/* Two problems, room for one: the count is still two. */
	t = traits("{\"a\":\"1\",\"b\":\"2\"}");
	memset(guard, 0x5a, sizeof(guard));
	assert_int_equal(schema_check(fx->s, t, guard, 1), 2);
	assert_string_equal(guard[0].field, "traits");
	assert_int_equal(guard[1].msg, 0x5a5a5a5a);	/* not written */
	assert_int_equal(schema_check(fx->s, t, errs, 0), 2);
}

/* --- schema_is_email ------------------------------------------------------ */

static const char *const email_ok[] = {
	"a@b",
	"a@b.c",
	"ann@example.com",
	"ann.lee+tag@example.com",
	"ANN@EXAMPLE.COM",
	"a_b-c.d!#$%&'*+/=?^`{|}~@example.com",
	"user@sub-domain.example.org",
	"user@localhost",
	"user@123.45.67.89",
	"\xc3\xbc" "ser@ex\xc3\xa4mple.de",			/* IDN */
	/* 64-character local part, the limit. */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"@example.com",
};

static const char *const email_bad[] = {
	"",
	"a",
	"example.com",
	"@",
	"@example.com",
	"ann@",
	"ann@@example.com",
	"a@b@example.com",
	"ann lee@example.com",
	"ann@exa mple.com",
	"\tann@example.com",
	"ann@example.com\n",
	"ann@example.com ",
	"(ann)@example.com",
	"<ann>@example.com",
	"ann@[127.0.0.1]",
	"a,b@example.com",
	"a;b@example.com",
	"a:b@example.com",
	"a\\b@example.com",
	"\"ann\"@example.com",
	"ann@.example.com",
	"ann@-example.com",
	"ann@example.com.",
	"ann@exa_mple.com",
	"ann@example!.com",
	"ann@example.com/x",
	/* 65-character local part. */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"@example.com",
};

static void
test_schema_is_email(void **state)
{
	size_t	 i;
	char	 longdom[300];

	(void)state;
	for (i = 0; i < ROWS(email_ok); i++)
		if (!schema_is_email(email_ok[i]))
			fail_msg("rejected \"%s\"", email_ok[i]);
	for (i = 0; i < ROWS(email_bad); i++)
		if (schema_is_email(email_bad[i]))
			fail_msg("accepted \"%s\"", email_bad[i]);

	/* Domain: 253 characters at most. */
	longdom[0] = 'a';
	longdom[1] = '@';
	memset(longdom + 2, 'd', 253);
	longdom[255] = '\0';
	assert_true(schema_is_email(longdom));
	longdom[255] = 'd';
	longdom[256] = '\0';
	assert_false(schema_is_email(longdom));
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_schema_load_default),
		T(test_schema_load_minimal_accepts),
		T(test_schema_load_rejects),
		T(test_schema_check_valid),
		T(test_schema_check_missing_email),
		T(test_schema_check_lengths),
		T(test_schema_check_invalid_email),
		T(test_schema_check_additional_and_types),
		T(test_schema_check_normalises),
		T(test_schema_check_max_errors),
		cmocka_unit_test(test_schema_is_email),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

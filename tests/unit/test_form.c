/* SPDX-License-Identifier: MIT */
/*
 * test_form: the request parameter parsers (urlencoded and JSON bodies),
 * form_escape, and the Cookie / Set-Cookie helpers of cookie.h.  The
 * urlencoded and Cookie cases are tables in tests/vectors/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "cookie.h"
#include "form.h"
#include "testlib.h"

#define ROWS(t)	(sizeof(t) / sizeof((t)[0]))

/* Per-test arena (JSON memory too): tl_arena_setup/teardown, testlib.h. */
#define setup		tl_arena_setup
#define teardown	tl_arena_teardown

/*
 * Compare a parsed list with the expected "key=value" fields f[0..n): the
 * same pairs in the same order.  Fields are split at the first '=' and then
 * unescaped (see testlib.h).
 */
static void
expect_pairs(const char *file, unsigned line, const struct kvlist *l,
    char **f, size_t n)
{
	size_t	 i, vlen;
	char	*eq;

	if (l->n != n)
		fail_msg("%s:%u: %zu pairs, want %zu", file, line, l->n, n);
	for (i = 0; i < n; i++) {
		if ((eq = strchr(f[i], '=')) == NULL)
			fail_msg("%s:%u: bad expected field", file, line);
		*eq = '\0';
		(void)tl_unescape(f[i]);
		vlen = tl_unescape(eq + 1);
		if (strcmp(l->v[i].key, f[i]) != 0)
			fail_msg("%s:%u: pair %zu key \"%s\", want \"%s\"", file,
			    line, i, l->v[i].key, f[i]);
		if (strlen(l->v[i].val) != vlen ||
		    memcmp(l->v[i].val, eq + 1, vlen) != 0)
			fail_msg("%s:%u: %s=\"%s\", want \"%s\"", file, line,
			    f[i], l->v[i].val, eq + 1);
		/* The lookup finds the same value. */
		assert_ptr_equal(kv_get(l, f[i]), l->v[i].val);
	}
}

/* --- kv ------------------------------------------------------------------- */

static void
test_form_kv_grows(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l = { NULL, 0 };
	char		 k[16];
	size_t		 i;

	for (i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "k%zu", i);
		kv_add(a, &l, arena_strdup(a, k), arena_printf(a, "v%zu", i));
	}
	assert_int_equal(l.n, 100);
	for (i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "k%zu", i);
		assert_string_equal(kv_get(&l, k), arena_printf(a, "v%zu", i));
	}
	assert_null(kv_get(&l, "k100"));
	assert_null(kv_get(&l, ""));
}

/* --- urlencoded ------------------------------------------------------------ */

static void
test_form_urlencoded_vectors(void **state)
{
	struct arena	*a = *state;
	struct tl_vec	 v;
	struct kvlist	 l;
	enum rc		 rc;
	size_t		 n, cases = 0, bad = 0;

	assert_int_equal(tl_vec_open(&v, "urlencoded.txt"), 0);
	while (tl_vec_next(&v)) {
		assert_true(v.n >= 2);
		n = tl_unescape(v.f[0]);
		rc = form_parse_urlencoded(a, v.f[0], n, &l);
		if (strcmp(v.f[1], "BADREQ") == 0) {
			if (rc != RC_BADREQ)
				fail_msg("%s:%u: accepted \"%s\"", v.file,
				    v.lineno, v.f[0]);
			bad++;
		} else {
			assert_string_equal(v.f[1], "OK");
			if (rc != RC_OK)
				fail_msg("%s:%u: rejected \"%s\": %s", v.file,
				    v.lineno, v.f[0], rc_str(rc));
			expect_pairs(v.file, v.lineno, &l, v.f + 2, v.n - 2);
		}
		cases++;
	}
	tl_vec_close(&v);
	assert_true(cases >= 40);
	assert_true(bad >= 15);
}

static void
test_form_urlencoded_bounded_by_length(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	const char	*s = "a=1&b=2";

	/* Only n bytes are read: the rest of the string is not input. */
	assert_int_equal(form_parse_urlencoded(a, s, 3, &l), RC_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_null(kv_get(&l, "b"));

	/* An escape cut by n is a bad escape, not a read past the end. */
	assert_int_equal(form_parse_urlencoded(a, "a=%41", 4, &l), RC_BADREQ);

	/* Empty input. */
	assert_int_equal(form_parse_urlencoded(a, "", 0, &l), RC_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(form_parse_urlencoded(a, "ignored", 0, &l), RC_OK);
	assert_int_equal(l.n, 0);
}

static void
test_form_urlencoded_not_nul_terminated(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	char		*p = malloc(7);

	/* An exact-size heap buffer: ASan catches any read past it. */
	assert_non_null(p);
	memcpy(p, "x=%41%", 6);
	assert_int_equal(form_parse_urlencoded(a, p, 6, &l), RC_BADREQ);
	memcpy(p, "x=y&zz", 6);
	assert_int_equal(form_parse_urlencoded(a, p, 6, &l), RC_OK);
	assert_string_equal(kv_get(&l, "zz"), "");
	free(p);
}

/* --- JSON ----------------------------------------------------------------- */

static enum rc
parse_json(struct arena *a, const char *s, struct kvlist *l)
{
	json_t	*root = NULL;
	enum rc	 rc;

	rc = form_parse_json(a, s, strlen(s), l, &root);
	if (rc == RC_OK)
		assert_non_null(root);
	return rc;
}

static void
test_form_json_flattens(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	json_t		*root = NULL;
	const char	*body = "{\"method\":\"password\",\"traits\":"
	    "{\"email\":\"a@b.example\",\"name\":{\"first\":\"Ann\"}},"
	    "\"password\":\"s3cret pass\"}";

	assert_int_equal(form_parse_json(a, body, strlen(body), &l, &root),
	    RC_OK);
	assert_true(json_is_object(root));
	assert_int_equal(l.n, 4);
	assert_string_equal(kv_get(&l, "method"), "password");
	assert_string_equal(kv_get(&l, "traits.email"), "a@b.example");
	assert_string_equal(kv_get(&l, "traits.name.first"), "Ann");
	assert_string_equal(kv_get(&l, "password"), "s3cret pass");
	assert_null(kv_get(&l, "traits"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    root, "traits"), "email")), "a@b.example");
}

static void
test_form_json_scalars_as_text(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;

	assert_int_equal(parse_json(a, "{\"i\":42,\"neg\":-3,\"big\":"
	    "9223372036854775807,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null,"
	    "\"u\":\"\\u00e9\",\"e\":\"\",\"o\":{}}", &l), RC_OK);
	assert_string_equal(kv_get(&l, "i"), "42");
	assert_string_equal(kv_get(&l, "neg"), "-3");
	assert_string_equal(kv_get(&l, "big"), "9223372036854775807");
	assert_string_equal(kv_get(&l, "r"), "1.5");
	assert_string_equal(kv_get(&l, "t"), "true");
	assert_string_equal(kv_get(&l, "f"), "false");
	assert_null(kv_get(&l, "z"));		/* null is skipped */
	assert_string_equal(kv_get(&l, "u"), "\xc3\xa9");
	assert_string_equal(kv_get(&l, "e"), "");
	assert_null(kv_get(&l, "o"));		/* an empty object adds nothing */
	assert_int_equal(l.n, 8);

	assert_int_equal(parse_json(a, "{}", &l), RC_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse_json(a, " {\"a\":\"1\"} \n", &l), RC_OK);
	assert_int_equal(l.n, 1);
}

static void
test_form_json_depth_limit(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	char		 body[256], key[64];
	int		 depth, i;

	/*
	 * {"k1":{"k2":...{"kN":"v"}}}: the string sits at depth N below the
	 * root object.  8 levels are allowed, 9 are refused.
	 */
	for (depth = 1; depth <= 10; depth++) {
		body[0] = '\0';
		for (i = 1; i < depth; i++) {
			snprintf(key, sizeof(key), "{\"k%d\":", i);
			strcat(body, key);
		}
		snprintf(key, sizeof(key), "{\"k%d\":\"v\"", depth);
		strcat(body, key);
		for (i = 0; i < depth; i++)
			strcat(body, "}");
		if (depth <= 8) {
			assert_int_equal(parse_json(a, body, &l), RC_OK);
			assert_int_equal(l.n, 1);
			assert_string_equal(l.v[0].val, "v");
		} else
			assert_int_equal(parse_json(a, body, &l), RC_BADREQ);
	}
	assert_int_equal(parse_json(a, "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":"
	    "{\"f\":{\"g\":{\"h\":\"v\"}}}}}}}}", &l), RC_OK);
	assert_string_equal(kv_get(&l, "a.b.c.d.e.f.g.h"), "v");
}

static void
test_form_json_arrays_left_out(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	json_t		*root = NULL;
	const char	*body = "{\"traits\":{\"email\":\"a@b.example\","
	    "\"tags\":[\"x\",{\"y\":\"z\"}]},\"codes\":[],\"n\":[1,2]}";

	/*
	 * Arrays are not flattened (form.h): the flat list leaves them out
	 * and whole-document readers find them in *root.
	 */
	assert_int_equal(form_parse_json(a, body, strlen(body), &l, &root),
	    RC_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "traits.email"), "a@b.example");
	assert_null(kv_get(&l, "traits.tags"));
	assert_null(kv_get(&l, "traits.tags.y"));
	assert_null(kv_get(&l, "codes"));
	assert_int_equal(json_array_size(json_object_get(root, "n")), 2);
}

static const char *const json_bad[] = {
	"",
	"{",
	"{\"a\":1",
	"{\"a\":1} x",				/* trailing garbage */
	"[]",					/* not an object */
	"[{\"a\":1}]",
	"\"x\"",
	"1",
	"true",
	"null",
	"{\"a\":1,\"a\":2}",			/* duplicate keys */
	"{\"t\":{\"e\":\"x\",\"e\":\"y\"}}",
	"{\"a.b\":\"x\"}",			/* dotted keys would collide */
	"{\"a\":{\"b.c\":\"x\"}}",
	"{\".\":\"x\"}",
	"{\"\":\"x\"}",				/* empty key */
	"{\"a\":{\"\":\"x\"}}",
	"{\"a\":\"x\\u0000y\"}",		/* embedded NUL */
	"{\"a\\u0000b\":\"x\"}",
	"{\"a\":\"\\ud800\"}",			/* lone surrogate */
	"{\"a\":\"\xff\"}",			/* invalid UTF-8 */
	"{\"a\":\"\xc3\x28\"}",
	"{'a':'x'}",
	"{\"a\":NaN}",
};

static void
test_form_json_rejects(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	size_t		 i;

	for (i = 0; i < ROWS(json_bad); i++)
		if (parse_json(a, json_bad[i], &l) != RC_BADREQ)
			fail_msg("accepted %s", json_bad[i]);
}

static void
test_form_json_nul_in_body_refused(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	json_t		*root = NULL;
	const char	 body[] = "{\"a\":\"x\0y\"}";

	/* A raw NUL inside the buffer (not the \u escape). */
	assert_int_equal(form_parse_json(a, body, sizeof(body) - 1, &l, &root),
	    RC_BADREQ);
}

/* --- form_escape -------------------------------------------------------- */

static const struct {
	const char	*in, *out;
} escapes[] = {
	{ "", "" },
	{ "abcXYZ019", "abcXYZ019" },
	{ "-._~", "-._~" },			/* RFC 3986 unreserved */
	{ "a b", "a%20b" },
	{ "a+b", "a%2Bb" },
	{ "a&b=c", "a%26b%3Dc" },
	{ "/?#[]@", "%2F%3F%23%5B%5D%40" },
	{ "100%", "100%25" },
	{ "\xc3\xa9", "%C3%A9" },
	{ "http://127.0.0.1:4455/x?y=1",
	  "http%3A%2F%2F127.0.0.1%3A4455%2Fx%3Fy%3D1" },
	{ "\x01\x7f", "%01%7F" },
};

static void
test_form_escape(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;
	size_t		 i;
	char		*q;

	for (i = 0; i < ROWS(escapes); i++)
		assert_string_equal(form_escape(a, escapes[i].in),
		    escapes[i].out);

	/* Round trip through the parser. */
	q = arena_printf(a, "k=%s", form_escape(a, "x y+z&w=%\xc3\xa9"));
	assert_int_equal(form_parse_urlencoded(a, q, strlen(q), &l), RC_OK);
	assert_string_equal(kv_get(&l, "k"), "x y+z&w=%\xc3\xa9");
}

/* --- cookies -------------------------------------------------------------- */

static void
test_form_cookie_vectors(void **state)
{
	struct arena	*a = *state;
	struct tl_vec	 v;
	struct kvlist	 l;
	size_t		 cases = 0;

	assert_int_equal(tl_vec_open(&v, "cookie.txt"), 0);
	while (tl_vec_next(&v)) {
		(void)tl_unescape(v.f[0]);
		cookie_parse(a, v.f[0], &l);
		expect_pairs(v.file, v.lineno, &l, v.f + 1, v.n - 1);
		cases++;
	}
	tl_vec_close(&v);
	assert_true(cases >= 15);
}

static void
test_form_cookie_empty(void **state)
{
	struct arena	*a = *state;
	struct kvlist	 l;

	l.n = 99;
	cookie_parse(a, NULL, &l);
	assert_int_equal(l.n, 0);
	cookie_parse(a, "", &l);
	assert_int_equal(l.n, 0);
	cookie_parse(a, ";;;", &l);
	assert_int_equal(l.n, 0);
	cookie_parse(a, "   ", &l);
	assert_int_equal(l.n, 0);
}

static const struct {
	const char		*name, *value;
	struct cookie_attrs	 attrs;
	const char		*want;
} formats[] = {
	{ "n", "v", { NULL, NULL, 0, 0, 0 },
	  "n=v; Path=/; SameSite=Lax" },
	{ "ory_kratos_session", "tok", { "/app/", "Strict", 1, 1, 3600 },
	  "ory_kratos_session=tok; Path=/app/; Max-Age=3600; HttpOnly; "
	  "Secure; SameSite=Strict" },
	{ "csrf_token_x", "abc=", { "/", "Lax", 0, 1, 31536000 },
	  "csrf_token_x=abc=; Path=/; Max-Age=31536000; HttpOnly; "
	  "SameSite=Lax" },
	{ "n", "v", { NULL, "None", 1, 0, 0 },
	  "n=v; Path=/; Secure; SameSite=None" },
	/* Deletion: Max-Age=0 and an Expires in the past. */
	{ "ory_kratos_session", "", { "/", "Lax", 0, 1, -1 },
	  "ory_kratos_session=; Path=/; Max-Age=0; "
	  "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax" },
	{ "n", "", { "/p/", NULL, 1, 1, -1 },
	  "n=; Path=/p/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
	  "HttpOnly; Secure; SameSite=Lax" },
};

static void
test_form_cookie_format(void **state)
{
	struct arena	*a = *state;
	size_t		 i;

	for (i = 0; i < ROWS(formats); i++)
		assert_string_equal(cookie_format(a, formats[i].name,
		    formats[i].value, &formats[i].attrs), formats[i].want);
}

static void
test_form_cookie_format_parse_round_trip(void **state)
{
	struct arena		*a = *state;
	struct cookie_attrs	 at = { "/", "Lax", 1, 1, 60 };
	struct kvlist		 l;
	char			*sc, *semi;

	/* What we set, the browser sends back as name=value. */
	sc = cookie_format(a, "sid", "ory_st_x.AbC-_9", &at);
	semi = strchr(sc, ';');
	assert_non_null(semi);
	*semi = '\0';
	cookie_parse(a, arena_printf(a, "other=1; %s", sc), &l);
	assert_string_equal(kv_get(&l, "sid"), "ory_st_x.AbC-_9");
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_form_kv_grows),
		T(test_form_urlencoded_vectors),
		T(test_form_urlencoded_bounded_by_length),
		T(test_form_urlencoded_not_nul_terminated),
		T(test_form_json_flattens),
		T(test_form_json_scalars_as_text),
		T(test_form_json_depth_limit),
		T(test_form_json_arrays_left_out),
		T(test_form_json_rejects),
		T(test_form_json_nul_in_body_refused),
		T(test_form_escape),
		T(test_form_cookie_vectors),
		T(test_form_cookie_empty),
		T(test_form_cookie_format),
		T(test_form_cookie_format_parse_round_trip),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

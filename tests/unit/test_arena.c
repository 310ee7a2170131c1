/* SPDX-License-Identifier: MIT */
/*
 * test_arena: the bump allocator (alignment, growth past the first block,
 * reset and reuse, the string helpers, the jansson hook) and the buf
 * invariants (never NULL, always NUL-terminated, binary-safe).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "testlib.h"

#define ALIGN	(alignof(max_align_t))

static int
setup(void **state)
{
	struct arena	*a = malloc(sizeof(*a));

	if (a == NULL)
		return -1;
	/* A small first block so that the tests cross block boundaries. */
	arena_init(a, 256);
	*state = a;
	return 0;
}

static int
teardown(void **state)
{
	struct arena	*a = *state;

	arena_release(a);
	free(a);
	return 0;
}

/* --- arena ---------------------------------------------------------------- */

static void
test_arena_alignment(void **state)
{
	struct arena	*a = *state;
	size_t		 n;
	void		*p;

	for (n = 0; n < 200; n++) {
		p = arena_alloc(a, n);
		assert_non_null(p);
		if ((uintptr_t)p % ALIGN != 0)
			fail_msg("arena_alloc(%zu) = %p is not %zu-aligned", n,
			    p, ALIGN);
		memset(p, 0xa5, n);
	}
	/* Odd sizes after a big one, and calloc too. */
	(void)arena_alloc(a, 4093);
	assert_true((uintptr_t)arena_alloc(a, 3) % ALIGN == 0);
	assert_true((uintptr_t)arena_calloc(a, 3, 7) % ALIGN == 0);
	assert_true((uintptr_t)arena_strdup(a, "x") % ALIGN == 0);
	assert_true((uintptr_t)arena_printf(a, "%d", 1) % ALIGN == 0);
}

static void
test_arena_zero_size_distinct(void **state)
{
	struct arena	*a = *state;
	void		*p = arena_alloc(a, 0), *q = arena_alloc(a, 0);

	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
}

/* Fill every allocation with its own byte; all must survive growth. */
static void
test_arena_growth_keeps_data(void **state)
{
	struct arena	*a = *state;
	unsigned char	*p[64];
	size_t		 sz[64], i, j;

	for (i = 0; i < 64; i++) {
		sz[i] = 1 + i * 97 % 1000;
		p[i] = arena_alloc(a, sz[i]);
		memset(p[i], (int)i, sz[i]);
	}
	/* One allocation much larger than the block size. */
	{
		unsigned char *big = arena_alloc(a, 100000);

		memset(big, 0xee, 100000);
		assert_int_equal(big[99999], 0xee);
	}
	for (i = 0; i < 64; i++)
		for (j = 0; j < sz[i]; j++)
			if (p[i][j] != (unsigned char)i)
				fail_msg("allocation %zu byte %zu overwritten",
				    i, j);
	assert_true(a->used >= 100000);
}

static void
test_arena_reset_reuses(void **state)
{
	struct arena	*a = *state;
	char		*s;
	int		 round;
	size_t		 i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 50; i++)
			(void)arena_alloc(a, 300);
		assert_true(a->used >= 50 * 300);
		arena_reset(a);
		assert_int_equal(a->used, 0);
		assert_non_null(a->head);	/* the first block is kept */
		s = arena_strdup(a, "after reset");
		assert_string_equal(s, "after reset");
	}

	/* Reset memory comes back wiped: calloc and plain alloc both work. */
	s = arena_calloc(a, 1, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(s[i], 0);
}

static void
test_arena_reset_empty_and_release_twice(void **state)
{
	struct arena	 a;

	(void)state;
	arena_init(&a, 0);		/* 0 picks the default size */
	assert_int_not_equal(a.first, 0);
	arena_reset(&a);		/* nothing allocated yet */
	assert_null(a.head);
	(void)arena_alloc(&a, 10);
	arena_release(&a);
	assert_null(a.head);
	arena_release(&a);		/* harmless */
	arena_init(&a, 64);
	assert_string_equal(arena_strdup(&a, "again"), "again");
	arena_release(&a);
}

static void
test_arena_calloc_zeroes(void **state)
{
	struct arena	*a = *state;
	unsigned char	*p;
	size_t		 i;

	/* Dirty some memory, reset, then calloc over the same bytes. */
	memset(arena_alloc(a, 200), 0xff, 200);
	arena_reset(a);
	p = arena_calloc(a, 50, 4);
	for (i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	p = arena_calloc(a, 1000, 10);	/* spans a new block */
	for (i = 0; i < 10000; i++)
		assert_int_equal(p[i], 0);
}

static void
test_arena_strndup(void **state)
{
	struct arena	*a = *state;
	char		*s;

	assert_string_equal(arena_strndup(a, "hello", 2), "he");
	assert_string_equal(arena_strndup(a, "hello", 0), "");
	assert_string_equal(arena_strdup(a, ""), "");

	/* Exactly n bytes plus a NUL, even past an embedded NUL. */
	s = arena_strndup(a, "ab\0cd", 5);
	assert_memory_equal(s, "ab\0cd\0", 6);

	/* The copy is a copy. */
	{
		char	 src[] = "mutable";

		s = arena_strdup(a, src);
		src[0] = 'M';
		assert_string_equal(s, "mutable");
	}
}

static void
test_arena_printf(void **state)
{
	struct arena	*a = *state;
	char		*big, *s;
	size_t		 i;

	assert_string_equal(arena_printf(a, "%s-%d-%02x", "x", 42, 10),
	    "x-42-0a");
	assert_string_equal(arena_printf(a, "%s", ""), "");

	/* Longer than the first block. */
	big = malloc(5001);
	assert_non_null(big);
	for (i = 0; i < 5000; i++)
		big[i] = (char)('a' + i % 26);
	big[5000] = '\0';
	s = arena_printf(a, "[%s]", big);
	assert_int_equal(strlen(s), 5002);
	assert_int_equal(s[0], '[');
	assert_memory_equal(s + 1, big, 5000);
	assert_int_equal(s[5001], ']');
	free(big);
}

static void
test_arena_json_memory(void **state)
{
	struct arena	*a = *state;
	json_t		*o;
	char		*text;
	size_t		 before = a->used;

	arena_use_for_json(a);
	o = json_pack("{s:s, s:i, s:[i,i]}", "k", "v", "n", 1, "l", 1, 2);
	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"k\":\"v\",\"l\":[1,2],\"n\":1}");
	json_decref(o);			/* harmless: arena memory */
	assert_true(a->used > before);
}

/* --- buf ------------------------------------------------------------------ */

static void
test_buf_init_invariants(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;

	buf_init(&b, a);
	assert_non_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");

	/* Resetting an untouched buffer keeps it valid. */
	buf_reset(&b);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");

	/* Adding nothing changes nothing. */
	buf_add(&b, "x", 0);
	buf_addstr(&b, "");
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
}

static void
test_buf_appends_terminated(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;

	buf_init(&b, a);
	buf_addstr(&b, "Hello");
	assert_int_equal(b.len, 5);
	assert_int_equal(b.ptr[5], '\0');
	buf_addch(&b, ',');
	buf_addch(&b, ' ');
	buf_addf(&b, "%s #%d", "world", 7);
	assert_string_equal(b.ptr, "Hello, world #7");
	assert_int_equal(b.len, strlen("Hello, world #7"));
	assert_true(b.cap > b.len);
}

static void
test_buf_binary_safe(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;
	const char	 bin[] = { 'a', '\0', 'b', '\xff', '\0' };

	buf_init(&b, a);
	buf_add(&b, bin, sizeof(bin));
	buf_addch(&b, '\0');
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.ptr, "a\0b\xff\0\0", 6);
	assert_int_equal(b.ptr[6], '\0');
}

static void
test_buf_grows(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;
	size_t		 i;

	buf_init(&b, a);
	for (i = 0; i < 10000; i++)
		buf_addch(&b, (char)('0' + i % 10));
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.ptr[10000], '\0');
	for (i = 0; i < 10000; i++)
		if (b.ptr[i] != (char)('0' + i % 10))
			fail_msg("byte %zu lost while growing", i);
}

static void
test_buf_reset_reuses(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;
	char		*p;

	buf_init(&b, a);
	buf_addstr(&b, "first contents");
	p = b.ptr;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	assert_ptr_equal(b.ptr, p);	/* capacity kept */
	buf_addstr(&b, "second");
	assert_string_equal(b.ptr, "second");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_arena_alignment, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_arena_zero_size_distinct,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_growth_keeps_data,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_reset_reuses, setup,
		    teardown),
		cmocka_unit_test(test_arena_reset_empty_and_release_twice),
		cmocka_unit_test_setup_teardown(test_arena_calloc_zeroes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_strndup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_arena_printf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_arena_json_memory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_buf_init_invariants,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_appends_terminated,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_binary_safe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_buf_grows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_buf_reset_reuses, setup,
		    teardown),
	};

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

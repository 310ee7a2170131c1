/* SPDX-License-Identifier: MIT */
/*
 * arena: a list of blocks, the first one kept across resets (git's mem_pool
 * shape), with explicit_bzero() instead of a memset that the compiler could
 * drop before free().
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "mem.h"

/*
 * Under AddressSanitizer the unused part of every block is poisoned, so
 * an overflow from one arena allocation into the next is reported even
 * though both live in one malloc()ed block.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

struct arena_block {
	struct arena_block	*next;
	size_t			 size;	/* usable bytes in data */
	size_t			 off;	/* bytes used */
	alignas(max_align_t) unsigned char data[];
};

#define ALIGN	(alignof(max_align_t))

static struct arena_block *
block_new(size_t size)
{
	struct arena_block	*b;

	b = mem_alloc(mem_size_add(sizeof(*b), size));
	b->next = NULL;
	b->size = size;
	b->off = 0;
	POISON(b->data, size);
	return b;
}

void
arena_init(struct arena *a, size_t first)
{
	a->head = NULL;
	a->first = first ? first : 16384;
	a->used = 0;
}

void
arena_reset(struct arena *a)
{
	struct arena_block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		UNPOISON(b->data, b->size);
		explicit_bzero(b->data, b->off);
		b->off = 0;
		POISON(b->data, b->size);

		/* The oldest block is the first one: keep it. */
		if (next == NULL) {
			a->head = b;
			break;
		}
		free(b);
	}
	a->used = 0;
}

void
arena_release(struct arena *a)
{
	struct arena_block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		UNPOISON(b->data, b->size);
		explicit_bzero(b->data, b->off);
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block	*b = a->head;
	size_t			 need, size;
	void			*p;

	need = mem_size_add(n, ALIGN - 1) & ~(ALIGN - 1);
	if (need == 0)
		need = ALIGN;
	if (b == NULL || b->size - b->off < need) {
		/* Each new block doubles the previous one, or fits n. */
		size = b == NULL ? a->first : mem_size_mul(b->size, 2);
		if (size < need)
			size = need;
		b = block_new(size);
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->off;
	b->off += need;
	a->used += need;
	UNPOISON(p, n);
	return p;
}

void *
arena_calloc(struct arena *a, size_t n, size_t sz)
{
	size_t	 len = mem_size_mul(n, sz);
	void	*p = arena_alloc(a, len);

	memset(p, 0, len);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = arena_alloc(a, mem_size_add(n, 1));

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;
	char	*p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, mem_size_add((size_t)n, 1));
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

/*
 * jansson has no per-call allocator, only a process-wide pair of functions,
 * so the request loop points this at the request's arena.  Frees are no-ops:
 * the arena releases everything at once.
 */
static struct arena *json_arena;

static void *
json_arena_malloc(size_t n)
{
	return arena_alloc(json_arena, n);
}

static void
json_arena_free(void *p)
{
	(void)p;
}

void
arena_use_for_json(struct arena *a)
{
	json_arena = a;
	json_set_alloc_funcs(json_arena_malloc, json_arena_free);
}

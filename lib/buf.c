/* SPDX-License-Identifier: MIT */
/*
 * buf: growable strings backed by the request arena.  Growing copies into a
 * new arena allocation; the old one is wiped by arena_reset() later.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "mem.h"

static char empty[1];

void
buf_init(struct buf *b, struct arena *a)
{
	b->ptr = empty;
	b->len = 0;
	b->cap = 0;
	b->a = a;
}

static void
grow(struct buf *b, size_t extra)
{
	size_t	 need = mem_size_add(mem_size_add(b->len, extra), 1);
	size_t	 cap;
	char	*p;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = mem_size_mul(cap, 2);
	p = arena_alloc(b->a, cap);
	memcpy(p, b->ptr, b->len + 1);
	b->ptr = p;
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	grow(b, n);
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = arena_vprintf(b->a, fmt, ap);
	va_end(ap);
	buf_addstr(b, s);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

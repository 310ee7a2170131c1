/* SPDX-License-Identifier: MIT */
/*
 * buf: a growable byte string in an arena (git's strbuf invariants): `ptr`
 * is never NULL, the contents are always NUL-terminated, binary data is
 * safe.  Initialise with buf_init() before use.
 */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct buf {
	char		*ptr;
	size_t		 len;
	size_t		 cap;
	struct arena	*a;
};

void	buf_init(struct buf *b, struct arena *a);
void	buf_add(struct buf *b, const void *p, size_t n);
void	buf_addstr(struct buf *b, const char *s);
void	buf_addch(struct buf *b, char c);
void	buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_reset(struct buf *b);

#endif /* BUF_H */

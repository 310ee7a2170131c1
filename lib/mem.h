/* SPDX-License-Identifier: MIT */
/*
 * mem: allocation that cannot fail and size arithmetic that cannot wrap.
 *
 * Gatehouse is an application, not a library: running out of memory is
 * logged and ends the process (lighttpd respawns the worker and Berkeley DB
 * recovery rolls back whatever was in flight).  That removes a whole class of
 * error paths.  Every length that comes from the wire and is added or
 * multiplied goes through mem_size_add() or mem_size_mul().
 */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

/* malloc() that aborts on failure.  The caller owns the result. */
void	*mem_alloc(size_t n);

/* calloc()/realloc() counterparts of mem_alloc(). */
void	*mem_calloc(size_t n, size_t sz);
void	*mem_realloc(void *p, size_t n);

/* strdup() that aborts on failure.  The caller owns the result. */
char	*mem_strdup(const char *s);

/* a + b, aborting on overflow. */
size_t	 mem_size_add(size_t a, size_t b);

/* a * b, aborting on overflow. */
size_t	 mem_size_mul(size_t a, size_t b);

#endif /* MEM_H */

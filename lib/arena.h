/* SPDX-License-Identifier: MIT */
/*
 * arena: the per-request bump allocator.
 *
 * Everything derived from one request -- parsed parameters, decoded records,
 * JSON documents, the response body -- lives in one arena that is wiped and
 * released in a single call after the response is sent.  Request bodies hold
 * passwords and codes, so arena_reset() explicit_bzero()s every used byte.
 *
 * Allocation never fails (see mem.h).  Pointers into an arena stay valid
 * until the next arena_reset() or arena_release().
 */
#ifndef ARENA_H
#define ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block	*head;	/* current block, newest first */
	size_t			 first;	/* size of the first block */
	size_t			 used;	/* bytes handed out since reset */
};

/* Set up an empty arena whose first block will hold `first` bytes. */
void	 arena_init(struct arena *a, size_t first);

/* Wipe every used byte, keep the first block, free the others. */
void	 arena_reset(struct arena *a);

/* Wipe and free everything; the arena may be arena_init()ed again. */
void	 arena_release(struct arena *a);

/* n bytes aligned for any type. */
void	*arena_alloc(struct arena *a, size_t n);

/* n * sz zeroed bytes. */
void	*arena_calloc(struct arena *a, size_t n, size_t sz);

/* Copies of a NUL-terminated string, or of n bytes plus a NUL. */
char	*arena_strdup(struct arena *a, const char *s);
char	*arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into the arena. */
char	*arena_printf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
char	*arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/*
 * The arena whose memory jansson uses (json_set_alloc_funcs).  JSON values
 * built while handling a request are arena memory: json_decref() is
 * harmless and never needed.  Set by the request loop; start-up code sets it
 * to a long-lived arena.
 */
void	 arena_use_for_json(struct arena *a);

#endif /* ARENA_H */

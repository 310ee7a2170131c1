/* SPDX-License-Identifier: MIT */
/*
 * mem: aborting allocators and overflow-checked size arithmetic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"

static void
oom(size_t n)
{
	log_warnx("out of memory allocating %zu bytes", n);
	abort();
}

void *
mem_alloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		oom(n);
	return p;
}

void *
mem_calloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n ? n : 1, sz ? sz : 1)) == NULL)
		oom(mem_size_mul(n, sz));
	return p;
}

void *
mem_realloc(void *p, size_t n)
{
	void	*q;

	if ((q = realloc(p, n ? n : 1)) == NULL)
		oom(n);
	return q;
}

char *
mem_strdup(const char *s)
{
	size_t	 n = mem_size_add(strlen(s), 1);
	char	*p = mem_alloc(n);

	memcpy(p, s, n);
	return p;
}

size_t
mem_size_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b) {
		log_warnx("size overflow: %zu + %zu", a, b);
		abort();
	}
	return a + b;
}

size_t
mem_size_mul(size_t a, size_t b)
{
	if (b != 0 && a > SIZE_MAX / b) {
		log_warnx("size overflow: %zu * %zu", a, b);
		abort();
	}
	return a * b;
}

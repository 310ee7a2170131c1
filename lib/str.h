/* SPDX-License-Identifier: MIT */
/*
 * str: string helpers that glibc lacks, with project names.
 */
#ifndef STR_H
#define STR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a decimal integer in [min, max] (OpenBSD strtonum's contract).
 * Leading/trailing junk, an empty string and overflow are errors.  On error
 * returns 0 and sets *errstr to "invalid", "too small" or "too large";
 * on success sets *errstr to NULL.
 */
int64_t	 str_to_i64(const char *s, int64_t min, int64_t max,
	    const char **errstr);

/*
 * Copy src into dst of size `size`, always NUL-terminating when size > 0.
 * Returns strlen(src): a result >= size means truncation.
 */
size_t	 str_copy(char *dst, const char *src, size_t size);

/* 1 if s starts with prefix. */
int	 str_has_prefix(const char *s, const char *prefix);

/* 1 if s[0..n) is valid UTF-8 with no NUL byte. */
int	 str_is_utf8(const char *s, size_t n);

/*
 * Parse a duration such as "1h", "15m", "30s", "1h30m" or a plain number of
 * seconds.  Returns 0 and sets *out (seconds) on success, -1 otherwise.
 */
int	 str_to_duration(const char *s, int64_t *out);

/*
 * Parse a byte size such as "19MB", "19MiB", "65536", "64KB".  Returns 0
 * and sets *out on success, -1 otherwise.  MB and MiB both mean 2^20.
 */
int	 str_to_bytes(const char *s, uint64_t *out);

#endif /* STR_H */

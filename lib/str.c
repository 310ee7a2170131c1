/* SPDX-License-Identifier: MIT */
/*
 * str: strtonum-shaped integer parsing, strlcpy-shaped copying, UTF-8
 * validation, and the duration and size syntax of the configuration file.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "str.h"

int64_t
str_to_i64(const char *s, int64_t min, int64_t max, const char **errstr)
{
	char		*end;
	long long	 v;

	*errstr = "invalid";
	if (s == NULL || *s == '\0' || min > max)
		return 0;

	/* strtoll skips leading space and accepts a sign; we accept only a sign. */
	if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+'))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return 0;
	if (errno == ERANGE && v == LLONG_MIN) {
		*errstr = "too small";
		return 0;
	}
	if (errno == ERANGE && v == LLONG_MAX) {
		*errstr = "too large";
		return 0;
	}
	if (v < min) {
		*errstr = "too small";
		return 0;
	}
	if (v > max) {
		*errstr = "too large";
		return 0;
	}
	*errstr = NULL;
	return v;
}

size_t
str_copy(char *dst, const char *src, size_t size)
{
	size_t	 n = strlen(src);

	if (size > 0) {
		size_t	 c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_is_utf8(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k, len;
	unsigned int		 cp;

	while (i < n) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}

		/* Overlong forms, surrogates and values beyond U+10FFFF. */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int
str_to_duration(const char *s, int64_t *out)
{
	int64_t		 total = 0, v, unit;
	const char	*p = s;
	char		*end;

	if (s == NULL || *s == '\0')
		return -1;

	/* A bare number is seconds. */
	if (strspn(s, "0123456789") == strlen(s)) {
		const char	*errstr;

		v = str_to_i64(s, 0, 100L * 365 * 86400, &errstr);
		if (errstr != NULL)
			return -1;
		*out = v;
		return 0;
	}
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return -1;
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno != 0 || v < 0 || v > 100L * 365 * 86400)
			return -1;
		p = end;
		switch (*p) {
		case 'h':
			unit = 3600;
			p++;
			break;
		case 'm':
			if (p[1] == 's')
				return -1;
			unit = 60;
			p++;
			break;
		case 's':
			unit = 1;
			p++;
			break;
		case 'd':
			unit = 86400;
			p++;
			break;
		default:
			return -1;
		}
		total += v * unit;
		if (total > 100L * 365 * 86400)
			return -1;
	}
	*out = total;
	return 0;
}

int
str_to_bytes(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;
	uint64_t		 mul = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == '\0' || strcasecmp(end, "B") == 0)
		mul = 1;
	else if (strcasecmp(end, "KB") == 0 || strcasecmp(end, "KiB") == 0)
		mul = 1024;
	else if (strcasecmp(end, "MB") == 0 || strcasecmp(end, "MiB") == 0)
		mul = 1024 * 1024;
	else if (strcasecmp(end, "GB") == 0 || strcasecmp(end, "GiB") == 0)
		mul = 1024ULL * 1024 * 1024;
	else
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * form: bounded, allocation-light parsers for request parameters.  Input
 * lengths are taken from the caller (never from the data), and every
 * output is NUL-terminated arena memory.
 */
#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "form.h"
#include "mem.h"
#include "str.h"

const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

void
kv_add(struct arena *a, struct kvlist *l, const char *key, const char *val)
{
	struct kv	*v;

	/* Grow by doubling at powers of two; old arrays stay in the arena. */
	if ((l->n & (l->n - 1)) == 0) {
		v = arena_alloc(a, mem_size_mul(l->n ? l->n * 2 : 4,
		    sizeof(*v)));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
	}
	l->v[l->n].key = key;
	l->v[l->n].val = val;
	l->n++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode p[0..n) into the arena.  NULL on a bad escape or bad text. */
static char *
decode(struct arena *a, const char *p, size_t n)
{
	char	*out = arena_alloc(a, mem_size_add(n, 1));
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (p[i] == '+')
			out[o++] = ' ';
		else if (p[i] == '%') {
			if (n - i < 3 || (hi = hexval(p[i + 1])) < 0 ||
			    (lo = hexval(p[i + 2])) < 0)
				return NULL;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = p[i];
	}
	out[o] = '\0';
	if (!str_is_utf8(out, o))
		return NULL;
	return out;
}

enum rc
form_parse_urlencoded(struct arena *a, const char *p, size_t n,
    struct kvlist *out)
{
	const char	*end = p + n, *amp, *eq;
	char		*key, *val;

	out->v = NULL;
	out->n = 0;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if ((key = decode(a, p, (size_t)(eq - p))) == NULL)
			return RC_BADREQ;
		val = eq < amp ? decode(a, eq + 1, (size_t)(amp - eq - 1)) :
		    arena_strdup(a, "");
		if (val == NULL)
			return RC_BADREQ;
		if (*key != '\0') {
			/* No form has this many fields; the check is quadratic. */
			if (out->n >= FORM_MAX_FIELDS || kv_get(out, key) != NULL)
				return RC_BADREQ;
			kv_add(a, out, key, val);
		}
		p = amp + 1;
	}
	return RC_OK;
}

static enum rc
flatten(struct arena *a, json_t *v, const char *prefix, struct kvlist *out,
    int depth)
{
	const char	*k;
	json_t		*child;
	char		*key;

	/* Deep nesting is never legitimate here; refuse it early. */
	if (depth > 8)
		return RC_BADREQ;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, k, child) {
			if (!str_is_utf8(k, strlen(k)) || *k == '\0' ||
			    strchr(k, '.') != NULL)
				return RC_BADREQ;
			key = *prefix ? arena_printf(a, "%s.%s", prefix, k) :
			    arena_strdup(a, k);
			if (flatten(a, child, key, out, depth + 1) != RC_OK)
				return RC_BADREQ;
		}
		return RC_OK;
	case JSON_STRING:
		if (out->n >= FORM_MAX_FIELDS)
			return RC_BADREQ;

		/* jansson allows embedded NULs in strings; we do not. */
		if (strlen(json_string_value(v)) != json_string_length(v))
			return RC_BADREQ;
		kv_add(a, out, prefix, json_string_value(v));
		return RC_OK;
	case JSON_INTEGER:
		kv_add(a, out, prefix, arena_printf(a, "%lld",
		    (long long)json_integer_value(v)));
		return RC_OK;
	case JSON_REAL:
		kv_add(a, out, prefix, arena_printf(a, "%.17g",
		    json_real_value(v)));
		return RC_OK;
	case JSON_TRUE:
		kv_add(a, out, prefix, "true");
		return RC_OK;
	case JSON_FALSE:
		kv_add(a, out, prefix, "false");
		return RC_OK;
	case JSON_NULL:
		return RC_OK;
	case JSON_ARRAY:
		/* Only whole-document readers (the admin API) use lists. */
		return RC_OK;
	default:
		return RC_BADREQ;
	}
}

enum rc
form_parse_json(struct arena *a, const char *p, size_t n, struct kvlist *out,
    json_t **root)
{
	json_error_t	 err;
	json_t		*doc;

	out->v = NULL;
	out->n = 0;
	doc = json_loadb(p, n, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL || !json_is_object(doc))
		return RC_BADREQ;
	if (flatten(a, doc, "", out, 0) != RC_OK)
		return RC_BADREQ;
	*root = doc;
	return RC_OK;
}

char *
form_escape(struct arena *a, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b;

	buf_init(&b, a);
	for (; *s != '\0'; s++) {
		unsigned char	 c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_addch(&b, (char)c);
		else {
			buf_addch(&b, '%');
			buf_addch(&b, hex[c >> 4]);
			buf_addch(&b, hex[c & 15]);
		}
	}
	return b.ptr;
}

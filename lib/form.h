/* SPDX-License-Identifier: MIT */
/*
 * form: the request parameter parsers -- application/x-www-form-urlencoded
 * (also used for query strings) and JSON bodies flattened to the same
 * dotted keys ({"traits":{"email":..}} == "traits.email=..."), the way
 * Kratos's decoder treats them.
 *
 * The parsers are pure: no I/O, no logging.  Their results live in the
 * arena.  Every value is checked to be valid UTF-8 without NUL bytes, and a
 * key given twice is refused (HTTP parameter pollution).
 */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>

#include <jansson.h>

#include "rc.h"

struct arena;

/* More fields than any form has are refused (HTTP parameter flooding). */
#define FORM_MAX_FIELDS	128

struct kv {
	const char	*key;
	const char	*val;
};

struct kvlist {
	struct kv	*v;
	size_t		 n;
};

/* The value of key, or NULL. */
const char	*kv_get(const struct kvlist *l, const char *key);

/* Append key=val (arena copies not made: both must outlive the list). */
void		 kv_add(struct arena *a, struct kvlist *l, const char *key,
		    const char *val);

/*
 * Parse "a=1&b=2" (RFC 1866 §8.2.1 / WHATWG urlencoded): '+' is a space,
 * %XX is a byte, empty pairs are skipped.  RC_OK, or RC_BADREQ on a bad
 * escape, invalid UTF-8, a NUL byte, or a duplicate key.
 */
enum rc	 form_parse_urlencoded(struct arena *a, const char *p, size_t n,
	    struct kvlist *out);

/*
 * Parse a JSON object body and flatten it into dotted keys; *root gets the
 * parsed document.  Strings keep their value, numbers and booleans their
 * JSON text; null and arrays are left out of the flat list (the admin API
 * reads them from *root).  RC_OK or RC_BADREQ.
 */
enum rc	 form_parse_json(struct arena *a, const char *p, size_t n,
	    struct kvlist *out, json_t **root);

/* Percent-encode s for a URL query component (RFC 3986 unreserved kept). */
char	*form_escape(struct arena *a, const char *s);

#endif /* FORM_H */

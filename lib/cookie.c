/* SPDX-License-Identifier: MIT */
/*
 * cookie: parse the Cookie header and format Set-Cookie values.
 */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "str.h"

void
cookie_parse(struct arena *a, const char *h, struct kvlist *out)
{
	const char	*end, *eq, *ks, *ke, *vs, *ve;

	out->v = NULL;
	out->n = 0;
	if (h == NULL)
		return;
	while (*h != '\0') {
		if ((end = strchr(h, ';')) == NULL)
			end = h + strlen(h);
		eq = memchr(h, '=', (size_t)(end - h));
		if (eq != NULL) {
			for (ks = h; ks < eq && (*ks == ' ' || *ks == '\t'); ks++)
				continue;
			for (ke = eq; ke > ks && (ke[-1] == ' ' ||
			    ke[-1] == '\t'); ke--)
				continue;
			for (vs = eq + 1; vs < end && *vs == ' '; vs++)
				continue;
			for (ve = end; ve > vs && ve[-1] == ' '; ve--)
				continue;

			/* Quoted values are allowed by RFC 6265; unquote. */
			if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
				vs++;
				ve--;
			}
			if (ke > ks) {
				char *k = arena_strndup(a, ks, (size_t)(ke - ks));

				if (kv_get(out, k) == NULL &&
				    str_is_utf8(vs, (size_t)(ve - vs)))
					kv_add(a, out, k, arena_strndup(a, vs,
					    (size_t)(ve - vs)));
			}
		}
		h = *end ? end + 1 : end;
	}
}

char *
cookie_format(struct arena *a, const char *name, const char *value,
    const struct cookie_attrs *c)
{
	struct buf	 b;

	buf_init(&b, a);
	buf_addf(&b, "%s=%s; Path=%s", name, value, c->path ? c->path : "/");
	if (c->max_age < 0)
		buf_addstr(&b, "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
	else if (c->max_age > 0)
		buf_addf(&b, "; Max-Age=%ld", c->max_age);
	if (c->http_only)
		buf_addstr(&b, "; HttpOnly");
	if (c->secure)
		buf_addstr(&b, "; Secure");
	buf_addf(&b, "; SameSite=%s", c->same_site ? c->same_site : "Lax");
	return b.ptr;
}

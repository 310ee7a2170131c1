/* SPDX-License-Identifier: MIT */
/*
 * cookie: the Cookie request header (RFC 6265 §5.4 shape) and Set-Cookie
 * response lines.  Pure functions over arena memory.
 */
#ifndef COOKIE_H
#define COOKIE_H

#include "form.h"
#include "rc.h"

struct arena;

/*
 * Parse "a=1; b=2".  Malformed pairs are skipped, not fatal: browsers send
 * what other sites on the domain set.  When a name repeats, the first
 * value wins (the most specific path, RFC 6265 §5.4 step 2).
 */
void	 cookie_parse(struct arena *a, const char *header, struct kvlist *out);

struct cookie_attrs {
	const char	*path;		/* "/" when NULL */
	const char	*same_site;	/* "Lax" when NULL */
	int		 secure;
	int		 http_only;
	long		 max_age;	/* -1: delete; 0: session cookie */
};

/* The Set-Cookie header value for name=value with attrs, in the arena. */
char	*cookie_format(struct arena *a, const char *name, const char *value,
	    const struct cookie_attrs *attrs);

#endif /* COOKIE_H */

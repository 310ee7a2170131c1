/* SPDX-License-Identifier: MIT */
/*
 * schema: the identity schema (a JSON Schema in Kratos's shape) reduced to
 * what Gatehouse supports: a flat "traits" object of string properties,
 * with titles, length limits, the "email" format, "required", and the
 * trait marked as the password identifier
 * ("ory.sh/kratos": {"credentials": {"password": {"identifier": true}}}).
 * Anything else in the schema is refused at start-up, not ignored.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

#include <jansson.h>

struct schema_prop {
	char	*name;		/* "email" */
	char	*field;		/* "traits.email", the form field */
	char	*title;		/* "E-Mail", or NULL */
	int	 email;		/* "format": "email" */
	int	 required;
	int	 identifier;	/* the password identifier */
	size_t	 min_len;
	size_t	 max_len;	/* 0: no limit beyond the body size */
};

struct schema {
	char			*id;
	struct schema_prop	*props;
	size_t			 nprops;
	const struct schema_prop *identifier;
	int			 additional;	/* additionalProperties allowed */
};

/*
 * Load the schema file.  Returns 0 with *out set (caller frees with
 * schema_free), or -1 with a message in err.
 */
int	schema_load(const char *path, struct schema **out, char *err,
	    size_t errlen);

void	schema_free(struct schema *s);

/* One validation failure, in terms the flow turns into a message. */
struct schema_error {
	const char	*field;		/* "traits.email" */
	int		 msg;		/* enum msg */
	long		 a, b;		/* numeric arguments of the message */
	const char	*s;		/* string argument */
};

/*
 * Check traits (a JSON object) against the schema.  Writes at most max
 * errors and returns how many there were.  Pure: no I/O.  Traits are
 * normalised in place first: strings trimmed, the email lower-cased.
 */
size_t	schema_check(const struct schema *s, json_t *traits,
	    struct schema_error *errs, size_t max);

/* 1 if s looks like an email address (RFC 5321 shape, bounded lengths). */
int	schema_is_email(const char *s);

#endif /* SCHEMA_H */

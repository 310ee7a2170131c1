/* SPDX-License-Identifier: MIT */
/*
 * schema: load the identity schema once at start-up and validate traits
 * on every registration and profile change.  The schema file is parsed
 * with jansson into start-up memory; the reduced form is malloc()ed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "schema.h"
#include "str.h"
#include "text.h"

static int
err_out(char *err, size_t len, const char *msg, const char *detail)
{
	snprintf(err, len, "%s%s%s", msg, detail ? ": " : "",
	    detail ? detail : "");
	return -1;
}

static int
load_prop(struct schema_prop *p, const char *name, json_t *def, char *err,
    size_t errlen)
{
	json_t		*v, *k;
	const char	*key;

	p->name = mem_strdup(name);
	p->field = mem_alloc(strlen(name) + 8);
	snprintf(p->field, strlen(name) + 8, "traits.%s", name);
	if (!json_is_object(def) ||
	    !json_is_string(json_object_get(def, "type")) ||
	    strcmp(json_string_value(json_object_get(def, "type")),
	    "string") != 0)
		return err_out(err, errlen,
		    "only string traits are supported; trait", name);
	json_object_foreach(def, key, v) {
		if (strcmp(key, "type") == 0)
			continue;
		if (strcmp(key, "title") == 0 && json_is_string(v))
			p->title = mem_strdup(json_string_value(v));
		else if (strcmp(key, "format") == 0 && json_is_string(v)) {
			if (strcmp(json_string_value(v), "email") != 0)
				return err_out(err, errlen,
				    "unsupported format on trait", name);
			p->email = 1;
		} else if (strcmp(key, "minLength") == 0 && json_is_integer(v) &&
		    json_integer_value(v) >= 0)
			p->min_len = (size_t)json_integer_value(v);
		else if (strcmp(key, "maxLength") == 0 && json_is_integer(v) &&
		    json_integer_value(v) > 0)
			p->max_len = (size_t)json_integer_value(v);
		else if (strcmp(key, "ory.sh/kratos") == 0) {
			k = json_object_get(json_object_get(
			    json_object_get(v, "credentials"), "password"),
			    "identifier");
			p->identifier = json_is_true(k);
		} else if (strcmp(key, "description") != 0)
			return err_out(err, errlen,
			    "unsupported schema keyword on a trait", key);
	}
	return 0;
}

int
schema_load(const char *path, struct schema **out, char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*root, *traits, *props, *req, *v;
	struct schema	*s;
	const char	*name;
	size_t		 i;
	char		 where[300];

	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		snprintf(where, sizeof(where), "%s:%d: %s", path, jerr.line,
		    jerr.text);
		return err_out(err, errlen, "identity schema", where);
	}
	traits = json_object_get(json_object_get(root, "properties"), "traits");
	props = json_object_get(traits, "properties");
	if (!json_is_object(props) || json_object_size(props) == 0)
		return err_out(err, errlen, "identity schema has no "
		    "properties.traits.properties", path);
	s = mem_calloc(1, sizeof(*s));
	s->props = mem_calloc(json_object_size(props), sizeof(*s->props));
	json_object_foreach(props, name, v) {
		if (load_prop(&s->props[s->nprops++], name, v, err,
		    errlen) == -1) {
			schema_free(s);
			return -1;
		}
		if (s->props[s->nprops - 1].identifier) {
			if (s->identifier != NULL) {
				schema_free(s);
				return err_out(err, errlen, "identity schema "
				    "marks more than one password identifier",
				    name);
			}
			s->identifier = &s->props[s->nprops - 1];
		}
	}
	req = json_object_get(traits, "required");
	for (i = 0; i < json_array_size(req); i++) {
		const char *r = json_string_value(json_array_get(req, i));
		size_t	    j;

		for (j = 0; r != NULL && j < s->nprops; j++)
			if (strcmp(s->props[j].name, r) == 0)
				s->props[j].required = 1;
	}
	s->additional = !json_is_false(json_object_get(traits,
	    "additionalProperties"));
	if (s->identifier == NULL) {
		schema_free(s);
		return err_out(err, errlen, "identity schema marks no trait "
		    "as the password identifier (\"ory.sh/kratos\": "
		    "{\"credentials\": {\"password\": {\"identifier\": true}}})",
		    NULL);
	}
	if (!s->identifier->required)
		s->props[s->identifier - s->props].required = 1;
	*out = s;
	return 0;
}

void
schema_free(struct schema *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nprops; i++) {
		free(s->props[i].name);
		free(s->props[i].field);
		free(s->props[i].title);
	}
	free(s->props);
	free(s);
}

int
schema_is_email(const char *s)
{
	const char	*at = strchr(s, '@'), *p;
	size_t		 local, domain;

	if (at == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	local = (size_t)(at - s);
	domain = strlen(at + 1);
	if (local == 0 || local > 64 || domain == 0 || domain > 253)
		return 0;
	for (p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || strchr("()<>[]:;,\\\"", *p))
			return 0;
	for (p = at + 1; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '.' ||
		    (unsigned char)*p >= 0x80))
			return 0;
	return at[1] != '.' && at[1] != '-' && p[-1] != '.';
}

/* Count UTF-8 code points, as JSON Schema's minLength/maxLength do. */
static size_t
utf8_len(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
add(struct schema_error *errs, size_t max, size_t *n, const char *field,
    int msg, long a, long b, const char *s)
{
	if (*n < max) {
		errs[*n].field = field;
		errs[*n].msg = msg;
		errs[*n].a = a;
		errs[*n].b = b;
		errs[*n].s = s;
	}
	(*n)++;
}

size_t
schema_check(const struct schema *s, json_t *traits,
    struct schema_error *errs, size_t max)
{
	size_t		 i, n = 0, len;
	const char	*key, *v;
	json_t		*val;
	char		*t, *start, *end;

	if (!json_is_object(traits)) {
		add(errs, max, &n, "traits", MSG_VALIDATION_GENERIC, 0, 0,
		    "traits must be an object");
		return n;
	}
	json_object_foreach(traits, key, val) {
		const struct schema_prop *p = NULL;

		for (i = 0; i < s->nprops; i++)
			if (strcmp(s->props[i].name, key) == 0)
				p = &s->props[i];
		if (p == NULL && !s->additional) {
			add(errs, max, &n, "traits", MSG_VALIDATION_GENERIC, 0,
			    0, "additional properties are not allowed");
			continue;
		}
		if (p != NULL && !json_is_string(val)) {
			add(errs, max, &n, "traits", MSG_VALIDATION_GENERIC, 0,
			    0, "traits must be strings");
			continue;
		}
	}
	if (n > 0)
		return n;
	for (i = 0; i < s->nprops; i++) {
		const struct schema_prop *p = &s->props[i];

		val = json_object_get(traits, p->name);

		/* Trim surrounding white space; lower-case the email. */
		if (val != NULL) {
			t = mem_strdup(json_string_value(val));
			for (start = t; isspace((unsigned char)*start); start++)
				continue;
			end = start + strlen(start);
			while (end > start && isspace((unsigned char)end[-1]))
				*--end = '\0';
			if (p->email)
				for (end = start; *end != '\0'; end++)
					*end = (char)tolower((unsigned char)*end);
			json_string_set(val, start);
			free(t);
		}
		v = val ? json_string_value(val) : NULL;
		if (v == NULL || *v == '\0') {
			if (val != NULL)
				json_object_del(traits, p->name);
			if (p->required)
				add(errs, max, &n, p->field,
				    MSG_VALIDATION_MISSING, 0, 0, p->name);
			continue;
		}
		len = utf8_len(v);
		if (len < p->min_len)
			add(errs, max, &n, p->field, MSG_VALIDATION_MIN_LENGTH,
			    (long)p->min_len, (long)len, NULL);
		else if (p->max_len && len > p->max_len)
			add(errs, max, &n, p->field, MSG_VALIDATION_MAX_LENGTH,
			    (long)p->max_len, (long)len, NULL);
		else if (p->email && !schema_is_email(v))
			add(errs, max, &n, p->field, MSG_EMAIL_INVALID, 0, 0,
			    NULL);
	}
	return n;
}

/* SPDX-License-Identifier: MIT */
/*
 * config: load gatehouse.yml with libyaml's document API, check every key
 * against a table of known keys (so a typo is an error, not a silently
 * ignored setting), and fill struct config.  Start-up code only: memory is
 * malloc()ed and released by config_release().
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "crypto.h"
#include "mem.h"
#include "schema.h"
#include "str.h"

enum ktype {
	K_STR,		/* scalar string */
	K_URL,		/* absolute http(s) URL */
	K_BOOL,
	K_INT,
	K_DURATION,
	K_BYTES,
	K_STRLIST,	/* sequence of strings */
	K_SCHEMAS,	/* identity.schemas: sequence of {id, url} */
	K_HOOKS,	/* a sequence of {hook: name} */
};

struct key {
	const char	*path;
	enum ktype	 type;
};

/* Every key the file may hold; anything else is reported as unknown. */
static const struct key keys[] = {
	{ "version", K_STR },
	{ "dsn", K_STR },
	{ "serve.public.base_url", K_URL },
	{ "selfservice.default_browser_return_url", K_URL },
	{ "selfservice.allowed_return_urls", K_STRLIST },
	{ "selfservice.flows.login.ui_url", K_URL },
	{ "selfservice.flows.login.lifespan", K_DURATION },
	{ "selfservice.flows.registration.ui_url", K_URL },
	{ "selfservice.flows.registration.lifespan", K_DURATION },
	{ "selfservice.flows.settings.ui_url", K_URL },
	{ "selfservice.flows.settings.lifespan", K_DURATION },
	{ "selfservice.flows.settings.privileged_session_max_age", K_DURATION },
	{ "selfservice.flows.error.ui_url", K_URL },
	{ "selfservice.flows.logout.after.default_browser_return_url", K_URL },
	{ "selfservice.flows.registration.after.hooks", K_HOOKS },
	{ "selfservice.flows.registration.after.password.hooks", K_HOOKS },
	{ "selfservice.flows.settings.required_aal", K_STR },
	{ "selfservice.methods.password.enabled", K_BOOL },
	{ "selfservice.methods.totp.enabled", K_BOOL },
	{ "selfservice.methods.totp.config.issuer", K_STR },
	{ "selfservice.methods.lookup_secret.enabled", K_BOOL },
	{ "session.whoami.required_aal", K_STR },
	{ "session.whoami.mfa_enrollment_grace", K_DURATION },
	{ "selfservice.methods.password.config.min_password_length", K_INT },
	{ "selfservice.methods.password.config.max_password_length", K_INT },
	{ "selfservice.methods.password.config.identifier_similarity_check_enabled",
	    K_BOOL },
	{ "selfservice.methods.password.config.haveibeenpwned_enabled", K_BOOL },
	{ "selfservice.methods.password.config.haveibeenpwned_host", K_STR },
	{ "selfservice.methods.password.config.max_breaches", K_INT },
	{ "selfservice.methods.password.config.ignore_network_errors", K_BOOL },
	{ "session.lifespan", K_DURATION },
	{ "session.cookie.name", K_STR },
	{ "session.cookie.same_site", K_STR },
	{ "secrets.cookie", K_STRLIST },
	{ "secrets.cipher", K_STRLIST },
	{ "secrets.default", K_STRLIST },
	{ "hashers.algorithm", K_STR },
	{ "hashers.argon2.memory", K_BYTES },
	{ "hashers.argon2.iterations", K_INT },
	{ "hashers.argon2.parallelism", K_INT },
	{ "identity.default_schema_id", K_STR },
	{ "identity.schemas", K_SCHEMAS },
	{ "gatehouse.templates_dir", K_STR },
	{ "gatehouse.audit.log_file", K_STR },
	{ "gatehouse.audit.notify_file", K_STR },
	{ "gatehouse.pepper_file", K_STR },
	{ "gatehouse.host_prefixed_cookies", K_BOOL },
	{ "gatehouse.throttle.enabled", K_BOOL },
	{ "gatehouse.throttle.account_free_attempts", K_INT },
	{ "gatehouse.throttle.ip_free_attempts", K_INT },
	{ "gatehouse.throttle.base_delay", K_DURATION },
	{ "gatehouse.throttle.max_delay", K_DURATION },
	{ "gatehouse.admin.api_key", K_STR },
	{ "gatehouse.admin.api_key_file", K_STR },
	{ "gatehouse.max_body_size", K_BYTES },
	{ "gatehouse.db_cache_size", K_BYTES },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

struct ctx {
	const char	*file;
	char		*dir;	/* directory of the file, for relative paths */
	yaml_document_t	 doc;
};

static int
fail(const struct ctx *c, const yaml_node_t *n, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "%s:%lu: %s: ", c->file,
	    n ? (unsigned long)n->start_mark.line + 1 : 1UL, key);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static const struct key *
key_find(const char *path)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	return NULL;
}

/* 1 if path is a proper prefix (at a dot) of some known key. */
static int
key_is_parent(const char *path)
{
	size_t	 i, n = strlen(path);

	for (i = 0; i < NKEYS; i++)
		if (strncmp(keys[i].path, path, n) == 0 &&
		    keys[i].path[n] == '.')
			return 1;
	return 0;
}

static int
check_type(struct ctx *c, yaml_node_t *n, const struct key *k)
{
	yaml_node_item_t	*it;

	switch (k->type) {
	case K_STRLIST:
		if (n->type != YAML_SEQUENCE_NODE)
			return fail(c, n, k->path, "expected a list");
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if (yaml_document_get_node(&c->doc, *it)->type !=
			    YAML_SCALAR_NODE)
				return fail(c, n, k->path,
				    "expected a list of strings");
		return 0;
	case K_SCHEMAS:
		if (n->type != YAML_SEQUENCE_NODE)
			return fail(c, n, k->path,
			    "expected a list of {id, url}");
		return 0;
	case K_HOOKS:
		if (n->type != YAML_SEQUENCE_NODE)
			return fail(c, n, k->path,
			    "expected a list of {hook: name}");
		return 0;
	default:
		if (n->type != YAML_SCALAR_NODE)
			return fail(c, n, k->path, "expected a single value");
		return 0;
	}
}

/* Walk the tree and reject unknown keys and structural type errors. */
static int
check_tree(struct ctx *c, yaml_node_t *n, const char *path)
{
	yaml_node_pair_t	*p;
	const struct key	*k;
	char			 sub[256];

	if (*path != '\0') {
		if ((k = key_find(path)) != NULL)
			return check_type(c, n, k);
		if (!key_is_parent(path))
			return fail(c, n, path, "unknown key");
	}
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, *path ? path : "(top)",
		    "expected a mapping of keys");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t	*kn = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t	*vn = yaml_document_get_node(&c->doc, p->value);

		/*
		 * An empty key would leave the path as it is, so an alias
		 * back to an ancestor (&a {"": *a}) would recurse forever.
		 */
		if (kn->type != YAML_SCALAR_NODE ||
		    *kn->data.scalar.value == '\0')
			return fail(c, kn, path,
			    "keys must be plain, non-empty strings");
		if (snprintf(sub, sizeof(sub), "%s%s%s", path,
		    *path ? "." : "", (char *)kn->data.scalar.value) >=
		    (int)sizeof(sub))
			return fail(c, kn, path, "key too long");
		if (check_tree(c, vn, sub) == -1)
			return -1;
	}
	return 0;
}

/* The node at a dotted path, or NULL when the key is absent. */
static yaml_node_t *
lookup(struct ctx *c, const char *path)
{
	yaml_node_t	*n = yaml_document_get_root_node(&c->doc);
	char		 buf[256], *seg, *save = NULL;

	str_copy(buf, path, sizeof(buf));
	for (seg = strtok_r(buf, ".", &save); seg != NULL && n != NULL;
	    seg = strtok_r(NULL, ".", &save)) {
		yaml_node_pair_t	*p;
		yaml_node_t		*next = NULL;

		if (n->type != YAML_MAPPING_NODE)
			return NULL;
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *kn = yaml_document_get_node(&c->doc, p->key);

			if (strcmp((char *)kn->data.scalar.value, seg) == 0)
				next = yaml_document_get_node(&c->doc,
				    p->value);
		}
		n = next;
	}
	return n;
}

/*
 * A scalar's text, or "" for a sequence or mapping: entries of lists that
 * check_tree() does not walk ({id, url}, {hook: name}) may have them as
 * keys, and their data is not a string.
 */
static const char *
scalar(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : "";
}

static int
get_str(struct ctx *c, const char *path, const char *def, char **out)
{
	yaml_node_t	*n = lookup(c, path);
	const char	*v = n ? scalar(n) : def;

	if (v == NULL)
		return fail(c, NULL, path, "missing (required)");
	if (n != NULL && *v == '\0')
		return fail(c, n, path, "must not be empty");
	*out = mem_strdup(v);
	return 0;
}

static int
is_http_url(const char *s)
{
	return (str_has_prefix(s, "http://") && s[7] != '\0' && s[7] != '/') ||
	    (str_has_prefix(s, "https://") && s[8] != '\0' && s[8] != '/');
}

static int
get_url(struct ctx *c, const char *path, const char *def, char **out)
{
	yaml_node_t	*n = lookup(c, path);

	if (get_str(c, path, def, out) == -1)
		return -1;
	if (!is_http_url(*out) || strpbrk(*out, " \t\r\n\"'<>") != NULL) {
		free(*out);
		*out = NULL;
		return fail(c, n, path, "expected an absolute http(s) URL");
	}
	return 0;
}

static int
get_bool(struct ctx *c, const char *path, int def, int *out)
{
	yaml_node_t	*n = lookup(c, path);

	if (n == NULL) {
		*out = def;
		return 0;
	}
	if (strcmp(scalar(n), "true") == 0)
		*out = 1;
	else if (strcmp(scalar(n), "false") == 0)
		*out = 0;
	else
		return fail(c, n, path, "expected true or false");
	return 0;
}

static int
get_int(struct ctx *c, const char *path, int64_t def, int64_t min,
    int64_t max, int64_t *out)
{
	yaml_node_t	*n = lookup(c, path);
	const char	*errstr;

	if (n == NULL) {
		*out = def;
		return 0;
	}
	*out = str_to_i64(scalar(n), min, max, &errstr);
	if (errstr != NULL)
		return fail(c, n, path, "%s (expected %lld to %lld)", errstr,
		    (long long)min, (long long)max);
	return 0;
}

static int
get_duration(struct ctx *c, const char *path, int64_t def, int64_t min,
    int64_t *out)
{
	yaml_node_t	*n = lookup(c, path);

	if (n == NULL) {
		*out = def;
		return 0;
	}
	if (str_to_duration(scalar(n), out) == -1 || *out < min)
		return fail(c, n, path,
		    "expected a duration such as 30s, 15m, 1h or 1h30m%s",
		    min > 0 ? " (at least 1s)" : "");
	return 0;
}

static int
get_bytes(struct ctx *c, const char *path, uint64_t def, uint64_t min,
    uint64_t max, uint64_t *out)
{
	yaml_node_t	*n = lookup(c, path);

	if (n == NULL) {
		*out = def;
		return 0;
	}
	if (str_to_bytes(scalar(n), out) == -1)
		return fail(c, n, path, "expected a size such as 64KB or 19MB");
	if (*out < min || *out > max)
		return fail(c, n, path, "out of range (%llu to %llu bytes)",
		    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* Resolve p against the configuration file's directory. */
static char *
resolve(struct ctx *c, const char *p)
{
	size_t	 n;
	char	*out;

	if (str_has_prefix(p, "file://"))
		p += 7;
	if (*p == '/')
		return mem_strdup(p);
	n = mem_size_add(mem_size_add(strlen(c->dir), strlen(p)), 2);
	out = mem_alloc(n);
	snprintf(out, n, "%s/%s", c->dir, p);
	return out;
}

static int
get_secrets(struct ctx *c, const char *path, size_t minlen, size_t exact,
    unsigned char ***out, size_t **lens, size_t *count)
{
	yaml_node_t		*n = lookup(c, path), *fallback;
	yaml_node_item_t	*it;
	size_t			 i = 0, len;

	/* Kratos falls back to secrets.default for both lists. */
	if (n == NULL && (fallback = lookup(c, "secrets.default")) != NULL)
		n = fallback;
	if (n == NULL || n->data.sequence.items.top ==
	    n->data.sequence.items.start)
		return fail(c, n, path, "at least one secret is required");
	*count = (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
	*out = mem_calloc(*count, sizeof(**out));
	*lens = mem_calloc(*count, sizeof(**lens));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *sn = yaml_document_get_node(&c->doc, *it);
		const char  *s = scalar(sn);

		len = strlen(s);
		if (len < minlen || (exact && len != exact))
			return fail(c, sn, path,
			    exact ? "each secret must be exactly %zu characters"
			    : "each secret must be at least %zu characters",
			    exact ? exact : minlen);
		(*out)[i] = (unsigned char *)mem_strdup(s);
		(*lens)[i] = len;
	}
	return 0;
}

static int
get_strlist(struct ctx *c, const char *path, char ***out, size_t *count)
{
	yaml_node_t		*n = lookup(c, path);
	yaml_node_item_t	*it;
	size_t			 i = 0;

	*out = NULL;
	*count = 0;
	if (n == NULL)
		return 0;
	*count = (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
	*out = mem_calloc(*count ? *count : 1, sizeof(char *));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *sn = yaml_document_get_node(&c->doc, *it);

		if (!is_http_url(scalar(sn)))
			return fail(c, sn, path,
			    "expected absolute http(s) URLs");
		(*out)[i] = mem_strdup(scalar(sn));
	}
	return 0;
}

/* identity.schemas: find the entry whose id is default_schema_id. */
static int
get_schema(struct ctx *c, struct config *cfg)
{
	yaml_node_t		*n;
	yaml_node_item_t	*it;

	if (get_str(c, "identity.default_schema_id", "default",
	    &cfg->schema_id) == -1)
		return -1;
	if ((n = lookup(c, "identity.schemas")) == NULL)
		return fail(c, NULL, "identity.schemas",
		    "missing (required): a list of {id, url}");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		yaml_node_t		*e = yaml_document_get_node(&c->doc, *it);
		yaml_node_pair_t	*p;
		const char		*id = NULL, *url = NULL;

		if (e->type != YAML_MAPPING_NODE)
			return fail(c, e, "identity.schemas",
			    "each entry must be {id, url}");
		for (p = e->data.mapping.pairs.start;
		    p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);

			if (v->type != YAML_SCALAR_NODE)
				return fail(c, v, "identity.schemas",
				    "id and url must be strings");
			if (strcmp(scalar(k), "id") == 0)
				id = scalar(v);
			else if (strcmp(scalar(k), "url") == 0)
				url = scalar(v);
			else
				return fail(c, k, "identity.schemas",
				    "unknown key %s", scalar(k));
		}
		if (id == NULL || url == NULL)
			return fail(c, e, "identity.schemas",
			    "each entry needs an id and a url");
		if (strcmp(id, cfg->schema_id) == 0) {
			char	 err[512];

			cfg->schema_path = resolve(c, url);
			if (schema_load(cfg->schema_path, &cfg->schema, err,
			    sizeof(err)) == -1)
				return fail(c, e, "identity.schemas", "%s", err);
			return 0;
		}
	}
	return fail(c, n, "identity.schemas", "no schema with id \"%s\"",
	    cfg->schema_id);
}

static int
get_aal(struct ctx *c, const char *path, int allow_aal2,
    enum aal_policy *out)
{
	yaml_node_t	*n = lookup(c, path);
	const char	*v = n ? scalar(n) : "highest_available";

	if (strcmp(v, "aal1") == 0)
		*out = AAL_POLICY_AAL1;
	else if (strcmp(v, "highest_available") == 0)
		*out = AAL_POLICY_HIGHEST;
	else if (allow_aal2 && strcmp(v, "aal2") == 0)
		*out = AAL_POLICY_AAL2;
	else
		return fail(c, n, path, allow_aal2 ?
		    "expected aal1, highest_available or aal2" :
		    "expected aal1 or highest_available");
	return 0;
}

/*
 * Kratos's precedence: a non-empty after.password.hooks list is used
 * alone; otherwise after.hooks.  With neither, the new identity is signed
 * in (the session hook), as a walking skeleton would expect.
 */
static int
get_hooks(struct ctx *c, struct config *cfg)
{
	static const char *const paths[] = {
	    "selfservice.flows.registration.after.password.hooks",
	    "selfservice.flows.registration.after.hooks" };
	yaml_node_t		*n = NULL;
	yaml_node_item_t	*it;
	const char		*path = NULL;
	size_t			 i;

	for (i = 0; i < 2 && n == NULL; i++)
		if ((n = lookup(c, paths[i])) != NULL &&
		    n->data.sequence.items.top == n->data.sequence.items.start)
			n = NULL;
		else
			path = paths[i];
	if (n == NULL) {
		cfg->registration_hooks = HOOK_SESSION;
		return 0;
	}
	cfg->registration_hooks = 0;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		yaml_node_t		*e = yaml_document_get_node(&c->doc, *it);
		yaml_node_pair_t	*p;
		const char		*name = NULL;

		if (e->type != YAML_MAPPING_NODE)
			return fail(c, e, path, "each entry must be {hook: name}");
		for (p = e->data.mapping.pairs.start;
		    p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);

			if (strcmp(scalar(k), "hook") == 0 &&
			    v->type == YAML_SCALAR_NODE)
				name = scalar(v);
			else if (strcmp(scalar(k), "config") != 0)
				return fail(c, k, path, "unknown key %s",
				    scalar(k));
		}
		if (name != NULL && strcmp(name, "session") == 0)
			cfg->registration_hooks |= HOOK_SESSION;
		else if (name != NULL && strcmp(name, "show_mfa_setup") == 0)
			cfg->registration_hooks |= HOOK_SHOW_MFA_SETUP;
		else
			return fail(c, e, path, "unsupported hook %s (expected "
			    "session or show_mfa_setup)", name ? name : "(none)");
	}
	if ((cfg->registration_hooks & HOOK_SHOW_MFA_SETUP) &&
	    !(cfg->registration_hooks & HOOK_SESSION))
		return fail(c, n, path,
		    "show_mfa_setup needs the session hook before it");
	return 0;
}

/*
 * The admin API is off unless a key is configured, inline or in a file
 * (so the key can live outside a config that is shared or versioned).
 * Only its SHA-256 is kept: requests are compared hash to hash.
 */
static int
get_admin_key(struct ctx *c, struct config *cfg)
{
	yaml_node_t	*inl = lookup(c, "gatehouse.admin.api_key");
	yaml_node_t	*file = lookup(c, "gatehouse.admin.api_key_file");
	char		 buf[512], *path;
	FILE		*fp;
	size_t		 n;

	if (inl != NULL && file != NULL)
		return fail(c, file, "gatehouse.admin.api_key_file",
		    "set api_key or api_key_file, not both");
	if (inl != NULL) {
		if (strlen(scalar(inl)) < 32)
			return fail(c, inl, "gatehouse.admin.api_key",
			    "use at least 32 characters");
		crypto_sha256(scalar(inl), strlen(scalar(inl)),
		    cfg->admin_key_hash);
		cfg->admin_enabled = 1;
		return 0;
	}
	if (file == NULL)
		return 0;
	path = resolve(c, scalar(file));
	if ((fp = fopen(path, "r")) == NULL) {
		fail(c, file, "gatehouse.admin.api_key_file", "%s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	free(path);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strlen(buf) < 32) {
		crypto_wipe(buf, sizeof(buf));
		return fail(c, file, "gatehouse.admin.api_key_file",
		    "the key in the file must be at least 32 characters");
	}
	crypto_sha256(buf, strlen(buf), cfg->admin_key_hash);
	crypto_wipe(buf, sizeof(buf));
	cfg->admin_enabled = 1;
	return 0;
}

/*
 * An optional pepper: a secret kept in a file outside the database (and,
 * ideally, outside the backups), mixed into every new password hash.
 */
static int
get_pepper(struct ctx *c, struct config *cfg)
{
	yaml_node_t	*n = lookup(c, "gatehouse.pepper_file");
	unsigned char	 buf[256], h[32];
	char		*path;
	FILE		*fp;
	size_t		 len;

	if (n == NULL)
		return 0;
	path = resolve(c, scalar(n));
	fp = fopen(path, "r");
	if (fp == NULL) {
		fail(c, n, "gatehouse.pepper_file", "%s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len < 16) {
		crypto_wipe(buf, sizeof(buf));
		return fail(c, n, "gatehouse.pepper_file",
		    "the pepper must be at least 16 bytes");
	}
	cfg->pepper = mem_alloc(len);
	memcpy(cfg->pepper, buf, len);
	cfg->pepper_len = len;
	crypto_wipe(buf, sizeof(buf));
	crypto_sha256(cfg->pepper, len, h);
	snprintf(cfg->pepper_id, sizeof(cfg->pepper_id), "%02x%02x%02x%02x",
	    h[0], h[1], h[2], h[3]);
	return 0;
}

/* Split the base URL into origin and path; both are derived, not configured. */
static int
split_base(struct ctx *c, struct config *cfg)
{
	const char	*u = cfg->base_url, *host, *slash;
	size_t		 n = strlen(u);

	/* Always end in '/', so base + "login" is a path below it. */
	if (u[n - 1] != '/') {
		char	*t = mem_alloc(n + 2);

		memcpy(t, u, n);
		t[n] = '/';
		t[n + 1] = '\0';
		free(cfg->base_url);
		cfg->base_url = t;
		u = t;
	}
	cfg->https = str_has_prefix(u, "https://");
	host = u + (cfg->https ? 8 : 7);
	slash = strchr(host, '/');
	if (strpbrk(u, "?#") != NULL)
		return fail(c, lookup(c, "serve.public.base_url"),
		    "serve.public.base_url", "must not hold a query or fragment");
	cfg->origin = mem_alloc((size_t)(slash - u) + 1);
	memcpy(cfg->origin, u, (size_t)(slash - u));
	cfg->origin[slash - u] = '\0';
	cfg->base_path = mem_strdup(slash);
	return 0;
}

static char *
join(const char *base, const char *rel)
{
	size_t	 n = mem_size_add(mem_size_add(strlen(base), strlen(rel)), 1);
	char	*out = mem_alloc(n);

	snprintf(out, n, "%s%s", base, rel);
	return out;
}

static int
fill(struct ctx *c, struct config *cfg)
{
	static const char *const flow_names[FLOW__MAX] = {
		"login", "registration", "settings", "error" };
	int64_t		 v;
	uint64_t	 b;
	char		 path[128], *def, *dsn, *tdir;
	int		 hardened;
	size_t		 i;
	unsigned char	 h[32];
	yaml_node_t	*n;

	if (get_url(c, "serve.public.base_url", NULL, &cfg->base_url) == -1 ||
	    split_base(c, cfg) == -1)
		return -1;
	{
		/* The host name without a port, as Kratos uses. */
		const char *host = cfg->origin + (cfg->https ? 8 : 7);
		char	    hostname[256];
		size_t	    hlen = *host == '[' ? strcspn(host, "]") + 1 :
		    strcspn(host, ":");

		snprintf(hostname, sizeof(hostname), "%.*s", (int)hlen, host);
		if (get_str(c, "selfservice.methods.totp.config.issuer",
		    hostname, &cfg->totp_issuer) == -1)
			return -1;
		if (strchr(cfg->totp_issuer, ':') != NULL)
			return fail(c, lookup(c,
			    "selfservice.methods.totp.config.issuer"),
			    "selfservice.methods.totp.config.issuer",
			    "must not contain a colon (otpauth label syntax)");
	}
	if (get_url(c, "selfservice.default_browser_return_url",
	    cfg->base_url, &cfg->default_return_url) == -1)
		return -1;
	if (get_strlist(c, "selfservice.allowed_return_urls",
	    &cfg->allowed_return_urls, &cfg->allowed_return_urls_len) == -1)
		return -1;
	for (i = 0; i < FLOW__MAX; i++) {
		def = join(cfg->base_url, flow_names[i]);
		snprintf(path, sizeof(path), "selfservice.flows.%s.ui_url",
		    flow_names[i]);
		if (get_url(c, path, def, &cfg->flows[i].ui_url) == -1) {
			free(def);
			return -1;
		}
		free(def);
		snprintf(path, sizeof(path), "selfservice.flows.%s.lifespan",
		    flow_names[i]);
		if (i != FLOW_ERROR && get_duration(c, path, 3600, 1,
		    &cfg->flows[i].lifespan) == -1)
			return -1;
	}
	if (get_duration(c,
	    "selfservice.flows.settings.privileged_session_max_age", 900, 0,
	    &cfg->privileged_max_age) == -1)
		return -1;
	if (get_url(c, "selfservice.flows.logout.after.default_browser_return_url",
	    cfg->default_return_url, &cfg->logout_return_url) == -1)
		return -1;
	if (get_bool(c, "selfservice.methods.password.enabled", 1,
	    &cfg->password_enabled) == -1)
		return -1;
	if (get_int(c, "selfservice.methods.password.config.min_password_length",
	    8, 6, 1024, &v) == -1)
		return -1;
	cfg->password_min = (size_t)v;
	if (get_int(c, "selfservice.methods.password.config.max_password_length",
	    1024, 64, 4096, &v) == -1)
		return -1;
	cfg->password_max = (size_t)v;
	if (get_bool(c, "selfservice.methods.password.config."
	    "identifier_similarity_check_enabled", 1,
	    &cfg->password_similarity) == -1 ||
	    get_bool(c, "selfservice.methods.password.config."
	    "haveibeenpwned_enabled", 0, &cfg->hibp_enabled) == -1 ||
	    get_str(c, "selfservice.methods.password.config."
	    "haveibeenpwned_host", "api.pwnedpasswords.com",
	    &cfg->hibp_host) == -1 ||
	    get_int(c, "selfservice.methods.password.config.max_breaches", 0,
	    0, 1000000000, &cfg->hibp_max_breaches) == -1 ||
	    get_bool(c, "selfservice.methods.password.config."
	    "ignore_network_errors", 1, &cfg->hibp_ignore_errors) == -1)
		return -1;
	if (cfg->password_max < cfg->password_min)
		return fail(c, lookup(c,
		    "selfservice.methods.password.config.max_password_length"),
		    "selfservice.methods.password.config.max_password_length",
		    "must not be below min_password_length");
	if (get_duration(c, "session.lifespan", 86400, 60,
	    &cfg->session_lifespan) == -1)
		return -1;
	if (get_str(c, "session.cookie.name", "ory_kratos_session",
	    &cfg->cookie_name) == -1)
		return -1;
	if (strspn(cfg->cookie_name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(cfg->cookie_name))
		return fail(c, lookup(c, "session.cookie.name"),
		    "session.cookie.name", "letters, digits, '_' and '-' only");
	if (get_str(c, "session.cookie.same_site", "Lax",
	    &cfg->cookie_same_site) == -1)
		return -1;
	if (strcmp(cfg->cookie_same_site, "Lax") != 0 &&
	    strcmp(cfg->cookie_same_site, "Strict") != 0 &&
	    strcmp(cfg->cookie_same_site, "None") != 0)
		return fail(c, lookup(c, "session.cookie.same_site"),
		    "session.cookie.same_site", "expected Lax, Strict or None");
	if (strcmp(cfg->cookie_same_site, "None") == 0 && !cfg->https)
		return fail(c, lookup(c, "session.cookie.same_site"),
		    "session.cookie.same_site",
		    "None needs an https base URL (browsers drop the cookie)");
	if (get_secrets(c, "secrets.cookie", 16, 0, &cfg->cookie_secrets,
	    &cfg->cookie_secret_lens, &cfg->cookie_secrets_len) == -1)
		return -1;
	if (get_secrets(c, "secrets.cipher", 32, 32, &cfg->cipher_secrets,
	    &cfg->cipher_secret_lens, &cfg->cipher_secrets_len) == -1)
		return -1;
	if ((n = lookup(c, "hashers.algorithm")) != NULL &&
	    strcmp(scalar(n), "argon2") != 0)
		return fail(c, n, "hashers.algorithm",
		    "only argon2 (argon2id) is supported");
	if (get_bytes(c, "hashers.argon2.memory", 19 << 20, 1 << 20,
	    (uint64_t)4 << 30, &b) == -1)
		return -1;
	cfg->argon2.memory_kib = (uint32_t)(b / 1024);
	if (get_int(c, "hashers.argon2.iterations", 2, 1, 100, &v) == -1)
		return -1;
	cfg->argon2.iterations = (uint32_t)v;
	if (get_int(c, "hashers.argon2.parallelism", 1, 1, 64, &v) == -1)
		return -1;
	cfg->argon2.parallelism = (uint32_t)v;
	if (get_aal(c, "session.whoami.required_aal", 1, &cfg->whoami_aal) == -1 ||
	    get_aal(c, "selfservice.flows.settings.required_aal", 0,
	    &cfg->settings_aal) == -1)
		return -1;
	if (get_duration(c, "session.whoami.mfa_enrollment_grace", 0, 0,
	    &cfg->mfa_grace) == -1)
		return -1;
	if (get_hooks(c, cfg) == -1)
		return -1;
	if (get_bool(c, "selfservice.methods.totp.enabled", 0,
	    &cfg->totp_enabled) == -1 ||
	    get_bool(c, "selfservice.methods.lookup_secret.enabled", 0,
	    &cfg->lookup_enabled) == -1)
		return -1;
	if (get_schema(c, cfg) == -1)
		return -1;
	if (get_str(c, "dsn", "berkeleydb:var", &dsn) == -1)
		return -1;
	if (!str_has_prefix(dsn, "berkeleydb:")) {
		free(dsn);
		return fail(c, lookup(c, "dsn"), "dsn",
		    "expected berkeleydb:<directory>");
	}
	cfg->state_dir = resolve(c, dsn + strlen("berkeleydb:"));
	free(dsn);
	if (get_str(c, "gatehouse.templates_dir", "templates", &tdir) == -1)
		return -1;
	cfg->templates_dir = resolve(c, tdir);
	free(tdir);
	if (get_bytes(c, "gatehouse.max_body_size", 64 << 10, 1024,
	    16 << 20, &b) == -1)
		return -1;
	cfg->max_body = (size_t)b;
	if (get_bytes(c, "gatehouse.db_cache_size", 4 << 20, 1 << 20,
	    (uint64_t)1 << 30, &b) == -1)
		return -1;
	cfg->db_cache = (size_t)b;

	if (get_admin_key(c, cfg) == -1 || get_pepper(c, cfg) == -1)
		return -1;
	if ((n = lookup(c, "gatehouse.audit.log_file")) != NULL) {
		if (strcmp(scalar(n), "off") != 0)
			cfg->audit_file = resolve(c, scalar(n));
	} else {
		cfg->audit_file = mem_alloc(strlen(cfg->state_dir) + 12);
		sprintf(cfg->audit_file, "%s/audit.log", cfg->state_dir);
	}
	if ((n = lookup(c, "gatehouse.audit.notify_file")) != NULL)
		cfg->notify_file = resolve(c, scalar(n));
	if (get_bool(c, "gatehouse.throttle.enabled", 1,
	    &cfg->throttle_enabled) == -1 ||
	    get_int(c, "gatehouse.throttle.account_free_attempts", 5, 1, 99,
	    &cfg->throttle_account_free) == -1 ||
	    get_int(c, "gatehouse.throttle.ip_free_attempts", 50, 1, 100000,
	    &cfg->throttle_ip_free) == -1 ||
	    get_duration(c, "gatehouse.throttle.base_delay", 1, 1,
	    &cfg->throttle_base_delay) == -1 ||
	    get_duration(c, "gatehouse.throttle.max_delay", 900, 1,
	    &cfg->throttle_max_delay) == -1)
		return -1;

	/*
	 * Browsers apply form-action to the redirect that follows a form
	 * post, so the origins of the allowed return URLs must be listed or
	 * a successful sign-in could not land there.
	 */
	cfg->csp = mem_strdup("default-src 'none'; script-src 'none'; "
	    "style-src 'self'; img-src 'self' data:; form-action 'self'");
	for (i = 0; i < cfg->allowed_return_urls_len; i++) {
		const char *u = cfg->allowed_return_urls[i];
		const char *host = strstr(u, "://") + 3;
		size_t	    olen = strcspn(host, "/?#") + (size_t)(host - u);
		char	   *t = mem_alloc(strlen(cfg->csp) + olen + 2);

		sprintf(t, "%s %.*s", cfg->csp, (int)olen, u);
		free(cfg->csp);
		cfg->csp = t;
	}
	def = mem_alloc(strlen(cfg->csp) + 64);
	sprintf(def, "%s; frame-ancestors 'none'; base-uri 'none'", cfg->csp);
	free(cfg->csp);
	cfg->csp = def;

	/* Kratos names the CSRF cookie after the base URL (kratos-api.md §7). */
	crypto_sha256(cfg->base_url, strlen(cfg->base_url), h);
	cfg->csrf_cookie_name = mem_alloc(12 + 64 + 1);
	memcpy(cfg->csrf_cookie_name, "csrf_token_", 11);
	for (i = 0; i < 32; i++)
		snprintf(cfg->csrf_cookie_name + 11 + 2 * i, 3, "%02x", h[i]);

	/*
	 * Hardened mode: "__Host-" names, which browsers accept only from a
	 * secure origin, for Path=/ and without Domain -- so a sibling
	 * subdomain can neither set nor overwrite them (cookie tossing).
	 */
	if (get_bool(c, "gatehouse.host_prefixed_cookies", 0, &hardened) == -1)
		return -1;
	if (hardened) {
		if (!cfg->https || strcmp(cfg->base_path, "/") != 0)
			return fail(c, lookup(c, "gatehouse.host_prefixed_cookies"),
			    "gatehouse.host_prefixed_cookies",
			    "needs an https base URL mounted at /");
		def = mem_alloc(strlen(cfg->cookie_name) + 8);
		sprintf(def, "__Host-%s", cfg->cookie_name);
		free(cfg->cookie_name);
		cfg->cookie_name = def;
		def = mem_alloc(strlen(cfg->csrf_cookie_name) + 8);
		sprintf(def, "__Host-%s", cfg->csrf_cookie_name);
		free(cfg->csrf_cookie_name);
		cfg->csrf_cookie_name = def;
	}
	return 0;
}

int
config_load(struct config *cfg, const char *path)
{
	struct ctx	 c;
	yaml_parser_t	 parser;
	FILE		*fp;
	char		*copy;
	int		 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	memset(&c, 0, sizeof(c));
	c.file = path;
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	copy = mem_strdup(path);
	c.dir = mem_strdup(dirname(copy));
	free(copy);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &c.doc)) {
		fprintf(stderr, "%s:%lu: %s\n", path,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "YAML syntax error");
		yaml_parser_delete(&parser);
		fclose(fp);
		free(c.dir);
		return -1;
	}
	yaml_parser_delete(&parser);
	fclose(fp);

	cfg->path = mem_strdup(path);
	if (yaml_document_get_root_node(&c.doc) == NULL)
		fprintf(stderr, "%s:1: the file is empty\n", path);
	else if (check_tree(&c, yaml_document_get_root_node(&c.doc), "") == 0 &&
	    fill(&c, cfg) == 0)
		rc = 0;
	yaml_document_delete(&c.doc);
	free(c.dir);
	if (rc == -1)
		config_release(cfg);
	return rc;
}

static void
free_secrets(unsigned char **s, size_t *lens, size_t n)
{
	size_t	 i;

	for (i = 0; s != NULL && i < n; i++) {
		crypto_wipe(s[i], lens[i]);
		free(s[i]);
	}
	free(s);
	free(lens);
}

void
config_release(struct config *cfg)
{
	size_t	 i;

	free(cfg->path);
	free(cfg->base_url);
	free(cfg->base_path);
	free(cfg->origin);
	free(cfg->default_return_url);
	for (i = 0; i < cfg->allowed_return_urls_len; i++)
		free(cfg->allowed_return_urls[i]);
	free(cfg->allowed_return_urls);
	for (i = 0; i < FLOW__MAX; i++)
		free(cfg->flows[i].ui_url);
	free(cfg->logout_return_url);
	free(cfg->cookie_name);
	free(cfg->cookie_same_site);
	free_secrets(cfg->cookie_secrets, cfg->cookie_secret_lens,
	    cfg->cookie_secrets_len);
	free_secrets(cfg->cipher_secrets, cfg->cipher_secret_lens,
	    cfg->cipher_secrets_len);
	free(cfg->schema_id);
	free(cfg->schema_path);
	schema_free(cfg->schema);
	free(cfg->state_dir);
	free(cfg->templates_dir);
	free(cfg->csrf_cookie_name);
	free(cfg->csp);
	free(cfg->totp_issuer);
	free(cfg->audit_file);
	if (cfg->pepper != NULL) {
		crypto_wipe(cfg->pepper, cfg->pepper_len);
		free(cfg->pepper);
	}
	free(cfg->hibp_host);
	free(cfg->notify_file);
	memset(cfg, 0, sizeof(*cfg));
}

/* n random characters from an alphabet without look-alikes. */
static int
random_secret(char *out, size_t n)
{
	static const char	 alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	    "abcdefghijkmnopqrstuvwxyz23456789";
	unsigned char		 r[64];
	size_t			 i;

	if (n > sizeof(r) || crypto_random(r, n) != RC_OK)
		return -1;

	/* 256 % 57 leaves a small bias; reject the tail to stay uniform. */
	for (i = 0; i < n; i++) {
		while (r[i] >= 256 - 256 % (sizeof(alpha) - 1))
			if (crypto_random(&r[i], 1) != RC_OK)
				return -1;
		out[i] = alpha[r[i] % (sizeof(alpha) - 1)];
	}
	out[n] = '\0';
	crypto_wipe(r, sizeof(r));
	return 0;
}

int
config_write_default(const char *path, const char *base_url,
    const char *state_dir, const char *templates_dir, const char *schema_path)
{
	char	 cookie[49], cipher[33];
	FILE	*fp;
	int	 fd;
	size_t	 n = strlen(base_url);
	const char *sep = n > 0 && base_url[n - 1] == '/' ? "" : "/";

	if (!is_http_url(base_url)) {
		fprintf(stderr, "--base-url: expected an absolute http(s) URL\n");
		return -1;
	}

	/* The values go into double-quoted YAML: keep them plain. */
	if (strpbrk(base_url, "\"\\\n") || strpbrk(state_dir, "\"\\\n") ||
	    strpbrk(templates_dir, "\"\\\n") ||
	    strpbrk(schema_path, "\"\\\n")) {
		fprintf(stderr, "init-config: paths and URLs must not contain "
		    "quotes, backslashes or newlines\n");
		return -1;
	}
	if (random_secret(cookie, 48) == -1 || random_secret(cipher, 32) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	fprintf(fp,
	    "# Gatehouse configuration, generated with fresh secrets.\n"
	    "# Keys follow Ory Kratos's configuration where the concept exists;\n"
	    "# see README.md (\"Configuration\") for every key and its default.\n"
	    "version: v1\n"
	    "dsn: \"berkeleydb:%s\"\n"
	    "serve:\n"
	    "  public:\n"
	    "    base_url: \"%s%s\"\n"
	    "selfservice:\n"
	    "  default_browser_return_url: \"%s%s\"\n"
	    "  allowed_return_urls:\n"
	    "    - \"%s%s\"\n"
	    "  flows:\n"
	    "    login:\n"
	    "      ui_url: \"%s%slogin\"\n"
	    "      lifespan: 1h\n"
	    "    registration:\n"
	    "      ui_url: \"%s%sregistration\"\n"
	    "      lifespan: 1h\n"
	    "      after:\n"
	    "        password:\n"
	    "          hooks:\n"
	    "            - hook: session\n"
	    "            - hook: show_mfa_setup\n"
	    "    settings:\n"
	    "      ui_url: \"%s%ssettings\"\n"
	    "      lifespan: 1h\n"
	    "      privileged_session_max_age: 15m\n"
	    "      required_aal: highest_available\n"
	    "    error:\n"
	    "      ui_url: \"%s%serror\"\n"
	    "  methods:\n"
	    "    password:\n"
	    "      enabled: true\n"
	    "      config:\n"
	    "        min_password_length: 8\n"
	    "        max_password_length: 1024\n"
	    "    totp:\n"
	    "      enabled: true\n"
	    "      config:\n"
	    "        issuer: Gatehouse\n"
	    "    lookup_secret:\n"
	    "      enabled: true\n"
	    "session:\n"
	    "  lifespan: 24h\n"
	    "  whoami:\n"
	    "    required_aal: highest_available\n"
	    "  cookie:\n"
	    "    name: ory_kratos_session\n"
	    "    same_site: Lax\n"
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"%s\"\n"
	    "  cipher:\n"
	    "    - \"%s\"\n"
	    "hashers:\n"
	    "  algorithm: argon2\n"
	    "  argon2:\n"
	    "    memory: 19MB\n"
	    "    iterations: 2\n"
	    "    parallelism: 1\n"
	    "identity:\n"
	    "  default_schema_id: default\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"file://%s\"\n"
	    "gatehouse:\n"
	    "  templates_dir: \"%s\"\n"
	    "  max_body_size: 64KB\n"
	    "  db_cache_size: 4MB\n",
	    state_dir, base_url, sep, base_url, sep, base_url, sep,
	    base_url, sep, base_url, sep, base_url, sep, base_url, sep,
	    cookie, cipher, schema_path, templates_dir);
	crypto_wipe(cookie, sizeof(cookie));
	crypto_wipe(cipher, sizeof(cipher));
	if (fclose(fp) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

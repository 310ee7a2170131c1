/* SPDX-License-Identifier: MIT */
/*
 * session: session records keyed by SHA-256(token), the by-identity index,
 * signed cookies and Kratos's session JSON.
 */
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "cookie.h"
#include "crypto.h"
#include "http.h"
#include "identity.h"
#include "log.h"
#include "session.h"
#include "store.h"
#include "str.h"

#define TOKEN_PREFIX	"ory_st_"
#define LOGOUT_PREFIX	"ory_lo_"

/* AAL from the methods: aal2 needs an aal1 and an aal2 entry (Kratos). */
static const char *
derive_aal(const json_t *methods)
{
	size_t	 i;
	int	 a1 = 0, a2 = 0;

	for (i = 0; i < json_array_size(methods); i++) {
		const char *aal = json_string_value(json_object_get(
		    json_array_get(methods, i), "aal"));

		if (aal != NULL && strcmp(aal, "aal1") == 0)
			a1 = 1;
		else if (aal != NULL && strcmp(aal, "aal2") == 0)
			a2 = 1;
	}
	if (a1 && a2)
		return "aal2";
	return json_array_size(methods) ? "aal1" : "aal0";
}

static enum rc
save(struct req *r, struct session *s, int unique)
{
	store_mark_durable(r->store);
	return store_put_json(r->store, STORE_SESSIONS, r->txn, s->key,
	    sizeof(s->key), s->rec, unique);
}

/* The by-identity and by-id indexes of a newly stored session. */
static enum rc
index_add(struct req *r, struct session *s)
{
	const char	*id = json_string_value(json_object_get(s->rec, "id"));
	enum rc		 rc;

	if ((rc = store_put(r->store, STORE_SESSIONS_BY_IDENTITY, r->txn,
	    s->identity_id, strlen(s->identity_id), s->key, sizeof(s->key),
	    0)) != RC_OK)
		return rc;
	return store_put(r->store, STORE_SESSION_IDS, r->txn, id, strlen(id),
	    s->key, sizeof(s->key), 0);
}

enum rc
session_create(struct req *r, const json_t *ident, const char *method,
    struct session **out)
{
	struct session	*s = arena_calloc(r->a, 1, sizeof(*s));
	char		 id[UUID_STR_LEN], did[UUID_STR_LEN];
	const char	*now = clock_rfc3339(r->a, r->now_us);
	char		*token;
	int64_t		 exp = r->now_us + r->cfg->session_lifespan * 1000000;
	enum rc		 rc;

	if ((rc = crypto_uuid(id)) != RC_OK || (rc = crypto_uuid(did)) !=
	    RC_OK || (rc = crypto_token(r->a, TOKEN_PREFIX, &token)) != RC_OK)
		return rc;
	s->token = token;
	s->created = 1;
	crypto_sha256(token, strlen(token), s->key);
	s->identity_id = json_string_value(json_object_get(ident, "id"));
	s->expires_us = exp;
	s->authenticated_us = r->now_us;
	s->rec = json_pack("{s:s, s:s, s:b, s:I, s:s, s:I, s:s, s:s,"
	    " s:[{s:s, s:s, s:s}], s:s, s:[{s:s, s:s, s:s, s:s}]}",
	    "id", id, "identity_id", s->identity_id, "active", 1,
	    "exp", (json_int_t)(exp / 1000000),
	    "expires_at", clock_rfc3339(r->a, exp),
	    "auth_us", (json_int_t)r->now_us,
	    "authenticated_at", now, "issued_at", now,
	    "authentication_methods", "method", method, "aal", "aal1",
	    "completed_at", now,
	    "authenticator_assurance_level", "aal1",
	    "devices", "id", did,
	    "ip_address", r->remote_addr ? r->remote_addr : "",
	    "user_agent", r->user_agent ? r->user_agent : "",
	    "location", "");
	if (s->rec == NULL)
		return RC_SYSTEM;
	if ((rc = save(r, s, 1)) != RC_OK || (rc = index_add(r, s)) != RC_OK)
		return rc;
	*out = s;
	return RC_OK;
}

/* "<token>.<base64url HMAC>" under secret i. */
static char *
cookie_value(struct req *r, const char *token, size_t i)
{
	unsigned char	 mac[32];
	char		*msg = arena_printf(r->a, "session|%s", token);

	crypto_hmac_sha256(r->cfg->cookie_secrets[i],
	    r->cfg->cookie_secret_lens[i], msg, strlen(msg), mac);
	return arena_printf(r->a, "%s.%s", token,
	    crypto_b64url(r->a, mac, sizeof(mac)));
}

/* The token in a signed cookie value, or NULL when no secret verifies it. */
static const char *
cookie_token(struct req *r, const char *value)
{
	const char	*dot = strrchr(value, '.');
	char		*token, *want;
	size_t		 i;

	if (dot == NULL || dot - value > 128)
		return NULL;
	token = arena_strndup(r->a, value, (size_t)(dot - value));
	for (i = 0; i < r->cfg->cookie_secrets_len; i++) {
		want = cookie_value(r, token, i);
		if (crypto_eq(want, strlen(want), value, strlen(value)))
			return token;
	}
	return NULL;
}

/*
 * Load the session stored under key; *out NULL when absent, or when
 * inactive or expired unless `any` is set (the admin API sees those).
 */
static enum rc
load_key_any(struct req *r, const unsigned char key[32], int any,
    struct session **out)
{
	struct session	*s;
	json_t		*rec;
	enum rc		 rc;

	*out = NULL;
	rc = store_get_json(r->store, STORE_SESSIONS, r->txn, r->a, key,
	    32, &rec, 0);
	if (rc == RC_NOTFOUND)
		return RC_OK;
	if (rc != RC_OK)
		return rc;
	s = arena_calloc(r->a, 1, sizeof(*s));
	s->rec = rec;
	memcpy(s->key, key, 32);
	s->identity_id = json_string_value(json_object_get(rec, "identity_id"));
	s->expires_us = json_integer_value(json_object_get(rec, "exp")) *
	    1000000;
	s->authenticated_us = json_integer_value(json_object_get(rec,
	    "auth_us"));
	if (s->identity_id == NULL || (!any &&
	    (!json_is_true(json_object_get(rec, "active")) ||
	    s->expires_us <= r->now_us)))
		return RC_OK;
	*out = s;
	return RC_OK;
}

static enum rc
load_key(struct req *r, const unsigned char key[32], struct session **out)
{
	return load_key_any(r, key, 0, out);
}

static enum rc
load(struct req *r, const char *token, struct session **out)
{
	unsigned char	 key[32];

	*out = NULL;
	if (!str_has_prefix(token, TOKEN_PREFIX) || strlen(token) > 128)
		return RC_OK;
	crypto_sha256(token, strlen(token), key);
	return load_key(r, key, out);
}

enum rc
session_get_by_id(struct req *r, const char *id, int any,
    struct session **out)
{
	void	*key;
	size_t	 len;
	enum rc	 rc;

	*out = NULL;
	if (!crypto_is_uuid(id))
		return RC_OK;
	rc = store_get(r->store, STORE_SESSION_IDS, r->txn, r->a, id,
	    strlen(id), &key, &len, 0);
	if (rc == RC_NOTFOUND || (rc == RC_OK && len != 32))
		return RC_OK;
	if (rc != RC_OK)
		return rc;
	return load_key_any(r, key, any, out);
}

enum rc
session_deactivate(struct req *r, struct session *s)
{
	enum rc	 rc;

	json_object_set_new(s->rec, "active", json_false());
	if ((rc = save(r, s, 0)) != RC_OK)
		return rc;

	/* It no longer counts among the identity's sessions. */
	rc = store_del_dup(r->store, STORE_SESSIONS_BY_IDENTITY, r->txn,
	    s->identity_id, strlen(s->identity_id), s->key, sizeof(s->key));
	return rc == RC_NOTFOUND ? RC_OK : rc;
}

enum rc
session_list(struct req *r, const char *identity_id, struct session ***out,
    size_t *n)
{
	void		**keys;
	size_t		*lens, count, i;
	struct session	*s;
	enum rc		 rc;

	*n = 0;
	if ((rc = store_get_dups(r->store, STORE_SESSIONS_BY_IDENTITY, r->txn,
	    r->a, identity_id, strlen(identity_id), &keys, &lens, &count)) !=
	    RC_OK)
		return rc;
	*out = arena_calloc(r->a, count + 1, sizeof(**out));
	for (i = 0; i < count; i++) {
		if (lens[i] != 32)
			continue;
		if ((rc = load_key(r, keys[i], &s)) != RC_OK)
			return rc;
		if (s != NULL)
			(*out)[(*n)++] = s;
	}
	return RC_OK;
}

enum rc
session_revoke_all(struct req *r, const char *identity_id,
    const struct session *keep, size_t *count)
{
	struct session	**list;
	size_t		  n, i;
	enum rc		  rc;

	*count = 0;
	if ((rc = session_list(r, identity_id, &list, &n)) != RC_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if (keep != NULL && memcmp(list[i]->key, keep->key, 32) == 0)
			continue;
		if ((rc = session_revoke(r, list[i])) != RC_OK)
			return rc;
		(*count)++;
	}
	return RC_OK;
}

enum rc
session_current(struct req *r, struct session **out)
{
	const char	*c, *token = NULL;
	enum rc		 rc;

	if (r->session_loaded) {
		*out = r->session;
		return RC_OK;
	}
	if (r->session_token != NULL)
		token = r->session_token;
	else if ((c = kv_get(&r->cookies, r->cfg->cookie_name)) != NULL)
		token = cookie_token(r, c);
	r->session = NULL;
	if (token != NULL && (rc = load(r, token, &r->session)) != RC_OK)
		return rc;

	/*
	 * A native app holds its token and gets the same one back after a
	 * step-up (Kratos); a browser's is rotated (session_rotate()).
	 */
	if (r->session != NULL && token == r->session_token)
		r->session->token = token;
	r->session_loaded = 1;
	*out = r->session;
	return RC_OK;
}

enum rc
session_rotate(struct req *r, struct session *s)
{
	char	*token;
	int	 current = r->session == s;
	enum rc	 rc;

	if ((rc = session_revoke(r, s)) != RC_OK)
		return rc;
	if (current)
		r->session = s;
	if ((rc = crypto_token(r->a, TOKEN_PREFIX, &token)) != RC_OK)
		return rc;
	s->token = token;
	crypto_sha256(token, strlen(token), s->key);
	if ((rc = save(r, s, 1)) != RC_OK)
		return rc;
	return index_add(r, s);
}

enum rc
session_revoke(struct req *r, struct session *s)
{
	const char	*id;
	enum rc		 rc;

	store_mark_durable(r->store);
	rc = store_del_dup(r->store, STORE_SESSIONS_BY_IDENTITY, r->txn,
	    s->identity_id, strlen(s->identity_id), s->key, sizeof(s->key));
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	id = json_string_value(json_object_get(s->rec, "id"));
	if (id != NULL && (rc = store_del(r->store, STORE_SESSION_IDS, r->txn,
	    id, strlen(id))) != RC_OK && rc != RC_NOTFOUND)
		return rc;
	rc = store_del(r->store, STORE_SESSIONS, r->txn, s->key,
	    sizeof(s->key));
	if (rc == RC_NOTFOUND)
		rc = RC_OK;
	if (r->session == s)
		r->session = NULL;
	return rc;
}

static struct cookie_attrs
attrs(const struct req *r, long max_age)
{
	struct cookie_attrs a;

	memset(&a, 0, sizeof(a));
	a.path = r->cfg->base_path;
	a.same_site = r->cfg->cookie_same_site;
	a.secure = r->cfg->https;
	a.http_only = 1;
	a.max_age = max_age;
	return a;
}

void
session_set_cookie(struct req *r, const struct session *s)
{
	struct cookie_attrs a = attrs(r, (long)((s->expires_us - r->now_us) /
	    1000000));

	http_header(r, "Set-Cookie", cookie_format(r->a, r->cfg->cookie_name,
	    cookie_value(r, s->token, 0), &a));
}

void
session_clear_cookie(struct req *r)
{
	struct cookie_attrs a = attrs(r, -1);

	http_header(r, "Set-Cookie", cookie_format(r->a, r->cfg->cookie_name,
	    "", &a));
}

json_t *
session_json(struct req *r, const struct session *s, const json_t *ident)
{
	json_t	*o;

	o = json_pack("{s:O, s:b, s:O, s:O, s:O, s:O, s:O, s:O}",
	    "id", json_object_get(s->rec, "id"),
	    "active", s->expires_us > r->now_us &&
	    json_is_true(json_object_get(s->rec, "active")),
	    "expires_at", json_object_get(s->rec, "expires_at"),
	    "authenticated_at", json_object_get(s->rec, "authenticated_at"),
	    "authenticator_assurance_level", json_object_get(s->rec,
	    "authenticator_assurance_level"),
	    "authentication_methods", json_object_get(s->rec,
	    "authentication_methods"),
	    "issued_at", json_object_get(s->rec, "issued_at"),
	    "devices", json_object_get(s->rec, "devices"));
	if (ident != NULL)
		json_object_set_new(o, "identity",
		    identity_public_json(r, ident));
	return o;
}

/*
 * The logout token is derived, not stored: an HMAC of the session id under
 * a cookie secret.  It is stable for the life of the session (one per
 * session, as in Kratos), costs no write to show on every page, and is
 * worthless without the secret.
 */
static char *
logout_token(struct req *r, const struct session *s, size_t i)
{
	unsigned char	 mac[32];
	const char	*id = json_string_value(json_object_get(s->rec, "id"));
	char		*msg = arena_printf(r->a, "logout|%s", id ? id : "");

	crypto_hmac_sha256(r->cfg->cookie_secrets[i],
	    r->cfg->cookie_secret_lens[i], msg, strlen(msg), mac);
	return arena_printf(r->a, "%s%s", LOGOUT_PREFIX,
	    crypto_hex(r->a, mac, sizeof(mac)));
}

const char *
session_logout_token(struct req *r, const struct session *s)
{
	return logout_token(r, s, 0);
}

int
session_logout_token_ok(struct req *r, const struct session *s,
    const char *token)
{
	size_t	 i;
	char	*want;

	if (token == NULL)
		return 0;
	for (i = 0; i < r->cfg->cookie_secrets_len; i++) {
		want = logout_token(r, s, i);
		if (crypto_eq(want, strlen(want), token, strlen(token)))
			return 1;
	}
	return 0;
}

enum rc
session_add_method(struct req *r, struct session *s, const char *method,
    const char *aal)
{
	json_t		*methods = json_object_get(s->rec,
	    "authentication_methods");
	const char	*now = clock_rfc3339(r->a, r->now_us);

	json_array_append_new(methods, json_pack("{s:s, s:s, s:s}", "method",
	    method, "aal", aal, "completed_at", now));
	json_object_set_new(s->rec, "authenticator_assurance_level",
	    json_string(derive_aal(methods)));
	json_object_set_new(s->rec, "authenticated_at", json_string(now));
	json_object_set_new(s->rec, "auth_us", json_integer(r->now_us));
	s->authenticated_us = r->now_us;
	return save(r, s, 0);
}

/* SPDX-License-Identifier: MIT */
/*
 * admin: /admin/identities and /admin/sessions.  Secrets never leave:
 * credential configs (hashes, sealed TOTP seeds, recovery-code hashes)
 * are summarised, not returned.  Imports are validated against the
 * identity schema like a registration, but the password policy is not
 * applied to imported hashes (Kratos does the same).
 */
#include <string.h>

#include "admin.h"
#include "arena.h"
#include "cipher.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "form.h"
#include "http.h"
#include "identity.h"
#include "lookup.h"
#include "password.h"
#include "pwhash.h"
#include "schema.h"
#include "session.h"
#include "store.h"
#include "str.h"
#include "text.h"
#include "view.h"

json_t *
admin_identity_json(struct req *r, const json_t *ident)
{
	json_t		*o = identity_public_json(r, ident), *creds, *c;
	const char	*type;

	creds = json_object();
	json_object_foreach(json_object_get(ident, "credentials"), type, c)
		json_object_set_new(creds, type, json_pack(
		    "{s:O, s:O, s:O, s:O, s:O}", "type", json_object_get(c,
		    "type"), "identifiers", json_object_get(c, "identifiers"),
		    "version", json_object_get(c, "version"), "created_at",
		    json_object_get(c, "created_at"), "updated_at",
		    json_object_get(c, "updated_at")));
	json_object_set_new(o, "credentials", creds);
	json_object_set_new(o, "metadata_admin", json_null());
	return o;
}

/* Traits checked against the schema; the first problem as text. */
static const char *
traits_problem(struct req *r, json_t *traits)
{
	struct schema_error	 e[4];
	size_t			 n = schema_check(r->cfg->schema, traits, e, 4);

	if (n == 0)
		return NULL;
	switch (e[0].msg) {
	case MSG_VALIDATION_MISSING:
		return arena_printf(r->a, "%s: Property %s is missing.",
		    e[0].field, e[0].s);
	case MSG_VALIDATION_MIN_LENGTH:
	case MSG_VALIDATION_MAX_LENGTH:
		return arena_printf(r->a, "%s: length %ld is outside the "
		    "allowed range (limit %ld).", e[0].field, e[0].b, e[0].a);
	case MSG_EMAIL_INVALID:
		return arena_printf(r->a, "%s: not a valid email address.",
		    e[0].field);
	default:
		return arena_printf(r->a, "%s: %s", e[0].field,
		    e[0].s ? e[0].s : "invalid");
	}
}

/* The base32 secret of an otpauth://totp/ URI, or NULL. */
static const char *
totp_secret(struct req *r, const char *uri)
{
	const char	*p;
	char		*s;

	if (uri == NULL || !str_has_prefix(uri, "otpauth://totp/") ||
	    (p = strstr(uri, "secret=")) == NULL)
		return NULL;
	s = arena_strndup(r->a, p + 7, strcspn(p + 7, "&#"));
	return strlen(s) >= 16 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=")
	    == strlen(s) ? s : NULL;
}

/* Apply the credentials of a create/update body to ident. */
static enum rc
import_credentials(struct req *r, json_t *ident, json_t *creds,
    const char **reason)
{
	json_t		*pw = json_object_get(json_object_get(creds, "password"),
	    "config");
	json_t		*totp = json_object_get(json_object_get(creds, "totp"),
	    "config");
	json_t		*lookup = json_object_get(json_object_get(creds,
	    "lookup_secret"), "config");
	const char	*plain, *hashed, *uri, *sealed, *phc, *pid = NULL;
	json_t		*codes, *c, *stored;
	size_t		 i;
	char		*h;
	enum rc		 rc;

	if (pw != NULL) {
		plain = json_string_value(json_object_get(pw, "password"));
		hashed = json_string_value(json_object_get(pw,
		    "hashed_password"));
		if (hashed != NULL) {
			if (!pwhash_is_supported(hashed)) {
				*reason = "credentials.password.config."
				    "hashed_password: unsupported hash format "
				    "(argon2id, argon2i, bcrypt, pbkdf2-sha256, "
				    "pbkdf2-sha512)";
				return RC_INVALID;
			}
			phc = hashed;
		} else if (plain != NULL) {
			if (strlen(plain) > r->cfg->password_max) {
				*reason = "credentials.password.config.password"
				    " is longer than max_password_length";
				return RC_INVALID;
			}
			if ((rc = password_hash(r, plain, &phc, &pid)) !=
			    RC_OK)
				return rc;
		} else {
			*reason = "credentials.password.config needs password "
			    "or hashed_password";
			return RC_INVALID;
		}
		if ((rc = identity_set_password(r, ident, phc, pid)) != RC_OK)
			return rc;
	}
	if (totp != NULL) {
		uri = json_string_value(json_object_get(totp, "totp_url"));
		if (totp_secret(r, uri) == NULL) {
			*reason = "credentials.totp.config.totp_url must be an "
			    "otpauth://totp/ URI with a base32 secret";
			return RC_INVALID;
		}
		if ((rc = cipher_seal(r->a, r->cfg, uri, strlen(uri), &sealed))
		    != RC_OK)
			return rc;
		if ((rc = identity_set_credential(r, ident, "totp", json_pack(
		    "{s:s, s:i}", "totp_url_sealed", sealed, "last_used_step",
		    0))) != RC_OK)
			return rc;
	}
	if (lookup != NULL) {
		codes = json_object_get(lookup, "codes");
		if (!json_is_array(codes) || json_array_size(codes) == 0 ||
		    json_array_size(codes) > 64) {
			*reason = "credentials.lookup_secret.config.codes must "
			    "be a list of 1 to 64 {code, used_at?}";
			return RC_INVALID;
		}
		stored = json_array();
		json_array_foreach(codes, i, c) {
			const char *code = json_string_value(json_object_get(c,
			    "code"));
			const char *used = json_string_value(json_object_get(c,
			    "used_at"));

			if (code == NULL || strlen(code) < 6 ||
			    strlen(code) > 64) {
				*reason = "each recovery code must be 6 to 64 "
				    "characters";
				return RC_INVALID;
			}

			/* Imported codes keep their own syntax: exact match. */
			if ((rc = lookup_hash(r->a, code, &h)) != RC_OK)
				return rc;
			json_array_append_new(stored, json_pack(
			    "{s:s, s:s?, s:b}", "hash", h, "used_at", used,
			    "imported", 1));
		}
		if ((rc = identity_set_credential(r, ident, "lookup_secret",
		    json_pack("{s:o}", "recovery_codes", stored))) != RC_OK)
			return rc;
	}
	return RC_OK;
}

enum rc
admin_identity_create(struct req *r, json_t *body, json_t **out, int *status,
    const char **reason)
{
	json_t		*traits = json_deep_copy(json_object_get(body, "traits"));
	const char	*sid = json_string_value(json_object_get(body,
	    "schema_id"));
	const char	*state = json_string_value(json_object_get(body, "state"));
	json_t		*ident;
	enum rc		 rc;

	*status = 400;
	if (sid != NULL && strcmp(sid, r->cfg->schema_id) != 0) {
		*reason = arena_printf(r->a, "Unknown schema_id \"%s\".", sid);
		return RC_INVALID;
	}
	if (state != NULL && strcmp(state, "active") != 0 &&
	    strcmp(state, "inactive") != 0) {
		*reason = "state must be active or inactive";
		return RC_INVALID;
	}
	if ((*reason = traits_problem(r, traits)) != NULL)
		return RC_INVALID;
	rc = identity_create(r, traits, NULL, NULL, &ident);
	if (rc == RC_EXISTS) {
		*status = 409;
		*reason = "An identity with the same identifier already exists.";
		return RC_EXISTS;
	}
	if (rc != RC_OK)
		return rc;
	if (state != NULL)
		json_object_set_new(ident, "state", json_string(state));
	if ((rc = import_credentials(r, ident, json_object_get(body,
	    "credentials"), reason)) != RC_OK)
		return rc;
	if ((rc = identity_save(r, ident)) != RC_OK)
		return rc;
	*out = ident;
	return RC_OK;
}

/* --- HTTP ---------------------------------------------------------------- */

static int
authorised(struct req *r)
{
	unsigned char	 h[32];
	const char	*a = r->authorization;

	if (!r->cfg->admin_enabled || a == NULL ||
	    strncasecmp(a, "Bearer ", 7) != 0)
		return 0;

	/* Hash first: equal lengths for the constant-time compare. */
	crypto_sha256(a + 7, strlen(a + 7), h);
	return crypto_eq(h, 32, r->cfg->admin_key_hash, 32);
}

static enum rc
bad(struct req *r, int status, const char *reason)
{
	return view_error(r, status, NULL, reason, NULL);
}

static enum rc
identities_list(struct req *r)
{
	const char	*ps = kv_get(&r->query, "page_size");
	const char	*pt = kv_get(&r->query, "page_token");
	const char	*cid = kv_get(&r->query, "credentials_identifier");
	const char	*errstr = NULL;
	void		**keys, **vals;
	size_t		*klens, *vlens, n, i;
	int64_t		 size = 250;
	json_t		*out = json_array(), *ident;
	enum rc		 rc;

	if (cid != NULL) {
		rc = identity_get_by_identifier(r, cid, &ident);
		if (rc == RC_OK)
			json_array_append_new(out, admin_identity_json(r, ident));
		else if (rc != RC_NOTFOUND)
			return rc;
		http_json(r, 200, out);
		return RC_OK;
	}
	if (ps != NULL)
		size = str_to_i64(ps, 1, 1000, &errstr);
	if (errstr != NULL || (pt != NULL && !crypto_is_uuid(pt)))
		return bad(r, 400, "page_size must be 1 to 1000 and page_token "
		    "the token of a Link header.");
	if ((rc = store_scan(r->store, STORE_IDENTITIES, r->txn, r->a, pt,
	    pt ? strlen(pt) : 0, (size_t)size, &keys, &klens, &vals, &vlens,
	    &n)) != RC_OK)
		return rc;
	for (i = 0; i < n; i++) {
		ident = json_loadb(vals[i], vlens[i], 0, NULL);
		if (ident != NULL)
			json_array_append_new(out, admin_identity_json(r, ident));
	}
	if (n == (size_t)size)
		http_header(r, "Link", arena_printf(r->a, "<%sadmin/identities?"
		    "page_size=%lld&page_token=%.*s>; rel=\"next\"",
		    r->cfg->base_url, (long long)size, (int)klens[n - 1],
		    (char *)keys[n - 1]));
	http_json(r, 200, out);
	return RC_OK;
}

static enum rc
identities_create(struct req *r)
{
	json_t		*ident;
	const char	*reason = NULL;
	int		 status;
	enum rc		 rc;

	if (r->json == NULL)
		return bad(r, 400, "Send a JSON object (CreateIdentityBody).");
	rc = admin_identity_create(r, r->json, &ident, &status, &reason);
	if (rc == RC_INVALID || rc == RC_EXISTS)
		return bad(r, status, reason);
	if (rc != RC_OK)
		return rc;
	http_header(r, "Location", arena_printf(r->a, "%sadmin/identities/%s",
	    r->cfg->base_url, json_string_value(json_object_get(ident, "id"))));
	http_json(r, 201, admin_identity_json(r, ident));
	return RC_OK;
}

static enum rc
identity_update(struct req *r, json_t *ident)
{
	json_t		*traits = json_deep_copy(json_object_get(r->json,
	    "traits"));
	const char	*state = json_string_value(json_object_get(r->json,
	    "state"));
	const char	*reason;
	size_t		 n;
	enum rc		 rc;

	if (r->json == NULL || traits == NULL || state == NULL ||
	    (strcmp(state, "active") != 0 && strcmp(state, "inactive") != 0))
		return bad(r, 400, "PUT needs traits and state (active or "
		    "inactive).");
	if ((reason = traits_problem(r, traits)) != NULL)
		return bad(r, 400, reason);
	rc = identity_update_traits(r, ident, traits);
	if (rc == RC_EXISTS)
		return bad(r, 409, "An identity with the same identifier "
		    "already exists.");
	if (rc != RC_OK)
		return rc;
	if (strcmp(state, json_string_value(json_object_get(ident,
	    "state"))) != 0) {
		json_object_set_new(ident, "state", json_string(state));
		json_object_set_new(ident, "state_changed_at", json_string(
		    clock_rfc3339(r->a, r->now_us)));

		/* A disabled identity's sessions end with it. */
		if (strcmp(state, "inactive") == 0 && (rc = session_revoke_all(r,
		    json_string_value(json_object_get(ident, "id")), NULL,
		    &n)) != RC_OK)
			return rc;
	}
	reason = NULL;
	if ((rc = import_credentials(r, ident, json_object_get(r->json,
	    "credentials"), &reason)) == RC_INVALID)
		return bad(r, 400, reason);
	if (rc != RC_OK || (rc = identity_save(r, ident)) != RC_OK)
		return rc;
	http_json(r, 200, admin_identity_json(r, ident));
	return RC_OK;
}

static enum rc
sessions_json(struct req *r, const char *identity_id)
{
	struct session	**list;
	size_t		  n, i;
	json_t		 *out = json_array();
	enum rc		  rc;

	if ((rc = session_list(r, identity_id, &list, &n)) != RC_OK)
		return rc;
	for (i = 0; i < n; i++)
		json_array_append_new(out, session_json(r, list[i], NULL));
	http_json(r, 200, out);
	return RC_OK;
}

/* /admin/identities/{id}[/credentials/{type} | /sessions] */
static enum rc
identity_routes(struct req *r, const char *rest)
{
	char		*id = arena_strndup(r->a, rest, strcspn(rest, "/"));
	const char	*sub = rest + strlen(id), *type;
	json_t		*ident;
	size_t		 n;
	enum rc		 rc;

	rc = identity_get_for_update(r, id, &ident);
	if (rc == RC_NOTFOUND)
		return bad(r, 404, "The requested identity could not be found.");
	if (rc != RC_OK)
		return rc;
	if (*sub == '\0') {
		if (strcmp(r->method, "GET") == 0) {
			http_json(r, 200, admin_identity_json(r, ident));
			return RC_OK;
		}
		if (strcmp(r->method, "PUT") == 0)
			return identity_update(r, ident);
		if (strcmp(r->method, "DELETE") == 0) {
			if ((rc = identity_delete(r, ident)) != RC_OK)
				return rc;
			r->resp.status = 204;
			return RC_OK;
		}
	} else if (strcmp(sub, "/sessions") == 0) {
		if (strcmp(r->method, "GET") == 0)
			return sessions_json(r, id);
		if (strcmp(r->method, "DELETE") == 0) {
			if ((rc = session_revoke_all(r, id, NULL, &n)) != RC_OK)
				return rc;
			r->resp.status = 204;
			return RC_OK;
		}
	} else if (str_has_prefix(sub, "/credentials/") &&
	    strcmp(r->method, "DELETE") == 0) {
		type = sub + strlen("/credentials/");
		if (strcmp(type, "password") == 0)
			return bad(r, 400, "You cannot remove the last first "
			    "factor credential.");
		if (strcmp(type, "totp") != 0 &&
		    strcmp(type, "lookup_secret") != 0)
			return bad(r, 400, arena_printf(r->a, "Credentials of "
			    "type %s cannot be deleted.", type));
		if (identity_credential(ident, type) == NULL)
			return bad(r, 404, arena_printf(r->a, "You tried to "
			    "remove a %s but this user have no %s set up.",
			    type, type));
		if ((rc = identity_set_credential(r, ident, type, NULL)) !=
		    RC_OK)
			return rc;
		r->resp.status = 204;
		return RC_OK;
	}
	return bad(r, 405, "This method is not allowed here.");
}

/* /admin/sessions/{id} */
static enum rc
session_routes(struct req *r, const char *id)
{
	struct session	*s;
	json_t		*ident = NULL;
	const char	*expand = kv_get(&r->query, "expand");
	enum rc		 rc;

	if (!crypto_is_uuid(id))
		return bad(r, 400, "The session id is not a UUID.");
	if ((rc = session_get_by_id(r, id, 1, &s)) != RC_OK)
		return rc;
	if (s == NULL)
		return bad(r, 404, "The requested session could not be found.");
	if (strcmp(r->method, "GET") == 0) {
		if (expand != NULL && strcmp(expand, "identity") == 0 &&
		    (rc = identity_get(r, s->identity_id, &ident)) != RC_OK &&
		    rc != RC_NOTFOUND)
			return rc;
		http_json(r, 200, session_json(r, s, ident));
		return RC_OK;
	}
	if (strcmp(r->method, "DELETE") == 0) {
		if ((rc = session_deactivate(r, s)) != RC_OK)
			return rc;
		r->resp.status = 204;
		return RC_OK;
	}
	return bad(r, 405, "This method is not allowed here.");
}

enum rc
admin_handle(struct req *r)
{
	const char	*p = r->path + strlen("admin/");

	r->wants_json = 1;

	/* Off unless configured: then it does not exist, as far as anyone knows. */
	if (!r->cfg->admin_enabled)
		return bad(r, 404, "There is nothing at this address.");
	if (!authorised(r)) {
		http_header(r, "WWW-Authenticate", "Bearer realm=\"admin\"");
		return bad(r, 401, "The admin API needs Authorization: Bearer "
		    "<admin key>.");
	}
	if (r->body_rc != RC_OK)
		return bad(r, r->body_rc == RC_TOOBIG ? 413 :
		    r->body_rc == RC_MEDIA ? 415 : 400,
		    "The request body could not be used.");
	if (strcmp(p, "identities") == 0) {
		if (strcmp(r->method, "GET") == 0)
			return identities_list(r);
		if (strcmp(r->method, "POST") == 0)
			return identities_create(r);
		return bad(r, 405, "This method is not allowed here.");
	}
	if (str_has_prefix(p, "identities/") && p[11] != '\0')
		return identity_routes(r, p + 11);
	if (str_has_prefix(p, "sessions/") && p[9] != '\0')
		return session_routes(r, p + 9);
	return bad(r, 404, "There is nothing at this address.");
}

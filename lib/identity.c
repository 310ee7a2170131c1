/* SPDX-License-Identifier: MIT */
/*
 * identity: identity records and the unique identifier index.  Every write
 * marks the transaction durable, so it commits with a synchronous log
 * flush.
 */
#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "identity.h"
#include "schema.h"
#include "session.h"
#include "store.h"

char *
identity_normalise(struct req *r, const char *identifier)
{
	const char	*s = identifier, *e;
	char		*out, *p;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	out = arena_strndup(r->a, s, (size_t)(e - s));
	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* The identifiers index key: a type prefix, then the identifier. */
static char *
index_key(struct req *r, const char *identifier)
{
	return arena_printf(r->a, "password:%s", identifier);
}

static const char *
identifier_of(struct req *r, const json_t *traits)
{
	const char *v = json_string_value(json_object_get(traits,
	    r->cfg->schema->identifier->name));

	return v ? identity_normalise(r, v) : NULL;
}

enum rc
identity_create(struct req *r, json_t *traits, const char *phc,
    const char *pepper_id, json_t **out)
{
	char		 id[UUID_STR_LEN];
	const char	*ident = identifier_of(r, traits), *now, *key;
	json_t		*rec;
	enum rc		 rc;

	if (ident == NULL)
		return RC_INVALID;
	if ((rc = crypto_uuid(id)) != RC_OK)
		return rc;
	now = clock_rfc3339(r->a, r->now_us);
	rec = json_pack("{s:s, s:s, s:s, s:O, s:s, s:s, s:s, s:s, s:{}}",
	    "id", id, "schema_id", r->cfg->schema_id, "state", "active",
	    "traits", traits, "created_at", now, "updated_at", now,
	    "state_changed_at", now, "available_aal", "aal1", "credentials");
	if (rec != NULL && phc != NULL)
		json_object_set_new(json_object_get(rec, "credentials"),
		    "password", json_pack("{s:s, s:[s], s:{s:s, s:s*}, s:i, s:s,"
		    " s:s}", "type", "password", "identifiers", ident, "config",
		    "hashed_password", phc, "pepper_id", pepper_id, "version", 0,
		    "created_at", now, "updated_at", now));
	if (rec == NULL)
		return RC_SYSTEM;
	json_object_set_new(rec, "identifier", json_string(ident));
	key = index_key(r, ident);
	store_mark_durable(r->store);
	if ((rc = store_put(r->store, STORE_IDENTIFIERS, r->txn, key,
	    strlen(key), id, strlen(id), 1)) != RC_OK)
		return rc;
	if ((rc = store_put_json(r->store, STORE_IDENTITIES, r->txn, id,
	    strlen(id), rec, 1)) != RC_OK)
		return rc;
	*out = rec;
	return RC_OK;
}

enum rc
identity_get(struct req *r, const char *id, json_t **out)
{
	if (!crypto_is_uuid(id))
		return RC_NOTFOUND;
	return store_get_json(r->store, STORE_IDENTITIES, r->txn, r->a, id,
	    strlen(id), out, 0);
}

enum rc
identity_get_by_identifier(struct req *r, const char *identifier,
    json_t **out)
{
	const char	*key = index_key(r, identity_normalise(r, identifier));
	void		*id;
	size_t		 len;
	enum rc		 rc;

	if ((rc = store_get(r->store, STORE_IDENTIFIERS, r->txn, r->a, key,
	    strlen(key), &id, &len, 0)) != RC_OK)
		return rc;
	return identity_get(r, id, out);
}

enum rc
identity_get_for_update(struct req *r, const char *id, json_t **out)
{
	if (!crypto_is_uuid(id))
		return RC_NOTFOUND;
	return store_get_json(r->store, STORE_IDENTITIES, r->txn, r->a, id,
	    strlen(id), out, 1);
}

json_t *
identity_credential(const json_t *ident, const char *type)
{
	return json_object_get(json_object_get(ident, "credentials"), type);
}

int
identity_has_mfa(const json_t *ident)
{
	json_t	*lookup = identity_credential(ident, "lookup_secret");

	return identity_credential(ident, "totp") != NULL ||
	    json_array_size(json_object_get(json_object_get(lookup, "config"),
	    "recovery_codes")) > 0;
}

static enum rc
save(struct req *r, json_t *ident)
{
	const char	*id = json_string_value(json_object_get(ident, "id"));

	json_object_set_new(ident, "available_aal",
	    json_string(identity_has_mfa(ident) ? "aal2" : "aal1"));

	json_object_set_new(ident, "updated_at",
	    json_string(clock_rfc3339(r->a, r->now_us)));
	store_mark_durable(r->store);
	return store_put_json(r->store, STORE_IDENTITIES, r->txn, id,
	    strlen(id), ident, 0);
}

enum rc
identity_save(struct req *r, json_t *ident)
{
	return save(r, ident);
}

enum rc
identity_set_credential(struct req *r, json_t *ident, const char *type,
    json_t *config)
{
	json_t		*creds = json_object_get(ident, "credentials");
	const char	*id = json_string_value(json_object_get(ident, "id"));
	const char	*now = clock_rfc3339(r->a, r->now_us);

	if (config == NULL)
		json_object_del(creds, type);
	else
		json_object_set_new(creds, type, json_pack(
		    "{s:s, s:[s], s:o, s:i, s:s, s:s}", "type", type,
		    "identifiers", id, "config", config, "version", 0,
		    "created_at", now, "updated_at", now));
	return save(r, ident);
}

enum rc
identity_update_traits(struct req *r, json_t *ident, json_t *traits)
{
	const char	*old = identity_identifier(ident);
	const char	*neu = identifier_of(r, traits);
	const char	*id = json_string_value(json_object_get(ident, "id"));
	const char	*key;
	json_t		*pw;
	enum rc		 rc;

	if (neu == NULL)
		return RC_INVALID;
	store_mark_durable(r->store);
	if (old == NULL || strcmp(old, neu) != 0) {
		key = index_key(r, neu);
		if ((rc = store_put(r->store, STORE_IDENTIFIERS, r->txn, key,
		    strlen(key), id, strlen(id), 1)) != RC_OK)
			return rc;
		if (old != NULL) {
			key = index_key(r, old);
			rc = store_del(r->store, STORE_IDENTIFIERS, r->txn, key,
			    strlen(key));
			if (rc != RC_OK && rc != RC_NOTFOUND)
				return rc;
		}
		pw = json_object_get(json_object_get(ident, "credentials"),
		    "password");
		if (pw != NULL)
			json_object_set_new(pw, "identifiers",
			    json_pack("[s]", neu));
		json_object_set_new(ident, "identifier", json_string(neu));
	}
	json_object_set(ident, "traits", traits);
	return save(r, ident);
}

enum rc
identity_set_password(struct req *r, json_t *ident, const char *phc,
    const char *pepper_id)
{
	json_t	*pw = json_object_get(json_object_get(ident, "credentials"),
	    "password");
	const char *now = clock_rfc3339(r->a, r->now_us);

	if (pw == NULL) {
		pw = json_pack("{s:s, s:[s], s:{}, s:i, s:s, s:s}", "type",
		    "password", "identifiers", identity_identifier(ident),
		    "config", "version", 0, "created_at", now, "updated_at", now);
		json_object_set_new(json_object_get(ident, "credentials"),
		    "password", pw);
	}
	json_object_set_new(json_object_get(pw, "config"), "hashed_password",
	    json_string(phc));
	if (pepper_id != NULL)
		json_object_set_new(json_object_get(pw, "config"), "pepper_id",
		    json_string(pepper_id));
	else
		json_object_del(json_object_get(pw, "config"), "pepper_id");
	json_object_set_new(pw, "updated_at",
	    json_string(clock_rfc3339(r->a, r->now_us)));
	return save(r, ident);
}

const char *
identity_password_hash(const json_t *ident)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(ident, "credentials"), "password"),
	    "config"), "hashed_password"));
}

int
identity_is_active(const json_t *ident)
{
	const char *st = json_string_value(json_object_get(ident, "state"));

	return st == NULL || strcmp(st, "inactive") != 0;
}

const char *
identity_password_pepper(const json_t *ident)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(ident, "credentials"), "password"),
	    "config"), "pepper_id"));
}

const char *
identity_identifier(const json_t *ident)
{
	const char *v = json_string_value(json_array_get(json_object_get(
	    json_object_get(json_object_get(ident, "credentials"), "password"),
	    "identifiers"), 0));

	/* An identity imported without a password still has its index key. */
	return v != NULL ? v : json_string_value(json_object_get(ident,
	    "identifier"));
}

enum rc
identity_delete(struct req *r, json_t *ident)
{
	const char	*id = json_string_value(json_object_get(ident, "id"));
	const char	*ident_key = identity_identifier(ident), *key;
	size_t		 n;
	enum rc		 rc;

	store_mark_durable(r->store);
	if ((rc = session_revoke_all(r, id, NULL, &n)) != RC_OK)
		return rc;
	if (ident_key != NULL) {
		key = index_key(r, ident_key);
		rc = store_del(r->store, STORE_IDENTIFIERS, r->txn, key,
		    strlen(key));
		if (rc != RC_OK && rc != RC_NOTFOUND)
			return rc;
	}
	return store_del(r->store, STORE_IDENTITIES, r->txn, id, strlen(id));
}

json_t *
identity_public_json(struct req *r, const json_t *ident)
{
	const char	*sid = json_string_value(json_object_get(ident,
	    "schema_id"));

	/* A damaged record must still serialise: absent members are null. */
	if (sid == NULL)
		sid = r->cfg->schema_id;

	/* schema_url = {public}/schemas/<base64url(schema id)>. */
	return json_pack("{s:O?, s:s, s:s, s:O?, s:O?, s:O?, s:[], s:[],"
	    " s:n, s:O?, s:O?}",
	    "id", json_object_get(ident, "id"),
	    "schema_id", sid,
	    "schema_url", arena_printf(r->a, "%sschemas/%s", r->cfg->base_url,
	    crypto_b64url(r->a, sid, strlen(sid))),
	    "state", json_object_get(ident, "state"),
	    "state_changed_at", json_object_get(ident, "state_changed_at"),
	    "traits", json_object_get(ident, "traits"),
	    "verifiable_addresses", "recovery_addresses",
	    "metadata_public",
	    "created_at", json_object_get(ident, "created_at"),
	    "updated_at", json_object_get(ident, "updated_at"));
}

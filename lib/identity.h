/* SPDX-License-Identifier: MIT */
/*
 * identity: identities (traits + credentials) and their records.
 *
 * An identity is kept as one JSON record in the identities database,
 * shaped like Kratos's admin representation: id, schema_id, state, traits,
 * credentials {password: {identifiers, config: {hashed_password}}}, times.
 * The identifiers index maps "password:<normalised identifier>" to the id
 * and is what makes an email address unique.  All functions work inside
 * the request's transaction (r->txn).
 */
#ifndef IDENTITY_H
#define IDENTITY_H

#include <jansson.h>

#include "rc.h"

struct req;

/*
 * Create an identity with traits and a password hash; the identifier is
 * taken from the trait the schema marks.  *out is the new record.
 * RC_OK, RC_EXISTS (identifier taken), RC_RETRY, RC_PANIC, RC_STORE.
 */
enum rc	 identity_create(struct req *r, json_t *traits, const char *phc,
	    const char *pepper_id, json_t **out);

/* Load by id.  RC_OK, RC_NOTFOUND, RC_RETRY, RC_PANIC, RC_STORE. */
enum rc	 identity_get(struct req *r, const char *id, json_t **out);

/* Load by password identifier (normalised here). */
enum rc	 identity_get_by_identifier(struct req *r, const char *identifier,
	    json_t **out);

/*
 * Replace the traits, moving the identifier index when it changed.
 * RC_OK, RC_EXISTS, RC_RETRY, RC_PANIC, RC_STORE.
 */
enum rc	 identity_update_traits(struct req *r, json_t *ident, json_t *traits);

/*
 * Replace the password hash; pepper_id names the pepper mixed in before
 * hashing, or is NULL (imported hashes).  RC_OK or store errors.
 */
enum rc	 identity_set_password(struct req *r, json_t *ident, const char *phc,
	    const char *pepper_id);

/* The pepper id the stored hash was made with, or NULL. */
const char *identity_password_pepper(const json_t *ident);

/*
 * Load by id taking the write lock now (DB_RMW): for read-modify-write of
 * one-time secrets (TOTP step, recovery codes), so two concurrent uses
 * serialise and the second sees the first's write.
 */
enum rc	 identity_get_for_update(struct req *r, const char *id, json_t **out);

/* The credential of type ("totp", "lookup_secret"), or NULL. */
json_t	*identity_credential(const json_t *ident, const char *type);

/*
 * Add or replace the credential of type with config (stolen reference),
 * or with config NULL remove it; then store the identity and refresh its
 * available AAL.  RC_OK or store errors.
 */
enum rc	 identity_set_credential(struct req *r, json_t *ident,
	    const char *type, json_t *config);

/* Store the identity after changing a credential's config in place. */
enum rc	 identity_save(struct req *r, json_t *ident);

/*
 * 1 if the identity has a second factor: a TOTP credential, or recovery
 * codes (used or not, as Kratos counts them).
 */
int	 identity_has_mfa(const json_t *ident);

/*
 * Delete an identity with its identifier index entry and all its
 * sessions.  RC_OK or store errors.
 */
enum rc	 identity_delete(struct req *r, json_t *ident);

/* 1 unless the identity's state is "inactive" (disabled by an admin). */
int	 identity_is_active(const json_t *ident);

/* The stored password hash, or NULL. */
const char *identity_password_hash(const json_t *ident);

/* The password identifier (normalised email), or NULL. */
const char *identity_identifier(const json_t *ident);

/* The identity as Kratos's public JSON (no credentials). */
json_t	*identity_public_json(struct req *r, const json_t *ident);

/* Lower-case and trim an identifier, in the arena. */
char	*identity_normalise(struct req *r, const char *identifier);

#endif /* IDENTITY_H */

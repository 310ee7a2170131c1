/* SPDX-License-Identifier: MIT */
/*
 * admin: Kratos's admin API for identities and sessions, under /admin on
 * the public origin, off unless gatehouse.admin.api_key(_file) is set, and
 * then only for requests with "Authorization: Bearer <key>".  The identity
 * operations are also what the command-line tool uses.
 */
#ifndef ADMIN_H
#define ADMIN_H

#include <jansson.h>

#include "rc.h"

struct req;

/* Any request below /admin/. */
enum rc	 admin_handle(struct req *r);

/*
 * Create an identity from Kratos's CreateIdentityBody: traits, state,
 * and credentials -- password {password | hashed_password (argon2,
 * bcrypt, pbkdf2)}, totp {totp_url}, lookup_secret {codes: [{code,
 * used_at?}]}.  RC_OK with *out; RC_INVALID / RC_EXISTS with *status
 * (400 / 409) and *reason set; or internal errors.
 */
enum rc	 admin_identity_create(struct req *r, json_t *body, json_t **out,
	    int *status, const char **reason);

/* The admin view of an identity: public fields plus credential summaries. */
json_t	*admin_identity_json(struct req *r, const json_t *ident);

#endif /* ADMIN_H */

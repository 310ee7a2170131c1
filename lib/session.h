/* SPDX-License-Identifier: MIT */
/*
 * session: sessions, their tokens and cookies.
 *
 * A session token is "ory_st_" and 256 random bits in hex; only its
 * SHA-256 is stored (the sessions database key), so a copy of the database
 * gives no usable token.  Browsers carry the token in the session cookie,
 * followed by an HMAC under the first cookie secret so that a forged cookie
 * is refused without a database read and all cookies can be invalidated by
 * rotating the secret.  Native apps send it in X-Session-Token or
 * Authorization: Bearer.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdint.h>

#include <jansson.h>

#include "rc.h"

struct req;

struct session {
	json_t		*rec;		/* the stored record */
	const char	*token;		/* when created, rotated, or sent as
					   X-Session-Token / Bearer */
	unsigned char	 key[32];	/* SHA-256 of the token */
	const char	*identity_id;
	int64_t		 expires_us;
	int64_t		 authenticated_us;
	int		 created;	/* by this request (a new sign-in) */
};

/*
 * Create a session for identity `ident` after a successful first factor
 * `method` ("password"), and store it.  RC_OK, RC_CRYPTO, store errors.
 */
enum rc	 session_create(struct req *r, const json_t *ident, const char *method,
	    struct session **out);

/*
 * The caller's session from the X-Session-Token / cookie / Bearer token
 * (Kratos's order), loaded once per request.  RC_OK with *out set (NULL
 * when there is no valid, unexpired session), or a store error.
 */
enum rc	 session_current(struct req *r, struct session **out);

/*
 * Give an existing session a new token (same id, same record): done on
 * step-up and re-authentication in browsers, so a token observed before
 * the stronger authentication is worthless after it.  Sets s->token.
 */
enum rc	 session_rotate(struct req *r, struct session *s);

/*
 * The active sessions of an identity, in the arena (*out[i]), *n of them.
 * Expired records are skipped (housekeeping deletes them).
 */
enum rc	 session_list(struct req *r, const char *identity_id,
	    struct session ***out, size_t *n);

/*
 * The session with this id -- only an active one, unless `any` (the admin
 * view also sees deactivated and expired ones); *out NULL when none.
 */
enum rc	 session_get_by_id(struct req *r, const char *id, int any,
	    struct session **out);

/*
 * Deactivate a session (Kratos's admin "disable"): the record stays,
 * marked inactive, until housekeeping removes it at its expiry.
 */
enum rc	 session_deactivate(struct req *r, struct session *s);

/* Revoke every session of an identity except `keep` (may be NULL). */
enum rc	 session_revoke_all(struct req *r, const char *identity_id,
	    const struct session *keep, size_t *count);

/* Revoke (delete) a session.  RC_OK or store errors. */
enum rc	 session_revoke(struct req *r, struct session *s);

/* Set the session cookie for s (browser flows). */
void	 session_set_cookie(struct req *r, const struct session *s);

/* Expire the session cookie. */
void	 session_clear_cookie(struct req *r);

/*
 * Kratos's session JSON; with ident non-NULL the identity is embedded
 * (public fields only).
 */
json_t	*session_json(struct req *r, const struct session *s,
	    const json_t *ident);

/* The logout token of s ("ory_lo_..."), in the arena. */
const char *session_logout_token(struct req *r, const struct session *s);

/* 1 if token is s's logout token (constant-time). */
int	 session_logout_token_ok(struct req *r, const struct session *s,
	    const char *token);

/* Append an authentication method and refresh authenticated_at. */
enum rc	 session_add_method(struct req *r, struct session *s,
	    const char *method, const char *aal);

#endif /* SESSION_H */

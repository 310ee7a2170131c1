/* SPDX-License-Identifier: MIT */
/*
 * password: the password method's shared pieces -- the policy a new
 * password must meet and hashing with the configured argon2id parameters.
 */
#ifndef PASSWORD_H
#define PASSWORD_H

#include "rc.h"

struct flow;
struct req;

/*
 * Check a new password against the policy, cheapest rule first: length in
 * bytes between min_password_length and max_password_length (never
 * truncated; 4000032 / 4000033), not too similar to the identifier
 * (4000031, Kratos's rule), not a common password (4000005) and not
 * breached (4000034, see breach.h).  On failure the message is attached
 * to the flow's `password` node and RC_INVALID returned; store errors
 * are returned as they are.
 */
enum rc	 password_check_policy_or_msg(struct req *r, struct flow *f,
	    const char *pw, const char *identifier);

/*
 * Kratos's similarity rule, on lower-cased strings of at most 256 bytes:
 * Levenshtein distance below 5, or a longest common substring longer
 * than half the password.  1 if too similar.
 */
int	 password_too_similar(const char *pw, const char *identifier);

/*
 * Hash pw with the configured parameters into the arena, mixing in the
 * pepper when one is configured (HMAC-SHA-256 under the pepper first).
 * *pepper_id names the pepper used, or is NULL.
 */
enum rc	 password_hash(struct req *r, const char *pw, const char **out,
	    const char **pepper_id);

/*
 * Check pw against the identity's stored password (ident may be NULL:
 * then a decoy hash is computed so the answer takes as long).  RC_OK,
 * RC_DENIED.  *rehash is set when the stored hash should be replaced
 * (imported format, old parameters, or made without the current pepper).
 */
enum rc	 password_verify(struct req *r, const json_t *ident, const char *pw,
	    int *rehash);

#endif /* PASSWORD_H */

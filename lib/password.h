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
 * Check a new password against the policy (length in bytes between
 * min_password_length and max_password_length; never truncated).  On
 * failure attaches 4000032 / 4000033 to the flow's `password` node and
 * returns RC_INVALID.  Pure apart from the flow.
 */
enum rc	 password_check_policy_or_msg(struct req *r, struct flow *f,
	    const char *pw);

/* Hash pw with the configured parameters into the arena. */
enum rc	 password_hash(struct req *r, const char *pw, const char **out);

#endif /* PASSWORD_H */

/* SPDX-License-Identifier: MIT */
/*
 * password: policy and hashing for new passwords (NIST SP 800-63B §5.1.1:
 * a minimum length, a generous maximum, no composition rules, never
 * truncated).
 */
#include <string.h>

#include "config.h"
#include "flow.h"
#include "http.h"
#include "password.h"
#include "pwhash.h"
#include "text.h"

enum rc
password_check_policy_or_msg(struct req *r, struct flow *f, const char *pw)
{
	size_t	 n = strlen(pw);

	if (n < r->cfg->password_min) {
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_TOO_SHORT,
		    (long)r->cfg->password_min, (long)n));
		return RC_INVALID;
	}
	if (n > r->cfg->password_max) {
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_TOO_LONG,
		    (long)r->cfg->password_max, (long)n));
		return RC_INVALID;
	}
	return RC_OK;
}

enum rc
password_hash(struct req *r, const char *pw, const char **out)
{
	char	*phc;
	enum rc	 rc;

	if ((rc = pwhash_hash(r->a, &r->cfg->argon2, pw, strlen(pw), &phc)) !=
	    RC_OK)
		return rc;
	*out = phc;
	return RC_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * aal: authenticator assurance levels -- whether a session satisfies a
 * policy (Kratos's DoesSessionSatisfy, plus Gatehouse's "aal2" policy that
 * requires every identity to enrol a second factor), and whether it is
 * privileged enough for sensitive settings.
 */
#ifndef AAL_H
#define AAL_H

#include <jansson.h>

#include "config.h"
#include "rc.h"

struct req;
struct session;

enum aal_verdict {
	AAL_OK,
	AAL_NEED_AAL2,		/* has a second factor, session is aal1 */
	AAL_NEED_ENROLLMENT,	/* policy aal2, no second factor, no grace */
};

/* 1 if the session's authentication methods reach aal2. */
int	 aal_session_is_aal2(const struct session *s);

/*
 * Check session s of identity ident against policy.  Under
 * highest_available an identity without a second factor is satisfied at
 * aal1 (the ory/network#409 class of bug is exactly getting this wrong).
 */
enum aal_verdict aal_check(const struct req *r, const struct session *s,
	    const json_t *ident, enum aal_policy policy);

/*
 * Privileged: the first factor was completed within
 * privileged_session_max_age and, when the identity has a second factor,
 * so was a second factor (Kratos #3856 is forgetting the second part).
 */
int	 aal_is_privileged(const struct req *r, const struct session *s,
	    const json_t *ident);

/* <base>self-service/login/browser?aal=aal2[&return_to=..], in the arena. */
const char *aal_stepup_url(struct req *r, const char *return_to);

/* <base>self-service/settings/browser?setup=mfa[&return_to=..]. */
const char *aal_setup_url(struct req *r, const char *return_to);

/*
 * Answer an unmet policy: JSON 403 session_aal2_required or
 * session_mfa_enrollment_required with redirect_browser_to, or a 303 for
 * browsers.  Returns what view_error returns.
 */
enum rc	 aal_deny(struct req *r, enum aal_verdict v, const char *return_to,
	    int browser_redirect);

#endif /* AAL_H */

/* SPDX-License-Identifier: MIT */
/*
 * aal: the policy engine.  Methods are read from the session's
 * authentication_methods; times from their completed_at stamps.
 */
#include <string.h>
#include <time.h>

#include "aal.h"
#include "arena.h"
#include "config.h"
#include "form.h"
#include "http.h"
#include "identity.h"
#include "session.h"
#include "view.h"

int
aal_session_is_aal2(const struct session *s)
{
	const char *v = json_string_value(json_object_get(s->rec,
	    "authenticator_assurance_level"));

	return v != NULL && strcmp(v, "aal2") == 0;
}

/* Seconds since the epoch of an RFC 3339 UTC stamp; 0 if unreadable. */
static int64_t
stamp(const char *s)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	return (int64_t)timegm(&tm);
}

enum aal_verdict
aal_check(const struct req *r, const struct session *s, const json_t *ident,
    enum aal_policy policy)
{
	int64_t	 created;

	if (aal_session_is_aal2(s) || policy == AAL_POLICY_AAL1)
		return AAL_OK;
	if (identity_has_mfa(ident))
		return AAL_NEED_AAL2;
	if (policy == AAL_POLICY_HIGHEST)
		return AAL_OK;

	/* Policy aal2 and nothing enrolled: allowed only within the grace. */
	created = stamp(json_string_value(json_object_get(ident,
	    "created_at")));
	if (r->cfg->mfa_grace > 0 && created + r->cfg->mfa_grace >
	    r->now_us / 1000000)
		return AAL_OK;
	return AAL_NEED_ENROLLMENT;
}

int
aal_is_privileged(const struct req *r, const struct session *s,
    const json_t *ident)
{
	json_t	*methods = json_object_get(s->rec, "authentication_methods");
	json_t	*m;
	int64_t	 since = r->now_us / 1000000 - r->cfg->privileged_max_age;
	int64_t	 last1 = 0, last2 = 0, t;
	size_t	 i;

	if (r->cfg->privileged_max_age <= 0)
		return 1;
	json_array_foreach(methods, i, m) {
		const char *aal = json_string_value(json_object_get(m, "aal"));

		t = stamp(json_string_value(json_object_get(m,
		    "completed_at")));
		if (aal != NULL && strcmp(aal, "aal2") == 0) {
			if (t > last2)
				last2 = t;
		} else if (t > last1)
			last1 = t;
	}
	if (last1 <= since)
		return 0;
	return !identity_has_mfa(ident) || last2 > since;
}

static const char *
with_return_to(struct req *r, const char *url, const char *return_to)
{
	if (return_to == NULL)
		return url;
	return arena_printf(r->a, "%s&return_to=%s", url,
	    form_escape(r->a, return_to));
}

const char *
aal_stepup_url(struct req *r, const char *return_to)
{
	return with_return_to(r, arena_printf(r->a,
	    "%sself-service/login/browser?aal=aal2", r->cfg->base_url),
	    return_to);
}

const char *
aal_setup_url(struct req *r, const char *return_to)
{
	return with_return_to(r, arena_printf(r->a,
	    "%sself-service/settings/browser?setup=mfa", r->cfg->base_url),
	    return_to);
}

enum rc
aal_deny(struct req *r, enum aal_verdict v, const char *return_to,
    int browser_redirect)
{
	const char	*url;

	if (v == AAL_NEED_ENROLLMENT) {
		url = aal_setup_url(r, return_to);
		if (browser_redirect && !r->wants_json) {
			http_redirect(r, url);
			return RC_OK;
		}
		return view_error(r, 403, "session_mfa_enrollment_required",
		    "This account must set up a second factor (an "
		    "authenticator app or recovery codes) before it can be "
		    "used.", json_pack("{s:s}", "redirect_browser_to", url));
	}
	url = aal_stepup_url(r, return_to);
	if (browser_redirect && !r->wants_json) {
		http_redirect(r, url);
		return RC_OK;
	}
	return view_error(r, 403, "session_aal2_required", "An active session "
	    "was found but it does not fulfill the requested Authenticator "
	    "Assurance Level. Please verify yourself with a second factor to "
	    "resolve this issue.", json_pack("{s:s}", "redirect_browser_to",
	    url));
}

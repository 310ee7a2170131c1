/* SPDX-License-Identifier: MIT */
/*
 * login: the login flow -- first factor with a password, and the
 * re-authentication variant (?refresh=true) that confirms an existing
 * session.  An unknown account and a wrong password get the same message
 * (4000006) after the same amount of hashing.
 */
#include <string.h>
#include <strings.h>

#include "aal.h"
#include "arena.h"
#include "audit.h"
#include "config.h"
#include "flow.h"
#include "http.h"
#include "identity.h"
#include "password.h"
#include "pwhash.h"
#include "selfservice.h"
#include "session.h"
#include "strategy.h"
#include "text.h"
#include "throttle.h"
#include "view.h"

static void
password_nodes(struct req *r, struct flow *f, const char *identifier)
{
	flow_node_input(f, "default", "identifier",
	    identifier != NULL && f->refresh ? "hidden" : "text",
	    identifier != NULL ? identifier : "", 1, "username",
	    text_msg(MSG_LABEL_EMAIL));
	if (!f->api)
		flow_node_input(f, "default", "csrf_token", "hidden", "", 1,
		    NULL, NULL);
	flow_node_input(f, "password", "password", "password", NULL, 1,
	    "current-password", text_msg(MSG_LABEL_PASSWORD));
	flow_node_input(f, "password", "method", "submit", "password", 0, NULL,
	    text_msg(f->refresh ? MSG_LOGIN_SIGN_IN : MSG_LOGIN_WITH_PASSWORD));
	(void)r;
}

/* The second-factor forms for an aal2 (or aal2 refresh) flow. */
static void
mfa_nodes(struct req *r, struct flow *f, const json_t *ident)
{
	flow_msg(f, text_msg(MSG_LOGIN_MFA));
	if (!f->api)
		flow_node_input(f, "default", "csrf_token", "hidden", "", 1,
		    NULL, NULL);
	strategy_totp_login_nodes(r, f, ident);
	strategy_lookup_login_nodes(r, f, ident);
}

static enum rc
start(struct req *r, struct flow *f, int *done)
{
	const char	*aal = kv_get(&r->query, "aal");
	const char	*refresh = kv_get(&r->query, "refresh");
	struct session	*s;
	json_t		*ident;
	enum rc		 rc;

	*done = 0;
	if (aal != NULL && *aal != '\0') {
		if (strcasecmp(aal, "aal1") == 0)
			f->requested_aal = "aal1";
		else if (strcasecmp(aal, "aal2") == 0)
			f->requested_aal = "aal2";
		else {
			*done = 1;
			return view_error(r, 400, NULL, arena_printf(r->a,
			    "Unable to parse AuthenticationMethod Assurance "
			    "Level (AAL): expected one of [aal1, aal2] but got "
			    "%s", aal), NULL);
		}
	}
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL) {
		if (strcmp(f->requested_aal, "aal2") == 0) {
			*done = 1;
			return view_error(r, 401, "session_aal1_required",
			    "You can not requested a higher AAL (AAL2/AAL3) "
			    "without an active session.", NULL);
		}
		f->refresh = 0;
		password_nodes(r, f, NULL);
		return RC_OK;
	}
	if ((rc = identity_get(r, s->identity_id, &ident)) != RC_OK)
		return rc;
	f->refresh = f->refresh || (refresh != NULL &&
	    strcmp(refresh, "true") == 0);
	if (f->refresh) {
		flow_msg(f, text_msg(MSG_LOGIN_REAUTH));
		if (strcmp(f->requested_aal, "aal2") == 0)
			mfa_nodes(r, f, ident);
		else
			password_nodes(r, f, identity_identifier(ident));
		return RC_OK;
	}
	if (strcmp(f->requested_aal, "aal2") == 0 && !aal_session_is_aal2(s)) {
		/* Without a second factor only the CSRF node (Kratos). */
		mfa_nodes(r, f, ident);
		return RC_OK;
	}
	*done = 1;
	if (!r->wants_json) {
		http_redirect(r, selfservice_return_url(r, f));
		return RC_OK;
	}
	return view_error(r, 400, "session_already_available",
	    "A valid session was detected and thus login is not possible. "
	    "Did you forget to set `?refresh=true`?", NULL);
}

/*
 * After a first factor: go on to the second one when the whoami policy
 * wants it -- or, for a re-authentication, whenever the identity has one
 * (a privileged session needs both factors) -- or to second-factor setup
 * when the policy requires every identity to have one.
 */
static enum rc
after_first_factor(struct req *r, struct flow *f, struct session *s,
    const json_t *ident)
{
	enum aal_verdict v = aal_check(r, s, ident, r->cfg->whoami_aal);
	const char	*url;

	if (f->refresh && identity_has_mfa(ident) &&
	    (r->cfg->totp_enabled || r->cfg->lookup_enabled))
		v = AAL_NEED_AAL2;
	if (v == AAL_OK)
		return selfservice_signed_in(r, f, s, ident, 0);
	if (v == AAL_NEED_ENROLLMENT)
		url = aal_setup_url(r, f->return_to);
	else {
		url = aal_stepup_url(r, f->return_to);
		if (f->refresh)
			url = arena_printf(r->a, "%s&refresh=true", url);
	}
	return selfservice_continue(r, f, s, url);
}

static enum rc
submit_password(struct req *r, struct flow *f)
{
	const char	*id = kv_get(&r->form, "identifier");
	const char	*pw = kv_get(&r->form, "password");
	struct session	*s = NULL;
	json_t		*ident = NULL;
	int64_t		 retry;
	int		 rehash;
	enum rc		 rc, vrc;

	f->active = "password";
	if (f->refresh) {
		/* Re-authentication is for the signed-in identity only. */
		if ((rc = session_current(r, &s)) != RC_OK)
			return rc;
		if (s != NULL && (rc = identity_get(r, s->identity_id,
		    &ident)) != RC_OK)
			return rc;
		id = ident != NULL ? identity_identifier(ident) : id;
	}
	flow_node_value(f, "identifier", id ? id : "");
	if (id == NULL || *id == '\0')
		flow_node_msg(f, "identifier", text_msg(MSG_VALIDATION_MISSING,
		    "identifier"));
	if (pw == NULL || *pw == '\0')
		flow_node_msg(f, "password", text_msg(MSG_VALIDATION_MISSING,
		    "password"));
	if (id == NULL || *id == '\0' || pw == NULL || *pw == '\0')
		return RC_INVALID;

	/* Throttled: refuse before any check, so a lock is no oracle. */
	if ((rc = throttle_check(r, id, &retry)) == RC_DENIED)
		return selfservice_throttled(r, f, retry);
	if (rc != RC_OK)
		return rc;
	if (ident == NULL) {
		rc = identity_get_by_identifier(r, id, &ident);
		if (rc != RC_OK && rc != RC_NOTFOUND)
			return rc;
	}

	/* Hashes even for unknown accounts, so timing does not tell. */
	vrc = password_verify(r, ident, pw, &rehash);
	if (vrc != RC_OK) {
		audit_event(r, "login.failure", ident ? json_string_value(
		    json_object_get(ident, "id")) : NULL, "password");
		if ((rc = throttle_fail(r, id)) != RC_OK)
			return rc;
		flow_msg(f, text_msg(MSG_INVALID_CREDENTIALS));
		return RC_INVALID;
	}
	if ((rc = throttle_clear(r, id)) != RC_OK)
		return rc;

	/* Told only after the right password, so it is no account oracle. */
	if (!identity_is_active(ident)) {
		flow_msg(f, text_msg(MSG_IDENTITY_DISABLED));
		return RC_INVALID;
	}
	audit_event(r, "login.success", json_string_value(json_object_get(
	    ident, "id")), "password");

	/* An imported (bcrypt, PBKDF2), weaker or unpeppered hash: upgrade. */
	if (rehash) {
		const char	*neu, *pid;

		if ((rc = password_hash(r, pw, &neu, &pid)) != RC_OK ||
		    (rc = identity_set_password(r, ident, neu, pid)) != RC_OK)
			return rc;
	}
	if (s != NULL && f->refresh)
		rc = session_add_method(r, s, "password", "aal1");
	else
		rc = session_create(r, ident, "password", &s);
	if (rc != RC_OK)
		return rc;
	return after_first_factor(r, f, s, ident);
}

static enum rc
submit(struct req *r, struct flow *f)
{
	const char	*method = kv_get(&r->form, "method");
	int		 aal2 = f->requested_aal != NULL &&
	    strcmp(f->requested_aal, "aal2") == 0;
	struct session	*s;
	json_t		*ident;
	const char	*key;
	int64_t		 retry;
	enum rc		 rc;

	if (method != NULL && strcmp(method, "password") == 0 && !aal2 &&
	    r->cfg->password_enabled)
		return submit_password(r, f);
	if (method == NULL || !aal2 || (strcmp(method, "totp") != 0 &&
	    strcmp(method, "lookup_secret") != 0)) {
		flow_msg(f, text_msg(MSG_LOGIN_NO_STRATEGY));
		return RC_INVALID;
	}
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL)
		return view_error(r, 401, "session_aal1_required",
		    "You can not requested a higher AAL (AAL2/AAL3) without an "
		    "active session.", NULL);
	f->active = strcmp(method, "totp") == 0 ? "totp" : "lookup_secret";

	/* Second factors have their own budget, per identity and per IP. */
	key = arena_printf(r->a, "2fa:%s", s->identity_id);
	if ((rc = throttle_check(r, key, &retry)) == RC_DENIED)
		return selfservice_throttled(r, f, retry);
	if (rc != RC_OK)
		return rc;
	rc = strcmp(method, "totp") == 0 ? strategy_totp_login(r, f, s) :
	    strategy_lookup_login(r, f, s);
	if (rc == RC_INVALID) {
		audit_event(r, "login.failure", s->identity_id, f->active);
		if ((rc = throttle_fail(r, key)) != RC_OK)
			return rc;
		return RC_INVALID;
	}
	if (rc != RC_OK || (rc = throttle_clear(r, key)) != RC_OK)
		return rc;
	audit_event(r, strcmp(method, "totp") == 0 ? "login.success" :
	    "recovery_code.used", s->identity_id, f->active);
	if ((rc = identity_get(r, s->identity_id, &ident)) != RC_OK)
		return rc;
	return selfservice_signed_in(r, f, s, ident, 0);
}

const struct flow_ops login_ops = {
	.kind = FLOW_LOGIN,
	.expired_msg = MSG_LOGIN_EXPIRED,
	.no_strategy_msg = MSG_LOGIN_NO_STRATEGY,
	.start = start,
	.submit = submit,
};

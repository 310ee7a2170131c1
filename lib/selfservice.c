/* SPDX-License-Identifier: MIT */
/*
 * selfservice: the shared half of every flow endpoint.  The order of checks
 * on a submission follows Kratos (strategy/totp/login.go): body decoded ->
 * flow loaded -> expiry -> CSRF -> session -> the kind's own step.
 */
#include <string.h>

#include "aal.h"
#include "arena.h"
#include "audit.h"
#include "clock.h"
#include "config.h"
#include "flow.h"
#include "form.h"
#include "http.h"
#include "identity.h"
#include "selfservice.h"
#include "session.h"
#include "store.h"
#include "text.h"
#include "view.h"

/* <base>self-service/<kind>/browser, keeping return_to, aal and refresh. */
static const char *
init_url(struct req *r, enum flow_kind kind, const char *return_to)
{
	static const char *const keep[] = { "aal", "refresh" };
	struct buf	 b;
	const char	*v;
	char		 sep = '?';
	size_t		 i;

	buf_init(&b, r->a);
	buf_addf(&b, "%sself-service/%s/browser", r->cfg->base_url,
	    flow_kind_name(kind));
	if (return_to == NULL)
		return_to = kv_get(&r->query, "return_to");
	if (return_to != NULL) {
		buf_addf(&b, "%creturn_to=%s", sep, form_escape(r->a,
		    return_to));
		sep = '&';
	}
	for (i = 0; kind == FLOW_LOGIN && i < 2; i++)
		if ((v = kv_get(&r->query, keep[i])) != NULL) {
			buf_addf(&b, "%c%s=%s", sep, keep[i],
			    form_escape(r->a, v));
			sep = '&';
		}
	return b.ptr;
}

const char *
selfservice_return_url(struct req *r, const struct flow *f)
{
	if (f->return_to != NULL)
		return f->return_to;
	return r->cfg->default_return_url;
}

/* Answer with flow f in the client's representation. */
static enum rc
show(struct req *r, int status, const struct flow *f)
{
	json_t	*ident = NULL;
	enum rc	 rc;

	if (f->kind == FLOW_SETTINGS &&
	    (rc = settings_identity(r, f, &ident)) != RC_OK)
		return rc;
	return view_flow(r, status, f, ident);
}

/*
 * A fresh flow of the same kind replacing `old` (expired or unknown),
 * carrying its return_to; with msg, the expiry message.  *done is set
 * when start() answered instead.
 */
static enum rc
replace(struct req *r, const struct flow_ops *ops, const struct flow *old,
    int api, struct flow **out, int *done)
{
	struct flow	*f;
	enum rc		 rc;

	*done = 0;
	if ((rc = flow_new(r, ops->kind, api, &f)) != RC_OK)
		return rc;
	if (old != NULL) {
		f->return_to = old->return_to;
		f->requested_aal = old->requested_aal;
		f->refresh = old->refresh;
	}
	if ((rc = ops->start(r, f, done)) != RC_OK || *done)
		return rc;
	if (old != NULL)
		flow_msg(f, text_msg(ops->expired_msg,
		    flow_expired_minutes(r, old)));
	if ((rc = flow_save(r, f)) != RC_OK)
		return rc;
	*out = f;
	return RC_OK;
}

/* Settings flows belong to one identity: check the caller is it. */
static enum rc
settings_guard(struct req *r, const struct flow *f, int *done)
{
	struct session	*s;
	json_t		*ident;
	enum aal_verdict v;
	enum rc		 rc;

	*done = 0;
	if (f->kind != FLOW_SETTINGS)
		return RC_OK;
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	*done = 1;
	if (s == NULL) {
		if (!r->wants_json) {
			http_redirect(r, init_url(r, FLOW_LOGIN,
			    flow_ui_url(r, f)));
			return RC_OK;
		}
		return view_error(r, 401, NULL,
		    "No valid session credentials found in the request.", NULL);
	}
	if (f->identity_id == NULL || strcmp(s->identity_id,
	    f->identity_id) != 0)
		return view_error(r, 403, "security_identity_mismatch",
		    "The requested flow was initiated by someone else.", NULL);
	if ((rc = identity_get(r, s->identity_id, &ident)) != RC_OK)
		return rc;

	/* selfservice.flows.settings.required_aal, on every step. */
	if ((v = aal_check(r, s, ident, r->cfg->settings_aal)) != AAL_OK)
		return aal_deny(r, v, flow_ui_url(r, f), 1);
	*done = 0;
	return RC_OK;
}

enum rc
selfservice_create(struct req *r, const struct flow_ops *ops, int api)
{
	struct flow	*f;
	const char	*rt = kv_get(&r->query, "return_to");
	int		 done;
	enum rc		 rc;

	if (api)
		r->wants_json = 1;
	if (rt != NULL && *rt != '\0' && !flow_return_to_allowed(r->cfg, rt))
		return view_error(r, 400, "self_service_flow_return_to_forbidden",
		    arena_printf(r->a, "Requested return_to URL \"%s\" is not "
		    "allowed.", rt), NULL);
	if ((rc = flow_new(r, ops->kind, api, &f)) != RC_OK)
		return rc;
	f->return_to = rt != NULL && *rt != '\0' ? rt : NULL;
	if ((rc = ops->start(r, f, &done)) != RC_OK || done)
		return rc;
	if ((rc = flow_save(r, f)) != RC_OK)
		return rc;
	if (r->wants_json)
		return show(r, 200, f);

	/* Opened at second-factor setup: land on that section. */
	if (json_string_value(json_object_get(f->internal, "mfa_setup")))
		http_redirect(r, arena_printf(r->a, "%s#%s", flow_ui_url(r, f),
		    json_string_value(json_object_get(f->internal,
		    "mfa_setup"))));
	else
		http_redirect(r, flow_ui_url(r, f));
	return RC_OK;
}

enum rc
selfservice_page(struct req *r, const struct flow_ops *ops)
{
	struct flow	*f, *nf;
	const char	*id = kv_get(&r->query, "flow");
	int		 done;
	enum rc		 rc;

	if (id == NULL) {
		http_redirect(r, init_url(r, ops->kind, NULL));
		return RC_OK;
	}
	rc = flow_load(r, ops->kind, id, &f);
	if (rc == RC_NOTFOUND) {
		http_redirect(r, init_url(r, ops->kind, NULL));
		return RC_OK;
	}
	if (rc != RC_OK)
		return rc;
	if (flow_expired(r, f)) {
		if ((rc = replace(r, ops, f, 0, &nf, &done)) != RC_OK || done)
			return rc;
		http_redirect(r, flow_ui_url(r, nf));
		return RC_OK;
	}
	if ((rc = settings_guard(r, f, &done)) != RC_OK || done)
		return rc;
	return show(r, 200, f);
}

enum rc
selfservice_fetch(struct req *r, const struct flow_ops *ops)
{
	struct flow	*f;
	const char	*id = kv_get(&r->query, "id"), *cookie;
	int		 done;
	enum rc		 rc;

	r->wants_json = 1;
	rc = flow_load(r, ops->kind, id, &f);
	if (rc == RC_NOTFOUND)
		return view_error(r, 404, NULL, "The flow could not be found.",
		    NULL);
	if (rc != RC_OK)
		return rc;
	if (!f->api) {
		cookie = kv_get(&r->cookies, r->cfg->csrf_cookie_name);
		if (cookie == NULL || f->csrf == NULL ||
		    !crypto_eq(cookie, strlen(cookie), f->csrf,
		    strlen(f->csrf)))
			return view_error(r, 403, "security_csrf_violation",
			    "Please retry the flow and optionally clear your "
			    "cookies. The request was rejected to protect you "
			    "from Cross-Site-Request-Forgery (CSRF) which "
			    "could cause account takeover, leaking personal "
			    "information, and other serious security issues.",
			    NULL);
	}
	if (flow_expired(r, f))
		return view_error(r, 410, "self_service_flow_expired",
		    arena_printf(r->a, "The self-service flow expired %.2f "
		    "minutes ago, initialize a new one.",
		    flow_expired_minutes(r, f)), json_pack("{s:{s:s}}",
		    "details", "redirect_to", init_url(r, ops->kind, f->return_to)));
	if ((rc = settings_guard(r, f, &done)) != RC_OK || done)
		return rc;
	return show(r, 200, f);
}

/* Kratos refuses browser signs on api flows: cookies or an Origin. */
static int
looks_like_browser(const struct req *r)
{
	size_t	 i;

	if (r->origin != NULL)
		return 1;
	for (i = 0; i < r->cookies.n; i++) {
		const char *k = r->cookies.v[i].key;

		if (strncmp(k, "__cf", 4) != 0 && strncmp(k, "_cf", 3) != 0 &&
		    strncmp(k, "cf_", 3) != 0)
			return 1;
	}
	return 0;
}

static enum rc
body_error(struct req *r)
{
	switch (r->body_rc) {
	case RC_TOOBIG:
		return view_error(r, 413, NULL, arena_printf(r->a,
		    "The request body is larger than %zu bytes.",
		    r->cfg->max_body), NULL);
	case RC_MEDIA:
		return view_error(r, 415, NULL, "Send the form as "
		    "application/x-www-form-urlencoded or application/json.",
		    NULL);
	default:
		return view_error(r, 400, NULL, "The request body could not be "
		    "decoded: it must be well-formed, valid UTF-8 without NUL "
		    "bytes, and name each field once.", NULL);
	}
}

enum rc
selfservice_submit(struct req *r, const struct flow_ops *ops)
{
	struct flow	*f, *nf;
	const char	*reason = NULL;
	int		 done;
	enum rc		 rc;

	if (r->body_rc != RC_OK)
		return body_error(r);
	rc = flow_load(r, ops->kind, kv_get(&r->query, "flow"), &f);
	if (rc == RC_NOTFOUND) {
		if (r->wants_json)
			return view_error(r, 404, NULL,
			    "The flow could not be found.", NULL);
		http_redirect(r, init_url(r, ops->kind, NULL));
		return RC_OK;
	}
	if (rc != RC_OK)
		return rc;
	if (f->api)
		r->wants_json = 1;
	if (flow_expired(r, f)) {
		if ((rc = replace(r, ops, f, f->api, &nf, &done)) != RC_OK ||
		    done)
			return rc;
		if (!r->wants_json) {
			http_redirect(r, flow_ui_url(r, nf));
			return RC_OK;
		}
		return view_error(r, 410, "self_service_flow_expired",
		    arena_printf(r->a, "The self-service flow expired %.2f "
		    "minutes ago, initialize a new one.",
		    flow_expired_minutes(r, f)), json_pack("{s:s, s:I, s:s}",
		    "expired_at", clock_rfc3339(r->a, f->expires_us),
		    "since", (json_int_t)(r->now_us - f->expires_us) * 1000,
		    "use_flow_id", nf->id));
	}
	if (f->api && looks_like_browser(r))
		return view_error(r, 400, NULL, "The HTTP request was made "
		    "with cookies or an Origin header, indicating that it came "
		    "from a browser, but the flow was created as an API flow. "
		    "Use a browser flow instead.", NULL);
	if (flow_check_csrf(r, f, &reason) != RC_OK) {
		audit_event(r, "csrf.violation", NULL, flow_kind_name(f->kind));
		return view_error(r, 403, "security_csrf_violation", reason,
		    NULL);
	}
	if ((rc = settings_guard(r, f, &done)) != RC_OK || done)
		return rc;
	flow_clear_messages(f);
	rc = ops->submit(r, f);
	if (rc != RC_INVALID)
		return rc;
	if ((rc = flow_save(r, f)) != RC_OK)
		return rc;
	if (r->wants_json)
		return show(r, 400, f);
	http_redirect(r, flow_ui_url(r, f));
	return RC_OK;
}

enum rc
selfservice_signed_in(struct req *r, const struct flow *f, struct session *s,
    const json_t *ident, int with_identity)
{
	return selfservice_continue_with_identity(r, f, s, with_identity ?
	    ident : NULL, selfservice_return_url(r, f));
}

/*
 * The common half of finishing a step that signed someone in: the flow is
 * used up; a browser's session gets a fresh token (step-up and
 * re-authentication rotate it) in its cookie and, for a new sign-in, a
 * new anti-CSRF token (login CSRF).  A step-up keeps the CSRF token: the
 * settings flow that asked for it is bound to it and must still work.
 */
static enum rc
issue(struct req *r, const struct flow *f, struct session *s)
{
	enum rc	 rc;

	rc = store_del(r->store, STORE_FLOWS, r->txn, f->id, strlen(f->id));
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	if (f->api)
		return RC_OK;
	if (s->token == NULL && (rc = session_rotate(r, s)) != RC_OK)
		return rc;
	session_set_cookie(r, s);
	if (s->created && (rc = flow_rotate_csrf(r)) != RC_OK)
		return rc;
	return RC_OK;
}

enum rc
selfservice_continue_with_identity(struct req *r, const struct flow *f,
    struct session *s, const json_t *ident, const char *url)
{
	int	 with_identity = ident != NULL;
	json_t	*body, *rec = NULL;
	enum rc	 rc;

	if (ident == NULL) {
		if ((rc = identity_get(r, s->identity_id, &rec)) != RC_OK)
			return rc;
		ident = rec;
	}
	if ((rc = issue(r, f, s)) != RC_OK)
		return rc;
	body = json_pack("{s:o}", "session", session_json(r, s, ident));
	if (with_identity)
		json_object_set_new(body, "identity",
		    identity_public_json(r, ident));
	if (f->api) {
		if (s->token != NULL)
			json_object_set_new(body, "session_token",
			    json_string(s->token));

		/* Kratos's session hook tells native apps to keep the token. */
		if (with_identity && s->token != NULL)
			json_object_set_new(body, "continue_with", json_pack(
			    "[{s:s, s:s}]", "action", "set_ory_session_token",
			    "ory_session_token", s->token));
		http_json(r, 200, body);
		return RC_OK;
	}
	if (r->wants_json) {
		json_object_set_new(body, "continue_with", json_pack(
		    "[{s:s, s:s}]", "action", "redirect_browser_to",
		    "redirect_browser_to", url));
		http_json(r, 200, body);
		return RC_OK;
	}
	http_redirect(r, url);
	return RC_OK;
}

enum rc
selfservice_continue(struct req *r, const struct flow *f, struct session *s,
    const char *url)
{
	json_t	*body;
	enum rc	 rc;

	if ((rc = issue(r, f, s)) != RC_OK)
		return rc;
	if (f->api) {
		body = json_pack("{s:o}", "session", session_json(r, s, NULL));
		if (s->token != NULL)
			json_object_set_new(body, "session_token",
			    json_string(s->token));
		http_json(r, 200, body);
		return RC_OK;
	}
	if (r->wants_json)
		return view_error(r, 422, "browser_location_change_required",
		    arena_printf(r->a, "In order to complete this flow please "
		    "redirect the browser to: %s", url), json_pack("{s:s}",
		    "redirect_browser_to", url));
	http_redirect(r, url);
	return RC_OK;
}

enum rc
selfservice_throttled(struct req *r, struct flow *f, int64_t retry_after)
{
	audit_event(r, "throttled", NULL, f->active);
	if (r->wants_json) {
		http_header(r, "Retry-After", arena_printf(r->a, "%lld",
		    (long long)retry_after));
		return view_error(r, 429, "self_service_throttled", arena_printf(
		    r->a, "Too many failed attempts. Please wait %lld seconds "
		    "and try again.", (long long)retry_after), NULL);
	}
	flow_msg(f, text_msg(MSG_THROTTLED, (long)retry_after));
	return RC_INVALID;
}

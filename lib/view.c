/* SPDX-License-Identifier: MIT */
/*
 * view: content negotiation's second half.  The HTML view model is the
 * flow's own JSON, regrouped into one form per node group and annotated
 * with the partial each node renders with -- so the page and the API show
 * the same nodes and messages by construction.
 */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "flow.h"
#include "http.h"
#include "identity.h"
#include "log.h"
#include "render.h"
#include "session.h"
#include "store.h"
#include "view.h"

static const char *const titles[FLOW__MAX] = {
	"Sign in", "Create account", "Account settings", "Error" };

static void
emit_buf(void *ctx, const char *p, size_t n)
{
	buf_add(ctx, p, n);
}

/* Template-global values: links and who is signed in. */
static enum rc
globals(struct req *r, json_t **out)
{
	const char	*b = r->cfg->base_url;
	struct session	*s;
	json_t		*g, *ident;
	enum rc		 rc;

	g = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "base_url", b,
	    "static_url", arena_printf(r->a, "%sstatic/", b),
	    "home_url", b,
	    "login_url", arena_printf(r->a, "%sself-service/login/browser", b),
	    "registration_url", arena_printf(r->a,
	    "%sself-service/registration/browser", b),
	    "settings_url", arena_printf(r->a,
	    "%sself-service/settings/browser", b));
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s != NULL) {
		rc = identity_get(r, s->identity_id, &ident);
		if (rc != RC_OK && rc != RC_NOTFOUND)
			return rc;
		json_object_set_new(g, "signed_in", json_true());
		if (rc == RC_OK)
			json_object_set_new(g, "user",
			    json_string(identity_identifier(ident)));
		json_object_set_new(g, "logout_url", json_string(arena_printf(
		    r->a, "%sself-service/logout?token=%s", b,
		    session_logout_token(r, s))));
	} else
		json_object_set_new(g, "signed_out", json_true());
	*out = g;
	return RC_OK;
}

enum rc
view_page(struct req *r, int status, const char *tpl, const char *title,
    json_t *page)
{
	json_t	*g;
	enum rc	 rc;

	if ((rc = globals(r, &g)) != RC_OK)
		return rc;
	json_object_set_new(page, "global", g);
	json_object_set_new(page, "tpl:BODY", json_string(tpl));
	json_object_set_new(page, "title", json_string(title));
	buf_reset(&r->resp.body);
	if (render_expand("layout.tpl", page, emit_buf, &r->resp.body) == -1)
		return RC_SYSTEM;
	r->resp.status = status;
	r->resp.content_type = "text/html; charset=utf-8";
	return RC_OK;
}

/* The partial a node renders with. */
static const char *
partial(const json_t *node)
{
	const char *type = json_string_value(json_object_get(node, "type"));
	const char *itype = json_string_value(json_object_get(
	    json_object_get(node, "attributes"), "type"));

	if (type == NULL || strcmp(type, "input") != 0)
		return type != NULL && (strcmp(type, "img") == 0 ||
		    strcmp(type, "text") == 0 || strcmp(type, "a") == 0) ?
		    (strcmp(type, "img") == 0 ? "node_img.tpl" :
		    strcmp(type, "text") == 0 ? "node_text.tpl" :
		    "node_a.tpl") : NULL;
	if (itype == NULL)
		return "node_input.tpl";
	if (strcmp(itype, "hidden") == 0)
		return "node_hidden.tpl";
	if (strcmp(itype, "submit") == 0 || strcmp(itype, "button") == 0)
		return "node_submit.tpl";
	if (strcmp(itype, "checkbox") == 0)
		return "node_checkbox.tpl";
	return "node_input.tpl";
}

static json_t *
annotate(struct req *r, const json_t *node, const char *group)
{
	json_t		*n = json_deep_copy(node);
	json_t		*a = json_object_get(n, "attributes");
	const char	*name = json_string_value(json_object_get(a, "name"));
	const char	*p = partial(n);

	if (name == NULL)
		name = json_string_value(json_object_get(a, "id"));
	if (p != NULL)
		json_object_set_new(n, "tpl:NODE", json_string(p));

	/* Secrets and codes read best in a fixed-width box; the rest as prose. */
	if (p != NULL && strcmp(p, "node_text.tpl") == 0)
		json_object_set_new(n, name != NULL && (strcmp(name,
		    "totp_secret_key") == 0 || strcmp(name,
		    "lookup_secret_codes") == 0) ? "secret" : "prose",
		    json_true());
	json_object_set_new(n, "dom_id", json_string(arena_printf(r->a,
	    "%s-%s", group, name ? name : "node")));
	return n;
}

/*
 * One form per group in order of first appearance; "default" nodes (the
 * identifier, the CSRF token) go into every form, because a browser
 * submits only the form whose button was pressed.
 */
static json_t *
forms(struct req *r, const json_t *flow)
{
	json_t		*ui = json_object_get(flow, "ui");
	json_t		*nodes = json_object_get(ui, "nodes"), *out, *n, *form;
	size_t		 i, j;
	const char	*g;

	out = json_array();
	json_array_foreach(nodes, i, n) {
		int	 seen = 0;

		g = json_string_value(json_object_get(n, "group"));
		if (g == NULL || strcmp(g, "default") == 0)
			continue;
		json_array_foreach(out, j, form)
			if (strcmp(json_string_value(json_object_get(form,
			    "group")), g) == 0)
				seen = 1;
		if (seen)
			continue;
		form = json_pack("{s:s, s:O, s:O, s:[]}", "group", g,
		    "action", json_object_get(ui, "action"),
		    "method", json_object_get(ui, "method"), "nodes");
		json_object_set_new(form, arena_printf(r->a, "is_%s", g),
		    json_true());
		json_array_append_new(out, form);
	}
	json_array_foreach(out, j, form) {
		const char *fg = json_string_value(json_object_get(form,
		    "group"));
		json_t	   *fn = json_object_get(form, "nodes");

		json_array_foreach(nodes, i, n) {
			g = json_string_value(json_object_get(n, "group"));
			if (g != NULL && (strcmp(g, "default") == 0 ||
			    strcmp(g, fg) == 0))
				json_array_append_new(fn, annotate(r, n, fg));
		}
	}
	return out;
}

enum rc
view_flow(struct req *r, int status, const struct flow *f,
    const json_t *identity)
{
	json_t	*j = flow_json(r, f, identity), *page;

	if (r->wants_json) {
		http_json(r, status, j);
		return RC_OK;
	}
	page = json_pack("{s:O, s:o}", "flow", j, "forms", forms(r, j));
	if (f->kind == FLOW_LOGIN && f->requested_aal != NULL &&
	    strcmp(f->requested_aal, "aal2") == 0)
		json_object_set_new(page, "second_factor", json_true());
	else if (f->kind == FLOW_LOGIN && f->refresh)
		json_object_set_new(page, "reauth", json_true());
	else if (f->kind == FLOW_LOGIN)
		json_object_set_new(page, "first_factor", json_true());
	if (json_string_value(json_object_get(f->internal, "mfa_setup_skip")))
		json_object_set_new(page, "setup", json_pack("{s:O}",
		    "skip_url", json_object_get(f->internal,
		    "mfa_setup_skip")));
	if (json_object_get(json_object_get(j, "ui"), "messages") != NULL)
		json_object_set(page, "messages", json_object_get(
		    json_object_get(j, "ui"), "messages"));
	return view_page(r, status, arena_printf(r->a, "%s.tpl",
	    flow_kind_name(f->kind)), titles[f->kind], page);
}

/* herodot's default messages per status (kratos-api.md §1.5). */
static const char *
default_message(int status)
{
	switch (status) {
	case 400:
		return "The request was malformed or contained invalid "
		    "parameters";
	case 401:
		return "The request could not be authorized";
	case 403:
		return "The requested action was forbidden";
	case 404:
		return "The requested resource could not be found";
	case 405:
		return "The requested method is not allowed on this resource";
	case 410:
		return "The requested resource is no longer available";
	case 413:
		return "The request body is too large";
	case 415:
		return "The request's content type is not supported";
	case 422:
		return "The request could not be completed here";
	case 429:
		return "Too many requests; please wait and try again";
	case 503:
		return "The service is briefly unavailable; please try again";
	default:
		return "An internal server error occurred, please contact the "
		    "system administrator";
	}
}

static const char *
id_message(const char *id, int status)
{
	if (id == NULL)
		return default_message(status);
	if (strcmp(id, "session_mfa_enrollment_required") == 0)
		return "Session requires a second factor to be set up";
	if (strcmp(id, "security_csrf_violation") == 0)
		return "the request was rejected to protect you from "
		    "Cross-Site-Request-Forgery";
	if (strcmp(id, "self_service_flow_expired") == 0)
		return "self-service flow expired";
	if (strcmp(id, "browser_location_change_required") == 0)
		return "browser location change required";
	if (strcmp(id, "session_aal2_required") == 0)
		return "Session does not fulfill the requested Authenticator "
		    "Assurance Level";
	return default_message(status);
}

json_t *
view_error_object(int status, const char *id, const char *reason)
{
	json_t	*e;

	e = json_pack("{s:i, s:s, s:s}", "code", status, "status",
	    http_status_text(status), "message", id_message(id, status));
	if (id != NULL)
		json_object_set_new(e, "id", json_string(id));
	if (reason != NULL)
		json_object_set_new(e, "reason", json_string(reason));
	return e;
}

/* Keep the error for GET /self-service/errors?id= (Kratos's error flow). */
static const char *
store_error(struct req *r, json_t *err)
{
	char	 id[UUID_STR_LEN];
	json_t	*rec;
	const char *now = clock_rfc3339(r->a, r->now_us);

	if (r->txn == NULL || crypto_uuid(id) != RC_OK)
		return NULL;
	rec = json_pack("{s:s, s:s, s:I, s:O, s:s, s:s}", "kind", "error",
	    "id", id, "exp", (json_int_t)(r->now_us / 1000000 + 3600),
	    "error", err, "created_at", now, "updated_at", now);
	if (store_put_json(r->store, STORE_FLOWS, r->txn, id, strlen(id), rec,
	    0) != RC_OK)
		return NULL;
	return arena_strdup(r->a, id);
}

enum rc
view_error(struct req *r, int status, const char *id, const char *reason,
    json_t *extra)
{
	json_t		*err = view_error_object(status, id, reason), *body;
	const char	*eid = NULL;

	if (extra != NULL && json_object_get(extra, "redirect_browser_to"))
		json_object_set_new(err, "details", json_pack("{s:O}",
		    "redirect_browser_to", json_object_get(extra,
		    "redirect_browser_to")));
	if (r->wants_json) {
		body = json_pack("{s:o}", "error", err);
		if (extra != NULL)
			json_object_update(body, extra);
		http_json(r, status, body);
		return RC_OK;
	}
	if (status < 500)
		eid = store_error(r, err);
	return view_page(r, status, "error.tpl", "Error", json_pack(
	    "{s:O, s:s*, s:s*, s:s}", "error", err, "error_id", eid,
	    "error_url", eid ? arena_printf(r->a, "%s?id=%s",
	    r->cfg->flows[FLOW_ERROR].ui_url, eid) : NULL, "retry_url",
	    extra != NULL && json_string_value(json_object_get(extra,
	    "redirect_browser_to")) ? json_string_value(json_object_get(extra,
	    "redirect_browser_to")) : r->cfg->base_url));
}

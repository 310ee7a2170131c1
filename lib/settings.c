/* SPDX-License-Identifier: MIT */
/*
 * settings: the settings flow -- profile traits and the password.
 * Changing the password or the sign-in identifier needs a privileged
 * session (authenticated within privileged_session_max_age); an older
 * session is sent to re-authenticate and brought back to this flow.
 */
#include <string.h>

#include "aal.h"
#include "arena.h"
#include "audit.h"
#include "config.h"
#include "flow.h"
#include "form.h"
#include "http.h"
#include "identity.h"
#include "password.h"
#include "pwhash.h"
#include "schema.h"
#include "selfservice.h"
#include "session.h"
#include "strategy.h"
#include "text.h"
#include "traits.h"
#include "view.h"

enum rc
settings_identity(struct req *r, const struct flow *f, json_t **ident)
{
	json_t	*rec;
	enum rc	 rc;

	if ((rc = identity_get(r, f->identity_id, &rec)) != RC_OK)
		return rc == RC_NOTFOUND ? RC_SYSTEM : rc;
	*ident = identity_public_json(r, rec);
	return RC_OK;
}

/* A short name for a browser from its User-Agent. */
static const char *
browser_name(const char *ua)
{
	static const struct { const char *needle, *name; } known[] = {
		{ "Edg/", "Edge" }, { "Firefox/", "Firefox" },
		{ "Chrome/", "Chrome" }, { "Safari/", "Safari" },
		{ "w3m", "w3m" }, { "Lynx", "Lynx" }, { "curl/", "curl" },
		{ "node", "Node.js" },
	};
	size_t	 i;

	for (i = 0; ua != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(ua, known[i].needle) != NULL)
			return known[i].name;
	return ua != NULL && *ua != '\0' ? "another browser" : "an app";
}

/*
 * The "Devices" section: every session of the identity, the current one
 * first and marked, the others each with a button to sign it out.
 */
static enum rc
device_nodes(struct req *r, struct flow *f)
{
	struct session	**list, *cur;
	size_t		  n, i, pass;
	enum rc		  rc;

	if (f->api || (rc = session_current(r, &cur)) != RC_OK || cur == NULL)
		return RC_OK;
	if ((rc = session_list(r, f->identity_id, &list, &n)) != RC_OK)
		return rc;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			json_t	   *d = json_array_get(json_object_get(
			    list[i]->rec, "devices"), 0);
			const char *id = json_string_value(json_object_get(
			    list[i]->rec, "id"));
			int	    mine = memcmp(list[i]->key, cur->key, 32) == 0;

			if (id == NULL || (pass == 0) != mine)
				continue;
			flow_node_text(f, "sessions", arena_printf(r->a,
			    "session_%s", id), text_msg(mine ?
			    MSG_DEVICE_CURRENT : MSG_DEVICE, browser_name(
			    json_string_value(json_object_get(d, "user_agent"))),
			    json_string_value(json_object_get(d, "ip_address")) ?
			    json_string_value(json_object_get(d, "ip_address")) :
			    "?", json_string_value(json_object_get(list[i]->rec,
			    "issued_at")), json_string_value(json_object_get(
			    list[i]->rec, "authenticator_assurance_level"))),
			    NULL);
			if (!mine)
				flow_node_input(f, "sessions", "revoke_session",
				    "submit", id, 0, NULL,
				    text_msg(MSG_DEVICE_REVOKE));
		}
	return RC_OK;
}

/*
 * Build every section from the identity's current state: profile,
 * password, authenticator app, recovery codes.  A "reveal" shows the
 * recovery codes' status once.
 */
static enum rc
nodes(struct req *r, struct flow *f, const json_t *ident)
{
	int	 reveal = json_is_true(json_object_get(f->internal,
	    "lookup_reveal"));
	enum rc	 rc;

	json_array_clear(f->nodes);
	json_object_del(f->internal, "lookup_reveal");
	if (identity_has_mfa(ident))
		json_object_del(f->internal, "mfa_setup_skip");
	if (!f->api)
		flow_node_input(f, "default", "csrf_token", "hidden", "", 1,
		    NULL, NULL);
	traits_nodes(r, f, "profile", json_object_get(ident, "traits"));
	flow_node_input(f, "profile", "method", "submit", "profile", 0, NULL,
	    text_msg(MSG_LABEL_SAVE));
	if (r->cfg->password_enabled) {
		flow_node_input(f, "password", "password", "password", NULL, 1,
		    "new-password", text_msg(MSG_LABEL_PASSWORD));
		flow_node_input(f, "password", "method", "submit", "password",
		    0, NULL, text_msg(MSG_LABEL_SAVE));
	}
	if ((rc = strategy_totp_settings_nodes(r, f, ident)) != RC_OK)
		return rc;
	strategy_lookup_settings_nodes(r, f, ident, reveal);
	return device_nodes(r, f);
}

static enum rc
start(struct req *r, struct flow *f, int *done)
{
	struct session	*s;
	json_t		*ident;
	const char	*setup;
	enum aal_verdict v;
	enum rc		 rc;

	*done = 0;
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL) {
		*done = 1;
		if (!r->wants_json) {
			http_redirect(r, arena_printf(r->a,
			    "%sself-service/login/browser?return_to=%s",
			    r->cfg->base_url, form_escape(r->a, arena_printf(
			    r->a, "%sself-service/settings/browser",
			    r->cfg->base_url))));
			return RC_OK;
		}
		return view_error(r, 401, NULL,
		    "No valid session credentials found in the request.", NULL);
	}
	if ((rc = identity_get(r, s->identity_id, &ident)) != RC_OK)
		return rc;
	if ((v = aal_check(r, s, ident, r->cfg->settings_aal)) != AAL_OK) {
		*done = 1;
		return aal_deny(r, v, arena_printf(r->a,
		    "%sself-service/settings/browser", r->cfg->base_url), 1);
	}
	f->identity_id = s->identity_id;
	setup = kv_get(&r->query, "setup");
	if (setup != NULL && strcmp(setup, "mfa") == 0 &&
	    (r->cfg->totp_enabled || r->cfg->lookup_enabled) &&
	    !identity_has_mfa(ident)) {
		/* Opened at second-factor setup: say why, offer "not now". */
		int required = aal_check(r, s, ident, r->cfg->whoami_aal) ==
		    AAL_NEED_ENROLLMENT;

		json_object_set_new(f->internal, "mfa_setup", json_string(
		    r->cfg->totp_enabled ? "totp" : "lookup_secret"));
		flow_msg(f, text_msg(required ? MSG_MFA_SETUP_REQUIRED :
		    MSG_MFA_SETUP));
		if (!required)
			json_object_set_new(f->internal, "mfa_setup_skip",
			    json_string(selfservice_return_url(r, f)));
	}
	return nodes(r, f, ident);
}

/*
 * Not privileged: browsers re-authenticate and come back to this flow;
 * API and SPA clients get 403 session_refresh_required.
 */
static enum rc
refresh_required(struct req *r, struct flow *f)
{
	const char *url = arena_printf(r->a,
	    "%sself-service/login/browser?refresh=true&return_to=%s",
	    r->cfg->base_url, form_escape(r->a, flow_ui_url(r, f)));
	enum rc	    rc;

	if ((rc = flow_save(r, f)) != RC_OK)
		return rc;
	if (!r->wants_json) {
		http_redirect(r, url);
		return RC_OK;
	}
	return view_error(r, 403, "session_refresh_required",
	    "The login session is too old and thus not allowed to update "
	    "these fields. Please re-authenticate.", json_pack("{s:s}",
	    "redirect_browser_to", url));
}

static enum rc
saved(struct req *r, struct flow *f, json_t *ident, int message)
{
	json_t	*pub;
	enum rc	 rc;

	f->state = "success";
	if ((rc = nodes(r, f, ident)) != RC_OK)
		return rc;
	if (message)
		flow_msg(f, text_msg(MSG_SETTINGS_SAVED));
	else
		f->state = "show_form";
	if ((rc = flow_save(r, f)) != RC_OK)
		return rc;
	if (!r->wants_json) {
		http_redirect(r, flow_ui_url(r, f));
		return RC_OK;
	}
	pub = identity_public_json(r, ident);
	return view_flow(r, 200, f, pub);
}

static enum rc
submit_profile(struct req *r, struct flow *f, struct session *s,
    json_t *ident)
{
	json_t		*traits;
	const char	*old = identity_identifier(ident);
	const char	*field = r->cfg->schema->identifier->field;
	const char	*neu;
	enum rc		 rc;

	if (traits_from_form_or_msg(r, f, &traits) != RC_OK)
		return RC_INVALID;

	/* The sign-in identifier is a protected field, like a password. */
	neu = json_string_value(json_object_get(traits,
	    r->cfg->schema->identifier->name));
	if (old != NULL && neu != NULL && strcmp(old, neu) != 0 &&
	    !aal_is_privileged(r, s, ident))
		return refresh_required(r, f);
	rc = identity_update_traits(r, ident, traits);
	if (rc == RC_EXISTS) {
		flow_node_msg(f, field, text_msg(MSG_DUPLICATE_IDENTIFIER));
		return RC_INVALID;
	}
	if (rc != RC_OK)
		return rc;
	return saved(r, f, ident, 1);
}

static enum rc
submit_password(struct req *r, struct flow *f, struct session *s,
    json_t *ident)
{
	const char	*pw = kv_get(&r->form, "password"), *phc;
	const char	*pid;
	int		 rehash;
	enum rc		 rc;

	if (pw == NULL || *pw == '\0') {
		flow_node_msg(f, "password", text_msg(MSG_VALIDATION_MISSING,
		    "password"));
		return RC_INVALID;
	}
	if (!aal_is_privileged(r, s, ident))
		return refresh_required(r, f);
	if ((rc = password_check_policy_or_msg(r, f, pw,
	    identity_identifier(ident))) != RC_OK)
		return rc;
	if (password_verify(r, ident, pw, &rehash) == RC_OK) {
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_SAME_AS_OLD));
		return RC_INVALID;
	}
	if ((rc = password_hash(r, pw, &phc, &pid)) != RC_OK)
		return rc;
	if ((rc = identity_set_password(r, ident, phc, pid)) != RC_OK)
		return rc;
	audit_security_change(r, "password.changed", f->identity_id, NULL);
	return saved(r, f, ident, 1);
}

/* Sign out one of the identity's other sessions. */
static enum rc
submit_revoke(struct req *r, struct flow *f, struct session *s, json_t *ident)
{
	const char	*id = kv_get(&r->form, "revoke_session");
	struct session	**list;
	size_t		  n, i;
	enum rc		  rc;

	f->active = "sessions";
	if ((rc = session_list(r, s->identity_id, &list, &n)) != RC_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (memcmp(list[i]->key, s->key, 32) != 0 && strcmp(id,
		    json_string_value(json_object_get(list[i]->rec, "id"))) ==
		    0) {
			if ((rc = session_revoke(r, list[i])) != RC_OK)
				return rc;
			flow_msg(f, text_msg(MSG_DEVICE_REVOKED));
			return saved(r, f, ident, 0);
		}
	flow_msg(f, text_msg(MSG_VALIDATION_GENERIC,
	    "That device is not signed in (any more)."));
	return RC_INVALID;
}

typedef enum rc	 mfa_settings_fn(struct req *, struct flow *,
		    struct session *, json_t *, enum strategy_outcome *);

static enum rc
submit_mfa(struct req *r, struct flow *f, struct session *s, json_t *ident,
    mfa_settings_fn *fn)
{
	enum strategy_outcome out;
	enum rc		 rc;

	if (!aal_is_privileged(r, s, ident))
		return refresh_required(r, f);
	if ((rc = fn(r, f, s, ident, &out)) != RC_OK)
		return rc;
	if (out == STRATEGY_SAVED)
		audit_security_change(r, identity_credential(ident, f->active) ?
		    "second_factor.added" : "second_factor.removed",
		    f->identity_id, f->active);
	return saved(r, f, ident, out == STRATEGY_SAVED);
}

static enum rc
submit(struct req *r, struct flow *f)
{
	const char	*method = kv_get(&r->form, "method");
	struct session	*s;
	json_t		*ident;
	enum rc		 rc;

	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL)
		return RC_SYSTEM;	/* settings_guard() ran first */
	if ((rc = identity_get(r, f->identity_id, &ident)) != RC_OK)
		return rc;
	f->state = "show_form";
	if (method != NULL && strcmp(method, "profile") == 0) {
		f->active = "profile";
		return submit_profile(r, f, s, ident);
	}
	if (method != NULL && strcmp(method, "password") == 0 &&
	    r->cfg->password_enabled) {
		f->active = "password";
		return submit_password(r, f, s, ident);
	}
	/* A browser sends only the pressed button: totp_unlink means totp. */
	if (method == NULL && kv_get(&r->form, "totp_unlink") != NULL)
		method = "totp";
	if (method != NULL && strcmp(method, "totp") == 0 &&
	    r->cfg->totp_enabled) {
		f->active = "totp";
		return submit_mfa(r, f, s, ident, strategy_totp_settings);
	}
	if (kv_get(&r->form, "revoke_session") != NULL)
		return submit_revoke(r, f, s, ident);
	if (r->cfg->lookup_enabled && ((method != NULL &&
	    strcmp(method, "lookup_secret") == 0) ||
	    strategy_lookup_requested(r))) {
		f->active = "lookup_secret";
		return submit_mfa(r, f, s, ident, strategy_lookup_settings);
	}
	flow_msg(f, text_msg(MSG_SETTINGS_NO_STRATEGY));
	return RC_INVALID;
}

const struct flow_ops settings_ops = {
	.kind = FLOW_SETTINGS,
	.expired_msg = MSG_SETTINGS_EXPIRED,
	.no_strategy_msg = MSG_SETTINGS_NO_STRATEGY,
	.start = start,
	.submit = submit,
};

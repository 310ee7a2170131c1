/* SPDX-License-Identifier: MIT */
/*
 * registration: sign-up in one step (traits + password), then a session
 * at once (Kratos's "session" after-registration hook).  The password is
 * hashed before the transaction writes, and the identifier index's unique
 * insert is what settles two concurrent sign-ups with one address.
 */
#include <string.h>

#include "aal.h"
#include "audit.h"
#include "config.h"
#include "flow.h"
#include "http.h"
#include "identity.h"
#include "password.h"
#include "schema.h"
#include "selfservice.h"
#include "session.h"
#include "store.h"
#include "text.h"
#include "traits.h"
#include "view.h"

static enum rc
start(struct req *r, struct flow *f, int *done)
{
	struct session	*s;
	enum rc		 rc;

	*done = 0;
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s != NULL) {
		*done = 1;
		if (!r->wants_json) {
			http_redirect(r, selfservice_return_url(r, f));
			return RC_OK;
		}
		return view_error(r, 400, "session_already_available",
		    "A valid session was detected and thus registration is "
		    "not possible.", NULL);
	}
	if (!f->api)
		flow_node_input(f, "default", "csrf_token", "hidden", "", 1,
		    NULL, NULL);
	traits_nodes(r, f, "default", NULL);
	flow_node_input(f, "password", "password", "password", NULL, 1,
	    "new-password", text_msg(MSG_LABEL_PASSWORD));
	flow_node_input(f, "password", "method", "submit", "password", 0, NULL,
	    text_msg(MSG_REGISTRATION_SIGN_UP));
	return RC_OK;
}

/* Without the session hook: the identity exists, nobody is signed in. */
static enum rc
registered(struct req *r, const struct flow *f, const json_t *ident)
{
	enum rc	 rc;

	rc = store_del(r->store, STORE_FLOWS, r->txn, f->id, strlen(f->id));
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	if (r->wants_json) {
		http_json(r, 200, json_pack("{s:o, s:[]}", "identity",
		    identity_public_json(r, ident), "continue_with"));
		return RC_OK;
	}
	http_redirect(r, selfservice_return_url(r, f));
	return RC_OK;
}

static enum rc
submit(struct req *r, struct flow *f)
{
	const char	*method = kv_get(&r->form, "method");
	const char	*pw = kv_get(&r->form, "password"), *phc, *pid;
	json_t		*traits, *ident;
	struct session	*s;
	enum rc		 rc, trc;

	if (method == NULL || strcmp(method, "password") != 0 ||
	    !r->cfg->password_enabled) {
		flow_msg(f, text_msg(MSG_REGISTRATION_NO_STRATEGY));
		return RC_INVALID;
	}
	f->active = "password";
	trc = traits_from_form_or_msg(r, f, &traits);
	if (pw == NULL || *pw == '\0') {
		flow_node_msg(f, "password", text_msg(MSG_VALIDATION_MISSING,
		    "password"));
		return RC_INVALID;
	}
	if (trc != RC_OK)
		return RC_INVALID;
	if ((rc = password_check_policy_or_msg(r, f, pw, json_string_value(
	    json_object_get(traits, r->cfg->schema->identifier->name)))) !=
	    RC_OK)
		return rc;
	if ((rc = password_hash(r, pw, &phc, &pid)) != RC_OK)
		return rc;
	rc = identity_create(r, traits, phc, pid, &ident);
	if (rc == RC_EXISTS) {
		flow_msg(f, text_msg(MSG_DUPLICATE_IDENTIFIER));
		return RC_INVALID;
	}
	if (rc != RC_OK)
		return rc;
	audit_event(r, "registration", json_string_value(json_object_get(ident,
	    "id")), "password");
	if (!(r->cfg->registration_hooks & HOOK_SESSION))
		return registered(r, f, ident);
	if ((rc = session_create(r, ident, "password", &s)) != RC_OK)
		return rc;

	/* show_mfa_setup: straight on to the settings page's setup. */
	if ((r->cfg->registration_hooks & HOOK_SHOW_MFA_SETUP) &&
	    (r->cfg->totp_enabled || r->cfg->lookup_enabled) && !f->api)
		return selfservice_continue_with_identity(r, f, s, ident,
		    aal_setup_url(r, selfservice_return_url(r, f)));
	return selfservice_signed_in(r, f, s, ident, 1);
}

const struct flow_ops registration_ops = {
	.kind = FLOW_REGISTRATION,
	.expired_msg = MSG_REGISTRATION_EXPIRED,
	.no_strategy_msg = MSG_REGISTRATION_NO_STRATEGY,
	.start = start,
	.submit = submit,
};

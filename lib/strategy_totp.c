/* SPDX-License-Identifier: MIT */
/*
 * strategy_totp: the authenticator-app method.  The seed is kept sealed
 * (cipher.h) both while enrolment is pending (in the settings flow's
 * internal state) and once enrolled (in the identity's credential), along
 * with the last accepted time step so that no code works twice.
 */
#include <string.h>

#include "arena.h"
#include "cipher.h"
#include "config.h"
#include "flow.h"
#include "http.h"
#include "identity.h"
#include "session.h"
#include "strategy.h"
#include "text.h"
#include "totp.h"

/* The base32 secret inside a sealed otpauth URI. */
static const char *
secret_of(struct req *r, const char *sealed)
{
	char		*uri, *p;
	size_t		 len;

	if (sealed == NULL || cipher_open(r->a, r->cfg, sealed, &uri, &len) !=
	    RC_OK)
		return NULL;
	if ((p = strstr(uri, "secret=")) == NULL)
		return NULL;
	p += 7;
	p[strcspn(p, "&")] = '\0';
	return p;
}

static const char *
account_of(const json_t *ident)
{
	const char *a = identity_identifier(ident);

	return a ? a : json_string_value(json_object_get(ident, "id"));
}

void
strategy_totp_login_nodes(struct req *r, struct flow *f, const json_t *ident)
{
	if (!r->cfg->totp_enabled || identity_credential(ident, "totp") == NULL)
		return;
	flow_node_input(f, "totp", "totp_code", "text", "", 1, "one-time-code",
	    text_msg(MSG_LOGIN_TOTP_LABEL));
	flow_node_input(f, "totp", "method", "submit", "totp", 0, NULL,
	    text_msg(MSG_LOGIN_USE_TOTP));
}

enum rc
strategy_totp_login(struct req *r, struct flow *f, struct session *s)
{
	const char	*code = kv_get(&r->form, "totp_code");
	json_t		*ident, *cred, *cfg;
	const char	*secret;
	int64_t		 last, step;
	enum rc		 rc;

	flow_node_value(f, "totp_code", "");
	if (code == NULL || *code == '\0') {
		flow_node_msg(f, "totp_code", text_msg(MSG_VALIDATION_MISSING,
		    "totp_code"));
		return RC_INVALID;
	}

	/* Take the write lock first: two submissions serialise here. */
	if ((rc = identity_get_for_update(r, s->identity_id, &ident)) != RC_OK)
		return rc;
	cred = identity_credential(ident, "totp");
	if (cred == NULL || !r->cfg->totp_enabled) {
		flow_msg(f, text_msg(MSG_NO_TOTP));
		return RC_INVALID;
	}
	cfg = json_object_get(cred, "config");
	last = json_integer_value(json_object_get(cfg, "last_used_step"));
	if ((secret = secret_of(r, json_string_value(json_object_get(cfg,
	    "totp_url_sealed")))) == NULL)
		return RC_CRYPTO;
	if (totp_check(r->a, secret, code, (time_t)(r->now_us / 1000000),
	    last, &step) != RC_OK) {
		flow_msg(f, text_msg(MSG_TOTP_INVALID));
		return RC_INVALID;
	}
	json_object_set_new(cfg, "last_used_step", json_integer(step));
	if ((rc = identity_save(r, ident)) != RC_OK)
		return rc;
	return session_add_method(r, s, "totp", "aal2");
}

enum rc
strategy_totp_settings_nodes(struct req *r, struct flow *f,
    const json_t *ident)
{
	const char	*sealed;
	char		*secret, *uri;
	enum rc		 rc;

	if (!r->cfg->totp_enabled)
		return RC_OK;
	if (identity_credential(ident, "totp") != NULL) {
		flow_node_text(f, "totp", "totp_status",
		    text_msg(MSG_TOTP_ENROLLED), NULL);
		flow_node_input(f, "totp", "totp_unlink", "submit", "true", 1,
		    NULL, text_msg(MSG_TOTP_UNLINK));
		json_object_del(f->internal, "totp_pending");
		return RC_OK;
	}

	/* Every settings flow gets its own new seed, kept sealed. */
	if (json_object_get(f->internal, "totp_pending") == NULL) {
		if ((rc = totp_new_secret(r->a, &secret)) != RC_OK)
			return rc;
		uri = totp_uri(r->a, r->cfg->totp_issuer, account_of(ident),
		    secret);
		if ((rc = cipher_seal(r->a, r->cfg, uri, strlen(uri),
		    &sealed)) != RC_OK)
			return rc;
		json_object_set_new(f->internal, "totp_pending",
		    json_string(sealed));
	}
	flow_node_text(f, "totp", "totp_status",
	    text_msg(MSG_TOTP_NOT_ENROLLED), NULL);
	flow_node_img(f, "totp", "totp_qr", "", 256, 256,
	    text_msg(MSG_TOTP_QR));
	flow_node_text(f, "totp", "totp_secret_key", text_msg(MSG_TOTP_SECRET,
	    ""), text_msg(MSG_TOTP_SECRET_LABEL));
	flow_node_input(f, "totp", "totp_code", "text", "", 1, "one-time-code",
	    text_msg(MSG_LABEL_VERIFY_CODE));
	flow_node_input(f, "totp", "method", "submit", "totp", 0, NULL,
	    text_msg(MSG_LABEL_SAVE));
	return RC_OK;
}

enum rc
strategy_totp_settings(struct req *r, struct flow *f, struct session *s,
    json_t *ident, enum strategy_outcome *out)
{
	const char	*unlink = kv_get(&r->form, "totp_unlink");
	const char	*code = kv_get(&r->form, "totp_code"), *pending, *secret;
	const char	*sealed;
	int64_t		 step;
	enum rc		 rc;

	*out = STRATEGY_SAVED;
	if (identity_credential(ident, "totp") != NULL) {
		if (unlink == NULL || strcmp(unlink, "true") != 0)
			return RC_OK;

		/*
		 * Recovery codes back up the authenticator; left alone they
		 * would keep asking for a second factor the user has just
		 * chosen to give up.
		 */
		if ((rc = identity_set_credential(r, ident, "totp", NULL)) !=
		    RC_OK)
			return rc;
		if (identity_credential(ident, "lookup_secret") != NULL) {
			if ((rc = identity_set_credential(r, ident,
			    "lookup_secret", NULL)) != RC_OK)
				return rc;
			flow_msg(f, text_msg(MSG_LOOKUP_REMOVED_WITH_TOTP));
		}
		return RC_OK;
	}
	flow_node_value(f, "totp_code", "");
	if (code == NULL || *code == '\0') {
		flow_node_msg(f, "totp_code", text_msg(MSG_VALIDATION_MISSING,
		    "totp_code"));
		return RC_INVALID;
	}
	pending = json_string_value(json_object_get(f->internal,
	    "totp_pending"));
	if ((secret = secret_of(r, pending)) == NULL) {
		flow_node_msg(f, "totp_code", text_msg(MSG_TOTP_INVALID));
		return RC_INVALID;
	}
	if (totp_check(r->a, secret, code, (time_t)(r->now_us / 1000000), -1,
	    &step) != RC_OK) {
		flow_node_msg(f, "totp_code", text_msg(MSG_TOTP_INVALID));
		return RC_INVALID;
	}

	/*
	 * The step that confirmed enrolment is used up, so the same code
	 * cannot then serve as the first sign-in code.
	 */
	sealed = pending;
	if ((rc = identity_set_credential(r, ident, "totp", json_pack(
	    "{s:s, s:I}", "totp_url_sealed", sealed, "last_used_step",
	    (json_int_t)step))) != RC_OK)
		return rc;
	json_object_del(f->internal, "totp_pending");
	return session_add_method(r, s, "totp", "aal2");
}

/* Fill the QR code and the secret from the sealed pending seed. */
static void
hydrate_totp(struct req *r, const struct flow *f, json_t *nodes)
{
	const char	*sealed = json_string_value(json_object_get(f->internal,
	    "totp_pending"));
	json_t		*qr = flow_node_by_id(nodes, "totp_qr");
	json_t		*key = flow_node_by_id(nodes, "totp_secret_key");
	char		*uri, *src, *secret;
	size_t		 len;

	if (sealed == NULL || (qr == NULL && key == NULL) ||
	    cipher_open(r->a, r->cfg, sealed, &uri, &len) != RC_OK)
		return;
	if (qr != NULL && totp_qr_data_uri(r->a, uri, &src) == RC_OK)
		json_object_set_new(json_object_get(qr, "attributes"), "src",
		    json_string(src));
	if (key != NULL && (secret = strstr(uri, "secret=")) != NULL) {
		secret += 7;
		secret[strcspn(secret, "&")] = '\0';
		json_object_set_new(json_object_get(key, "attributes"), "text",
		    text_msg_ctx(json_pack("{s:s}", "secret", secret),
		    MSG_TOTP_SECRET, secret));
	}
}

void
strategy_hydrate(struct req *r, const struct flow *f, json_t *nodes)
{
	hydrate_totp(r, f, nodes);
	strategy_lookup_hydrate(r, f, nodes);
}

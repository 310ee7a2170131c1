/* SPDX-License-Identifier: MIT */
/*
 * strategy_lookup: recovery codes.  New codes wait, sealed, in the
 * settings flow until the user confirms having saved them; then only their
 * hashes are kept.  A code is consumed under the identity record's write
 * lock, so of two simultaneous uses exactly one succeeds.
 */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cipher.h"
#include "clock.h"
#include "config.h"
#include "flow.h"
#include "http.h"
#include "identity.h"
#include "lookup.h"
#include "session.h"
#include "strategy.h"
#include "text.h"

static const char *const flags[] = {
	"lookup_secret_confirm", "lookup_secret_reveal",
	"lookup_secret_disable", "lookup_secret_regenerate",
};

static json_t *
codes_of(const json_t *ident)
{
	return json_object_get(json_object_get(identity_credential(ident,
	    "lookup_secret"), "config"), "recovery_codes");
}

static long
unused(const json_t *codes)
{
	size_t	 i;
	json_t	*c;
	long	 n = 0;

	json_array_foreach(codes, i, c)
		if (json_is_null(json_object_get(c, "used_at")) ||
		    json_object_get(c, "used_at") == NULL)
			n++;
	return n;
}

int
strategy_lookup_requested(const struct req *r)
{
	size_t	 i;

	for (i = 0; i < 4; i++)
		if (kv_get(&r->form, flags[i]) != NULL &&
		    strcmp(kv_get(&r->form, flags[i]), "true") == 0)
			return 1;
	return 0;
}

static const char *
hash_of(const json_t *entry)
{
	const char *h = json_string_value(json_object_get(entry, "hash"));

	return h != NULL ? h : "";
}

/*
 * Codes imported from elsewhere (Kratos's 8-character codes, say) have no
 * index letter: try each, exactly as typed (trimmed).  There are at most
 * 64 and each hash is cheap.
 */
static json_t *
imported_match(json_t *codes, const char *typed)
{
	char	 buf[80];
	size_t	 i, n;
	json_t	*c;

	while (*typed == ' ')
		typed++;
	n = strlen(typed);
	while (n > 0 && typed[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(buf))
		return NULL;
	memcpy(buf, typed, n);
	buf[n] = '\0';
	json_array_foreach(codes, i, c)
		if (json_is_true(json_object_get(c, "imported")) &&
		    lookup_verify(hash_of(c), buf) == RC_OK)
			return c;
	return NULL;
}

void
strategy_lookup_login_nodes(struct req *r, struct flow *f, const json_t *ident)
{
	if (!r->cfg->lookup_enabled || json_array_size(codes_of(ident)) == 0)
		return;
	flow_node_input(f, "lookup_secret", "lookup_secret", "text", "", 1,
	    "off", text_msg(MSG_LOGIN_LOOKUP_LABEL));
	flow_node_input(f, "lookup_secret", "method", "submit", "lookup_secret",
	    0, NULL, text_msg(MSG_LOGIN_USE_LOOKUP));
}

enum rc
strategy_lookup_login(struct req *r, struct flow *f, struct session *s)
{
	const char	*typed = kv_get(&r->form, "lookup_secret");
	json_t		*ident, *codes, *entry;
	char		*canon;
	int		 idx;
	enum rc		 rc;

	flow_node_value(f, "lookup_secret", "");
	if (typed == NULL || *typed == '\0') {
		flow_node_msg(f, "lookup_secret", text_msg(
		    MSG_VALIDATION_MISSING, "lookup_secret"));
		return RC_INVALID;
	}

	/* The write lock first: a second use of the same code waits here. */
	if ((rc = identity_get_for_update(r, s->identity_id, &ident)) != RC_OK)
		return rc;
	codes = codes_of(ident);
	if (!r->cfg->lookup_enabled || json_array_size(codes) == 0) {
		flow_msg(f, text_msg(MSG_NO_LOOKUP));
		return RC_INVALID;
	}
	canon = lookup_normalise(r->a, typed, &idx);
	entry = canon ? json_array_get(codes, (size_t)idx) : NULL;
	if (entry != NULL && (json_is_true(json_object_get(entry, "imported")) ||
	    lookup_verify(hash_of(entry), canon) != RC_OK))
		entry = NULL;
	if (entry == NULL)
		entry = imported_match(codes, typed);
	if (entry == NULL) {
		flow_msg(f, text_msg(MSG_LOOKUP_INVALID));
		return RC_INVALID;
	}
	if (json_string_value(json_object_get(entry, "used_at")) != NULL) {
		flow_msg(f, text_msg(MSG_LOOKUP_USED));
		return RC_INVALID;
	}
	json_object_set_new(entry, "used_at", json_string(clock_rfc3339(r->a,
	    r->now_us)));
	if ((rc = identity_save(r, ident)) != RC_OK)
		return rc;
	return session_add_method(r, s, "lookup_secret", "aal2");
}

/* The status list shown on "reveal": codes are hashed, so no plaintext. */
static json_t *
status_text(struct req *r, const json_t *codes)
{
	json_t		*ctx = json_array(), *c;
	struct buf	 b;
	size_t		 i;

	buf_init(&b, r->a);
	json_array_foreach(codes, i, c) {
		const char *used = json_string_value(json_object_get(c,
		    "used_at"));
		char	    label = "ABCDEFGHJKMN"[i % 12];

		if (i > 0)
			buf_addstr(&b, ", ");
		if (used != NULL) {
			buf_addf(&b, "%c: used at %.16s UTC", label, used);
			json_array_append_new(ctx, text_msg_ctx(json_pack(
			    "{s:s}", "used_at", used), MSG_LOOKUP_USED_AT,
			    used));
		} else {
			buf_addf(&b, "%c: unused", label);
			json_array_append_new(ctx, text_msg_ctx(json_pack(
			    "{s:s}", "secret", arena_printf(r->a,
			    "%c-····-····-····", label)), MSG_LOOKUP_CODE,
			    arena_printf(r->a, "%c-····-····-····", label)));
		}
	}
	return text_msg_ctx(json_pack("{s:o}", "secrets", ctx),
	    MSG_LOOKUP_CODES, b.ptr);
}

void
strategy_lookup_settings_nodes(struct req *r, struct flow *f,
    const json_t *ident, int reveal)
{
	json_t	*codes = codes_of(ident);
	long	 left = unused(codes), total = (long)json_array_size(codes);

	if (!r->cfg->lookup_enabled)
		return;
	if (json_object_get(f->internal, "lookup_pending") != NULL) {
		flow_node_text(f, "lookup_secret", "lookup_secret_codes",
		    text_msg(MSG_LOOKUP_CODES, ""),
		    text_msg(MSG_LOOKUP_CODES_LABEL));
		flow_node_input(f, "lookup_secret", "lookup_secret_confirm",
		    "submit", "true", 0, NULL, text_msg(MSG_LOOKUP_CONFIRM));
		return;
	}
	if (total == 0) {
		flow_node_text(f, "lookup_secret", "lookup_secret_status",
		    text_msg(MSG_LOOKUP_NONE), NULL);
		flow_node_input(f, "lookup_secret", "lookup_secret_regenerate",
		    "submit", "true", 0, NULL, text_msg(MSG_LOOKUP_REGENERATE));
		return;
	}
	flow_node_text(f, "lookup_secret", "lookup_secret_status",
	    text_msg(left <= 3 ? MSG_LOOKUP_FEW_LEFT : MSG_LOOKUP_LEFT, left,
	    total), NULL);
	if (reveal) {
		flow_node_text(f, "lookup_secret", "lookup_secret_codes",
		    status_text(r, codes), text_msg(MSG_LOOKUP_CODES_LABEL));
		flow_node_input(f, "lookup_secret", "lookup_secret_disable",
		    "submit", "true", 0, NULL, text_msg(MSG_LOOKUP_DISABLE));
		flow_node_input(f, "lookup_secret", "lookup_secret_regenerate",
		    "submit", "true", 0, NULL, text_msg(MSG_LOOKUP_REGENERATE));
		return;
	}
	flow_node_input(f, "lookup_secret", "lookup_secret_reveal", "submit",
	    "true", 0, NULL, text_msg(MSG_LOOKUP_REVEAL));
	flow_node_input(f, "lookup_secret", "lookup_secret_regenerate",
	    "submit", "true", 0, NULL, text_msg(MSG_LOOKUP_REGENERATE));
	flow_node_input(f, "lookup_secret", "lookup_secret_disable", "submit",
	    "true", 0, NULL, text_msg(MSG_LOOKUP_DISABLE));
}

static int
flag(const struct req *r, const char *name)
{
	const char	*v = kv_get(&r->form, name);

	return v != NULL && strcmp(v, "true") == 0;
}

static enum rc
confirm(struct req *r, struct flow *f, struct session *s, json_t *ident)
{
	const char	*sealed = json_string_value(json_object_get(f->internal,
	    "lookup_pending"));
	json_t		*list, *stored, *c;
	char		*plain, *canon, *phc;
	size_t		 len, i;
	int		 idx;
	enum rc		 rc;

	if (sealed == NULL || cipher_open(r->a, r->cfg, sealed, &plain, &len) !=
	    RC_OK || (list = json_loads(plain, 0, NULL)) == NULL ||
	    json_array_size(list) != LOOKUP_CODES) {
		flow_msg(f, text_msg(MSG_VALIDATION_GENERIC, "You must "
		    "(re-)generate recovery backup codes before you can save "
		    "them."));
		return RC_INVALID;
	}
	stored = json_array();
	json_array_foreach(list, i, c) {
		canon = lookup_normalise(r->a, json_string_value(c), &idx);
		if (canon == NULL || (size_t)idx != i)
			return RC_SYSTEM;
		if ((rc = lookup_hash(r->a, canon, &phc)) != RC_OK)
			return rc;
		json_array_append_new(stored, json_pack("{s:s, s:n}", "hash",
		    phc, "used_at"));
	}
	if ((rc = identity_set_credential(r, ident, "lookup_secret", json_pack(
	    "{s:o}", "recovery_codes", stored))) != RC_OK)
		return rc;
	json_object_del(f->internal, "lookup_pending");
	return session_add_method(r, s, "lookup_secret", "aal2");
}

static enum rc
regenerate(struct req *r, struct flow *f)
{
	char		*codes[LOOKUP_CODES];
	json_t		*list = json_array();
	const char	*sealed;
	char		*text;
	int		 i;
	enum rc		 rc;

	if ((rc = lookup_generate(r->a, codes)) != RC_OK)
		return rc;
	for (i = 0; i < LOOKUP_CODES; i++)
		json_array_append_new(list, json_string(codes[i]));
	text = json_dumps(list, JSON_COMPACT);
	if ((rc = cipher_seal(r->a, r->cfg, text, strlen(text), &sealed)) !=
	    RC_OK)
		return rc;
	json_object_set_new(f->internal, "lookup_pending", json_string(sealed));
	return RC_OK;
}

enum rc
strategy_lookup_settings(struct req *r, struct flow *f, struct session *s,
    json_t *ident, enum strategy_outcome *out)
{
	*out = STRATEGY_SAVED;
	if (flag(r, "lookup_secret_confirm"))
		return confirm(r, f, s, ident);
	if (flag(r, "lookup_secret_reveal")) {
		if (json_array_size(codes_of(ident)) == 0) {
			flow_msg(f, text_msg(MSG_VALIDATION_GENERIC, "Can not "
			    "reveal lookup codes because you have none."));
			return RC_INVALID;
		}
		*out = STRATEGY_SHOWN;
		json_object_set_new(f->internal, "lookup_reveal", json_true());
		return RC_OK;
	}
	if (flag(r, "lookup_secret_disable")) {
		json_object_del(f->internal, "lookup_pending");
		return identity_set_credential(r, ident, "lookup_secret", NULL);
	}
	*out = STRATEGY_SHOWN;
	return regenerate(r, f);
}

void
strategy_lookup_hydrate(struct req *r, const struct flow *f, json_t *nodes)
{
	const char	*sealed = json_string_value(json_object_get(f->internal,
	    "lookup_pending"));
	json_t		*node = flow_node_by_id(nodes, "lookup_secret_codes");
	json_t		*list, *c, *ctx;
	struct buf	 b;
	char		*plain;
	size_t		 len, i;

	if (sealed == NULL || node == NULL || cipher_open(r->a, r->cfg, sealed,
	    &plain, &len) != RC_OK || (list = json_loads(plain, 0, NULL)) ==
	    NULL)
		return;
	buf_init(&b, r->a);
	ctx = json_array();
	json_array_foreach(list, i, c) {
		if (i > 0)
			buf_addstr(&b, ", ");
		buf_addstr(&b, json_string_value(c));
		json_array_append_new(ctx, text_msg_ctx(json_pack("{s:O}",
		    "secret", c), MSG_LOOKUP_CODE, json_string_value(c)));
	}
	json_object_set_new(json_object_get(node, "attributes"), "text",
	    text_msg_ctx(json_pack("{s:o}", "secrets", ctx), MSG_LOOKUP_CODES,
	    b.ptr));
}

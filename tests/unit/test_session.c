/* SPDX-License-Identifier: MIT */
/*
 * test_session: sessions in a real store -- create, find by token and by
 * signed cookie, expiry, revoke, rotate, authentication methods and AAL,
 * logout tokens, the privileged window (aal_is_privileged), listing and
 * revoking an identity's sessions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "aal.h"
#include "arena.h"
#include "clock.h"
#include "crypto.h"
#include "form.h"
#include "session.h"
#include "testlib.h"
#include "testreq.h"

#define IID	"6ba7b810-9dad-41d1-80b4-00c04fd430c8"
#define IID2	"00000000-0000-4000-8000-000000000002"

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static json_t *
ident(struct treq *t, const char *id)
{
	return json_pack("{s:s, s:s, s:{}}", "id", id, "created_at",
	    clock_rfc3339(&t->a, t->r.now_us), "credentials");
}

static struct session *
create(struct treq *t, const char *iid)
{
	struct session	*s = NULL;

	assert_int_equal(session_create(&t->r, ident(t, iid), "password", &s),
	    RC_OK);
	assert_non_null(s);
	return s;
}

/* session_current() in a fresh request that carries token. */
static struct session *
current_with_token(struct treq *t, const char *token)
{
	struct session	*s = (struct session *)0x1;

	assert_int_equal(treq_next(t), 0);
	t->r.session_token = token;
	assert_int_equal(session_current(&t->r, &s), RC_OK);
	return s;
}

/* The same with a Cookie header holding value as the session cookie. */
static struct session *
current_with_cookie(struct treq *t, const char *value)
{
	struct session	*s = (struct session *)0x1;

	assert_int_equal(treq_next(t), 0);
	kv_add(&t->a, &t->r.cookies, t->cfg.cookie_name, value);
	assert_int_equal(session_current(&t->r, &s), RC_OK);
	return s;
}

/* The cookie value session_set_cookie() sets for s. */
static char *
cookie_for(struct treq *t, const struct session *s)
{
	const char	*sc;
	char		*v, *semi;
	size_t		 before = t->r.resp.headers.n;

	session_set_cookie(&t->r, s);
	assert_int_equal(t->r.resp.headers.n, before + 1);
	sc = t->r.resp.headers.v[before].val;
	assert_string_equal(t->r.resp.headers.v[before].key, "Set-Cookie");
	assert_true(starts(sc, t->cfg.cookie_name));
	v = arena_strdup(&t->a, sc + strlen(t->cfg.cookie_name) + 1);
	semi = strchr(v, ';');
	assert_non_null(semi);
	*semi = '\0';
	return v;
}

/* --- create and find -------------------------------------------------------- */

static void
test_session_create_then_current_by_token(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c, *again;
	const char	*token = s->token;
	void		*v;
	size_t		 n, i;
	unsigned char	 key[32];

	/* "ory_st_" and 256 bits in lower-case hex; only its hash is a key. */
	assert_int_equal(strlen(token), 7 + 64);
	assert_true(starts(token, "ory_st_"));
	for (i = 7; i < 71; i++)
		assert_non_null(strchr("0123456789abcdef", token[i]));
	crypto_sha256(token, strlen(token), key);
	assert_memory_equal(s->key, key, 32);
	assert_string_equal(s->identity_id, IID);
	assert_true(s->expires_us == t->r.now_us + 86400LL * 1000000);
	assert_true(s->authenticated_us == t->r.now_us);
	assert_true(crypto_is_uuid(json_string_value(json_object_get(s->rec,
	    "id"))));
	assert_string_equal(json_string_value(json_object_get(s->rec,
	    "authenticator_assurance_level")), "aal1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(s->rec, "authentication_methods"), 0), "method")),
	    "password");
	assert_false(aal_session_is_aal2(s));

	/* The by-identity index holds the hash. */
	assert_int_equal(store_get(&t->store, STORE_SESSIONS_BY_IDENTITY,
	    t->r.txn, &t->a, IID, strlen(IID), &v, &n, 0), RC_OK);
	assert_int_equal(n, 32);
	assert_memory_equal(v, key, 32);

	c = current_with_token(t, token);
	assert_non_null(c);
	assert_memory_equal(c->key, key, 32);
	assert_string_equal(c->identity_id, IID);
	/* A native app keeps its token (step-up does not rotate it). */
	assert_string_equal(c->token, token);
	assert_true(c->expires_us / 1000000 == s->expires_us / 1000000);
	assert_true(t->r.session == c);
	assert_true(t->r.session_loaded);

	/* Loaded once per request. */
	assert_int_equal(session_current(&t->r, &again), RC_OK);
	assert_ptr_equal(again, c);
}

static void
test_session_current_without_valid_token(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID);
	char		 bad[200];
	char		*other;

	/* Nothing sent. */
	assert_null(current_with_token(t, NULL));

	/* Unknown, malformed, wrong prefix, too long, modified. */
	assert_int_equal(crypto_token(&t->a, "ory_st_", &other), RC_OK);
	assert_null(current_with_token(t, other));
	assert_null(current_with_token(t, ""));
	assert_null(current_with_token(t, "ory_st_"));
	assert_null(current_with_token(t, s->token + 7));
	assert_null(current_with_token(t, arena_printf(&t->a, "ory_ST_%s",
	    s->token + 7)));
	assert_null(current_with_token(t, arena_printf(&t->a, "%sx",
	    s->token)));
	assert_null(current_with_token(t, arena_strndup(&t->a, s->token,
	    70)));
	memset(bad, 'a', sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	memcpy(bad, "ory_st_", 7);
	assert_null(current_with_token(t, bad));

	/* The real one still works. */
	assert_non_null(current_with_token(t, s->token));
}

static void
test_session_expiry(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID);
	const char	*token = s->token;
	int64_t		 exp_s = s->expires_us / 1000000;

	assert_int_equal(treq_next(t), 0);
	t->r.session_token = token;
	t->r.now_us = exp_s * 1000000 - 1;
	assert_int_equal(session_current(&t->r, &s), RC_OK);
	assert_non_null(s);

	assert_int_equal(treq_next(t), 0);
	t->r.session_token = token;
	t->r.now_us = exp_s * 1000000;		/* the expiry instant */
	assert_int_equal(session_current(&t->r, &s), RC_OK);
	assert_null(s);

	assert_int_equal(treq_next(t), 0);
	t->r.session_token = token;
	t->r.now_us = exp_s * 1000000 + 3600LL * 1000000;
	assert_int_equal(session_current(&t->r, &s), RC_OK);
	assert_null(s);
}

/* --- cookies -------------------------------------------------------------- */

static void
test_session_cookie_round_trip(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c;
	const char	*sc;
	char		*value, *mac;

	session_set_cookie(&t->r, s);
	sc = treq_header(t, "Set-Cookie");
	assert_non_null(sc);
	/* "<token>.<base64url HMAC>", HttpOnly, for the session's lifetime. */
	assert_true(starts(sc, arena_printf(&t->a,
	    "ory_kratos_session=%s.", s->token)));
	assert_non_null(strstr(sc, "; Path=/; Max-Age=86400; HttpOnly; "
	    "SameSite=Lax"));
	assert_null(strstr(sc, "Secure"));	/* http base URL */

	value = cookie_for(t, s);
	mac = strrchr(value, '.') + 1;
	assert_int_equal(strlen(mac), 43);	/* 32 bytes, unpadded */
	assert_null(strpbrk(mac, "+/="));

	c = current_with_cookie(t, value);
	assert_non_null(c);
	assert_memory_equal(c->key, s->key, 32);
	assert_null(c->token);		/* browsers' tokens are not kept */
}

static void
test_session_cookie_forged(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *s2 = create(t, IID2);
	char		*value = cookie_for(t, s), *v2 = cookie_for(t, s2);
	char		*bad;
	size_t		 n = strlen(value);

	/* A changed MAC character. */
	bad = arena_strdup(&t->a, value);
	bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
	assert_null(current_with_cookie(t, bad));

	/* One session's token with another's MAC. */
	bad = arena_printf(&t->a, "%s%s", s->token, strrchr(v2, '.'));
	assert_null(current_with_cookie(t, bad));

	/* The bare token, no MAC; the MAC alone; garbage. */
	assert_null(current_with_cookie(t, s->token));
	assert_null(current_with_cookie(t, strrchr(value, '.')));
	assert_null(current_with_cookie(t, ""));
	assert_null(current_with_cookie(t, "."));
	assert_null(current_with_cookie(t, arena_printf(&t->a, "%s.",
	    s->token)));

	/* Both real cookies work. */
	assert_non_null(current_with_cookie(t, value));
	assert_non_null(current_with_cookie(t, v2));
}

static void
test_session_cookie_secret_rotation(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID);
	unsigned char	*sec;
	size_t		 len;
	char		*old;

	/* A cookie signed when "number-two" was the first secret... */
	sec = t->cfg.cookie_secrets[0];
	len = t->cfg.cookie_secret_lens[0];
	t->cfg.cookie_secrets[0] = t->cfg.cookie_secrets[1];
	t->cfg.cookie_secret_lens[0] = t->cfg.cookie_secret_lens[1];
	t->cfg.cookie_secrets[1] = sec;
	t->cfg.cookie_secret_lens[1] = len;
	old = cookie_for(t, s);

	/* ...still verifies after it moved to second place, */
	t->cfg.cookie_secrets[1] = t->cfg.cookie_secrets[0];
	t->cfg.cookie_secret_lens[1] = t->cfg.cookie_secret_lens[0];
	t->cfg.cookie_secrets[0] = sec;
	t->cfg.cookie_secret_lens[0] = len;
	assert_string_not_equal(old, cookie_for(t, s));
	assert_non_null(current_with_cookie(t, old));

	/* ...and not once it is gone. */
	t->cfg.cookie_secrets_len = 1;
	assert_null(current_with_cookie(t, old));
	t->cfg.cookie_secrets_len = 2;
}

static void
test_session_token_header_before_cookie(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c;
	char		*value = cookie_for(t, s);

	/* X-Session-Token is looked at first (Kratos's order). */
	assert_int_equal(treq_next(t), 0);
	kv_add(&t->a, &t->r.cookies, t->cfg.cookie_name, value);
	t->r.session_token = "ory_st_0000";
	assert_int_equal(session_current(&t->r, &c), RC_OK);
	assert_null(c);
}

static void
test_session_clear_cookie(void **state)
{
	struct treq	*t = *state;

	session_clear_cookie(&t->r);
	assert_string_equal(treq_header(t, "Set-Cookie"),
	    "ory_kratos_session=; Path=/; Max-Age=0; "
	    "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax");
}

/* --- revoke, rotate, list ------------------------------------------------- */

static void
test_session_revoke(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c;
	const char	*token = s->token;
	void		*v;
	size_t		 n;

	c = current_with_token(t, token);
	assert_non_null(c);
	assert_int_equal(session_revoke(&t->r, c), RC_OK);
	assert_null(t->r.session);
	assert_int_equal(store_get(&t->store, STORE_SESSIONS_BY_IDENTITY,
	    t->r.txn, &t->a, IID, strlen(IID), &v, &n, 0), RC_NOTFOUND);

	assert_null(current_with_token(t, token));
	/* Revoking twice is harmless. */
	assert_int_equal(session_revoke(&t->r, c), RC_OK);
}

static void
test_session_revoke_aborted_keeps_session(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c;
	const char	*token = s->token;

	c = current_with_token(t, token);
	assert_int_equal(session_revoke(&t->r, c), RC_OK);
	store_txn_abort(&t->store, t->r.txn);
	t->r.txn = NULL;
	assert_int_equal(treq_begin(t), 0);
	t->r.session_token = token;
	assert_int_equal(session_current(&t->r, &c), RC_OK);
	assert_non_null(c);
}

static void
test_session_rotate(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c;
	const char	*old = s->token;
	char		*id;

	c = current_with_token(t, old);
	id = arena_strdup(&t->a, json_string_value(json_object_get(c->rec,
	    "id")));
	assert_int_equal(session_rotate(&t->r, c), RC_OK);
	assert_non_null(c->token);
	assert_string_not_equal(c->token, old);
	assert_ptr_equal(t->r.session, c);	/* still the caller's */

	assert_null(current_with_token(t, old));
	c = current_with_token(t, c->token);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c->rec, "id")),
	    id);
}

static void
test_session_list_and_revoke_all(void **state)
{
	struct treq	*t = *state;
	struct session	*a = create(t, IID), **list;
	size_t		 n, count;

	(void)create(t, IID);
	(void)create(t, IID);
	(void)create(t, IID2);
	assert_int_equal(treq_next(t), 0);

	assert_int_equal(session_list(&t->r, IID, &list, &n), RC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(session_list(&t->r, IID2, &list, &n), RC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_list(&t->r, "nobody", &list, &n), RC_OK);
	assert_int_equal(n, 0);

	/* Everything but the current session goes. */
	assert_int_equal(session_revoke_all(&t->r, IID, a, &count), RC_OK);
	assert_int_equal(count, 2);
	assert_int_equal(session_list(&t->r, IID, &list, &n), RC_OK);
	assert_int_equal(n, 1);
	assert_memory_equal(list[0]->key, a->key, 32);
	assert_int_equal(session_list(&t->r, IID2, &list, &n), RC_OK);
	assert_int_equal(n, 1);

	assert_int_equal(session_revoke_all(&t->r, IID, NULL, &count), RC_OK);
	assert_int_equal(count, 1);
	assert_int_equal(session_list(&t->r, IID, &list, &n), RC_OK);
	assert_int_equal(n, 0);
}

/* --- methods, AAL, privilege ---------------------------------------------- */

static void
test_session_add_method_aal2(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *c;
	const char	*token = s->token;
	json_t		*methods;

	/* Another first factor keeps aal1. */
	t->r.now_us += 1000000;
	assert_int_equal(session_add_method(&t->r, s, "password", "aal1"),
	    RC_OK);
	assert_string_equal(json_string_value(json_object_get(s->rec,
	    "authenticator_assurance_level")), "aal1");
	assert_false(aal_session_is_aal2(s));

	/* A second factor after the first: aal2. */
	t->r.now_us += 1000000;
	assert_int_equal(session_add_method(&t->r, s, "totp", "aal2"), RC_OK);
	assert_string_equal(json_string_value(json_object_get(s->rec,
	    "authenticator_assurance_level")), "aal2");
	assert_true(aal_session_is_aal2(s));
	assert_true(s->authenticated_us == t->r.now_us);
	methods = json_object_get(s->rec, "authentication_methods");
	assert_int_equal(json_array_size(methods), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    methods, 2), "method")), "totp");
	assert_string_equal(json_string_value(json_object_get(s->rec,
	    "authenticated_at")), clock_rfc3339(&t->a, t->r.now_us));

	/* Stored: the next request sees aal2. */
	c = current_with_token(t, token);
	assert_non_null(c);
	assert_true(aal_session_is_aal2(c));
	assert_int_equal(json_array_size(json_object_get(c->rec,
	    "authentication_methods")), 3);
}

static void
test_session_logout_token(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID), *s2 = create(t, IID), *c;
	const char	*tok = session_logout_token(&t->r, s);
	char		*bad;
	size_t		 i;

	assert_int_equal(strlen(tok), 7 + 64);
	assert_true(starts(tok, "ory_lo_"));
	for (i = 7; i < 71; i++)
		assert_non_null(strchr("0123456789abcdef", tok[i]));
	assert_true(session_logout_token_ok(&t->r, s, tok));

	/* Stable for the session, different between sessions. */
	assert_string_equal(session_logout_token(&t->r, s), tok);
	assert_string_not_equal(session_logout_token(&t->r, s2), tok);
	assert_false(session_logout_token_ok(&t->r, s2, tok));

	/* Modified, truncated, extended, empty, absent. */
	bad = arena_strdup(&t->a, tok);
	bad[70] = bad[70] == '0' ? '1' : '0';
	assert_false(session_logout_token_ok(&t->r, s, bad));
	bad = arena_strdup(&t->a, tok);
	bad[7] = bad[7] == 'a' ? 'b' : 'a';
	assert_false(session_logout_token_ok(&t->r, s, bad));
	assert_false(session_logout_token_ok(&t->r, s, arena_strndup(&t->a,
	    tok, 70)));
	assert_false(session_logout_token_ok(&t->r, s, arena_printf(&t->a,
	    "%s0", tok)));
	assert_false(session_logout_token_ok(&t->r, s, "ory_lo_"));
	assert_false(session_logout_token_ok(&t->r, s, ""));
	assert_false(session_logout_token_ok(&t->r, s, NULL));
	assert_false(session_logout_token_ok(&t->r, s, s->token));

	/* The same after a reload. */
	c = current_with_token(t, s->token);
	assert_true(session_logout_token_ok(&t->r, c, tok));

	/* Made under the second cookie secret: still accepted. */
	{
		unsigned char	*sec = t->cfg.cookie_secrets[0];
		size_t		 len = t->cfg.cookie_secret_lens[0];
		const char	*old;

		t->cfg.cookie_secrets[0] = t->cfg.cookie_secrets[1];
		t->cfg.cookie_secret_lens[0] = t->cfg.cookie_secret_lens[1];
		old = session_logout_token(&t->r, c);
		t->cfg.cookie_secrets[0] = sec;
		t->cfg.cookie_secret_lens[0] = len;
		assert_string_not_equal(old, tok);
		assert_true(session_logout_token_ok(&t->r, c, old));
	}
}

static void
test_session_privileged_boundary(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID);
	json_t		*id = ident(t, IID);
	int64_t		 at = t->r.now_us / 1000000;	/* completed_at */

	/* privileged_session_max_age is 15 minutes by default. */
	assert_int_equal(t->cfg.privileged_max_age, 900);
	assert_true(aal_is_privileged(&t->r, s, id));
	t->r.now_us = (at + 899) * 1000000 + 999999;
	assert_true(aal_is_privileged(&t->r, s, id));
	t->r.now_us = (at + 900) * 1000000;
	assert_false(aal_is_privileged(&t->r, s, id));
	t->r.now_us = (at + 86400) * 1000000;
	assert_false(aal_is_privileged(&t->r, s, id));

	/* Re-authenticating opens the window again. */
	assert_int_equal(session_add_method(&t->r, s, "password", "aal1"),
	    RC_OK);
	assert_true(aal_is_privileged(&t->r, s, id));

	/* 0 turns the check off. */
	t->r.now_us += 10LL * 86400 * 1000000;
	assert_false(aal_is_privileged(&t->r, s, id));
	t->cfg.privileged_max_age = 0;
	assert_true(aal_is_privileged(&t->r, s, id));
}

static void
test_session_privileged_needs_recent_second_factor(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID);
	json_t		*id = ident(t, IID);

	/* An identity with a second factor: aal1 alone is not privileged. */
	json_object_set_new(json_object_get(id, "credentials"), "totp",
	    json_pack("{s:s}", "type", "totp"));
	assert_false(aal_is_privileged(&t->r, s, id));
	assert_int_equal(session_add_method(&t->r, s, "totp", "aal2"), RC_OK);
	assert_true(aal_is_privileged(&t->r, s, id));

	/*
	 * Much later, the password again but not the second factor: the
	 * second factor is stale (Kratos #3856).
	 */
	t->r.now_us += 3600LL * 1000000;
	assert_int_equal(session_add_method(&t->r, s, "password", "aal1"),
	    RC_OK);
	assert_false(aal_is_privileged(&t->r, s, id));
	assert_int_equal(session_add_method(&t->r, s, "totp", "aal2"), RC_OK);
	assert_true(aal_is_privileged(&t->r, s, id));
}

static void
test_session_json(void **state)
{
	struct treq	*t = *state;
	struct session	*s = create(t, IID);
	json_t		*o;

	o = session_json(&t->r, s, NULL);
	assert_true(json_is_true(json_object_get(o, "active")));
	assert_string_equal(json_string_value(json_object_get(o, "id")),
	    json_string_value(json_object_get(s->rec, "id")));
	assert_string_equal(json_string_value(json_object_get(o,
	    "authenticator_assurance_level")), "aal1");
	assert_int_equal(json_array_size(json_object_get(o,
	    "authentication_methods")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "devices")), 1);
	assert_null(json_object_get(o, "identity"));
	/* Nothing that would let a reader use the session. */
	assert_null(strstr(json_dumps(o, 0), s->token));
	assert_null(strstr(json_dumps(o, 0), s->token + 7));

	t->r.now_us = s->expires_us;
	o = session_json(&t->r, s, NULL);
	assert_true(json_is_false(json_object_get(o, "active")));
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, treq_setup, treq_teardown)
	const struct CMUnitTest tests[] = {
		T(test_session_create_then_current_by_token),
		T(test_session_current_without_valid_token),
		T(test_session_expiry),
		T(test_session_cookie_round_trip),
		T(test_session_cookie_forged),
		T(test_session_cookie_secret_rotation),
		T(test_session_token_header_before_cookie),
		T(test_session_clear_cookie),
		T(test_session_revoke),
		T(test_session_revoke_aborted_keeps_session),
		T(test_session_rotate),
		T(test_session_list_and_revoke_all),
		T(test_session_add_method_aal2),
		T(test_session_logout_token),
		T(test_session_privileged_boundary),
		T(test_session_privileged_needs_recent_second_factor),
		T(test_session_json),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

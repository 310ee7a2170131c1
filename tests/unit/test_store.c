/* SPDX-License-Identifier: MIT */
/*
 * test_store: the Berkeley DB environment in a mkdtemp() directory --
 * get/put/del in transactions, unique keys, JSON records, durability
 * across close and reopen, aborts, duplicate-key deletes, and the
 * housekeeping sweep of expired records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "arena.h"
#include "store.h"
#include "testlib.h"

#define CACHE	(4u << 20)

struct fx {
	struct arena	 a;
	char		*dir;
	char		*home;		/* <dir>/db */
	struct store	 s;
	int		 open;
};

static int
setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));
	size_t		 n;

	if (fx == NULL)
		return -1;
	arena_init(&fx->a, 16384);
	arena_use_for_json(&fx->a);
	if ((fx->dir = tl_mkdtemp()) == NULL)
		return -1;
	n = strlen(fx->dir) + 4;
	fx->home = malloc(n);
	snprintf(fx->home, n, "%s/db", fx->dir);
	if (store_open(&fx->s, fx->home, CACHE) != RC_OK)
		return -1;
	fx->open = 1;
	*state = fx;
	return 0;
}

static void
fx_close(struct fx *fx)
{
	if (fx->open) {
		store_close(&fx->s);
		free(fx->s.home);
		fx->s.home = NULL;
		fx->open = 0;
	}
}

static void
fx_reopen(struct fx *fx)
{
	fx_close(fx);
	assert_int_equal(store_open(&fx->s, fx->home, CACHE), RC_OK);
	fx->open = 1;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	fx_close(fx);
	tl_rmrf(fx->dir);
	free(fx->dir);
	free(fx->home);
	arena_release(&fx->a);
	free(fx);
	return 0;
}

static DB_TXN *
begin(struct fx *fx)
{
	DB_TXN	*txn = NULL;

	assert_int_equal(store_txn_begin(&fx->s, &txn), RC_OK);
	assert_non_null(txn);
	return txn;
}

static void
commit(struct fx *fx, DB_TXN *txn)
{
	assert_int_equal(store_txn_commit(&fx->s, txn), RC_OK);
}

static enum rc
get_str(struct fx *fx, enum store_db db, DB_TXN *txn, const char *key,
    char **val)
{
	void	*v;
	size_t	 n;
	enum rc	 rc;

	rc = store_get(&fx->s, db, txn, &fx->a, key, strlen(key), &v, &n, 0);
	if (rc == RC_OK) {
		/* Arena copies are NUL-terminated. */
		assert_int_equal(((char *)v)[n], '\0');
		assert_int_equal(strlen(v), n);
		*val = v;
	}
	return rc;
}

static enum rc
put_str(struct fx *fx, enum store_db db, DB_TXN *txn, const char *key,
    const char *val, int unique)
{
	return store_put(&fx->s, db, txn, key, strlen(key), val, strlen(val),
	    unique);
}

/* --- basic operations ----------------------------------------------------- */

static void
test_store_put_get_del(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	char		*v;

	assert_int_equal(put_str(fx, STORE_IDENTIFIERS, txn, "password:a@b",
	    "id-1", 0), RC_OK);
	assert_int_equal(get_str(fx, STORE_IDENTIFIERS, txn, "password:a@b",
	    &v), RC_OK);
	assert_string_equal(v, "id-1");

	/* Non-unique put overwrites. */
	assert_int_equal(put_str(fx, STORE_IDENTIFIERS, txn, "password:a@b",
	    "id-2", 0), RC_OK);
	assert_int_equal(get_str(fx, STORE_IDENTIFIERS, txn, "password:a@b",
	    &v), RC_OK);
	assert_string_equal(v, "id-2");

	/* Databases are separate key spaces. */
	v = NULL;
	assert_int_equal(get_str(fx, STORE_FLOWS, txn, "password:a@b", &v),
	    RC_NOTFOUND);
	assert_null(v);				/* untouched on error */

	assert_int_equal(store_del(&fx->s, STORE_IDENTIFIERS, txn,
	    "password:a@b", 12), RC_OK);
	assert_int_equal(get_str(fx, STORE_IDENTIFIERS, txn, "password:a@b",
	    &v), RC_NOTFOUND);
	assert_int_equal(store_del(&fx->s, STORE_IDENTIFIERS, txn,
	    "password:a@b", 12), RC_NOTFOUND);
	commit(fx, txn);
}

static void
test_store_unique_exists(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	char		*v;

	assert_int_equal(put_str(fx, STORE_IDENTIFIERS, txn, "password:x",
	    "first", 1), RC_OK);
	assert_int_equal(put_str(fx, STORE_IDENTIFIERS, txn, "password:x",
	    "second", 1), RC_EXISTS);
	assert_int_equal(get_str(fx, STORE_IDENTIFIERS, txn, "password:x",
	    &v), RC_OK);
	assert_string_equal(v, "first");	/* the clash changed nothing */
	commit(fx, txn);

	/* Also across transactions. */
	txn = begin(fx);
	assert_int_equal(put_str(fx, STORE_IDENTIFIERS, txn, "password:x",
	    "third", 1), RC_EXISTS);
	commit(fx, txn);
}

static void
test_store_get_missing(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	json_t		*j = NULL;
	char		*v = NULL;

	assert_int_equal(get_str(fx, STORE_IDENTITIES, txn, "nope", &v),
	    RC_NOTFOUND);
	assert_int_equal(store_get_json(&fx->s, STORE_FLOWS, txn, &fx->a,
	    "nope", 4, &j, 0), RC_NOTFOUND);
	assert_null(j);
	/* Without a transaction too. */
	assert_int_equal(get_str(fx, STORE_IDENTITIES, NULL, "nope", &v),
	    RC_NOTFOUND);
	commit(fx, txn);
}

static void
test_store_binary_keys_and_values(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	unsigned char	 key[32], val[5] = { 0, 1, 0, 0xff, 0 };
	void		*v;
	size_t		 n;

	memset(key, 0, sizeof(key));
	key[31] = 1;
	assert_int_equal(store_put(&fx->s, STORE_SESSIONS, txn, key,
	    sizeof(key), val, sizeof(val), 1), RC_OK);
	assert_int_equal(store_get(&fx->s, STORE_SESSIONS, txn, &fx->a, key,
	    sizeof(key), &v, &n, 1), RC_OK);
	assert_int_equal(n, sizeof(val));
	assert_memory_equal(v, val, sizeof(val));
	/* A key that differs in its last byte is another key. */
	key[31] = 2;
	assert_int_equal(store_get(&fx->s, STORE_SESSIONS, txn, &fx->a, key,
	    sizeof(key), &v, &n, 0), RC_NOTFOUND);
	commit(fx, txn);
}

/* --- JSON records --------------------------------------------------------- */

static void
test_store_json_round_trip(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	json_t		*rec, *got = NULL;
	char		*raw;

	rec = json_pack("{s:s, s:i, s:{s:[s]}}", "id", "x", "n", 42, "o",
	    "l", "\xc3\xa9");
	assert_int_equal(store_put_json(&fx->s, STORE_FLOWS, txn, "k1", 2,
	    rec, 1), RC_OK);
	assert_int_equal(json_integer_value(json_object_get(rec, "v")), 1);

	assert_int_equal(store_get_json(&fx->s, STORE_FLOWS, txn, &fx->a,
	    "k1", 2, &got, 0), RC_OK);
	assert_true(json_is_object(got));
	assert_int_equal(json_integer_value(json_object_get(got, "v")), 1);
	assert_true(json_equal(rec, got));

	/* Stored compact: readable with db_dump. */
	assert_int_equal(get_str(fx, STORE_FLOWS, txn, "k1", &raw), RC_OK);
	assert_null(strchr(raw, '\n'));
	assert_null(strstr(raw, ", "));
	assert_non_null(strstr(raw, "\"v\":1"));

	/* Unique applies to JSON records too. */
	assert_int_equal(store_put_json(&fx->s, STORE_FLOWS, txn, "k1", 2,
	    rec, 1), RC_EXISTS);
	commit(fx, txn);
}

static void
test_store_json_bad_records(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	json_t		*got = NULL;
	static const char *const bad[] = {
		"not json",
		"[1,2]",
		"{\"a\":1}",			/* no version */
		"{\"v\":2}",			/* a version we do not read */
		"{\"v\":\"1\"}",
		"",
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(store_put(&fx->s, STORE_FLOWS, txn, "k", 1,
		    bad[i], strlen(bad[i]), 0), RC_OK);
		if (store_get_json(&fx->s, STORE_FLOWS, txn, &fx->a, "k", 1,
		    &got, 0) != RC_STORE)
			fail_msg("decoded \"%s\"", bad[i]);
		assert_null(got);
	}
	commit(fx, txn);
}

/* --- transactions and durability ------------------------------------------ */

static void
test_store_commit_survives_reopen(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	json_t		*got;
	char		*v;

	assert_int_equal(put_str(fx, STORE_IDENTITIES, txn, "id-1", "{}", 1),
	    RC_OK);
	assert_int_equal(store_put_json(&fx->s, STORE_SESSIONS, txn, "s", 1,
	    json_pack("{s:s}", "identity_id", "id-1"), 1), RC_OK);
	store_mark_durable(&fx->s);
	commit(fx, txn);

	fx_reopen(fx);
	txn = begin(fx);
	assert_int_equal(get_str(fx, STORE_IDENTITIES, txn, "id-1", &v),
	    RC_OK);
	assert_string_equal(v, "{}");
	assert_int_equal(store_get_json(&fx->s, STORE_SESSIONS, txn, &fx->a,
	    "s", 1, &got, 0), RC_OK);
	assert_string_equal(json_string_value(json_object_get(got,
	    "identity_id")), "id-1");
	commit(fx, txn);

	/* A non-durable (flows) commit survives a clean close too. */
	txn = begin(fx);
	assert_int_equal(put_str(fx, STORE_FLOWS, txn, "f", "{\"v\":1}", 1),
	    RC_OK);
	commit(fx, txn);
	assert_int_equal(store_reopen(&fx->s), RC_OK);
	txn = begin(fx);
	assert_int_equal(get_str(fx, STORE_FLOWS, txn, "f", &v), RC_OK);
	commit(fx, txn);
}

static void
test_store_abort_discards(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	char		*v;

	assert_int_equal(put_str(fx, STORE_IDENTITIES, txn, "keep", "1", 1),
	    RC_OK);
	commit(fx, txn);

	txn = begin(fx);
	assert_int_equal(put_str(fx, STORE_IDENTITIES, txn, "gone", "2", 1),
	    RC_OK);
	assert_int_equal(store_del(&fx->s, STORE_IDENTITIES, txn, "keep", 4),
	    RC_OK);
	/* Visible inside the transaction... */
	assert_int_equal(get_str(fx, STORE_IDENTITIES, txn, "gone", &v),
	    RC_OK);
	store_txn_abort(&fx->s, txn);

	/* ...and gone after the abort, with the delete undone. */
	txn = begin(fx);
	assert_int_equal(get_str(fx, STORE_IDENTITIES, txn, "gone", &v),
	    RC_NOTFOUND);
	assert_int_equal(get_str(fx, STORE_IDENTITIES, txn, "keep", &v),
	    RC_OK);
	assert_string_equal(v, "1");
	commit(fx, txn);

	fx_reopen(fx);
	txn = begin(fx);
	assert_int_equal(get_str(fx, STORE_IDENTITIES, txn, "gone", &v),
	    RC_NOTFOUND);
	commit(fx, txn);
}

/* --- duplicates ----------------------------------------------------------- */

static void
test_store_del_dup(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	const char	*iid = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
	char		*v;

	/* One identity, three sessions; DB_DUPSORT keeps them sorted. */
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    "sess-b", 0), RC_OK);
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    "sess-a", 0), RC_OK);
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    "sess-c", 0), RC_OK);
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, "other",
	    "sess-a", 0), RC_OK);
	assert_int_equal(get_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    &v), RC_OK);
	assert_string_equal(v, "sess-a");

	/* Delete exactly one pair. */
	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, iid, strlen(iid), "sess-a", 6), RC_OK);
	assert_int_equal(get_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    &v), RC_OK);
	assert_string_equal(v, "sess-b");
	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, iid, strlen(iid), "sess-a", 6), RC_NOTFOUND);
	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, iid, strlen(iid), "sess-z", 6), RC_NOTFOUND);
	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, "nobody", 6, "sess-b", 6), RC_NOTFOUND);

	/* The other identity's pair with the same value is untouched. */
	assert_int_equal(get_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, "other",
	    &v), RC_OK);
	assert_string_equal(v, "sess-a");

	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, iid, strlen(iid), "sess-c", 6), RC_OK);
	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, iid, strlen(iid), "sess-b", 6), RC_OK);
	assert_int_equal(get_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    &v), RC_NOTFOUND);
	commit(fx, txn);
}

static void
test_store_del_removes_all_dups(void **state)
{
	struct fx	*fx = *state;
	DB_TXN		*txn = begin(fx);
	char		*v;

	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, "i",
	    "s1", 0), RC_OK);
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, "i",
	    "s2", 0), RC_OK);
	/*
	 * The same pair twice is not stored twice: Berkeley DB refuses it
	 * under DB_DUPSORT (EINVAL, logged, so RC_STORE rather than
	 * RC_EXISTS: callers never put a session hash twice).
	 */
	assert_int_not_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, "i",
	    "s2", 0), RC_OK);
	assert_int_equal(store_del(&fx->s, STORE_SESSIONS_BY_IDENTITY, txn,
	    "i", 1), RC_OK);
	assert_int_equal(get_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, "i", &v),
	    RC_NOTFOUND);
	commit(fx, txn);
}

/* --- housekeeping --------------------------------------------------------- */

static void
put_exp(struct fx *fx, DB_TXN *txn, enum store_db db, const char *key,
    json_t *rec)
{
	assert_int_equal(store_put_json(&fx->s, db, txn, key, strlen(key), rec,
	    1), RC_OK);
}

static int
exists(struct fx *fx, enum store_db db, const char *key)
{
	DB_TXN	*txn = begin(fx);
	char	*v;
	enum rc	 rc = get_str(fx, db, txn, key, &v);

	commit(fx, txn);
	assert_true(rc == RC_OK || rc == RC_NOTFOUND);
	return rc == RC_OK;
}

static void
test_store_housekeep_flows(void **state)
{
	struct fx	*fx = *state;
	time_t		 now = time(NULL);
	DB_TXN		*txn = begin(fx);

	put_exp(fx, txn, STORE_FLOWS, "expired",
	    json_pack("{s:I}", "exp", (json_int_t)(now - 10)));
	put_exp(fx, txn, STORE_FLOWS, "long-expired",
	    json_pack("{s:I}", "exp", (json_int_t)1));
	put_exp(fx, txn, STORE_FLOWS, "fresh",
	    json_pack("{s:I}", "exp", (json_int_t)(now + 3600)));
	put_exp(fx, txn, STORE_FLOWS, "exactly-now",
	    json_pack("{s:I}", "exp", (json_int_t)now));
	put_exp(fx, txn, STORE_FLOWS, "no-exp", json_pack("{s:s}", "a", "b"));
	put_exp(fx, txn, STORE_FLOWS, "zero-exp",
	    json_pack("{s:i}", "exp", 0));
	assert_int_equal(store_put(&fx->s, STORE_FLOWS, txn, "garbage", 7,
	    "}{", 2, 1), RC_OK);
	commit(fx, txn);

	store_housekeep(&fx->s, &fx->a, now, 100);

	assert_false(exists(fx, STORE_FLOWS, "expired"));
	assert_false(exists(fx, STORE_FLOWS, "long-expired"));
	assert_true(exists(fx, STORE_FLOWS, "fresh"));
	assert_true(exists(fx, STORE_FLOWS, "exactly-now"));
	assert_true(exists(fx, STORE_FLOWS, "no-exp"));
	assert_true(exists(fx, STORE_FLOWS, "zero-exp"));
	assert_true(exists(fx, STORE_FLOWS, "garbage"));

	/* Later, the fresh one expires too. */
	store_housekeep(&fx->s, &fx->a, now + 7200, 100);
	assert_false(exists(fx, STORE_FLOWS, "fresh"));
	assert_false(exists(fx, STORE_FLOWS, "exactly-now"));
	assert_true(exists(fx, STORE_FLOWS, "no-exp"));
}

static void
test_store_housekeep_resumes(void **state)
{
	struct fx	*fx = *state;
	time_t		 now = time(NULL);
	DB_TXN		*txn = begin(fx);
	const char	*keys[] = { "k1", "k2", "k3", "k4", "k5" };
	size_t		 i, left;

	for (i = 0; i < 5; i++)
		put_exp(fx, txn, STORE_FLOWS, keys[i],
		    json_pack("{s:I}", "exp", (json_int_t)(now - 1)));
	commit(fx, txn);

	/* At most two records per sweep, picking up where the last stopped. */
	store_housekeep(&fx->s, &fx->a, now, 2);
	for (i = 0, left = 0; i < 5; i++)
		left += exists(fx, STORE_FLOWS, keys[i]);
	assert_int_equal(left, 3);
	store_housekeep(&fx->s, &fx->a, now, 2);
	for (i = 0, left = 0; i < 5; i++)
		left += exists(fx, STORE_FLOWS, keys[i]);
	assert_int_equal(left, 1);
	store_housekeep(&fx->s, &fx->a, now, 2);
	for (i = 0; i < 5; i++)
		assert_false(exists(fx, STORE_FLOWS, keys[i]));
}

static void
test_store_housekeep_sessions_index(void **state)
{
	struct fx	*fx = *state;
	time_t		 now = time(NULL);
	DB_TXN		*txn = begin(fx);
	const char	*iid = "id-1";
	char		*v;

	put_exp(fx, txn, STORE_SESSIONS, "old", json_pack("{s:I, s:s}",
	    "exp", (json_int_t)(now - 5), "identity_id", iid));
	put_exp(fx, txn, STORE_SESSIONS, "new", json_pack("{s:I, s:s}",
	    "exp", (json_int_t)(now + 500), "identity_id", iid));
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    "old", 0), RC_OK);
	assert_int_equal(put_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid,
	    "new", 0), RC_OK);
	commit(fx, txn);

	store_housekeep(&fx->s, &fx->a, now, 100);
	assert_false(exists(fx, STORE_SESSIONS, "old"));
	assert_true(exists(fx, STORE_SESSIONS, "new"));

	/* The index lost the expired session and kept the other. */
	txn = begin(fx);
	assert_int_equal(store_del_dup(&fx->s, STORE_SESSIONS_BY_IDENTITY,
	    txn, iid, strlen(iid), "old", 3), RC_NOTFOUND);
	assert_int_equal(get_str(fx, STORE_SESSIONS_BY_IDENTITY, txn, iid, &v),
	    RC_OK);
	assert_string_equal(v, "new");
	commit(fx, txn);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_put_get_del),
		T(test_store_unique_exists),
		T(test_store_get_missing),
		T(test_store_binary_keys_and_values),
		T(test_store_json_round_trip),
		T(test_store_json_bad_records),
		T(test_store_commit_survives_reopen),
		T(test_store_abort_discards),
		T(test_store_del_dup),
		T(test_store_del_removes_all_dups),
		T(test_store_housekeep_flows),
		T(test_store_housekeep_resumes),
		T(test_store_housekeep_sessions_index),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * store: Berkeley DB 5.3 environment handling, the error mapping from
 * Berkeley DB return codes to enum rc, and after-response housekeeping.
 * The per-entity record layouts live in store_identity.c, store_session.c
 * and store_flow.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "log.h"
#include "mem.h"
#include "store.h"

static const char *const names[STORE__MAX] = {
	"identities.db",		/* STORE_IDENTITIES */
	"identifiers.db",		/* STORE_IDENTIFIERS */
	"sessions.db",			/* STORE_SESSIONS */
	"sessions_by_identity.db",	/* STORE_SESSIONS_BY_IDENTITY */
	"flows.db",			/* STORE_FLOWS */
	"session_ids.db",		/* STORE_SESSION_IDS */
	"throttle.db",			/* STORE_THROTTLE */
	"breached.db",			/* STORE_BREACHED */
};

/* Map a Berkeley DB return code; log the ones that are internal errors. */
static enum rc
map(struct store *s, int ret, const char *what)
{
	switch (ret) {
	case 0:
		return RC_OK;
	case DB_NOTFOUND:
	case DB_KEYEMPTY:
		return RC_NOTFOUND;
	case DB_KEYEXIST:
		return RC_EXISTS;
	case DB_LOCK_DEADLOCK:
	case DB_LOCK_NOTGRANTED:
		return RC_RETRY;
	case DB_RUNRECOVERY:
		log_warnx("%s: %s", what, db_strerror(ret));
		return RC_PANIC;
	default:
		(void)s;
		log_warnx("%s: %s", what, db_strerror(ret));
		return RC_STORE;
	}
}

/* For failchk: is the process that held a lock or a mutex still there? */
static int
is_alive(DB_ENV *env, pid_t pid, db_threadid_t tid, u_int32_t flags)
{
	(void)env;
	(void)tid;
	(void)flags;
	return kill(pid, 0) == 0 || errno == EPERM;
}

static void
errcall(const DB_ENV *env, const char *prefix, const char *msg)
{
	(void)env;
	(void)prefix;
	log_warnx("berkeley db: %s", msg);
}

/* 1 if db holds at least one record (checked once at open). */
static int
has_records(struct store *s, enum store_db db)
{
	DBC	*c;
	DBT	 k, v;
	int	 ret;

	if (s->db[db]->cursor(s->db[db], NULL, &c, 0) != 0)
		return 0;
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.flags = v.flags = DB_DBT_PARTIAL;
	ret = c->get(c, &k, &v, DB_FIRST);
	c->close(c);
	return ret == 0;
}

/*
 * Create, configure and open the environment handle.  Returns 0 or the
 * Berkeley DB error; on error s->env is NULL.
 */
static int
env_open(struct store *s, const char *home, int failchk)
{
	u_int32_t	 flags;
	int		 ret;

	if ((ret = db_env_create(&s->env, 0)) != 0)
		return ret;
	s->env->set_errcall(s->env, errcall);
	s->env->set_cachesize(s->env, 0, (u_int32_t)s->cache, 1);

	/* Run the deadlock detector on every conflict; the youngest loses. */
	s->env->set_lk_detect(s->env, DB_LOCK_YOUNGEST);

	/*
	 * A lock held by a killed worker is released only by failchk or
	 * recovery.  Until then a waiter must not block forever: time out
	 * and retry the request (store_expire_locks() makes the timeout
	 * bite even when no new conflict runs the detector).
	 */
	s->env->set_timeout(s->env, 2 * 1000000, DB_SET_LOCK_TIMEOUT);

	/*
	 * Track which process holds what, so that failchk() can release the
	 * locks and abort the transactions of a killed worker in place --
	 * waking whoever waits on them -- instead of a full recovery, which
	 * would strand any process blocked in the old environment.  The
	 * count bounds the processes attached at once (workers, CGI
	 * requests, the command line).
	 */
	if (failchk) {
		s->env->set_thread_count(s->env, 512);
		s->env->set_isalive(s->env, is_alive);
	}

	/* Shared hosts have little disk: drop log files once checkpointed. */
	s->env->log_set_config(s->env, DB_LOG_AUTO_REMOVE, 1);
	s->env->set_lg_max(s->env, 4 * 1024 * 1024);

	flags = DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG |
	    DB_INIT_MPOOL | DB_REGISTER | DB_RECOVER |
	    (failchk ? DB_FAILCHK : 0);
	if ((ret = s->env->open(s->env, home, flags, 0600)) != 0) {
		s->env->close(s->env, 0);
		s->env = NULL;
		return ret;
	}
	s->failchk = failchk;
	return 0;
}

enum rc
store_open(struct store *s, const char *home, size_t cache)
{
	int		 ret, i;
	struct stat	 st;

	memset(s, 0, sizeof(*s));
	s->home = mem_strdup(home);
	s->cache = cache;
	if (mkdir(home, 0700) == -1 && errno != EEXIST) {
		log_warn("%s: mkdir %s", __func__, home);
		return RC_STORE;
	}
	if (stat(home, &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("%s: %s is not a directory", __func__, home);
		return RC_STORE;
	}
	/*
	 * An environment created before failchk was used has no thread table
	 * and refuses DB_FAILCHK (EINVAL): open it without, as before; it
	 * gains one the next time it is recreated (any recovery does that).
	 */
	if ((ret = env_open(s, home, 1)) == EINVAL)
		ret = env_open(s, home, 0);
	if (ret != 0) {
		log_warnx("%s: opening the environment in %s: %s", __func__,
		    home, db_strerror(ret));
		return ret == DB_RUNRECOVERY ? RC_PANIC : RC_STORE;
	}
	for (i = 0; i < STORE__MAX; i++) {
		if ((ret = db_create(&s->db[i], s->env, 0)) != 0)
			return map(s, ret, "db_create");
		if (i == STORE_SESSIONS_BY_IDENTITY)
			s->db[i]->set_flags(s->db[i], DB_DUP | DB_DUPSORT);
		ret = s->db[i]->open(s->db[i], NULL, names[i], NULL, DB_BTREE,
		    DB_CREATE | DB_AUTO_COMMIT, 0600);
		if (ret != 0) {
			log_warnx("%s: opening %s/%s: %s", __func__, home,
			    names[i], db_strerror(ret));
			store_close(s);
			return ret == DB_RUNRECOVERY ? RC_PANIC : RC_STORE;
		}
	}
	s->breached_loaded = has_records(s, STORE_BREACHED);
	return RC_OK;
}

void
store_close(struct store *s)
{
	int	 i;

	/*
	 * DB_NOSYNC: every committed change is already in the log, so there
	 * is no need to flush the cache to the database files on the way out
	 * (a CGI process would pay an fdatasync for every request).
	 */
	for (i = 0; i < STORE__MAX; i++)
		if (s->db[i] != NULL) {
			s->db[i]->close(s->db[i], DB_NOSYNC);
			s->db[i] = NULL;
		}
	if (s->env != NULL) {
		s->env->close(s->env, 0);
		s->env = NULL;
	}
}

enum rc
store_reopen(struct store *s)
{
	char	*home = s->home;
	size_t	 cache = s->cache;
	enum rc	 rc;

	s->home = NULL;
	store_close(s);
	rc = store_open(s, home, cache);
	free(home);
	return rc;
}

enum rc
store_failchk(struct store *s)
{
	int	 ret;

	if (!s->failchk)
		return RC_OK;
	if ((ret = s->env->failchk(s->env, 0)) == 0)
		return RC_OK;
	log_warnx("failchk: %s", db_strerror(ret));
	return ret == DB_RUNRECOVERY ? RC_PANIC : RC_STORE;
}

void
store_expire_locks(struct store *s)
{
	int	 rejected = 0;

	(void)s->env->lock_detect(s->env, 0, DB_LOCK_EXPIRE, &rejected);
}

enum rc
store_txn_begin(struct store *s, DB_TXN **txn)
{
	int	 ret;

	s->durable = 0;

	/*
	 * Read-committed: a read lock is dropped as soon as the read is
	 * done, so a request that spends 50 ms hashing a password holds no
	 * read locks meanwhile.  Read-modify-write paths use DB_RMW.
	 */
	ret = s->env->txn_begin(s->env, NULL, txn, DB_READ_COMMITTED);
	return map(s, ret, "txn_begin");
}

void
store_mark_durable(struct store *s)
{
	s->durable = 1;
}

enum rc
store_txn_commit(struct store *s, DB_TXN *txn)
{
	int	 ret;

	ret = txn->commit(txn, s->durable ? DB_TXN_SYNC : DB_TXN_WRITE_NOSYNC);
	s->durable = 0;
	return map(s, ret, "txn commit");
}

void
store_txn_abort(struct store *s, DB_TXN *txn)
{
	int	 ret;

	s->durable = 0;
	if ((ret = txn->abort(txn)) != 0)
		log_warnx("txn abort: %s", db_strerror(ret));
}

enum rc
store_get(struct store *s, enum store_db db, DB_TXN *txn, struct arena *a,
    const void *key, size_t klen, void **val, size_t *vlen, int rmw)
{
	DBT	 k, v;
	int	 ret;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *)key;
	k.size = (u_int32_t)klen;
	v.flags = DB_DBT_MALLOC;
	ret = s->db[db]->get(s->db[db], txn, &k, &v, rmw ? DB_RMW : 0);
	if (ret != 0)
		return map(s, ret, names[db]);

	/* Copy into the arena so the caller has one lifetime to think of. */
	*val = arena_alloc(a, mem_size_add(v.size, 1));
	memcpy(*val, v.data, v.size);
	((char *)*val)[v.size] = '\0';
	*vlen = v.size;
	explicit_bzero(v.data, v.size);
	free(v.data);
	return RC_OK;
}

enum rc
store_put(struct store *s, enum store_db db, DB_TXN *txn, const void *key,
    size_t klen, const void *val, size_t vlen, int unique)
{
	DBT	 k, v;
	int	 ret;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *)key;
	k.size = (u_int32_t)klen;
	v.data = (void *)val;
	v.size = (u_int32_t)vlen;
	ret = s->db[db]->put(s->db[db], txn, &k, &v,
	    unique ? DB_NOOVERWRITE : 0);
	return map(s, ret, names[db]);
}

enum rc
store_del(struct store *s, enum store_db db, DB_TXN *txn, const void *key,
    size_t klen)
{
	DBT	 k;
	int	 ret;

	memset(&k, 0, sizeof(k));
	k.data = (void *)key;
	k.size = (u_int32_t)klen;
	ret = s->db[db]->del(s->db[db], txn, &k, 0);
	return map(s, ret, names[db]);
}

static void *
copy(struct arena *a, const DBT *d)
{
	char	*p = arena_alloc(a, mem_size_add(d->size, 1));

	memcpy(p, d->data, d->size);
	p[d->size] = '\0';
	return p;
}

enum rc
store_get_dups(struct store *s, enum store_db db, DB_TXN *txn,
    struct arena *a, const void *key, size_t klen, void ***vals,
    size_t **lens, size_t *n)
{
	DBC	*c = NULL;
	DBT	 k, v;
	size_t	 cap = 8;
	int	 ret, flag = DB_SET;
	enum rc	 rc;

	*n = 0;
	*vals = arena_alloc(a, cap * sizeof(**vals));
	*lens = arena_alloc(a, cap * sizeof(**lens));
	if ((ret = s->db[db]->cursor(s->db[db], txn, &c, 0)) != 0)
		return map(s, ret, names[db]);
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *)key;
	k.size = (u_int32_t)klen;
	while ((ret = c->get(c, &k, &v, flag)) == 0) {
		flag = DB_NEXT_DUP;
		if (*n == cap) {
			void	**nv = arena_alloc(a, 2 * cap * sizeof(*nv));
			size_t	 *nl = arena_alloc(a, 2 * cap * sizeof(*nl));

			memcpy(nv, *vals, cap * sizeof(*nv));
			memcpy(nl, *lens, cap * sizeof(*nl));
			*vals = nv;
			*lens = nl;
			cap *= 2;
		}
		(*vals)[*n] = copy(a, &v);
		(*lens)[*n] = v.size;
		(*n)++;
	}
	rc = ret == DB_NOTFOUND ? RC_OK : map(s, ret, names[db]);
	c->close(c);
	return rc;
}

enum rc
store_scan(struct store *s, enum store_db db, DB_TXN *txn, struct arena *a,
    const void *after, size_t afterlen, size_t max, void ***keys,
    size_t **klens, void ***vals, size_t **vlens, size_t *n)
{
	DBC	*c = NULL;
	DBT	 k, v;
	int	 ret, flag = DB_FIRST, skip = after != NULL;
	enum rc	 rc;

	*n = 0;
	*keys = arena_calloc(a, max + 1, sizeof(**keys));
	*klens = arena_calloc(a, max + 1, sizeof(**klens));
	*vals = arena_calloc(a, max + 1, sizeof(**vals));
	*vlens = arena_calloc(a, max + 1, sizeof(**vlens));
	if ((ret = s->db[db]->cursor(s->db[db], txn, &c, 0)) != 0)
		return map(s, ret, names[db]);
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	if (after != NULL) {
		k.data = (void *)after;
		k.size = (u_int32_t)afterlen;
		flag = DB_SET_RANGE;
	}
	while (*n < max && (ret = c->get(c, &k, &v, flag)) == 0) {
		flag = DB_NEXT;

		/* DB_SET_RANGE lands on `after` itself when it still exists. */
		if (skip && k.size == afterlen && memcmp(k.data, after,
		    afterlen) == 0) {
			skip = 0;
			continue;
		}
		skip = 0;
		(*keys)[*n] = copy(a, &k);
		(*klens)[*n] = k.size;
		(*vals)[*n] = copy(a, &v);
		(*vlens)[*n] = v.size;
		(*n)++;
	}
	rc = ret == 0 || ret == DB_NOTFOUND ? RC_OK : map(s, ret, names[db]);
	c->close(c);
	return rc;
}

enum rc
store_del_dup(struct store *s, enum store_db db, DB_TXN *txn,
    const void *key, size_t klen, const void *val, size_t vlen)
{
	DBC	*c = NULL;
	DBT	 k, v;
	int	 ret;
	enum rc	 rc;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *)key;
	k.size = (u_int32_t)klen;
	v.data = (void *)val;
	v.size = (u_int32_t)vlen;
	if ((ret = s->db[db]->cursor(s->db[db], txn, &c, 0)) != 0)
		return map(s, ret, names[db]);
	ret = c->get(c, &k, &v, DB_GET_BOTH | DB_RMW);
	if (ret == 0)
		ret = c->del(c, 0);
	rc = map(s, ret, names[db]);
	c->close(c);
	return rc;
}

enum rc
store_get_json(struct store *s, enum store_db db, DB_TXN *txn,
    struct arena *a, const void *key, size_t klen, json_t **out, int rmw)
{
	void		*val;
	size_t		 vlen;
	json_t		*doc;
	json_error_t	 err;
	enum rc		 rc;

	if ((rc = store_get(s, db, txn, a, key, klen, &val, &vlen, rmw)) !=
	    RC_OK)
		return rc;
	doc = json_loadb(val, vlen, 0, &err);
	if (doc == NULL || !json_is_object(doc) ||
	    json_integer_value(json_object_get(doc, "v")) != 1) {
		log_warnx("%s: %s: undecodable record: %s", __func__, names[db],
		    doc == NULL ? err.text : "bad version");
		return RC_STORE;
	}
	*out = doc;
	return RC_OK;
}

enum rc
store_put_json(struct store *s, enum store_db db, DB_TXN *txn,
    const void *key, size_t klen, json_t *rec, int unique)
{
	char	*text;

	json_object_set_new(rec, "v", json_integer(1));
	text = json_dumps(rec, JSON_COMPACT);
	if (text == NULL) {
		log_warnx("%s: json_dumps failed", __func__);
		return RC_SYSTEM;
	}
	return store_put(s, db, txn, key, klen, text, strlen(text), unique);
}

/*
 * Walk up to max records of db from *resume, deleting those whose "exp"
 * is in the past.  Sessions also drop their by-identity index entry.
 */
static enum rc
sweep(struct store *s, enum store_db db, time_t now, size_t max)
{
	struct store_cursor *pos = &s->sweep[db];
	DB_TXN		*txn = NULL;
	DBC		*c = NULL;
	DBT		 k, v;
	unsigned char	 start[sizeof(pos->key)];
	size_t		 seen = 0, startlen;
	int		 ret, flag, wrapped = 0;
	enum rc		 rc;

	if ((rc = store_txn_begin(s, &txn)) != RC_OK)
		return rc;
	if ((ret = s->db[db]->cursor(s->db[db], txn, &c, 0)) != 0) {
		rc = map(s, ret, "cursor");
		goto out;
	}
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	/*
	 * A fresh pass starts at a random key, so that several workers do
	 * not sweep (and lock) the same records at the same time.
	 */
	if (pos->len == 0 && crypto_random(pos->key, 8) == RC_OK)
		pos->len = 8;
	flag = DB_FIRST;
	if (pos->len > 0) {
		k.data = pos->key;
		k.size = (u_int32_t)pos->len;
		flag = DB_SET_RANGE;
	}
	startlen = pos->len;
	memcpy(start, pos->key, startlen);
	pos->len = 0;
	ret = c->get(c, &k, &v, flag | DB_RMW);

	/* Past the last key: wrap round to the first. */
	if (ret == DB_NOTFOUND && flag == DB_SET_RANGE) {
		wrapped = 1;
		memset(&k, 0, sizeof(k));
		ret = c->get(c, &k, &v, DB_FIRST | DB_RMW);
	}
again:
	for (; ret == 0 && seen < max; ret = c->get(c, &k, &v,
	    DB_NEXT | DB_RMW)) {
		json_t	*doc;
		json_int_t exp;

		/* Wrapped round to where this pass began: the pass is done. */
		if (wrapped && memcmp(k.data, start, k.size < startlen ?
		    k.size : startlen) >= 0) {
			ret = DB_NOTFOUND;
			break;
		}

		seen++;
		doc = json_loadb(v.data, v.size, 0, NULL);
		exp = json_integer_value(json_object_get(doc, "exp"));
		if (doc != NULL && exp > 0 && exp < now) {
			if (db == STORE_SESSIONS) {
				const char *iid = json_string_value(
				    json_object_get(doc, "identity_id"));
				const char *sid = json_string_value(
				    json_object_get(doc, "id"));

				if (sid != NULL && (rc = store_del(s,
				    STORE_SESSION_IDS, txn, sid, strlen(sid))) !=
				    RC_OK && rc != RC_NOTFOUND)
					goto out;

				if (iid != NULL && (rc = store_del_dup(s,
				    STORE_SESSIONS_BY_IDENTITY, txn, iid,
				    strlen(iid), k.data, k.size)) != RC_OK &&
				    rc != RC_NOTFOUND)
					goto out;
			}
			if ((ret = c->del(c, 0)) != 0) {
				rc = map(s, ret, "sweep del");
				goto out;
			}
		}
		if (k.size <= sizeof(pos->key)) {
			memcpy(pos->key, k.data, k.size);
			pos->len = k.size;
		}
	}
	/* The end, in a pass that began mid-way: go on from the first key. */
	if (ret == DB_NOTFOUND && !wrapped && startlen > 0 && seen < max) {
		wrapped = 1;
		memset(&k, 0, sizeof(k));
		ret = c->get(c, &k, &v, DB_FIRST | DB_RMW);
		goto again;
	}
	if (ret == DB_NOTFOUND)
		pos->len = 0;
	else if (ret != 0) {
		rc = map(s, ret, "sweep");
		goto out;
	}
	rc = RC_OK;
out:
	if (c != NULL)
		c->close(c);
	if (rc == RC_OK)
		return store_txn_commit(s, txn);
	store_txn_abort(s, txn);
	return rc;
}

void
store_housekeep(struct store *s, struct arena *a, time_t now, size_t max)
{
	int	 ret;

	/* Failures here only delay cleanup; the next request tries again. */
	(void)a;
	(void)sweep(s, STORE_FLOWS, now, max);
	(void)sweep(s, STORE_SESSIONS, now, max);
	(void)sweep(s, STORE_THROTTLE, now, max);

	/*
	 * Checkpoint at most once a minute per worker (and only after 1 MiB of
	 * log).  Berkeley DB 5.3's checkpoint sleeps a whole second on a
	 * page another process has pinned, and the other workers wait for it
	 * meanwhile, so frequent small checkpoints stall more, not less.
	 */
	if (now - s->last_checkpoint >= 60) {
		s->last_checkpoint = now;
		if ((ret = s->env->txn_checkpoint(s->env, 1024, 0, 0)) != 0)
			log_warnx("txn_checkpoint: %s", db_strerror(ret));
	}
}

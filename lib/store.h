/* SPDX-License-Identifier: MIT */
/*
 * store: the Berkeley DB environment and its databases.
 *
 * One transactional environment in the state directory, shared by every
 * worker process: each process opens its own handles (never across fork),
 * with DB_REGISTER | DB_RECOVER so that the first process to open the
 * environment after a crash rolls back the half-done transactions of the
 * dead one.  Deadlocks are detected on every conflict and reported as
 * RC_RETRY: the caller aborts and reruns the whole request.
 *
 * Records are versioned JSON documents (readable with db_dump); keys are
 * fixed-length (UUIDs, SHA-256 hashes) or a normalised identifier with a
 * type prefix, so no user input can collide with another index's key.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <time.h>

#include <db.h>
#include <jansson.h>

#include "rc.h"

struct arena;

enum store_db {
	STORE_IDENTITIES,		/* identity id -> identity record */
	STORE_IDENTIFIERS,		/* "password:" identifier -> identity id */
	STORE_SESSIONS,			/* SHA-256(token) -> session record */
	STORE_SESSIONS_BY_IDENTITY,	/* identity id -> SHA-256(token), dups */
	STORE_FLOWS,			/* flow id -> flow record (also errors) */
	STORE_SESSION_IDS,		/* session id -> SHA-256(token) */
	STORE_THROTTLE,			/* "acct:.."/"ip:.." -> failure counter */
	STORE_BREACHED,			/* SHA-1(password) -> breach count */
	STORE__MAX
};

struct store {
	DB_ENV		*env;
	DB		*db[STORE__MAX];
	char		*home;
	size_t		 cache;
	int		 write_nosync;	/* commit mode of the current txn */
	int		 durable;	/* the current txn wrote durable data */
	int		 breached_loaded; /* a breached-password list is imported */
	struct store_cursor {	/* where the last housekeeping sweep stopped */
		unsigned char	key[64];
		size_t		len;
	}		 sweep[STORE__MAX];
	time_t		 last_checkpoint;
	int		 failchk;	/* the environment tracks threads */
};

/*
 * Open (creating if needed) the environment in home, with a cache of
 * `cache` bytes, and all databases.  RC_OK, RC_STORE (logged).
 */
enum rc	 store_open(struct store *s, const char *home, size_t cache);

/* Close every handle.  Safe on a partly opened or panicked store. */
void	 store_close(struct store *s);

/* Close and reopen after RC_PANIC (another process ran recovery). */
enum rc	 store_reopen(struct store *s);

/*
 * Wake any waiter whose lock request has outlived the lock timeout: Berkeley
 * DB checks timeouts only when its detector runs, and a lock left by a
 * killed worker gives it no new conflict to run on.  Cheap; called before
 * each request.
 */
void	 store_expire_locks(struct store *s);

/*
 * Release what killed processes held: their locks are freed and their
 * transactions aborted (Berkeley DB's failchk).  RC_OK; RC_PANIC when a
 * dead process held a mutex and only recovery will do (store_reopen()).
 */
enum rc	 store_failchk(struct store *s);

/* Begin a transaction.  RC_OK, RC_PANIC, RC_STORE. */
enum rc	 store_txn_begin(struct store *s, DB_TXN **txn);

/*
 * Commit: synchronously when the transaction wrote identities, credentials
 * or sessions (store_mark_durable), otherwise with DB_TXN_WRITE_NOSYNC,
 * which survives a killed process but not a power cut -- fine for flows.
 * RC_OK, RC_RETRY, RC_PANIC, RC_STORE.
 */
enum rc	 store_txn_commit(struct store *s, DB_TXN *txn);
void	 store_txn_abort(struct store *s, DB_TXN *txn);
void	 store_mark_durable(struct store *s);

/*
 * Read key from db into arena memory.  With rmw, take the write lock now
 * (DB_RMW) to avoid read-to-write upgrade deadlocks.  RC_OK, RC_NOTFOUND,
 * RC_RETRY, RC_PANIC, RC_STORE.
 */
enum rc	 store_get(struct store *s, enum store_db db, DB_TXN *txn,
	    struct arena *a, const void *key, size_t klen, void **val,
	    size_t *vlen, int rmw);

/*
 * Write key -> val.  With unique, an existing key is RC_EXISTS.
 * RC_OK, RC_EXISTS, RC_RETRY, RC_PANIC, RC_STORE.
 */
enum rc	 store_put(struct store *s, enum store_db db, DB_TXN *txn,
	    const void *key, size_t klen, const void *val, size_t vlen,
	    int unique);

/* Delete key (all duplicates).  RC_OK, RC_NOTFOUND, RC_RETRY, ... */
enum rc	 store_del(struct store *s, enum store_db db, DB_TXN *txn,
	    const void *key, size_t klen);

/*
 * Every value stored under key in a duplicate database, copied into the
 * arena: (*vals)[i] of (*lens)[i] bytes, *n of them.  RC_OK (n may be 0)
 * or store errors.
 */
enum rc	 store_get_dups(struct store *s, enum store_db db, DB_TXN *txn,
	    struct arena *a, const void *key, size_t klen, void ***vals,
	    size_t **lens, size_t *n);

/*
 * Walk db in key order from the key after `after` (or the first key when
 * after is NULL), returning up to max keys and values in the arena.
 * RC_OK or store errors.
 */
enum rc	 store_scan(struct store *s, enum store_db db, DB_TXN *txn,
	    struct arena *a, const void *after, size_t afterlen, size_t max,
	    void ***keys, size_t **klens, void ***vals, size_t **vlens,
	    size_t *n);

/* Delete one key/value pair of a duplicate database. */
enum rc	 store_del_dup(struct store *s, enum store_db db, DB_TXN *txn,
	    const void *key, size_t klen, const void *val, size_t vlen);

/* JSON record helpers over store_get/store_put (compact, versioned). */
enum rc	 store_get_json(struct store *s, enum store_db db, DB_TXN *txn,
	    struct arena *a, const void *key, size_t klen, json_t **out,
	    int rmw);
enum rc	 store_put_json(struct store *s, enum store_db db, DB_TXN *txn,
	    const void *key, size_t klen, json_t *rec, int unique);

/*
 * Housekeeping, run after the response has been sent: delete up to `max`
 * expired flows and sessions, resuming where the last sweep stopped, and
 * checkpoint when enough log has accumulated.  Errors are logged only.
 */
void	 store_housekeep(struct store *s, struct arena *a, time_t now,
	    size_t max);

#endif /* STORE_H */

/* SPDX-License-Identifier: MIT */
/*
 * testreq: a struct req for unit tests of request-level modules (flow,
 * session): a configuration loaded from a YAML file in a mkdtemp()
 * directory, a Berkeley DB environment below it, an arena that jansson
 * uses, and an open transaction.  Include after testlib.h.
 */
#ifndef TESTREQ_H
#define TESTREQ_H

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "store.h"

#define TREQ_BASE	"http://127.0.0.1:4455/"
#define TREQ_ORIGIN	"http://127.0.0.1:4455"

/*
 * The configuration: two cookie secrets (the first signs, both verify),
 * an allow-list for return_to.  The TOTP issuer is set because the
 * default one is refused for a base URL with a port (see test_config).
 */
#define TREQ_YAML \
	"dsn: berkeleydb:db\n" \
	"serve:\n" \
	"  public:\n" \
	"    base_url: " TREQ_BASE "\n" \
	"selfservice:\n" \
	"  allowed_return_urls:\n" \
	"    - https://a.example\n" \
	"    - https://b.example/app/\n" \
	"    - https://c.example/path\n" \
	"  methods:\n" \
	"    totp:\n" \
	"      config:\n" \
	"        issuer: Gatehouse\n" \
	"secrets:\n" \
	"  cookie:\n" \
	"    - \"cookie-secret-number-one\"\n" \
	"    - \"cookie-secret-number-two\"\n" \
	"  cipher:\n" \
	"    - \"0123456789abcdef0123456789abcdef\"\n" \
	"identity:\n" \
	"  schemas:\n" \
	"    - id: default\n" \
	"      url: \"%s\"\n"

struct treq {
	struct arena	 a;
	char		*dir;
	struct config	 cfg;
	int		 cfg_loaded;
	struct store	 store;
	int		 store_open;
	struct req	 r;
};

/* Start a fresh request: empty inputs, a new transaction, a clock read. */
static inline int
treq_begin(struct treq *t)
{
	memset(&t->r, 0, sizeof(t->r));
	t->r.a = &t->a;
	t->r.cfg = &t->cfg;
	t->r.store = &t->store;
	t->r.now_us = clock_now_us();
	t->r.method = "POST";
	t->r.path = "self-service/login";
	t->r.request_url = TREQ_BASE "self-service/login/browser";
	buf_init(&t->r.resp.body, &t->a);
	return store_txn_begin(&t->store, &t->r.txn) == RC_OK ? 0 : -1;
}

/* Commit the request's transaction.  0 or -1. */
static inline int
treq_commit(struct treq *t)
{
	enum rc	 rc = store_txn_commit(&t->store, t->r.txn);

	t->r.txn = NULL;
	return rc == RC_OK ? 0 : -1;
}

/* Commit and begin the next request. */
static inline int
treq_next(struct treq *t)
{
	if (treq_commit(t) == -1)
		return -1;
	return treq_begin(t);
}

static inline int
treq_setup(void **state)
{
	struct treq	*t = calloc(1, sizeof(*t));
	char		 rel[PATH_MAX], schema[PATH_MAX], *path, *yaml;
	int		 n;

	if (t == NULL)
		return -1;
	*state = t;
	arena_init(&t->a, 65536);
	arena_use_for_json(&t->a);
	if ((t->dir = tl_mkdtemp()) == NULL)
		return -1;
	if (realpath(tl_path(rel, sizeof(rel), "etc/identity.schema.json"),
	    schema) == NULL)
		return -1;
	path = arena_printf(&t->a, "%s/gatehouse.yml", t->dir);
	yaml = arena_printf(&t->a, TREQ_YAML, schema);
	if (tl_write_file(path, yaml) == -1)
		return -1;
	if (config_load(&t->cfg, path) == -1)
		return -1;
	t->cfg_loaded = 1;
	if (store_open(&t->store, t->cfg.state_dir, t->cfg.db_cache) != RC_OK)
		return -1;
	t->store_open = 1;
	n = treq_begin(t);
	return n;
}

static inline int
treq_teardown(void **state)
{
	struct treq	*t = *state;

	if (t == NULL)
		return 0;
	if (t->r.txn != NULL)
		store_txn_abort(&t->store, t->r.txn);
	if (t->store_open)
		store_close(&t->store);
	free(t->store.home);
	if (t->cfg_loaded)
		config_release(&t->cfg);
	if (t->dir != NULL) {
		tl_rmrf(t->dir);
		free(t->dir);
	}
	arena_release(&t->a);
	free(t);
	return 0;
}

/* The value of the first response header called name, or NULL. */
static inline const char *
treq_header(const struct treq *t, const char *name)
{
	return kv_get(&t->r.resp.headers, name);
}

#endif /* TESTREQ_H */

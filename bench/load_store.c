/* SPDX-License-Identifier: MIT */
/*
 * load_store: fill a Gatehouse state directory through the store API (not
 * HTTP) for the scale benchmark: N identities, each with a password (one
 * real argon2id hash at the configured parameters, shared by all, so
 * loading does not take N hashes) and one session, committed in
 * transactions of BATCH identities.  With --totp every identity also gets
 * a TOTP credential; with --expired the sessions expired two days ago
 * (work for housekeeping).
 *
 *   load_store CONFIG N OUT [--sample K] [--batch B] [--prefix P]
 *              [--totp] [--expired] [--cache BYTES]
 *
 * OUT gets K lines spread evenly over the N identities:
 *   <cookie name>=<signed cookie value> TAB <session token> TAB <email>
 *   TAB <totp base32 secret or ->
 * The password of every identity is "Quartz-Lantern-benchmark".
 *
 * The load runs with larger lock tables (big transactions) and, with
 * --cache, a larger Berkeley DB cache than the server's, both written to a
 * DB_CONFIG file that is removed, with the environment's region files,
 * after a final checkpoint, so the server then creates its own environment
 * with the configured sizes.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <db.h>
#include <jansson.h>

#include "arena.h"
#include "cipher.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "identity.h"
#include "password.h"
#include "session.h"
#include "store.h"
#include "totp.h"

#define PASSWORD	"Quartz-Lantern-benchmark"

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, enum rc rc)
{
	fprintf(stderr, "load_store: %s: %s\n", what, rc_str(rc));
	exit(1);
}

/* The cookie pair of the last Set-Cookie header: "name=value". */
static const char *
last_cookie(struct req *r, char *out, size_t len)
{
	size_t	 i;
	const char *v = NULL;

	for (i = 0; i < r->resp.headers.n; i++)
		if (strcasecmp(r->resp.headers.v[i].key, "Set-Cookie") == 0)
			v = r->resp.headers.v[i].val;
	if (v == NULL)
		return NULL;
	snprintf(out, len, "%.*s", (int)strcspn(v, ";"), v);
	return out;
}

static void
remove_regions(const char *home)
{
	DIR		*d = opendir(home);
	struct dirent	*e;
	char		 path[4096];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "__db.", 5) == 0 ||
		    strcmp(e->d_name, "DB_CONFIG") == 0) {
			snprintf(path, sizeof(path), "%s/%s", home, e->d_name);
			unlink(path);
		}
	closedir(d);
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct store	 st;
	struct arena	 startup, a;
	struct req	 r;
	const char	*phc, *pepper_id, *prefix = "load", *sealed;
	char		 email[256], cookie[1024], path[4096], *secret;
	long		 n, i, sample = 0, batch = 10000, every, written = 0;
	size_t		 cache = 0;
	int		 totp = 0, expired = 0, k;
	json_t		*traits, *ident;
	struct session	*s;
	FILE		*out, *f;
	double		 t0, t1;
	enum rc		 rc;

	if (argc < 4) {
		fprintf(stderr, "usage: load_store CONFIG N OUT [--sample K] "
		    "[--batch B] [--prefix P] [--totp] [--expired] "
		    "[--cache BYTES]\n");
		return 64;
	}
	n = atol(argv[2]);
	for (k = 4; k < argc; k++) {
		if (strcmp(argv[k], "--sample") == 0 && k + 1 < argc)
			sample = atol(argv[++k]);
		else if (strcmp(argv[k], "--batch") == 0 && k + 1 < argc)
			batch = atol(argv[++k]);
		else if (strcmp(argv[k], "--prefix") == 0 && k + 1 < argc)
			prefix = argv[++k];
		else if (strcmp(argv[k], "--cache") == 0 && k + 1 < argc)
			cache = (size_t)atol(argv[++k]);
		else if (strcmp(argv[k], "--totp") == 0)
			totp = 1;
		else if (strcmp(argv[k], "--expired") == 0)
			expired = 1;
		else {
			fprintf(stderr, "load_store: unknown option %s\n",
			    argv[k]);
			return 64;
		}
	}
	every = sample > 0 ? (n / sample > 0 ? n / sample : 1) : 0;

	arena_init(&startup, 65536);
	arena_init(&a, 1 << 20);
	arena_use_for_json(&startup);
	if (config_load(&cfg, argv[1]) == -1)
		return 78;
	if (totp && totp_init() == -1)
		return 70;
	(void)mkdir(cfg.state_dir, 0700);
	snprintf(path, sizeof(path), "%s/DB_CONFIG", cfg.state_dir);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return 73;
	}
	if (cache > 0)
		fprintf(f, "set_cachesize 0 %zu 1\n", cache);
	fprintf(f, "set_lk_max_locks 1000000\nset_lk_max_objects 1000000\n"
	    "set_lk_max_lockers 10000\nset_lg_bsize 8388608\n");
	fclose(f);
	if ((rc = store_open(&st, cfg.state_dir, cfg.db_cache)) != RC_OK)
		die("store_open", rc);
	if ((out = fopen(argv[3], "w")) == NULL) {
		perror(argv[3]);
		return 73;
	}

	arena_use_for_json(&a);
	memset(&r, 0, sizeof(r));
	r.a = &a;
	r.cfg = &cfg;
	r.store = &st;
	r.method = "CLI";
	r.path = "";
	r.remote_addr = "127.0.0.1";
	r.user_agent = "gatehouse-bench/load_store";
	r.session_loaded = 1;
	r.now_us = clock_now_us();

	/* One real hash at the configured parameters, kept for all. */
	if ((rc = password_hash(&r, PASSWORD, &phc, &pepper_id)) != RC_OK)
		die("password_hash", rc);
	phc = strdup(phc);
	pepper_id = pepper_id ? strdup(pepper_id) : NULL;

	t0 = now_s();
	for (i = 0; i < n; ) {
		long	 end = i + batch < n ? i + batch : n;

		arena_reset(&a);
		memset(&r.resp, 0, sizeof(r.resp));
		r.now_us = clock_now_us() - (expired ? 2LL * 86400 *
		    1000000 + cfg.session_lifespan * 1000000 : 0);
		if ((rc = store_txn_begin(&st, &r.txn)) != RC_OK)
			die("txn_begin", rc);
		for (; i < end; i++) {
			secret = NULL;
			snprintf(email, sizeof(email), "%s-%ld@example.com",
			    prefix, i);
			traits = json_pack("{s:s}", "email", email);
			if ((rc = identity_create(&r, traits, phc, pepper_id,
			    &ident)) != RC_OK)
				die("identity_create", rc);
			if (totp) {
				const char *uri;

				if ((rc = totp_new_secret(&a, &secret)) !=
				    RC_OK)
					die("totp_new_secret", rc);
				uri = totp_uri(&a, cfg.totp_issuer, email,
				    secret);
				if ((rc = cipher_seal(&a, &cfg, uri,
				    strlen(uri), &sealed)) != RC_OK)
					die("cipher_seal", rc);
				if ((rc = identity_set_credential(&r, ident,
				    "totp", json_pack("{s:s, s:I}",
				    "totp_url_sealed", sealed, "last_used_step",
				    (json_int_t)0))) != RC_OK)
					die("identity_set_credential", rc);
			}
			if ((rc = session_create(&r, ident, "password", &s)) !=
			    RC_OK)
				die("session_create", rc);
			if (every > 0 && i % every == every / 2 &&
			    written < sample) {
				session_set_cookie(&r, s);
				if (last_cookie(&r, cookie, sizeof(cookie)) ==
				    NULL) {
					fprintf(stderr, "no cookie\n");
					return 70;
				}
				fprintf(out, "%s\t%s\t%s\t%s\n", cookie,
				    s->token, email, secret ? secret : "-");
				written++;
			}
		}
		if ((rc = store_txn_commit(&st, r.txn)) != RC_OK)
			die("txn_commit", rc);
		st.env->txn_checkpoint(st.env, 0, 0, 0);
		if (n >= 100000 && (i % 100000 == 0 || i == n)) {
			t1 = now_s();
			fprintf(stderr, "load_store: %ld identities, %.0f/s\n",
			    i, (double)i / (t1 - t0));
		}
	}
	t1 = now_s();
	fclose(out);
	st.env->txn_checkpoint(st.env, 0, 0, DB_FORCE);
	st.env->log_archive(st.env, NULL, DB_ARCH_REMOVE);
	store_close(&st);
	remove_regions(cfg.state_dir);
	printf("loaded=%ld seconds=%.2f rate=%.0f\n", n, t1 - t0,
	    (double)n / (t1 - t0));
	return 0;
}

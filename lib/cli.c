/* SPDX-License-Identifier: MIT */
/*
 * cli: identities, sessions and database maintenance from the shell.
 * Each command runs in one transaction, like a request.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <db.h>

#include "admin.h"
#include "arena.h"
#include "breach.h"
#include "clock.h"
#include "cli.h"
#include "config.h"
#include "http.h"
#include "identity.h"
#include "session.h"
#include "store.h"

#define EX_OK		0
#define EX_USAGE	64
#define EX_DATAERR	65
#define EX_NOINPUT	66
#define EX_SOFTWARE	70
#define EX_CANTCREAT	73
#define EX_CONFIG	78

static const char *const usage_text =
    "usage: gatehouse.fcgi COMMAND [--config FILE] ...\n"
    "  init-config FILE --base-url URL --state-dir DIR\n"
    "              [--templates-dir DIR] [--schema FILE]\n"
    "  check-config FILE\n"
    "  identities list\n"
    "  identities get ID|EMAIL\n"
    "  identities import FILE|-     (CreateIdentityBody or a list of them)\n"
    "  identities delete ID|EMAIL\n"
    "  sessions list ID|EMAIL\n"
    "  sessions revoke SESSION-ID\n"
    "  sessions revoke-all ID|EMAIL\n"
    "  passwords import-breached FILE  (Pwned Passwords SHA-1 list)\n"
    "  db verify                    (stop the server first)\n"
    "  db backup DIR                (hot backup, consistent after recovery)\n"
    "  db recover [--catastrophic]  (stop the server first)\n"
    "The configuration is --config FILE, else $GATEHOUSE_CONFIG.\n";

struct ctx {
	struct config	 cfg;
	struct store	 store;
	struct arena	 a;
	struct req	 r;
	int		 store_open;
};

static int
usage(void)
{
	fputs(usage_text, stderr);
	return EX_USAGE;
}

static int
open_ctx(struct ctx *c, const char *path, int with_store)
{
	arena_init(&c->a, 65536);
	arena_use_for_json(&c->a);
	if (path == NULL && (path = getenv("GATEHOUSE_CONFIG")) == NULL) {
		fprintf(stderr, "no configuration: use --config FILE or set "
		    "GATEHOUSE_CONFIG\n");
		return EX_CONFIG;
	}
	if (config_load(&c->cfg, path) == -1)
		return EX_CONFIG;
	if (with_store) {
		if (store_open(&c->store, c->cfg.state_dir, c->cfg.db_cache) !=
		    RC_OK)
			return EX_SOFTWARE;
		c->store_open = 1;
	}
	c->r.a = &c->a;
	c->r.cfg = &c->cfg;
	c->r.store = &c->store;
	c->r.now_us = clock_now_us();
	c->r.method = "CLI";
	c->r.path = "";
	c->r.session_loaded = 1;
	buf_init(&c->r.resp.body, &c->a);
	return EX_OK;
}

static void
close_ctx(struct ctx *c)
{
	if (c->store_open) {
		store_close(&c->store);
		free(c->store.home);
	}
	config_release(&c->cfg);
	arena_release(&c->a);
}

static int
begin(struct ctx *c)
{
	return store_txn_begin(&c->store, &c->r.txn) == RC_OK ? 0 : -1;
}

static int
finish(struct ctx *c, enum rc rc)
{
	if (rc != RC_OK) {
		store_txn_abort(&c->store, c->r.txn);
		return -1;
	}
	return store_txn_commit(&c->store, c->r.txn) == RC_OK ? 0 : -1;
}

static void
print_json(json_t *j)
{
	char	*s = json_dumps(j, JSON_INDENT(2));

	if (s != NULL)
		puts(s);
}

/* An identity by id or by email. */
static enum rc
find(struct ctx *c, const char *key, json_t **ident)
{
	if (strchr(key, '@') != NULL)
		return identity_get_by_identifier(&c->r, key, ident);
	return identity_get_for_update(&c->r, key, ident);
}

static int
identities(struct ctx *c, int argc, char **argv)
{
	json_t	*ident, *doc, *item;
	void	**keys, **vals;
	size_t	*kl, *vl, n, i;
	const char *reason = NULL;
	int	 status, errors = 0;
	enum rc	 rc = RC_OK;

	if (argc < 1)
		return usage();
	if (begin(c) == -1)
		return EX_SOFTWARE;
	if (strcmp(argv[0], "list") == 0) {
		const char	*after = NULL;

		do {
			rc = store_scan(&c->store, STORE_IDENTITIES, c->r.txn,
			    &c->a, after, after ? strlen(after) : 0, 500,
			    &keys, &kl, &vals, &vl, &n);
			for (i = 0; rc == RC_OK && i < n; i++) {
				ident = json_loadb(vals[i], vl[i], 0, NULL);
				printf("%s\t%s\t%s\n", (char *)keys[i],
				    identity_identifier(ident) ?
				    identity_identifier(ident) : "-",
				    identity_has_mfa(ident) ? "mfa" : "-");
			}
			after = n ? keys[n - 1] : NULL;
		} while (rc == RC_OK && n == 500);
	} else if (strcmp(argv[0], "get") == 0 && argc == 2) {
		if ((rc = find(c, argv[1], &ident)) == RC_OK)
			print_json(admin_identity_json(&c->r, ident));
	} else if (strcmp(argv[0], "delete") == 0 && argc == 2) {
		if ((rc = find(c, argv[1], &ident)) == RC_OK &&
		    (rc = identity_delete(&c->r, ident)) == RC_OK)
			printf("deleted %s\n", json_string_value(
			    json_object_get(ident, "id")));
	} else if (strcmp(argv[0], "import") == 0 && argc == 2) {
		json_error_t	 err;

		doc = strcmp(argv[1], "-") == 0 ?
		    json_loadf(stdin, 0, &err) : json_load_file(argv[1], 0, &err);
		if (doc == NULL) {
			fprintf(stderr, "%s:%d: %s\n", argv[1], err.line,
			    err.text);
			store_txn_abort(&c->store, c->r.txn);
			return EX_DATAERR;
		}
		if (!json_is_array(doc))
			doc = json_pack("[o]", doc);
		json_array_foreach(doc, i, item) {
			rc = admin_identity_create(&c->r, item, &ident, &status,
			    &reason);
			if (rc == RC_OK)
				printf("%s\t%s\n", json_string_value(
				    json_object_get(ident, "id")),
				    identity_identifier(ident));
			else if (rc == RC_INVALID || rc == RC_EXISTS) {
				fprintf(stderr, "entry %zu: %s\n", i, reason);
				errors++;
				rc = RC_OK;
			} else
				break;
		}
	} else {
		store_txn_abort(&c->store, c->r.txn);
		return usage();
	}
	if (rc == RC_NOTFOUND)
		fprintf(stderr, "%s: no such identity\n", argv[1]);
	if (finish(c, rc) == -1)
		return rc == RC_NOTFOUND ? EX_NOINPUT : EX_SOFTWARE;
	return errors ? EX_DATAERR : EX_OK;
}

static int
sessions(struct ctx *c, int argc, char **argv)
{
	struct session	**list, *s;
	json_t		*ident;
	size_t		  n, i;
	enum rc		  rc;

	if (argc != 2)
		return usage();
	if (begin(c) == -1)
		return EX_SOFTWARE;
	if (strcmp(argv[0], "revoke") == 0) {
		if ((rc = session_get_by_id(&c->r, argv[1], 0, &s)) == RC_OK) {
			if (s == NULL)
				rc = RC_NOTFOUND;
			else if ((rc = session_revoke(&c->r, s)) == RC_OK)
				printf("revoked %s\n", argv[1]);
		}
	} else if (strcmp(argv[0], "list") == 0 ||
	    strcmp(argv[0], "revoke-all") == 0) {
		if ((rc = find(c, argv[1], &ident)) == RC_OK) {
			const char *id = json_string_value(json_object_get(
			    ident, "id"));

			if (strcmp(argv[0], "list") == 0) {
				if ((rc = session_list(&c->r, id, &list, &n)) ==
				    RC_OK)
					for (i = 0; i < n; i++)
						print_json(session_json(&c->r,
						    list[i], NULL));
			} else if ((rc = session_revoke_all(&c->r, id, NULL,
			    &n)) == RC_OK)
				printf("revoked %zu sessions\n", n);
		}
	} else {
		store_txn_abort(&c->store, c->r.txn);
		return usage();
	}
	if (rc == RC_NOTFOUND)
		fprintf(stderr, "%s: not found\n", argv[1]);
	if (finish(c, rc) == -1)
		return rc == RC_NOTFOUND ? EX_NOINPUT : EX_SOFTWARE;
	return EX_OK;
}

static const char *const files[] = {
	"identities.db", "identifiers.db", "sessions.db",
	"sessions_by_identity.db", "flows.db", "session_ids.db",
	"throttle.db", "breached.db",
};

static int
db_verify(struct ctx *c)
{
	char	 path[4096];
	size_t	 i;
	int	 bad = 0, ret;
	DB	*db;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", c->cfg.state_dir,
		    files[i]);
		if (access(path, F_OK) == -1)
			continue;

		/* DB->verify takes no locks: only on a quiet environment. */
		if ((ret = db_create(&db, NULL, 0)) != 0)
			return EX_SOFTWARE;
		ret = db->verify(db, path, NULL, NULL, 0);
		printf("%s: %s\n", files[i], ret == 0 ? "ok" : db_strerror(ret));
		bad += ret != 0;
	}
	return bad ? EX_DATAERR : EX_OK;
}

static int
db_backup(struct ctx *c, const char *dir)
{
	DB_ENV	*env;
	int	 ret;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return EX_CANTCREAT;
	}

	/* A hot backup: database files, then logs, page-consistent. */
	ret = c->store.env->backup(c->store.env, dir, DB_CREATE |
	    DB_BACKUP_CLEAN);
	if (ret != 0) {
		fprintf(stderr, "backup: %s\n", db_strerror(ret));
		return EX_SOFTWARE;
	}

	/* Recover the copy so it opens as a consistent environment. */
	if ((ret = db_env_create(&env, 0)) != 0)
		return EX_SOFTWARE;
	ret = env->open(env, dir, DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK |
	    DB_INIT_LOG | DB_INIT_MPOOL | DB_RECOVER_FATAL | DB_PRIVATE, 0600);
	env->close(env, 0);
	if (ret != 0) {
		fprintf(stderr, "recovering the backup: %s\n", db_strerror(ret));
		return EX_SOFTWARE;
	}
	printf("backed up %s to %s\n", c->cfg.state_dir, dir);
	return EX_OK;
}

static int
db_recover(struct ctx *c, int catastrophic)
{
	DB_ENV	*env;
	int	 ret;

	if ((ret = db_env_create(&env, 0)) != 0)
		return EX_SOFTWARE;
	ret = env->open(env, c->cfg.state_dir, DB_CREATE | DB_INIT_TXN |
	    DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL |
	    (catastrophic ? DB_RECOVER_FATAL : DB_RECOVER), 0600);
	env->close(env, 0);
	if (ret != 0) {
		fprintf(stderr, "recovery: %s\n", db_strerror(ret));
		return EX_SOFTWARE;
	}
	printf("recovered %s%s\n", c->cfg.state_dir, catastrophic ?
	    " (catastrophic recovery)" : "");
	return EX_OK;
}

static int
db_cmd(struct ctx *c, const char *config, int argc, char **argv)
{
	int	 rc;

	if (argc < 1)
		return usage();
	if (strcmp(argv[0], "verify") == 0 || strcmp(argv[0], "recover") == 0) {
		if ((rc = open_ctx(c, config, 0)) != EX_OK)
			return rc;
		return strcmp(argv[0], "verify") == 0 ? db_verify(c) :
		    db_recover(c, argc > 1 &&
		    strcmp(argv[1], "--catastrophic") == 0);
	}
	if (strcmp(argv[0], "backup") == 0 && argc == 2) {
		if ((rc = open_ctx(c, config, 1)) != EX_OK)
			return rc;
		return db_backup(c, argv[1]);
	}
	return usage();
}

static int
passwords(struct ctx *c, int argc, char **argv)
{
	long	 n;

	if (argc != 2 || strcmp(argv[0], "import-breached") != 0)
		return usage();
	if ((n = breach_import(&c->r, argv[1])) < 0)
		return EX_DATAERR;
	printf("imported %ld password hashes; new passwords found in them are "
	    "refused (4000034)\n", n);
	return EX_OK;
}

int
cli_is_command(const char *cmd)
{
	return strcmp(cmd, "identities") == 0 || strcmp(cmd, "sessions") == 0 ||
	    strcmp(cmd, "passwords") == 0 ||
	    strcmp(cmd, "db") == 0 || strcmp(cmd, "help") == 0 ||
	    strcmp(cmd, "--help") == 0;
}

int
cli_main(int argc, char **argv)
{
	struct ctx	 c;
	const char	*config = NULL;
	char		*args[16];
	int		 i, n = 0, rc;

	memset(&c, 0, sizeof(c));

	/* --config FILE may come anywhere after the command. */
	for (i = 2; i < argc && n < 16; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else
			args[n++] = argv[i];
	}
	if (strcmp(argv[1], "db") == 0) {
		rc = db_cmd(&c, config, n, args);
		close_ctx(&c);
		return rc;
	}
	if (strcmp(argv[1], "identities") != 0 &&
	    strcmp(argv[1], "sessions") != 0 &&
	    strcmp(argv[1], "passwords") != 0)
		return usage();
	if ((rc = open_ctx(&c, config, 1)) != EX_OK) {
		close_ctx(&c);
		return rc;
	}
	rc = strcmp(argv[1], "identities") == 0 ? identities(&c, n, args) :
	    strcmp(argv[1], "sessions") == 0 ? sessions(&c, n, args) :
	    passwords(&c, n, args);
	close_ctx(&c);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * app: routing and the one-transaction-per-request rule.  The route table
 * is the map of the public API; a path with the wrong method gets 405
 * with an Allow header.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "clock.h"
#include "deploy.h"
#include "endpoints.h"
#include "log.h"
#include "render.h"
#include "selfservice.h"
#include "session.h"
#include "totp.h"
#include "view.h"

enum {
	M_GET = 1, M_POST = 2, M_DELETE = 4, M_ANY = 0xff,
};

typedef enum rc	 handler_fn(struct req *);

/* Flow handlers bound to their kind's operations. */
#define FLOW_HANDLERS(k)						\
static enum rc k##_browser(struct req *r)				\
{ return selfservice_create(r, &k##_ops, 0); }				\
static enum rc k##_api(struct req *r)					\
{ return selfservice_create(r, &k##_ops, 1); }				\
static enum rc k##_page(struct req *r)					\
{ return selfservice_page(r, &k##_ops); }				\
static enum rc k##_fetch(struct req *r)					\
{ return selfservice_fetch(r, &k##_ops); }				\
static enum rc k##_submit(struct req *r)				\
{ return selfservice_submit(r, &k##_ops); }

FLOW_HANDLERS(login)
FLOW_HANDLERS(registration)
FLOW_HANDLERS(settings)

struct route {
	const char	*path;		/* ending in '/': a prefix */
	int		 methods;
	handler_fn	*fn;
};

static const struct route routes[] = {
	{ "", M_GET, page_home },
	{ "login", M_GET, login_page },
	{ "registration", M_GET, registration_page },
	{ "settings", M_GET, settings_page },
	{ "error", M_GET, page_error },
	{ "self-service/login/browser", M_GET, login_browser },
	{ "self-service/login/api", M_GET, login_api },
	{ "self-service/login/flows", M_GET, login_fetch },
	{ "self-service/login", M_POST, login_submit },
	{ "self-service/registration/browser", M_GET, registration_browser },
	{ "self-service/registration/api", M_GET, registration_api },
	{ "self-service/registration/flows", M_GET, registration_fetch },
	{ "self-service/registration", M_POST, registration_submit },
	{ "self-service/settings/browser", M_GET, settings_browser },
	{ "self-service/settings/api", M_GET, settings_api },
	{ "self-service/settings/flows", M_GET, settings_fetch },
	{ "self-service/settings", M_POST, settings_submit },
	{ "self-service/logout/browser", M_GET, logout_browser },
	{ "self-service/logout/api", M_DELETE, logout_api },
	{ "self-service/logout", M_GET, logout_perform },
	{ "self-service/errors", M_GET, errors_fetch },
	{ "sessions/whoami", M_ANY, session_whoami },
	{ "sessions", M_GET, sessions_list },
	{ "sessions", M_DELETE, sessions_revoke_others },
	{ "sessions/", M_DELETE, sessions_revoke_one },
	{ "admin/", M_ANY, admin_handle },
	{ "health/alive", M_GET, health_alive },
	{ "health/ready", M_GET, health_ready },
};

int
app_init(struct app *app, const char *path, int cgi)
{
	memset(app, 0, sizeof(*app));
	arena_init(&app->startup, 65536);
	arena_init(&app->arena, 65536);

	/* Start-up JSON (the schema) lives in the start-up arena. */
	arena_use_for_json(&app->startup);
	if (config_load(&app->cfg, path) == -1 || deploy_check(&app->cfg) == -1)
		return -1;
	if (render_init(app->cfg.templates_dir, !cgi) == -1 ||
	    totp_init() == -1)
		return -1;
	if (store_open(&app->store, app->cfg.state_dir, app->cfg.db_cache) !=
	    RC_OK)
		return -1;
	return 0;
}

void
app_release(struct app *app)
{
	store_close(&app->store);
	free(app->store.home);
	config_release(&app->cfg);
	arena_release(&app->arena);
	arena_release(&app->startup);
}

static int
method_bit(const char *m)
{
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		return M_GET;
	if (strcmp(m, "POST") == 0)
		return M_POST;
	if (strcmp(m, "DELETE") == 0)
		return M_DELETE;
	if (strcmp(m, "PUT") == 0)
		return 0x08;
	return 0x80;
}

static enum rc
not_allowed(struct req *r, int methods)
{
	struct buf	 b;

	buf_init(&b, r->a);
	if (methods & M_GET)
		buf_addstr(&b, "GET, HEAD");
	if (methods & M_POST)
		buf_addf(&b, "%sPOST", b.len ? ", " : "");
	if (methods & M_DELETE)
		buf_addf(&b, "%sDELETE", b.len ? ", " : "");
	http_header(r, "Allow", b.ptr);
	return view_error(r, 405, NULL, arena_printf(r->a,
	    "The method %s is not allowed here.", r->method), NULL);
}

static enum rc
not_found(struct req *r)
{
	return view_error(r, 404, NULL, "There is nothing at this address.",
	    NULL);
}

static handler_fn *
route(struct req *r, int *methods)
{
	size_t	 i;

	*methods = 0;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char	*p = routes[i].path;
		size_t		 n = strlen(p);

		if (n > 0 && p[n - 1] == '/' ? strncmp(p, r->path, n) != 0 ||
		    r->path[n] == '\0' : strcmp(p, r->path) != 0)
			continue;
		*methods |= routes[i].methods;
		if (routes[i].methods & method_bit(r->method))
			return routes[i].fn;
	}
	return NULL;
}

/* Run the handler in a transaction: RC_OK when committed. */
static enum rc
attempt(struct app *app, struct req *r)
{
	handler_fn	*fn;
	int		 methods;
	enum rc		 rc;

	/* A failed reopen left no environment: try again, as recovery would. */
	if (app->store.env == NULL)
		return RC_PANIC;
	store_expire_locks(&app->store);
	if ((rc = store_txn_begin(&app->store, &r->txn)) != RC_OK)
		return rc;
	if ((fn = route(r, &methods)) != NULL)
		rc = fn(r);
	else if (methods != 0)
		rc = not_allowed(r, methods);
	else
		rc = not_found(r);
	if (rc != RC_OK) {
		store_txn_abort(&app->store, r->txn);
		r->txn = NULL;
		return rc;
	}
	rc = store_txn_commit(&app->store, r->txn);
	r->txn = NULL;
	return rc;
}

/* A 500 (or 503) page that needs nothing from the store. */
static void
internal_error(struct req *r, int status)
{
	buf_reset(&r->resp.body);
	r->resp.headers.n = 0;
	r->session_loaded = 1;
	r->session = NULL;
	if (view_error(r, status, NULL, status == 503 ?
	    "The service is restarting; please try again in a moment." :
	    "An internal error occurred; nothing was changed. Please try "
	    "again.", NULL) != RC_OK) {
		r->resp.status = status;
		r->resp.content_type = "text/plain; charset=utf-8";
		buf_reset(&r->resp.body);
		buf_addstr(&r->resp.body, "Internal error\n");
	}
}

void
app_handle(struct app *app, http_param_fn *param, http_read_fn *rd,
    http_emit_fn *emit, void *ctx)
{
	struct req	 r, saved;
	struct kv	*cookies;
	enum rc		 rc;
	int		 tries;

	arena_reset(&app->arena);
	arena_use_for_json(&app->arena);
	memset(&r, 0, sizeof(r));
	r.a = &app->arena;
	r.cfg = &app->cfg;
	r.store = &app->store;
	r.now_us = clock_now_us();
	buf_init(&r.resp.body, r.a);
	if (http_parse(&r, param, rd, ctx) != RC_OK) {
		r.method = r.method ? r.method : "GET";
		r.path = "";
		r.session_loaded = 1;
		(void)view_error(&r, 400, NULL, "The request could not be "
		    "parsed: check the query string's encoding.", NULL);
		http_write(&r, emit, ctx);
		return;
	}

	/*
	 * A deadlock victim reruns from a clean slate: the request as parsed,
	 * with its original cookies (a handler may rotate the CSRF cookie).
	 */
	cookies = arena_alloc(r.a, (r.cookies.n + 1) * sizeof(*cookies));
	if (r.cookies.n)
		memcpy(cookies, r.cookies.v, r.cookies.n * sizeof(*cookies));
	saved = r;
	for (tries = 0; tries < 8; tries++) {
		r = saved;
		r.cookies.v = arena_alloc(r.a, (saved.cookies.n + 1) *
		    sizeof(*cookies));
		if (saved.cookies.n)
			memcpy(r.cookies.v, cookies, saved.cookies.n *
			    sizeof(*cookies));
		r.resp.headers.n = 0;
		r.resp.headers.v = NULL;
		buf_init(&r.resp.body, r.a);
		rc = attempt(app, &r);
		if (rc == RC_OK)
			break;
		if (rc == RC_RETRY) {
			/*
			 * Waiting on and on for the same lock means its holder
			 * was killed: failchk releases it; if the dead process
			 * held a mutex, reopening runs recovery instead.
			 */
			if (tries == 2 && store_failchk(&app->store) ==
			    RC_PANIC && store_reopen(&app->store) != RC_OK) {
				internal_error(&r, 503);
				http_write(&r, emit, ctx);
				_exit(75);
			}

			/* Jitter so two victims do not collide again. */
			usleep((useconds_t)(1000 * (tries + 1) +
			    (getpid() % 7) * 300));
			continue;
		}
		if (rc == RC_PANIC) {
			log_warnx("database environment needs recovery; "
			    "reopening");
			if (store_reopen(&app->store) != RC_OK) {
				internal_error(&r, 503);
				http_write(&r, emit, ctx);
				log_warnx("reopen failed; exiting so the web "
				    "server starts a fresh worker");
				_exit(75);
			}
			continue;
		}
		log_warnx("%s %s: %s", r.method, r.path, rc_str(rc));
		internal_error(&r, 500);
		break;
	}
	if (tries == 8) {
		log_warnx("%s %s: gave up after repeated deadlocks", r.method,
		    r.path);
		internal_error(&r, 503);
	}
	http_write(&r, emit, ctx);
}

void
app_after(struct app *app)
{
	int64_t	 now = clock_now_us();

	/* About once a second per worker is plenty to keep up. */
	if (now - app->last_housekeeping < 1000000)
		return;
	app->last_housekeeping = now;
	arena_reset(&app->arena);

	/*
	 * A killed worker's locks are released here, within a second.  If
	 * only recovery will do and this worker cannot reopen, it leaves:
	 * the web server starts a fresh one.
	 */
	if (store_failchk(&app->store) == RC_PANIC &&
	    store_reopen(&app->store) != RC_OK) {
		log_warnx("database environment could not be reopened; exiting");
		_exit(75);
	}

	/*
	 * 128 records per database per pass keeps up with a busy site's
	 * flows (a worker makes a few thousand a second at most) for well
	 * under a millisecond of work a second.
	 */
	store_housekeep(&app->store, &app->arena, (time_t)(now / 1000000), 128);
}

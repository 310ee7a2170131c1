/* SPDX-License-Identifier: MIT */
/*
 * app: the process and the request lifecycle.  app_init() does the
 * start-up work once per process (configuration, schema, templates,
 * database handles); app_handle() serves one request: parse, route, run
 * the handler inside one Berkeley DB transaction (rerun on deadlock),
 * commit, write.  app_after() does housekeeping once the response is out.
 */
#ifndef APP_H
#define APP_H

#include "arena.h"
#include "config.h"
#include "http.h"
#include "store.h"

struct app {
	struct config	 cfg;
	struct store	 store;
	struct arena	 arena;		/* the request arena, reset per request */
	struct arena	 startup;	/* lives as long as the process */
	int64_t		 last_housekeeping;
};

/*
 * Load the configuration at path and open everything.  A CGI process
 * (cgi set) serves one request, so it skips start-up checks whose cost
 * only pays off over many requests.  Returns 0, or -1 after printing or
 * logging what is wrong.
 */
int	 app_init(struct app *app, const char *path, int cgi);

/* Close the store and free everything. */
void	 app_release(struct app *app);

/* Serve one request read through param/rd, writing through emit. */
void	 app_handle(struct app *app, http_param_fn *param, http_read_fn *rd,
	    http_emit_fn *emit, void *ctx);

/* After the response: sweep a few expired records, maybe checkpoint. */
void	 app_after(struct app *app);

#endif /* APP_H */

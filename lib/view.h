/* SPDX-License-Identifier: MIT */
/*
 * view: turn a flow, an error or a page into the response the client asked
 * for -- an HTML page through the templates (render.h) or Kratos's JSON.
 * Handlers never print markup or JSON themselves.
 */
#ifndef VIEW_H
#define VIEW_H

#include <jansson.h>

#include "rc.h"

struct flow;
struct req;

/*
 * Answer with flow f: JSON (status, Kratos flow) for JSON clients, else
 * the page template of its kind.  identity is embedded for settings.
 */
enum rc	 view_flow(struct req *r, int status, const struct flow *f,
	    const json_t *identity);

/*
 * Answer with an error: Kratos's envelope {"error": {id, code, status,
 * reason, message}} plus the members of extra at the top level for JSON
 * clients; the error page (with the same status) for browsers.  The error
 * is stored so /self-service/errors?id= can return it.  id may be NULL.
 */
enum rc	 view_error(struct req *r, int status, const char *id,
	    const char *reason, json_t *extra);

/* Render template tpl inside the layout with the given page members. */
enum rc	 view_page(struct req *r, int status, const char *tpl,
	    const char *title, json_t *page);

/* The herodot error object for status / id / reason. */
json_t	*view_error_object(int status, const char *id, const char *reason);

#endif /* VIEW_H */

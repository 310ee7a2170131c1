/* SPDX-License-Identifier: MIT */
/*
 * flow: self-service flows -- the record every step of login,
 * registration and settings reads and writes, and its UI (nodes and
 * messages in Kratos's shape).
 *
 * A flow is created by GET /self-service/<kind>/{browser,api}, stored in
 * the flows database until it expires, and rendered either as an HTML page
 * (view.h) or as Kratos's JSON (flow_json).  Browser flows are bound to
 * the browser's CSRF cookie; the token itself never leaves the server
 * except in that cookie and, masked afresh on every render, in the form.
 */
#ifndef FLOW_H
#define FLOW_H

#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "crypto.h"
#include "rc.h"

struct req;

struct flow {
	char		 id[UUID_STR_LEN];
	enum flow_kind	 kind;
	int		 api;		/* type "api" (native) vs "browser" */
	int64_t		 issued_us;
	int64_t		 expires_us;
	const char	*request_url;
	const char	*return_to;	/* validated, or NULL */
	const char	*requested_aal;	/* login: "aal1" or "aal2" */
	int		 refresh;	/* login: re-authentication */
	const char	*state;
	const char	*csrf;		/* browser flows: the real token */
	const char	*identity_id;	/* settings */
	const char	*active;	/* method that last handled the flow */
	json_t		*nodes;
	json_t		*messages;
	json_t		*internal;	/* server-side state, never serialised
					   to clients (pending secrets, sealed) */
};

/* "login", "registration", "settings", "error". */
const char	*flow_kind_name(enum flow_kind k);

/*
 * A new flow of kind, expiring after the configured lifespan.  Browser
 * flows take the CSRF token from the cookie, issuing one when absent.
 * RC_OK, RC_CRYPTO.
 */
enum rc	 flow_new(struct req *r, enum flow_kind kind, int api,
	    struct flow **out);

/* Load a flow by id.  RC_OK, RC_NOTFOUND (also for another kind), store errors. */
enum rc	 flow_load(struct req *r, enum flow_kind kind, const char *id,
	    struct flow **out);

/*
 * Decode a stored flow record (already parsed JSON) of kind; the decoder
 * behind flow_load(), separate so it can be fuzzed.  Missing or mistyped
 * members decode as absent.  RC_OK or RC_NOTFOUND (another kind).
 */
enum rc	 flow_from_record(struct req *r, enum flow_kind kind, const char *id,
	    json_t *rec, struct flow **out);

/* Store the flow in the request's transaction. */
enum rc	 flow_save(struct req *r, struct flow *f);

/* 1 if the flow has expired. */
int	 flow_expired(const struct req *r, const struct flow *f);

/* Minutes since the flow expired, for messages 4010001 etc. */
double	 flow_expired_minutes(const struct req *r, const struct flow *f);

/*
 * Check the anti-CSRF token of a browser-flow submission: the cookie must
 * be present and equal to the token bound to the flow, the csrf_token
 * field must unmask to it, and Origin / Sec-Fetch-Site, when sent, must
 * say same-origin.  RC_OK or RC_CSRF with *reason set.
 */
enum rc	 flow_check_csrf(struct req *r, const struct flow *f,
	    const char **reason);

/* Add an input node; returns it (borrowed). */
json_t	*flow_node_input(struct flow *f, const char *group, const char *name,
	    const char *type, const char *value, int required,
	    const char *autocomplete, json_t *label);

/* Add an img node (src filled in later when sealed) / a text node. */
json_t	*flow_node_img(struct flow *f, const char *group, const char *id,
	    const char *src, int width, int height, json_t *label);
json_t	*flow_node_text(struct flow *f, const char *group, const char *id,
	    json_t *text, json_t *label);

/* The node whose name (inputs) or id (img, text, a) is key, or NULL. */
json_t	*flow_node_by_id(json_t *nodes, const char *key);

/* The input node called name, or NULL. */
json_t	*flow_node(const struct flow *f, const char *name);

/* Set (or, with NULL, clear) an input node's value. */
void	 flow_node_value(struct flow *f, const char *name, const char *value);

/* Attach a message to a node (or to the flow when the node is absent). */
void	 flow_node_msg(struct flow *f, const char *name, json_t *msg);

/* Attach a flow-level message. */
void	 flow_msg(struct flow *f, json_t *msg);

/* Drop every flow-level and node-level message. */
void	 flow_clear_messages(struct flow *f);

/* <ui_url>?flow=<id>, in the arena. */
const char *flow_ui_url(struct req *r, const struct flow *f);

/* <base>self-service/<kind>?flow=<id>, the form action. */
const char *flow_action(struct req *r, const struct flow *f);

/*
 * Kratos's JSON for the flow.  The csrf_token node carries a freshly
 * masked token.  For settings flows, identity is embedded.
 */
json_t	*flow_json(struct req *r, const struct flow *f, const json_t *identity);

/*
 * Is url an acceptable return_to: below the base URL, or matching an entry
 * of selfservice.allowed_return_urls (same origin, path below the entry's)?
 */
int	 flow_return_to_allowed(const struct config *cfg, const char *url);

/* Rotate the CSRF cookie (after sign-in and sign-out). */
enum rc	 flow_rotate_csrf(struct req *r);

#endif /* FLOW_H */

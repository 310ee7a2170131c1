/* SPDX-License-Identifier: MIT */
/*
 * selfservice: the endpoints every self-service flow shares, written once
 * and parameterised by a table of per-kind operations (login.c,
 * registration.c, settings.c) -- creating a flow, showing its page,
 * fetching it as JSON and submitting a step, with Kratos's answers for
 * unknown, expired and forged submissions.
 */
#ifndef SELFSERVICE_H
#define SELFSERVICE_H

#include <jansson.h>

#include "config.h"
#include "rc.h"
#include "text.h"

struct flow;
struct req;
struct session;

struct flow_ops {
	enum flow_kind	 kind;
	enum msg	 expired_msg;	/* 4010001, 4040001, 4050001 */
	enum msg	 no_strategy_msg; /* 4010002, 4010003, 4010004 */

	/*
	 * Called on flow creation before anything is stored: check the
	 * caller's session and the query, and add the nodes.  Sets *done
	 * when it has answered the request itself (e.g. "already signed
	 * in").  RC_OK or an internal error.
	 */
	enum rc		(*start)(struct req *r, struct flow *f, int *done);

	/*
	 * Handle a submission whose flow, expiry and CSRF token have been
	 * checked.  RC_INVALID: messages were attached to f; the caller
	 * stores f and shows it again.  RC_OK: answered (success).
	 */
	enum rc		(*submit)(struct req *r, struct flow *f);
};

extern const struct flow_ops login_ops, registration_ops, settings_ops;

/* GET /self-service/<kind>/browser (api = 0) and /api (api = 1). */
enum rc	 selfservice_create(struct req *r, const struct flow_ops *ops, int api);

/* GET /<kind>?flow=<id>: the page. */
enum rc	 selfservice_page(struct req *r, const struct flow_ops *ops);

/* GET /self-service/<kind>/flows?id=<id>: the flow as JSON. */
enum rc	 selfservice_fetch(struct req *r, const struct flow_ops *ops);

/* POST /self-service/<kind>?flow=<id>: submit a step. */
enum rc	 selfservice_submit(struct req *r, const struct flow_ops *ops);

/*
 * Where to go after a successful flow: its return_to, else the configured
 * default.
 */
const char *selfservice_return_url(struct req *r, const struct flow *f);

/*
 * Answer a successful login or registration for browser, SPA and API
 * clients: Set-Cookie + 303 (browser), {session, continue_with} (SPA), or
 * {session, session_token} (API).  ident may be embedded as "identity"
 * at the top level (registration).
 */
enum rc	 selfservice_signed_in(struct req *r, const struct flow *f,
	    struct session *s, const json_t *ident, int with_identity);

/*
 * A first factor succeeded but the flow must go on elsewhere (the second
 * factor, or second-factor setup): the session is issued (cookie or
 * token), then browsers get a 303 to url, SPAs 422
 * browser_location_change_required with redirect_browser_to, and API
 * clients their session (identity omitted) and token.
 */
enum rc	 selfservice_continue(struct req *r, const struct flow *f,
	    struct session *s, const char *url);

/*
 * Registration's variant: signed in, then on to url; SPAs get 200
 * {session, identity, continue_with: [redirect_browser_to url]}.
 */
enum rc	 selfservice_continue_with_identity(struct req *r,
	    const struct flow *f, struct session *s, const json_t *ident,
	    const char *url);

/*
 * Refuse an attempt because of throttling: JSON clients get 429 with
 * Retry-After; browsers the flow again with message 4009001.  Returns
 * what the submit handler should return.
 */
enum rc	 selfservice_throttled(struct req *r, struct flow *f,
	    int64_t retry_after);

/* The settings flow's identity, for embedding (settings.c). */
enum rc	 settings_identity(struct req *r, const struct flow *f,
	    json_t **ident);

#endif /* SELFSERVICE_H */

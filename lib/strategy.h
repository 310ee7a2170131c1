/* SPDX-License-Identifier: MIT */
/*
 * strategy: the second-factor methods -- TOTP (strategy_totp.c) and
 * recovery codes (strategy_lookup.c) -- as they take part in the login
 * flow (at aal2) and the settings flow.  The password method lives in
 * login.c, registration.c and settings.c.
 */
#ifndef STRATEGY_H
#define STRATEGY_H

#include <jansson.h>

#include "rc.h"

struct flow;
struct req;
struct session;

/* How a settings step ended, when it did not fail validation. */
enum strategy_outcome {
	STRATEGY_SAVED,		/* a change was stored: 1050001 */
	STRATEGY_SHOWN,		/* something to show, nothing stored yet */
};

/* Add the aal2 login nodes of each method the identity has. */
void	 strategy_totp_login_nodes(struct req *r, struct flow *f,
	    const json_t *ident);
void	 strategy_lookup_login_nodes(struct req *r, struct flow *f,
	    const json_t *ident);

/*
 * Verify a second factor at login and record it on the session (AMR
 * {method, aal2}), consuming the TOTP step or the recovery code inside the
 * request's transaction.  RC_OK, RC_INVALID (messages attached), or
 * internal errors.
 */
enum rc	 strategy_totp_login(struct req *r, struct flow *f, struct session *s);
enum rc	 strategy_lookup_login(struct req *r, struct flow *f,
	    struct session *s);

/* Add the settings nodes of each method for this identity's state. */
enum rc	 strategy_totp_settings_nodes(struct req *r, struct flow *f,
	    const json_t *ident);
void	 strategy_lookup_settings_nodes(struct req *r, struct flow *f,
	    const json_t *ident, int reveal);

/*
 * Handle a settings submission for the method.  The caller has checked
 * CSRF and privilege.  RC_OK with *out set, RC_INVALID, or errors.
 */
enum rc	 strategy_totp_settings(struct req *r, struct flow *f,
	    struct session *s, json_t *ident, enum strategy_outcome *out);
enum rc	 strategy_lookup_settings(struct req *r, struct flow *f,
	    struct session *s, json_t *ident, enum strategy_outcome *out);

/* 1 if the submission is for the lookup method (any lookup_secret_* flag). */
int	 strategy_lookup_requested(const struct req *r);

/*
 * Fill the nodes that show pending secrets (QR code, TOTP secret, new
 * recovery codes) from the flow's sealed internal state.  Called on the
 * copy of the nodes that is sent to the client, so the flows database
 * never holds them in the clear.
 */
void	 strategy_hydrate(struct req *r, const struct flow *f, json_t *nodes);

/* The lookup half of strategy_hydrate(), in strategy_lookup.c. */
void	 strategy_lookup_hydrate(struct req *r, const struct flow *f,
	    json_t *nodes);

#endif /* STRATEGY_H */

/* SPDX-License-Identifier: MIT */
/*
 * endpoints: the handlers that are not a self-service flow step -- logout,
 * the session API, the home and error pages, health checks.  Each fills
 * r->resp and returns RC_OK, or an internal error for the request loop.
 */
#ifndef ENDPOINTS_H
#define ENDPOINTS_H

#include <jansson.h>

#include "rc.h"

struct req;
struct session;

enum rc	 logout_browser(struct req *r);	/* GET /self-service/logout/browser */
enum rc	 logout_perform(struct req *r);	/* GET /self-service/logout?token= */
enum rc	 logout_api(struct req *r);	/* DELETE /self-service/logout/api */
enum rc	 session_whoami(struct req *r);	/* any /sessions/whoami */
/*
 * The caller's session and identity for the session API, or the answer
 * when there is none (401), the identity is disabled (401), or the whoami
 * AAL policy is not met (403 with redirect_browser_to, carrying
 * return_to).  *done is set when the request has been answered.
 */
enum rc	 sessions_caller_or_reply(struct req *r, const char *return_to,
	    struct session **s, json_t **ident, int *done);

enum rc	 sessions_list(struct req *r);	/* GET /sessions */
enum rc	 sessions_revoke_others(struct req *r);	/* DELETE /sessions */
enum rc	 sessions_revoke_one(struct req *r);	/* DELETE /sessions/{id} */
enum rc	 page_home(struct req *r);	/* GET / */
enum rc	 page_error(struct req *r);	/* GET /error?id= */
enum rc	 errors_fetch(struct req *r);	/* GET /self-service/errors?id= */
enum rc	 health_alive(struct req *r);	/* GET /health/alive */
enum rc	 health_ready(struct req *r);	/* GET /health/ready */

#endif /* ENDPOINTS_H */

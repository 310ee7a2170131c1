/* SPDX-License-Identifier: MIT */
/*
 * logout: Kratos's logout endpoints.  The browser gets a per-session
 * logout URL (a link works without JavaScript and the token makes it
 * unforgeable cross-site); native apps delete their session by token.
 */
#include <string.h>

#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "endpoints.h"
#include "flow.h"
#include "form.h"
#include "http.h"
#include "session.h"
#include "store.h"
#include "view.h"

static const char *const no_session =
    "No valid session credentials found in the request.";

enum rc
logout_browser(struct req *r)
{
	struct session	*s;
	const char	*rt = kv_get(&r->query, "return_to"), *token, *url;
	enum rc		 rc;

	/* Kratos answers this one in JSON even to browsers. */
	r->wants_json = 1;
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL)
		return view_error(r, 401, NULL, no_session, NULL);
	if (rt != NULL && !flow_return_to_allowed(r->cfg, rt))
		return view_error(r, 400, "self_service_flow_return_to_forbidden",
		    arena_printf(r->a, "Requested return_to URL \"%s\" is not "
		    "allowed.", rt), NULL);
	token = session_logout_token(r, s);
	url = arena_printf(r->a, "%sself-service/logout?token=%s%s%s",
	    r->cfg->base_url, token, rt ? "&return_to=" : "",
	    rt ? form_escape(r->a, rt) : "");
	http_json(r, 200, json_pack("{s:s, s:s}", "logout_url", url,
	    "logout_token", token));
	return RC_OK;
}

enum rc
logout_perform(struct req *r)
{
	struct session	*s;
	const char	*token = kv_get(&r->query, "token");
	const char	*rt = kv_get(&r->query, "return_to");
	enum rc		 rc;

	if (token == NULL || *token == '\0')
		return view_error(r, 400, NULL,
		    "Please include a token in the URL query.", NULL);
	if (rt != NULL && !flow_return_to_allowed(r->cfg, rt))
		return view_error(r, 400, "self_service_flow_return_to_forbidden",
		    arena_printf(r->a, "Requested return_to URL \"%s\" is not "
		    "allowed.", rt), NULL);
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s != NULL) {
		if (!session_logout_token_ok(r, s, token))
			return view_error(r, 403, NULL, "Unable to log out "
			    "because the logout token in the URL query does "
			    "not match the session cookie.", NULL);
		if ((rc = session_revoke(r, s)) != RC_OK)
			return rc;
	}

	/* Signed out either way: clear the cookie, renew the CSRF token. */
	session_clear_cookie(r);
	if ((rc = flow_rotate_csrf(r)) != RC_OK)
		return rc;
	if (r->wants_json) {
		r->resp.status = 204;
		return RC_OK;
	}
	http_redirect(r, rt ? rt : r->cfg->logout_return_url);
	return RC_OK;
}

enum rc
logout_api(struct req *r)
{
	struct session	*s;
	const char	*token = kv_get(&r->form, "session_token");
	enum rc		 rc;

	r->wants_json = 1;
	if (r->body_rc != RC_OK || !r->body_json)
		return view_error(r, 400, NULL, "Send {\"session_token\": "
		    "\"...\"} as application/json.", NULL);
	if (token == NULL)
		return view_error(r, 400, NULL,
		    "The session_token is missing.", NULL);
	r->session_token = token;
	r->session_loaded = 0;
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL)
		return view_error(r, 403, NULL,
		    "The provided session token is not valid.", NULL);
	if ((rc = session_revoke(r, s)) != RC_OK)
		return rc;
	r->resp.status = 204;
	return RC_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * pages: the session API (whoami), the home and error pages, the error
 * flow's JSON and the health checks.
 */
#include <string.h>

#include "aal.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "endpoints.h"
#include "flow.h"
#include "form.h"
#include "http.h"
#include "identity.h"
#include "session.h"
#include "store.h"
#include "view.h"

enum rc
session_whoami(struct req *r)
{
	struct session	*s;
	json_t		*ident;
	const char	*rt = kv_get(&r->query, "return_to");
	int		 done;
	enum rc		 rc;

	if (rt == NULL || !flow_return_to_allowed(r->cfg, rt))
		rt = r->cfg->default_return_url;
	if ((rc = sessions_caller_or_reply(r, rt, &s, &ident, &done)) !=
	    RC_OK || done)
		return rc;
	http_header(r, "X-Kratos-Authenticated-Identity-Id", s->identity_id);
	http_json(r, 200, session_json(r, s, ident));
	return RC_OK;
}

enum rc
page_home(struct req *r)
{
	struct session	*s;
	json_t		*page = json_object(), *ident;
	enum aal_verdict v;
	enum rc		 rc;

	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s != NULL) {
		rc = identity_get(r, s->identity_id, &ident);
		if (rc != RC_OK && rc != RC_NOTFOUND)
			return rc;

		/*
		 * The home page is the app behind the login: it applies the
		 * whoami policy, so an identity that must finish (or set up)
		 * a second factor is sent there first.
		 */
		if (rc == RC_OK && (v = aal_check(r, s, ident,
		    r->cfg->whoami_aal)) != AAL_OK)
			return aal_deny(r, v, r->cfg->base_url, 1);
		json_object_set_new(page, "session", session_json(r, s,
		    rc == RC_OK ? ident : NULL));
	}
	return view_page(r, 200, "home.tpl", "Home", page);
}

static enum rc
load_error(struct req *r, json_t **out)
{
	const char	*id = kv_get(&r->query, "id");
	json_t		*rec;
	enum rc		 rc;

	if (id == NULL || !crypto_is_uuid(id))
		return RC_NOTFOUND;
	rc = store_get_json(r->store, STORE_FLOWS, r->txn, r->a, id,
	    strlen(id), &rec, 0);
	if (rc != RC_OK)
		return rc;
	if (strcmp(json_string_value(json_object_get(rec, "kind")) ?
	    json_string_value(json_object_get(rec, "kind")) : "",
	    "error") != 0)
		return RC_NOTFOUND;
	*out = rec;
	return RC_OK;
}

enum rc
page_error(struct req *r)
{
	json_t	*rec;
	enum rc	 rc = load_error(r, &rec);

	if (rc == RC_NOTFOUND)
		return view_page(r, 404, "error.tpl", "Error", json_pack(
		    "{s:o, s:s}", "error", view_error_object(404, NULL,
		    "This error is unknown or has expired."), "retry_url",
		    r->cfg->base_url));
	if (rc != RC_OK)
		return rc;
	return view_page(r, 200, "error.tpl", "Error", json_pack(
	    "{s:O, s:s}", "error", json_object_get(rec, "error"),
	    "retry_url", r->cfg->base_url));
}

enum rc
errors_fetch(struct req *r)
{
	json_t	*rec;
	enum rc	 rc;

	r->wants_json = 1;
	rc = load_error(r, &rec);
	if (rc == RC_NOTFOUND)
		return view_error(r, 404, NULL, "The error could not be found.",
		    NULL);
	if (rc != RC_OK)
		return rc;
	http_json(r, 200, json_pack("{s:O, s:O, s:O, s:O}",
	    "id", json_object_get(rec, "id"),
	    "error", json_object_get(rec, "error"),
	    "created_at", json_object_get(rec, "created_at"),
	    "updated_at", json_object_get(rec, "updated_at")));
	return RC_OK;
}

enum rc
health_alive(struct req *r)
{
	http_json(r, 200, json_pack("{s:s}", "status", "ok"));
	return RC_OK;
}

enum rc
health_ready(struct req *r)
{
	json_t	*rec;
	enum rc	 rc;

	/* A read through the request's transaction proves the store works. */
	rc = store_get_json(r->store, STORE_FLOWS, r->txn, r->a,
	    "00000000-0000-0000-0000-000000000000", 36, &rec, 0);
	if (rc != RC_OK && rc != RC_NOTFOUND)
		return rc;
	http_json(r, 200, json_pack("{s:s}", "status", "ok"));
	return RC_OK;
}

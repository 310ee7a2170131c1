/* SPDX-License-Identifier: MIT */
/*
 * sessions: the caller's own sessions (Kratos's /sessions API): list the
 * others, revoke the others, revoke one.  The whoami AAL policy applies,
 * so an aal1 session of an identity with a second factor cannot manage
 * the others (the Kratos #3671 class of bug).
 */
#include <stdlib.h>
#include <string.h>

#include "aal.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "endpoints.h"
#include "http.h"
#include "identity.h"
#include "session.h"
#include "str.h"
#include "view.h"

static const char *const no_session =
    "No valid session credentials found in the request.";

enum rc
sessions_caller_or_reply(struct req *r, const char *return_to,
    struct session **out, json_t **ident, int *done)
{
	struct session	*s;
	enum aal_verdict v;
	enum rc		 rc;

	*done = 1;
	r->wants_json = 1;
	if ((rc = session_current(r, &s)) != RC_OK)
		return rc;
	if (s == NULL)
		return view_error(r, 401, NULL, no_session, NULL);
	rc = identity_get(r, s->identity_id, ident);
	if (rc == RC_NOTFOUND || (rc == RC_OK && !identity_is_active(*ident)))
		return view_error(r, 401, NULL, no_session, NULL);
	if (rc != RC_OK)
		return rc;
	if ((v = aal_check(r, s, *ident, r->cfg->whoami_aal)) != AAL_OK)
		return aal_deny(r, v, return_to, 0);
	*done = 0;
	*out = s;
	return RC_OK;
}

/* The caller's session for the /sessions endpoints. */
static enum rc
caller(struct req *r, struct session **out, int *done)
{
	json_t	*ident;

	return sessions_caller_or_reply(r, r->cfg->default_return_url, out,
	    &ident, done);
}

enum rc
sessions_list(struct req *r)
{
	struct session	*s, **list;
	const char	*ps = kv_get(&r->query, "page_size");
	const char	*pt = kv_get(&r->query, "page_token"), *errstr = NULL;
	int64_t		 size = 250, offset = 0;
	size_t		 n, i, seen = 0;
	json_t		*out;
	int		 done;
	enum rc		 rc;

	if ((rc = caller(r, &s, &done)) != RC_OK || done)
		return rc;
	if (ps != NULL)
		size = str_to_i64(ps, 1, 1000, &errstr);
	if (errstr == NULL && pt != NULL)
		offset = str_to_i64(pt, 0, 1000000, &errstr);
	if (errstr != NULL)
		return view_error(r, 400, NULL, "page_size must be 1 to 1000 "
		    "and page_token a token from a Link header.", NULL);
	if ((rc = session_list(r, s->identity_id, &list, &n)) != RC_OK)
		return rc;
	out = json_array();
	for (i = 0; i < n; i++) {
		if (memcmp(list[i]->key, s->key, 32) == 0)
			continue;
		if ((int64_t)seen++ < offset ||
		    (int64_t)json_array_size(out) >= size)
			continue;
		json_array_append_new(out, session_json(r, list[i], NULL));
	}
	http_header(r, "X-Total-Count", arena_printf(r->a, "%zu", seen));
	if (offset + size < (int64_t)seen)
		http_header(r, "Link", arena_printf(r->a, "<%ssessions?"
		    "page_size=%lld&page_token=%lld>; rel=\"next\"",
		    r->cfg->base_url, (long long)size,
		    (long long)(offset + size)));
	http_json(r, 200, out);
	return RC_OK;
}

enum rc
sessions_revoke_others(struct req *r)
{
	struct session	*s;
	size_t		 count;
	int		 done;
	enum rc		 rc;

	if ((rc = caller(r, &s, &done)) != RC_OK || done)
		return rc;
	if ((rc = session_revoke_all(r, s->identity_id, s, &count)) != RC_OK)
		return rc;
	http_json(r, 200, json_pack("{s:I}", "count", (json_int_t)count));
	return RC_OK;
}

enum rc
sessions_revoke_one(struct req *r)
{
	const char	*id = r->path + strlen("sessions/");
	struct session	*s, **list;
	size_t		 n, i;
	int		 done;
	enum rc		 rc;

	if ((rc = caller(r, &s, &done)) != RC_OK || done)
		return rc;
	if (!crypto_is_uuid(id))
		return view_error(r, 400, NULL, "The session id is not a UUID.",
		    NULL);
	if (strcmp(id, json_string_value(json_object_get(s->rec, "id"))) == 0)
		return view_error(r, 400, NULL, "You can not revoke the "
		    "current session using this endpoint; sign out instead.",
		    NULL);
	if ((rc = session_list(r, s->identity_id, &list, &n)) != RC_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (strcmp(id, json_string_value(json_object_get(list[i]->rec,
		    "id"))) == 0) {
			if ((rc = session_revoke(r, list[i])) != RC_OK)
				return rc;
			r->resp.status = 204;
			return RC_OK;
		}
	return view_error(r, 404, NULL, "No such session of yours.", NULL);
}

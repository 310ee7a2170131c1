/* SPDX-License-Identifier: MIT */
/*
 * http: request parsing from CGI parameters, content negotiation, and
 * response serialisation with the security headers every answer carries.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "config.h"
#include "cookie.h"
#include "http.h"
#include "str.h"

static const struct {
	int		 code;
	const char	*text;
} statuses[] = {
	{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
	{ 303, "See Other" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 410, "Gone" },
	{ 413, "Payload Too Large" }, { 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Entity" }, { 429, "Too Many Requests" },
	{ 500, "Internal Server Error" }, { 503, "Service Unavailable" },
};

const char *
http_status_text(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == status)
			return statuses[i].text;
	return "Unknown";
}

/* The media type of a Content-Type value, lower-cased, parameters dropped. */
static const char *
media_type(struct arena *a, const char *ct)
{
	size_t	 n = strcspn(ct, ";");
	char	*t;
	size_t	 i;

	while (n > 0 && isspace((unsigned char)ct[n - 1]))
		n--;
	t = arena_strndup(a, ct, n);
	for (i = 0; i < n; i++)
		t[i] = (char)tolower((unsigned char)t[i]);
	return t;
}

/*
 * Does Accept prefer JSON over HTML?  Kratos negotiates between text/html
 * (the default, also for * / *) and application/json: JSON wins only when
 * it is listed with a q-value at least as high as text/html's.
 */
static int
prefers_json(const char *accept)
{
	const char	*p = accept;
	double		 qjson = -1, qhtml = -1;

	if (accept == NULL)
		return 0;
	while (*p != '\0') {
		size_t		 n = strcspn(p, ",");
		const char	*q;
		double		 qv = 1.0;
		char		 item[128];

		if (n < sizeof(item)) {
			memcpy(item, p, n);
			item[n] = '\0';
			if ((q = strstr(item, "q=")) != NULL)
				qv = strtod(q + 2, NULL);
			item[strcspn(item, ";")] = '\0';
			for (q = item; *q == ' '; q++)
				continue;
			if (strcasecmp(q, "application/json") == 0 && qv > qjson)
				qjson = qv;
			else if ((strcasecmp(q, "text/html") == 0 ||
			    strcmp(q, "*/*") == 0) && qv > qhtml)
				qhtml = qv;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return qjson > 0 && qjson >= qhtml;
}

/* The route path: REQUEST_URI's path below the base path. */
static const char *
route_path(struct req *r, const char *uri, const char *path_info)
{
	const char	*base = r->cfg->base_path;
	size_t		 n = strcspn(uri, "?#");
	char		*p = arena_strndup(r->a, uri, n);

	if (strncmp(p, base, strlen(base)) == 0)
		return p + strlen(base);

	/* "/account" for a base of "/account/": the root page. */
	if (strlen(p) + 1 == strlen(base) && strncmp(p, base, strlen(p)) == 0)
		return "";
	if (path_info != NULL && *path_info == '/')
		return path_info + 1;
	return p[0] == '/' ? p + 1 : p;
}

static enum rc
read_body(struct req *r, http_param_fn *param, http_read_fn *rd, void *ctx,
    char **body, size_t *len)
{
	const char	*cl = param(ctx, "CONTENT_LENGTH"), *errstr;
	int64_t		 want;
	size_t		 got = 0;
	long		 n;
	char		*p;

	*body = NULL;
	*len = 0;
	if (cl == NULL || *cl == '\0')
		return RC_OK;
	want = str_to_i64(cl, 0, INT64_MAX, &errstr);
	if (errstr != NULL)
		return RC_BADREQ;
	if ((uint64_t)want > r->cfg->max_body)
		return RC_TOOBIG;
	p = arena_alloc(r->a, (size_t)want + 1);
	while (got < (size_t)want) {
		if ((n = rd(ctx, p + got, (size_t)want - got)) <= 0)
			return RC_BADREQ;
		got += (size_t)n;
	}
	p[got] = '\0';
	*body = p;
	*len = got;
	return RC_OK;
}

enum rc
http_parse(struct req *r, http_param_fn *param, http_read_fn *rd, void *ctx)
{
	const char	*uri, *qs, *ct, *auth;
	char		*body;
	size_t		 len;
	enum rc		 rc;

	r->method = param(ctx, "REQUEST_METHOD");
	if (r->method == NULL)
		return RC_BADREQ;
	if ((uri = param(ctx, "REQUEST_URI")) == NULL || *uri == '\0') {
		/*
		 * REQUEST_URI is not part of CGI/1.1 (RFC 3875): without it
		 * the path is SCRIPT_NAME + PATH_INFO, so /cgi-bin/x.cgi/login
		 * routes to "login" rather than to the root page.
		 */
		const char *sn = param(ctx, "SCRIPT_NAME");
		const char *pi = param(ctx, "PATH_INFO");

		qs = param(ctx, "QUERY_STRING");
		uri = arena_printf(r->a, "%s%s%s%s", sn ? sn : "",
		    pi ? pi : "", qs && *qs ? "?" : "", qs && *qs ? qs : "");
		if (*uri != '/')
			uri = arena_printf(r->a, "/%s", uri);
	}
	r->path = route_path(r, uri, param(ctx, "PATH_INFO"));
	r->request_url = arena_printf(r->a, "%s%s", r->cfg->origin, uri);

	qs = param(ctx, "QUERY_STRING");
	if (qs != NULL && form_parse_urlencoded(r->a, qs, strlen(qs),
	    &r->query) != RC_OK)
		return RC_BADREQ;
	cookie_parse(r->a, param(ctx, "HTTP_COOKIE"), &r->cookies);
	r->accept = param(ctx, "HTTP_ACCEPT");
	r->origin = param(ctx, "HTTP_ORIGIN");
	r->sec_fetch_site = param(ctx, "HTTP_SEC_FETCH_SITE");
	r->user_agent = param(ctx, "HTTP_USER_AGENT");
	r->remote_addr = param(ctx, "REMOTE_ADDR");
	r->session_token = param(ctx, "HTTP_X_SESSION_TOKEN");
	r->authorization = auth = param(ctx, "HTTP_AUTHORIZATION");
	if (r->session_token == NULL && auth != NULL &&
	    strncasecmp(auth, "Bearer ", 7) == 0 &&
	    strncmp(r->path, "admin/", 6) != 0)
		r->session_token = auth + 7;

	ct = param(ctx, "CONTENT_TYPE");
	r->content_type = ct ? media_type(r->a, ct) : "";

	/* Kratos: exactly "application/json" marks a JSON request. */
	r->body_json = ct != NULL && strcmp(ct, "application/json") == 0;
	r->wants_json = prefers_json(r->accept) || r->body_json;

	rc = read_body(r, param, rd, ctx, &body, &len);
	if (rc != RC_OK) {
		r->body_rc = rc;
		return RC_OK;
	}
	if (len == 0)
		return RC_OK;
	if (strcmp(r->content_type, "application/x-www-form-urlencoded") == 0)
		r->body_rc = form_parse_urlencoded(r->a, body, len, &r->form);
	else if (strcmp(r->content_type, "application/json") == 0)
		r->body_rc = form_parse_json(r->a, body, len, &r->form,
		    &r->json);
	else
		r->body_rc = RC_MEDIA;
	return RC_OK;
}

void
http_header(struct req *r, const char *name, const char *value)
{
	kv_add(r->a, &r->resp.headers, name, value);
}

void
http_redirect(struct req *r, const char *url)
{
	r->resp.status = 303;
	http_header(r, "Location", url);
}

void
http_json(struct req *r, int status, const json_t *body)
{
	char	*s = json_dumps(body, JSON_COMPACT);

	r->resp.status = status;
	r->resp.content_type = "application/json; charset=utf-8";
	buf_reset(&r->resp.body);
	if (s != NULL)
		buf_addstr(&r->resp.body, s);
}

void
http_write(struct req *r, http_emit_fn *emit, void *ctx)
{
	struct buf	 h;
	size_t		 i;
	int		 status = r->resp.status ? r->resp.status : 200;

	buf_init(&h, r->a);
	buf_addf(&h, "Status: %d %s\r\n", status, http_status_text(status));
	if (r->resp.body.len > 0 || status != 204)
		buf_addf(&h, "Content-Type: %s\r\n", r->resp.content_type ?
		    r->resp.content_type : "text/plain; charset=utf-8");
	buf_addf(&h, "Content-Length: %zu\r\n", r->resp.body.len);

	/*
	 * Pages carry no script at all, so the policy can forbid every
	 * script and every framing; styles come only from our own origin.
	 */
	if (r->cfg != NULL && r->cfg->csp != NULL)
		buf_addf(&h, "Content-Security-Policy: %s\r\n", r->cfg->csp);
	buf_addstr(&h, "X-Content-Type-Options: nosniff\r\n");
	buf_addstr(&h, "Referrer-Policy: same-origin\r\n");
	buf_addstr(&h, "X-Frame-Options: DENY\r\n");
	buf_addstr(&h, "Cache-Control: no-store\r\n");
	if (r->cfg != NULL && r->cfg->https)
		buf_addstr(&h, "Strict-Transport-Security: max-age=31536000; "
		    "includeSubDomains\r\n");
	for (i = 0; i < r->resp.headers.n; i++)
		buf_addf(&h, "%s: %s\r\n", r->resp.headers.v[i].key,
		    r->resp.headers.v[i].val);
	buf_addstr(&h, "\r\n");
	emit(ctx, h.ptr, h.len);
	if (strcmp(r->method ? r->method : "", "HEAD") != 0)
		emit(ctx, r->resp.body.ptr, r->resp.body.len);
}

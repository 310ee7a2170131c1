/* SPDX-License-Identifier: MIT */
/*
 * http: one request and its response, independent of how they travel
 * (FastCGI or CGI, see fcgi.h).
 *
 * http_parse() fills struct req from CGI-style parameters and a bounded
 * body; handlers fill req->resp; http_write() serialises the response.
 * Every response carries the security headers; pages and flows also carry
 * Cache-Control: no-store.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <db.h>
#include <jansson.h>

#include "buf.h"
#include "form.h"
#include "rc.h"

struct arena;
struct config;
struct session;
struct store;

struct resp {
	int		 status;
	struct kvlist	 headers;	/* extra headers, in order */
	const char	*content_type;
	struct buf	 body;
};

struct req {
	struct arena		*a;
	const struct config	*cfg;
	struct store		*store;
	DB_TXN			*txn;		/* the request's transaction */
	int64_t			 now_us;	/* one clock reading per request */

	const char	*method;	/* "GET", "POST", ... */
	const char	*path;		/* below the base path, no leading '/' */
	const char	*request_url;	/* absolute URL of this request */
	struct kvlist	 query;		/* parsed query string */
	struct kvlist	 cookies;
	struct kvlist	 form;		/* parsed body (urlencoded or JSON) */
	json_t		*json;		/* the body, when it was JSON */
	const char	*content_type;	/* media type only, lower-case */
	const char	*accept;
	const char	*origin;
	const char	*sec_fetch_site;
	const char	*user_agent;
	const char	*remote_addr;
	const char	*session_token;	/* X-Session-Token or Bearer */
	const char	*authorization;	/* the Authorization header */
	int		 body_json;	/* Content-Type: application/json */
	int		 wants_json;	/* Accept prefers JSON, or body_json */
	enum rc		 body_rc;	/* RC_OK, RC_BADREQ, RC_TOOBIG, RC_MEDIA */

	int		 session_loaded;
	struct session	*session;	/* the caller's session, or NULL */

	struct resp	 resp;
};

/* A source of CGI parameters (environment or FastCGI params). */
typedef const char *http_param_fn(void *ctx, const char *name);

/* A reader of the request body: returns bytes read, 0 at EOF, -1 on error. */
typedef long	 http_read_fn(void *ctx, char *buf, size_t n);

/*
 * Fill r from the parameters and body.  Problems with the body (too large,
 * unsupported type, malformed) are recorded in r->body_rc rather than
 * returned, so the handler can answer in the right representation.
 * Returns RC_OK, or RC_BADREQ when the request line itself is unusable.
 */
enum rc	 http_parse(struct req *r, http_param_fn *param, http_read_fn *rd,
	    void *ctx);

/* Add a response header. */
void	 http_header(struct req *r, const char *name, const char *value);

/* 303 See Other to url. */
void	 http_redirect(struct req *r, const char *url);

/* status with a JSON body (compact). */
void	 http_json(struct req *r, int status, const json_t *body);

/* The reason phrase of status ("Not Found"). */
const char *http_status_text(int status);

/*
 * Write the status line, headers and body through emit (CGI "Status:"
 * form, which FastCGI uses too).
 */
typedef void	 http_emit_fn(void *ctx, const char *p, size_t n);
void	 http_write(struct req *r, http_emit_fn *emit, void *ctx);

#endif /* HTTP_H */

/* SPDX-License-Identifier: MIT */
/*
 * flow: flow records, UI nodes, the CSRF binding and return_to checks.
 * Records are the flow's Kratos fields plus the private ones (CSRF token,
 * identity id, expiry as an integer for housekeeping).
 */
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "cookie.h"
#include "crypto.h"
#include "flow.h"
#include "http.h"
#include "store.h"
#include "str.h"
#include "strategy.h"

/*
 * Housekeeping keeps an expired flow for an hour, so a late submission
 * still gets "expired, here is a new one" (410, use_flow_id) rather than
 * "unknown".
 */
#define EXPIRED_KEPT	3600

static const char *const kinds[FLOW__MAX] = {
	"login",		/* FLOW_LOGIN */
	"registration",		/* FLOW_REGISTRATION */
	"settings",		/* FLOW_SETTINGS */
	"error",		/* FLOW_ERROR */
};

const char *
flow_kind_name(enum flow_kind k)
{
	return kinds[k];
}

/* The browser's CSRF token from its cookie, if well-formed. */
static const char *
csrf_cookie(struct req *r)
{
	const char	*c = kv_get(&r->cookies, r->cfg->csrf_cookie_name);
	unsigned char	*raw;
	size_t		 len;

	if (c == NULL || crypto_b64_decode(r->a, c, &raw, &len) != RC_OK ||
	    len != 32)
		return NULL;
	return c;
}

static void
set_csrf_cookie(struct req *r, const char *value)
{
	struct cookie_attrs a;

	memset(&a, 0, sizeof(a));
	a.path = r->cfg->base_path;
	a.secure = r->cfg->https;
	a.http_only = 1;

	/* SameSite=Lax as Kratos does: None without Secure is dropped. */
	a.same_site = "Lax";
	a.max_age = 365L * 86400;
	http_header(r, "Set-Cookie", cookie_format(r->a,
	    r->cfg->csrf_cookie_name, value, &a));
}

enum rc
flow_rotate_csrf(struct req *r)
{
	unsigned char	 raw[32];
	const char	*v;
	enum rc		 rc;
	size_t		 i;

	if ((rc = crypto_random(raw, sizeof(raw))) != RC_OK)
		return rc;
	v = crypto_b64(r->a, raw, sizeof(raw));
	set_csrf_cookie(r, v);

	/* Later code in this request sees the new cookie. */
	for (i = 0; i < r->cookies.n; i++)
		if (strcmp(r->cookies.v[i].key, r->cfg->csrf_cookie_name) == 0) {
			r->cookies.v[i].val = v;
			break;
		}
	if (i == r->cookies.n)
		kv_add(r->a, &r->cookies, r->cfg->csrf_cookie_name, v);
	return RC_OK;
}

enum rc
flow_new(struct req *r, enum flow_kind kind, int api, struct flow **out)
{
	struct flow	*f = arena_calloc(r->a, 1, sizeof(*f));
	enum rc		 rc;

	if ((rc = crypto_uuid(f->id)) != RC_OK)
		return rc;
	f->kind = kind;
	f->api = api;
	f->issued_us = r->now_us;
	f->expires_us = r->now_us + r->cfg->flows[kind].lifespan * 1000000;
	f->request_url = r->request_url;
	f->requested_aal = "aal1";
	f->state = kind == FLOW_SETTINGS ? "show_form" : "choose_method";
	f->nodes = json_array();
	f->messages = json_array();
	f->internal = json_object();
	if (!api) {
		if (csrf_cookie(r) == NULL && (rc = flow_rotate_csrf(r)) !=
		    RC_OK)
			return rc;
		f->csrf = csrf_cookie(r);
	}
	*out = f;
	return RC_OK;
}

static const char *
str_or_null(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

enum rc
flow_from_record(struct req *r, enum flow_kind kind, const char *id,
    json_t *rec, struct flow **out)
{
	struct flow	*f;
	json_t		*ui;
	const char	*k;

	k = str_or_null(rec, "kind");
	if (k == NULL || strcmp(k, kinds[kind]) != 0)
		return RC_NOTFOUND;
	f = arena_calloc(r->a, 1, sizeof(*f));
	str_copy(f->id, id, sizeof(f->id));
	f->kind = kind;
	f->api = json_is_true(json_object_get(rec, "api"));
	f->issued_us = json_integer_value(json_object_get(rec, "issued_us"));
	f->expires_us = json_integer_value(json_object_get(rec, "expires_us"));
	f->request_url = str_or_null(rec, "request_url");
	f->return_to = str_or_null(rec, "return_to");
	f->requested_aal = str_or_null(rec, "requested_aal");
	f->refresh = json_is_true(json_object_get(rec, "refresh"));
	f->state = str_or_null(rec, "state");
	f->csrf = str_or_null(rec, "csrf");
	f->identity_id = str_or_null(rec, "identity_id");
	f->active = str_or_null(rec, "active");
	ui = json_object_get(rec, "ui");
	f->nodes = json_object_get(ui, "nodes");
	f->messages = json_object_get(ui, "messages");
	if (!json_is_array(f->nodes))
		f->nodes = json_array();
	if (!json_is_array(f->messages))
		f->messages = json_array();
	f->internal = json_object_get(rec, "internal");
	if (!json_is_object(f->internal))
		f->internal = json_object();
	*out = f;
	return RC_OK;
}

enum rc
flow_load(struct req *r, enum flow_kind kind, const char *id,
    struct flow **out)
{
	json_t	*rec;
	enum rc	 rc;

	if (id == NULL || !crypto_is_uuid(id))
		return RC_NOTFOUND;
	if ((rc = store_get_json(r->store, STORE_FLOWS, r->txn, r->a, id,
	    strlen(id), &rec, 0)) != RC_OK)
		return rc;
	return flow_from_record(r, kind, id, rec, out);
}

enum rc
flow_save(struct req *r, struct flow *f)
{
	json_t	*rec;

	rec = json_pack("{s:s, s:b, s:I, s:I, s:I, s:s*, s:s*, s:s*, s:b,"
	    " s:s*, s:s*, s:s*, s:s*, s:{s:O, s:O}, s:O}",
	    "kind", kinds[f->kind], "api", f->api,
	    "exp", (json_int_t)(f->expires_us / 1000000 + EXPIRED_KEPT),
	    "issued_us", (json_int_t)f->issued_us,
	    "expires_us", (json_int_t)f->expires_us,
	    "request_url", f->request_url, "return_to", f->return_to,
	    "requested_aal", f->requested_aal, "refresh", f->refresh,
	    "state", f->state, "csrf", f->csrf,
	    "identity_id", f->identity_id, "active", f->active,
	    "ui", "nodes", f->nodes, "messages", f->messages,
	    "internal", f->internal);
	if (rec == NULL)
		return RC_SYSTEM;
	return store_put_json(r->store, STORE_FLOWS, r->txn, f->id,
	    strlen(f->id), rec, 0);
}

int
flow_expired(const struct req *r, const struct flow *f)
{
	return f->expires_us <= r->now_us;
}

double
flow_expired_minutes(const struct req *r, const struct flow *f)
{
	return (double)(r->now_us - f->expires_us) / 60e6;
}

/* nosurf's masking: base64(key || token XOR key), a new key each time. */
static const char *
mask(struct req *r, const char *token_b64)
{
	unsigned char	*tok, buf[64];
	size_t		 len, i;

	if (crypto_b64_decode(r->a, token_b64, &tok, &len) != RC_OK ||
	    len != 32 || crypto_random(buf, 32) != RC_OK)
		return "";
	for (i = 0; i < 32; i++)
		buf[32 + i] = tok[i] ^ buf[i];
	return crypto_b64(r->a, buf, sizeof(buf));
}

/* The real token from a masked (64 bytes) or plain (32 bytes) value. */
static unsigned char *
unmask(struct req *r, const char *sent)
{
	unsigned char	*raw;
	size_t		 len, i;

	if (crypto_b64_decode(r->a, sent, &raw, &len) != RC_OK)
		return NULL;
	if (len == 32)
		return raw;
	if (len != 64)
		return NULL;
	for (i = 0; i < 32; i++)
		raw[32 + i] ^= raw[i];
	return raw + 32;
}

enum rc
flow_check_csrf(struct req *r, const struct flow *f, const char **reason)
{
	const char	*cookie = csrf_cookie(r), *sent;
	unsigned char	*a, *b;
	size_t		 alen, blen;

	if (f->api)
		return RC_OK;
	if (kv_get(&r->cookies, r->cfg->csrf_cookie_name) == NULL) {
		*reason = "The HTTP Cookie Header was set but did not include "
		    "the anti-CSRF cookie. We are unable to verify the "
		    "integrity of the request.";
		return RC_CSRF;
	}
	sent = kv_get(&r->form, "csrf_token");
	if (sent == NULL || *sent == '\0') {
		*reason = "The anti-CSRF token was not included in the HTTP "
		    "request body (csrf_token) nor in the HTTP Header "
		    "(X-CSRF-Token).";
		return RC_CSRF;
	}
	if (cookie == NULL || f->csrf == NULL ||
	    crypto_b64_decode(r->a, cookie, &a, &alen) != RC_OK ||
	    crypto_b64_decode(r->a, f->csrf, &b, &blen) != RC_OK ||
	    !crypto_eq(a, alen, b, blen) ||
	    (b = unmask(r, sent)) == NULL || !crypto_eq(a, alen, b, 32)) {
		*reason = "The anti-CSRF cookie and the anti-CSRF token do not "
		    "match.";
		return RC_CSRF;
	}

	/* Defence in depth: a cross-site form post says where it came from. */
	if (r->origin != NULL && strcmp(r->origin, r->cfg->origin) != 0) {
		*reason = "The request came from another origin.";
		return RC_CSRF;
	}
	if (r->sec_fetch_site != NULL &&
	    strcmp(r->sec_fetch_site, "same-origin") != 0 &&
	    strcmp(r->sec_fetch_site, "none") != 0) {
		*reason = "The request came from another site.";
		return RC_CSRF;
	}
	return RC_OK;
}

json_t *
flow_node_input(struct flow *f, const char *group, const char *name,
    const char *type, const char *value, int required,
    const char *autocomplete, json_t *label)
{
	json_t	*attrs, *node;

	attrs = json_pack("{s:s, s:s, s:b, s:s}", "name", name, "type", type,
	    "disabled", 0, "node_type", "input");
	if (value != NULL)
		json_object_set_new(attrs, "value", json_string(value));
	if (required)
		json_object_set_new(attrs, "required", json_true());
	if (autocomplete != NULL)
		json_object_set_new(attrs, "autocomplete",
		    json_string(autocomplete));
	node = json_pack("{s:s, s:s, s:o, s:[], s:{}}", "type", "input",
	    "group", group, "attributes", attrs, "messages", "meta");
	if (label != NULL)
		json_object_set_new(json_object_get(node, "meta"), "label",
		    label);
	json_array_append_new(f->nodes, node);
	return node;
}

static json_t *
add_node(struct flow *f, const char *type, const char *group, json_t *attrs,
    json_t *label)
{
	json_t	*node;

	node = json_pack("{s:s, s:s, s:o, s:[], s:{}}", "type", type,
	    "group", group, "attributes", attrs, "messages", "meta");
	if (label != NULL)
		json_object_set_new(json_object_get(node, "meta"), "label",
		    label);
	json_array_append_new(f->nodes, node);
	return node;
}

json_t *
flow_node_img(struct flow *f, const char *group, const char *id,
    const char *src, int width, int height, json_t *label)
{
	return add_node(f, "img", group, json_pack("{s:s, s:s, s:i, s:i, s:s}",
	    "src", src, "id", id, "width", width, "height", height,
	    "node_type", "img"), label);
}

json_t *
flow_node_text(struct flow *f, const char *group, const char *id,
    json_t *text, json_t *label)
{
	return add_node(f, "text", group, json_pack("{s:o, s:s, s:s}",
	    "text", text, "id", id, "node_type", "text"), label);
}

json_t *
flow_node_by_id(json_t *nodes, const char *key)
{
	size_t	 i;
	json_t	*n, *a;

	json_array_foreach(nodes, i, n) {
		const char *k;

		a = json_object_get(n, "attributes");
		k = json_string_value(json_object_get(a, "name"));
		if (k == NULL)
			k = json_string_value(json_object_get(a, "id"));
		if (k != NULL && strcmp(k, key) == 0)
			return n;
	}
	return NULL;
}

json_t *
flow_node(const struct flow *f, const char *name)
{
	size_t	 i;
	json_t	*n;

	json_array_foreach(f->nodes, i, n) {
		const char *nm = json_string_value(json_object_get(
		    json_object_get(n, "attributes"), "name"));

		if (nm != NULL && strcmp(nm, name) == 0)
			return n;
	}
	return NULL;
}

void
flow_node_value(struct flow *f, const char *name, const char *value)
{
	json_t	*n = flow_node(f, name), *attrs;

	if (n == NULL)
		return;
	attrs = json_object_get(n, "attributes");
	if (value == NULL)
		json_object_del(attrs, "value");
	else
		json_object_set_new(attrs, "value", json_string(value));
}

void
flow_node_msg(struct flow *f, const char *name, json_t *msg)
{
	json_t	*n = flow_node(f, name);

	if (n == NULL)
		flow_msg(f, msg);
	else
		json_array_append_new(json_object_get(n, "messages"), msg);
}

void
flow_msg(struct flow *f, json_t *msg)
{
	json_array_append_new(f->messages, msg);
}

void
flow_clear_messages(struct flow *f)
{
	size_t	 i;
	json_t	*n;

	json_array_clear(f->messages);
	json_array_foreach(f->nodes, i, n)
		json_array_clear(json_object_get(n, "messages"));
}

const char *
flow_ui_url(struct req *r, const struct flow *f)
{
	return arena_printf(r->a, "%s?flow=%s", r->cfg->flows[f->kind].ui_url,
	    f->id);
}

const char *
flow_action(struct req *r, const struct flow *f)
{
	return arena_printf(r->a, "%sself-service/%s?flow=%s",
	    r->cfg->base_url, kinds[f->kind], f->id);
}

json_t *
flow_json(struct req *r, const struct flow *f, const json_t *identity)
{
	json_t	*o, *nodes, *n;
	size_t	 i;

	/* Copy the nodes so the masked token never reaches the record. */
	nodes = json_deep_copy(f->nodes);
	json_array_foreach(nodes, i, n) {
		json_t *a = json_object_get(n, "attributes");

		const char *name = json_string_value(json_object_get(a,
		    "name"));

		if (name != NULL && strcmp(name, "csrf_token") == 0 &&
		    f->csrf != NULL)
			json_object_set_new(a, "value",
			    json_string(mask(r, f->csrf)));
	}
	strategy_hydrate(r, f, nodes);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s*, s:s*, s:s*,"
	    " s:{s:s, s:s, s:o}, s:s, s:s, s:s*}",
	    "id", f->id, "type", f->api ? "api" : "browser",
	    "expires_at", clock_rfc3339(r->a, f->expires_us),
	    "issued_at", clock_rfc3339(r->a, f->issued_us),
	    "request_url", f->request_url, "return_to", f->return_to,
	    "active", f->active,
	    "ui", "action", flow_action(r, f), "method", "POST",
	    "nodes", nodes,
	    "created_at", clock_rfc3339(r->a, f->issued_us),
	    "updated_at", clock_rfc3339(r->a, r->now_us),
	    "state", f->state);
	if (json_array_size(f->messages) > 0)
		json_object_set(json_object_get(o, "ui"), "messages",
		    f->messages);
	if (f->kind == FLOW_LOGIN) {
		json_object_set_new(o, "refresh", json_boolean(f->refresh));
		json_object_set_new(o, "requested_aal",
		    json_string(f->requested_aal ? f->requested_aal : "aal1"));
	}
	if (f->kind == FLOW_SETTINGS && identity != NULL)
		json_object_set(o, "identity", (json_t *)identity);
	return o;
}

/* Same scheme, host and port, and a path at or below prefix's path. */
static int
url_below(const char *url, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if (strncmp(url, prefix, n) != 0)
		return 0;

	/* "https://a.example" must not admit "https://a.example.evil". */
	if (prefix[n - 1] == '/')
		return 1;
	return url[n] == '\0' || url[n] == '/' || url[n] == '?' ||
	    url[n] == '#';
}

/*
 * A "." or ".." path segment, ended by '/', '?', '#' or the end: a browser
 * resolves it, which would escape the allowed path prefix.
 */
static int
has_dot_segment(const char *url)
{
	const char	*p = strstr(url, "://");
	const char	*end;

	p = p ? strchr(p + 3, '/') : url;
	for (; p != NULL && *p == '/'; p = strchr(p + 1, '/')) {
		end = p + 1 + strcspn(p + 1, "/?#");
		if ((end - p == 2 && p[1] == '.') ||
		    (end - p == 3 && p[1] == '.' && p[2] == '.'))
			return 1;
		if (*end != '/')
			break;
	}
	return 0;
}

/*
 * An encoded slash or backslash in the path: many servers decode it, so
 * "/allowed/..%2fadmin" would climb out of the allowed prefix.
 */
static int
has_encoded_separator(const char *url)
{
	const char	*p = strstr(url, "://");
	size_t		 n, i;

	p = p ? p + 3 : url;
	n = strcspn(p, "?#");
	for (i = 0; i + 2 < n; i++)
		if (p[i] == '%' && ((p[i + 1] == '2' && (p[i + 2] == 'f' ||
		    p[i + 2] == 'F')) || (p[i + 1] == '5' && (p[i + 2] == 'c' ||
		    p[i + 2] == 'C'))))
			return 1;
	return 0;
}

int
flow_return_to_allowed(const struct config *cfg, const char *url)
{
	size_t	 i;

	/* Control characters, backslashes and spaces have no business here. */
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == '\\' ||
		    url[i] == 0x7f)
			return 0;
	if (has_dot_segment(url) || strstr(url, "%2e") != NULL ||
	    strstr(url, "%2E") != NULL || has_encoded_separator(url))
		return 0;
	if (url_below(url, cfg->base_url))
		return 1;
	for (i = 0; i < cfg->allowed_return_urls_len; i++)
		if (url_below(url, cfg->allowed_return_urls[i]))
			return 1;
	return 0;
}

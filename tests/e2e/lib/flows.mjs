// High-level steps shared by the test files: create and submit flows over
// HTML forms or JSON, whoami, logout, and the assertions that go with them.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client, HTML_ACCEPT, JSON_ACCEPT, UUID_RE, csrfOf, findNode, flowMessageIds, toPage } from './client.mjs';

let seq = 0;

/* A fresh, lower-case e-mail address no other test uses. */
export function uniqueEmail(tag = 'user') {
	seq += 1;
	return `${tag}-${process.pid}-${seq}-${randomBytes(4).toString('hex')}@example.com`;
}

/* A password that passes length and similarity checks. */
export function strongPassword(tag = '') {
	return `Quartz-Lantern-${randomBytes(6).toString('hex')}${tag}`;
}

export const SESSION_COOKIE = 'ory_kratos_session';

export function pathOf(u) {
	const x = new URL(u);
	return x.pathname;
}

/* Assert that res is a 303 to <base><uiPath>?flow=<uuid>; returns the id. */
export function assertRedirectToFlow(res, base, uiPath, msg = '') {
	assert.equal(res.status, 303, `${msg}expected 303 to ${uiPath}?flow=…, got ${res.status} ${res.location || ''} ${res.text.slice(0, 200)}`);
	assert.ok(res.location, `${msg}303 without Location`);
	const loc = new URL(res.location);
	const want = new URL(uiPath, base);
	assert.equal(loc.origin + loc.pathname, want.origin + want.pathname, `${msg}redirect target ${res.location}`);
	const id = loc.searchParams.get('flow');
	assert.match(id || '', UUID_RE, `${msg}flow id in ${res.location}`);
	return id;
}

/*
 * A 303 that ends, possibly through /self-service/<kind>/browser, on the
 * page <uiPath>?flow=<uuid>.  Returns that page.
 */
export async function followToFlowPage(client, res, uiPath, msg = '') {
	assert.equal(res.status, 303, `${msg}expected a 303, got ${res.status}: ${res.text.slice(0, 200)}`);
	const end = await client.follow(res);
	const hops = end.chain.map((r) => `${r.status} ${r.url}`).join(' -> ');
	const u = new URL(end.url);
	assert.equal(u.pathname, new URL(uiPath, client.base).pathname, `${msg}ends on ${uiPath}: ${hops}`);
	assert.match(u.searchParams.get('flow') || '', UUID_RE, `${msg}with a flow id: ${hops}`);
	assert.equal(end.status, 200, `${msg}page status: ${hops}`);
	return toPage(end);
}

/* Assert a 303 to the site root (or a given URL). */
export function assertRedirectTo(res, url, msg = '') {
	assert.equal(res.status, 303, `${msg}expected 303 to ${url}, got ${res.status} ${res.location || ''}: ${res.text.slice(0, 300)}`);
	assert.equal(res.location, url, `${msg}redirect target`);
}

/* ---- HTML (browser, no JavaScript) ------------------------------------- */

export async function openFlowPage(client, kind, query = '') {
	const res = await client.get(`self-service/${kind}/browser${query}`, { accept: HTML_ACCEPT });
	const id = assertRedirectToFlow(res, client.base, kind, `GET /self-service/${kind}/browser: `);
	const page = await client.page(res.location);
	assert.equal(page.status, 200, `GET ${res.location}: ${page.status} ${page.text.slice(0, 300)}`);
	assert.ok(page.isHtml, `GET ${res.location}: content-type ${page.contentType}`);
	assert.equal(page.flowId, id);
	return page;
}

export async function registerHtml(client, email, password, extra = {}) {
	const page = await openFlowPage(client, 'registration');
	const res = await client.submitForm(page, {
		group: 'password',
		fields: { 'traits.email': email, password, ...extra },
	});
	return { page, res };
}

export async function loginHtml(client, identifier, password) {
	const page = await openFlowPage(client, 'login');
	const res = await client.submitForm(page, { group: 'password', fields: { identifier, password } });
	return { page, res };
}

/* Register (or log in) and assert it worked: 303 to / with a session cookie. */
export async function mustRegisterHtml(client, email, password, extra = {}) {
	const { res } = await registerHtml(client, email, password, extra);
	assertRedirectTo(res, client.abs('/'), `registration of ${email}: `);
	assert.ok(client.cookie(SESSION_COOKIE), `registration did not set ${SESSION_COOKIE}; Set-Cookie: ${res.setCookies.map((c) => c.raw).join(' | ')}`);
	return res;
}

export async function mustLoginHtml(client, email, password) {
	const { res } = await loginHtml(client, email, password);
	assertRedirectTo(res, client.abs('/'), `login of ${email}: `);
	assert.ok(client.cookie(SESSION_COOKIE), `login did not set ${SESSION_COOKIE}`);
	return res;
}

export async function whoami(client, headers = {}) {
	return await client.get('sessions/whoami', { accept: JSON_ACCEPT, headers });
}

export async function assertSignedIn(client, email) {
	const r = await whoami(client);
	assert.equal(r.status, 200, `whoami: ${r.status} ${r.text.slice(0, 300)}`);
	const s = r.json;
	assert.equal(s.active, true, 'session.active');
	assert.equal(s.identity?.traits?.email, email, 'session.identity.traits.email');
	return s;
}

export async function assertSignedOut(client) {
	const r = await whoami(client);
	assert.equal(r.status, 401, `whoami should be 401 without a valid session, got ${r.status} ${r.text.slice(0, 200)}`);
	assert.equal(r.json.error?.code, 401, 'error.code');
	return r;
}

/* Sign out through the logout token URL, the way the HTML pages do. */
export async function logoutBrowser(client, { accept = HTML_ACCEPT } = {}) {
	const r = await client.get('self-service/logout/browser', { accept: JSON_ACCEPT });
	assert.equal(r.status, 200, `GET /self-service/logout/browser: ${r.status} ${r.text.slice(0, 300)}`);
	const { logout_url: logoutUrl, logout_token: token } = r.json;
	assert.equal(typeof logoutUrl, 'string', 'logout_url');
	assert.equal(typeof token, 'string', 'logout_token');
	const u = new URL(logoutUrl);
	assert.equal(u.origin, new URL(client.base).origin, 'logout_url is on the public base URL');
	assert.equal(u.pathname, new URL('self-service/logout', client.base).pathname, 'logout_url path');
	assert.equal(u.searchParams.get('token'), token, 'logout_url carries the token');
	const res = await client.get(logoutUrl, { accept });
	return { res, logoutUrl, token };
}

/* ---- JSON (browser flows driven with Accept: application/json) ---------- */

export async function createFlowJson(client, kind, query = '') {
	const r = await client.get(`self-service/${kind}/browser${query}`, { accept: JSON_ACCEPT });
	assert.equal(r.status, 200, `GET /self-service/${kind}/browser (JSON): ${r.status} ${r.text.slice(0, 300)}`);
	assert.match(r.contentType, /^application\/json/, 'content-type');
	const flow = r.json;
	assert.match(flow.id || '', UUID_RE, 'flow.id');
	return flow;
}

export async function submitFlowJson(client, flow, body, { withCsrf = true, headers } = {}) {
	const payload = { ...body };
	if (withCsrf && flow.type === 'browser' && payload.csrf_token === undefined) payload.csrf_token = csrfOf(flow);
	return await client.post(flow.ui.action, { json: payload, accept: JSON_ACCEPT, headers });
}

export async function registerJson(client, email, password, extraTraits = {}) {
	const flow = await createFlowJson(client, 'registration');
	const res = await submitFlowJson(client, flow, {
		method: 'password', password, traits: { email, ...extraTraits },
	});
	return { flow, res };
}

export async function loginJson(client, identifier, password) {
	const flow = await createFlowJson(client, 'login');
	const res = await submitFlowJson(client, flow, { method: 'password', identifier, password });
	return { flow, res };
}

/* ---- api (native) flows: no cookies, session tokens --------------------- */

export async function apiFlow(base, kind) {
	const c = new Client(base, { cookies: false });
	const r = await c.get(`self-service/${kind}/api`, { accept: JSON_ACCEPT });
	return { client: c, r };
}

/*
 * Log in without cookies.  Uses /self-service/login/api; if the server has
 * no api flows (404/405/501), falls back to a browser flow over JSON with a
 * private cookie jar.  Returns { status, body, via }.
 */
export async function loginAnyJson(base, identifier, password, { timeoutMs } = {}) {
	const { client, r } = await apiFlow(base, 'login');
	if (r.status === 200) {
		const flow = r.json;
		const res = await client.post(flow.ui.action, {
			json: { method: 'password', identifier, password }, accept: JSON_ACCEPT, timeoutMs,
		});
		return { status: res.status, body: safeJson(res), res, via: 'api' };
	}
	if (![404, 405, 501].includes(r.status)) {
		throw new Error(`GET /self-service/login/api: unexpected ${r.status} ${r.text.slice(0, 200)}`);
	}
	const c = new Client(base);
	const { res } = await loginJson(c, identifier, password);
	return { status: res.status, body: safeJson(res), res, via: 'browser-json' };
}

export async function registerAnyJson(base, email, password, { timeoutMs } = {}) {
	const { client, r } = await apiFlow(base, 'registration');
	if (r.status === 200) {
		const flow = r.json;
		const res = await client.post(flow.ui.action, {
			json: { method: 'password', password, traits: { email } }, accept: JSON_ACCEPT, timeoutMs,
		});
		return { status: res.status, body: safeJson(res), res, via: 'api' };
	}
	if (![404, 405, 501].includes(r.status)) {
		throw new Error(`GET /self-service/registration/api: unexpected ${r.status} ${r.text.slice(0, 200)}`);
	}
	const c = new Client(base);
	const flow = await createFlowJson(c, 'registration');
	const res = await c.post(flow.ui.action, {
		json: { method: 'password', password, traits: { email }, csrf_token: csrfOf(flow) },
		accept: JSON_ACCEPT, timeoutMs,
	});
	return { status: res.status, body: safeJson(res), res, via: 'browser-json' };
}

export function safeJson(res) {
	try {
		return JSON.parse(res.text);
	} catch {
		return null;
	}
}

/* ---- error outcomes ----------------------------------------------------- */

/*
 * An HTML request that failed with an error: either a direct error page
 * with the status `code`, or a 303 to /error?id=<id>.  Checks the error id
 * (when given) on the page or through GET /self-service/errors?id=.
 * Returns { page, error } where error is the herodot error object when
 * one could be read.
 */
export async function expectHtmlError(client, res, { code, id }) {
	if (res.status === 303) {
		const loc = new URL(res.location);
		assert.equal(loc.pathname, new URL('error', client.base).pathname,
		    `expected a direct ${code} or a 303 to /error?id=…, got 303 to ${res.location}`);
		const errId = loc.searchParams.get('id');
		assert.ok(errId, `303 to ${res.location} without ?id=`);
		const page = await client.page(res.location);
		assert.ok(page.isHtml, `error page content-type ${page.contentType}`);
		assert.ok(page.status === 200 || page.status === code,
		    `error page status ${page.status}`);
		const ej = await client.get(`self-service/errors?id=${encodeURIComponent(errId)}`, { accept: JSON_ACCEPT });
		let error = null;
		if (ej.status === 200) {
			error = ej.json.error;
			assert.ok(error, `GET /self-service/errors: no "error" member: ${ej.text.slice(0, 300)}`);
			assert.equal(error.code, code, `stored error code: ${JSON.stringify(error)}`);
			if (id) {
				assert.ok(error.id === id || page.html.includes(id),
				    `error id ${id} neither in /self-service/errors (${error.id}) nor on the error page`);
			}
		} else {
			// no JSON for it: the page itself must say what happened
			assert.ok(page.html.includes(String(code)),
			    `GET /self-service/errors?id=${errId} answered ${ej.status} and the error page does not show ${code}`);
			if (id) assert.ok(page.html.includes(id), `error page does not show ${id}`);
		}
		return { page, error };
	}
	assert.equal(res.status, code, `expected ${code} (or 303 to /error), got ${res.status}: ${res.text.slice(0, 300)}`);
	assert.ok(res.isHtml, `error response should be an HTML page, got ${res.contentType}`);
	assert.ok(res.text.length > 0, 'error page is empty');
	if (id) assert.ok(res.text.includes(id), `error page should show ${id}`);
	return { page: toPage(res), error: null };
}

/* A JSON error response: herodot envelope with the code (and id). */
export function expectJsonError(res, { code, id }) {
	assert.equal(res.status, code, `expected ${code}, got ${res.status}: ${res.text.slice(0, 300)}`);
	assert.match(res.contentType, /^application\/json/, `content-type of the ${code} error`);
	const body = res.json;
	assert.ok(body.error, `no "error" member: ${res.text.slice(0, 300)}`);
	assert.equal(body.error.code, code, 'error.code');
	assert.equal(typeof body.error.message, 'string', 'error.message');
	if (id) assert.equal(body.error.id, id, 'error.id');
	return body;
}

export { Client, HTML_ACCEPT, JSON_ACCEPT, UUID_RE, csrfOf, findNode, flowMessageIds };

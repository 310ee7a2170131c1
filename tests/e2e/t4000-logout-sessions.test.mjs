// Logout and session credentials: logout needs a session and its own token;
// a logged-out or forged session is refused everywhere.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword, registerJson,
	mustLoginHtml, logoutBrowser, assertSignedIn, assertSignedOut, whoami, expectJsonError,
	assertRedirectTo, loginAnyJson,
} from './lib/flows.mjs';

suite('t4000 logout and sessions', { skip: skipReason() }, () => {
	const h = useServer();
	const email = uniqueEmail('logout');
	const pw = strongPassword();

	before(async () => {
		if (!h.server) return;
		const { res } = await registerJson(new Client(h.server.url), email, pw);
		assert.equal(res.status, 200, `setup registration: ${res.status}`);
	});

	it('whoami without a session answers 401 with Kratos\'s envelope', async () => {
		const c = new Client(h.server.url);
		const r = await whoami(c);
		expectJsonError(r, { code: 401 });
		for (const [k, v] of [['cookie', `${SESSION_COOKIE}=garbage`], ['x-session-token', 'ory_st_' + 'a'.repeat(32)], ['authorization', 'Bearer nope']]) {
			const x = await c.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { [k]: v } });
			expectJsonError(x, { code: 401 });
		}
	});

	it('logout/browser without a session answers 401', async () => {
		const c = new Client(h.server.url);
		const r = await c.get('self-service/logout/browser', { accept: JSON_ACCEPT });
		expectJsonError(r, { code: 401 });
	});

	it('a logout URL without a token or with a wrong one signs nobody out', async () => {
		const c = new Client(h.server.url);
		await mustLoginHtml(c, email, pw);
		const none = await c.get('self-service/logout', { accept: JSON_ACCEPT });
		assert.equal(none.status, 400, `no token: ${none.status}`);
		const wrong = await c.get('self-service/logout?token=ory_lo_' + 'x'.repeat(32), { accept: JSON_ACCEPT });
		assert.equal(wrong.status, 403, `wrong token: ${wrong.status}`);
		await assertSignedIn(c, email);
		// another session's token does not sign this one out
		const other = new Client(h.server.url);
		await mustLoginHtml(other, email, pw);
		const t = await other.getJson('self-service/logout/browser');
		const cross = await c.get(t.json.logout_url, { accept: HTML_ACCEPT });
		assert.notEqual(cross.status, 200);
		await assertSignedIn(c, email);
		await assertSignedIn(other, email);
	});

	it('after logout the old session cookie stays dead, also after replaying the logout URL', async () => {
		const c = new Client(h.server.url);
		await mustLoginHtml(c, email, pw);
		const old = c.cookie(SESSION_COOKIE);
		const { res, logoutUrl } = await logoutBrowser(c);
		assertRedirectTo(res, c.abs('/'), 'logout: ');
		await assertSignedOut(c);
		const replay = await c.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { cookie: `${SESSION_COOKIE}=${old}` } });
		expectJsonError(replay, { code: 401 });
		const again = await c.get(logoutUrl, { accept: JSON_ACCEPT, headers: { cookie: `${SESSION_COOKIE}=${old}` } });
		assert.ok(again.status < 500, `replayed logout: ${again.status}`);
		expectJsonError(await c.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { cookie: `${SESSION_COOKIE}=${old}` } }), { code: 401 });
	});

	it('logging out one browser leaves another signed in', async () => {
		const one = new Client(h.server.url);
		const two = new Client(h.server.url);
		await mustLoginHtml(one, email, pw);
		await mustLoginHtml(two, email, pw);
		const s1 = await assertSignedIn(one, email);
		const s2 = await assertSignedIn(two, email);
		assert.notEqual(s1.id, s2.id, 'two logins make two sessions');
		await logoutBrowser(one);
		await assertSignedOut(one);
		await assertSignedIn(two, email);
	});

	it('a native session token is revoked by DELETE /self-service/logout/api', async () => {
		const l = await loginAnyJson(h.server.url, email, pw);
		assert.equal(l.status, 200, `login: ${l.status}`);
		assert.equal(l.via, 'api', 'GET /self-service/login/api must give an api flow');
		const token = l.body.session_token;
		const c = new Client(h.server.url, { cookies: false });
		assert.equal((await whoami(c, { 'x-session-token': token })).status, 200);
		const del = await c.request('DELETE', 'self-service/logout/api', { json: { session_token: token }, accept: JSON_ACCEPT });
		assert.equal(del.status, 204, `DELETE /self-service/logout/api: ${del.status} ${del.text.slice(0, 200)}`);
		expectJsonError(await whoami(c, { 'x-session-token': token }), { code: 401 });
		const again = await c.request('DELETE', 'self-service/logout/api', { json: { session_token: token }, accept: JSON_ACCEPT });
		assert.equal(again.status, 403, `revoking it again: ${again.status}`);
	});
});

// @ory/client's session API against Gatehouse: listMySessions (the other
// sessions, with pagination headers), disableMySession, disableMyOtherSessions,
// by session token and by forwarded cookie; the whoami AAL policy
// (highest_available) applies to all of them (Kratos #3671).

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, useServer } from './lib/server.mjs';
import { uniqueEmail, strongPassword } from './lib/flows.mjs';
import { mfaSkipReason } from './lib/mfa.mjs';
import {
	frontendApi, ok, failsWith, describe as show, csrfToken, CookieJar,
	registerNative, loginNative, enrolTotpNative, stepUpTotpNative,
} from './lib/sdk.mjs';

suite('t5020 @ory/client: listing and revoking one\'s sessions', { skip: skipReason() || mfaSkipReason() }, () => {
	const h = useServer();
	let fe;
	const email = uniqueEmail('sdk-sessions');
	const password = strongPassword();
	let reg;

	before(async () => {
		if (!h.server) return;
		fe = frontendApi(h.server.url);
		reg = await registerNative(fe, email, password);
	});

	it('listMySessions lists the other active sessions, not the current one', async () => {
		const a = reg.session_token;
		const b = await loginNative(fe, email, password);
		const c = await loginNative(fe, email, password);
		const res = await ok(fe.listMySessions({ xSessionToken: a }), 200, 'listMySessions');
		const ids = res.data.map((s) => s.id).sort();
		assert.deepEqual(ids, [b.session.id, c.session.id].sort(), 'the two other sessions');
		assert.ok(!ids.includes(reg.session.id), 'not the current one');
		for (const s of res.data) {
			assert.equal(s.active, true, 'active');
			assert.ok(Array.isArray(s.authentication_methods) && Array.isArray(s.devices), 'session shape');
		}
		assert.equal(res.headers['x-total-count'], '2', 'X-Total-Count');

		// pagination: page_size 1 -> a Link rel="next"
		const p1 = await ok(fe.listMySessions({ xSessionToken: a, pageSize: 1 }), 200, 'listMySessions pageSize 1');
		assert.equal(p1.data.length, 1);
		const link = p1.headers.link || '';
		const next = /<([^>]+)>;\s*rel="next"/.exec(link);
		assert.ok(next, `Link rel="next": ${link}`);
		const token = new URL(next[1]).searchParams.get('page_token');
		const p2 = await ok(fe.listMySessions({ xSessionToken: a, pageSize: 1, pageToken: token }), 200, 'page 2');
		assert.equal(p2.data.length, 1);
		assert.notEqual(p2.data[0].id, p1.data[0].id, 'page 2 is another session');
	});

	it('disableMySession({id}): 204 and that session is dead; the current one is refused (400)', async () => {
		const me = await loginNative(fe, email, password);
		const other = await loginNative(fe, email, password);
		await ok(fe.disableMySession({ id: other.session.id, xSessionToken: me.session_token }), 204, 'disableMySession');
		await failsWith(fe.toSession({ xSessionToken: other.session_token }), { status: 401 }, 'the revoked session');
		await ok(fe.toSession({ xSessionToken: me.session_token }), 200, 'the caller still signed in');
		await failsWith(fe.disableMySession({ id: me.session.id, xSessionToken: me.session_token }), { status: 400 },
		    'disableMySession(current)');
		await failsWith(fe.disableMySession({ id: 'not-a-uuid', xSessionToken: me.session_token }), { status: 400 },
		    'disableMySession(bad id)');
		await failsWith(fe.disableMySession({ id: other.session.id }), { status: 401 }, 'disableMySession without a session');
	});

	it('another identity\'s session cannot be revoked (404) nor listed', async () => {
		const mallory = await registerNative(fe, uniqueEmail('sdk-mallory'), strongPassword());
		const victim = await loginNative(fe, email, password);
		await failsWith(fe.disableMySession({ id: victim.session.id, xSessionToken: mallory.session_token }), { status: 404 },
		    'disableMySession of another identity\'s session');
		await ok(fe.toSession({ xSessionToken: victim.session_token }), 200, 'the victim is still signed in');
		const list = await ok(fe.listMySessions({ xSessionToken: mallory.session_token }), 200);
		assert.ok(!list.data.some((s) => s.id === victim.session.id), 'not in the other identity\'s list');
	});

	it('disableMyOtherSessions: 200 {count}; the others are dead, the caller is not', async () => {
		const me = await loginNative(fe, email, password);
		const others = [];
		for (let i = 0; i < 2; i++) others.push(await loginNative(fe, email, password));
		const listed = (await ok(fe.listMySessions({ xSessionToken: me.session_token }), 200)).data.length;
		const res = await ok(fe.disableMyOtherSessions({ xSessionToken: me.session_token }), 200, 'disableMyOtherSessions');
		assert.equal(res.data.count, listed, `count of revoked sessions: ${show(res)}`);
		for (const o of others) await failsWith(fe.toSession({ xSessionToken: o.session_token }), { status: 401 });
		await failsWith(fe.toSession({ xSessionToken: reg.session_token }), { status: 401 }, 'the registration session too');
		await ok(fe.toSession({ xSessionToken: me.session_token }), 200);
		const after = await ok(fe.listMySessions({ xSessionToken: me.session_token }), 200);
		assert.deepEqual(after.data, [], 'no other sessions left');
	});

	it('the same calls with a forwarded cookie (browser session)', async () => {
		const jar = new CookieJar();
		const flow = jar.update(await ok(fe.createBrowserLoginFlow(), 200)).data;
		jar.update(await ok(fe.updateLoginFlow({
			flow: flow.id, cookie: jar.header(),
			updateLoginFlowBody: { method: 'password', identifier: email, password, csrf_token: csrfToken(flow) },
		}), 200, 'browser login'));
		const phone = await loginNative(fe, email, password);
		const list = await ok(fe.listMySessions({ cookie: jar.header() }), 200, 'listMySessions(cookie)');
		assert.ok(list.data.some((s) => s.id === phone.session.id), 'the phone\'s session is listed');
		await ok(fe.disableMySession({ id: phone.session.id, cookie: jar.header() }), 204, 'disableMySession(cookie)');
		await failsWith(fe.toSession({ xSessionToken: phone.session_token }), { status: 401 });
		await ok(fe.disableMyOtherSessions({ cookie: jar.header() }), 200, 'disableMyOtherSessions(cookie)');
		await ok(fe.toSession({ cookie: jar.header() }), 200, 'the browser is still signed in');
	});

	it('highest_available: a TOTP user at aal1 gets 403 session_aal2_required from every session call', async () => {
		const tEmail = uniqueEmail('sdk-sessions-totp');
		const tReg = await registerNative(fe, tEmail, password);
		const { secret, step } = await enrolTotpNative(fe, tReg.session_token);
		const aal1 = await loginNative(fe, tEmail, password);
		const victim = await loginNative(fe, tEmail, password);
		const t = aal1.session_token;
		const calls = [
			['toSession', () => fe.toSession({ xSessionToken: t })],
			['listMySessions', () => fe.listMySessions({ xSessionToken: t })],
			['disableMyOtherSessions', () => fe.disableMyOtherSessions({ xSessionToken: t })],
			['disableMySession', () => fe.disableMySession({ id: victim.session.id, xSessionToken: t })],
		];
		for (const [name, call] of calls) {
			const res = await failsWith(call(), { status: 403, id: 'session_aal2_required' }, `${name} at aal1`);
			assert.match(res.data.redirect_browser_to || '', /\/self-service\/login\/browser\?aal=aal2/, `${name}: redirect_browser_to`);
		}
		// nothing was revoked by the refused calls
		const up = await stepUpTotpNative(fe, victim.session_token, secret, step);
		assert.equal(up.body.session.authenticator_assurance_level, 'aal2', 'the other session still works');
		// at aal2 the same calls work
		const list = await ok(fe.listMySessions({ xSessionToken: victim.session_token }), 200, 'listMySessions at aal2');
		assert.ok(list.data.some((s) => s.id === aal1.session.id), 'the aal1 session is listed');
		await ok(fe.disableMySession({ id: aal1.session.id, xSessionToken: victim.session_token }), 204);
		await failsWith(fe.toSession({ xSessionToken: t }), { status: 401 }, 'the revoked aal1 session');
	});

	it('required_aal is enforced per identity: a password-only user at aal1 is fine', async () => {
		const me = await loginNative(fe, email, password);
		const res = await ok(fe.toSession({ xSessionToken: me.session_token }), 200);
		assert.equal(res.data.authenticator_assurance_level, 'aal1');
		await ok(fe.listMySessions({ xSessionToken: me.session_token }), 200, 'listMySessions at aal1 without a second factor');
	});
});

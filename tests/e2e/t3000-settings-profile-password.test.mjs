// Settings: needs a session; profile and password forms; validation keeps
// the flow; one identity cannot use another's settings flow.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, SESSION_COOKIE, flowMessageIds, csrfOf, uniqueEmail, strongPassword,
	openFlowPage, assertRedirectToFlow, registerJson, createFlowJson, submitFlowJson,
	assertSignedIn, expectHtmlError, expectJsonError, loginAnyJson,
} from './lib/flows.mjs';

async function newUser(base, tag) {
	const c = new Client(base);
	const email = uniqueEmail(tag);
	const pw = strongPassword();
	const { res } = await registerJson(c, email, pw);
	assert.equal(res.status, 200, `setup registration: ${res.status} ${res.text.slice(0, 200)}`);
	return { c, email, pw };
}

async function canLogin(base, email, pw) {
	const r = await loginAnyJson(base, email, pw);
	return r.status === 200;
}

suite('t3000 settings', { skip: skipReason() }, () => {
	const h = useServer();
	let a;
	let b;

	before(async () => {
		if (!h.server) return;
		a = await newUser(h.server.url, 'seta');
		b = await newUser(h.server.url, 'setb');
	});

	it('without a session: HTML goes to login, JSON answers 401', async () => {
		const c = new Client(h.server.url);
		const r = await c.get('self-service/settings/browser', { accept: HTML_ACCEPT });
		assert.equal(r.status, 303, `settings/browser without a session: ${r.status}`);
		const p = new URL(r.location).pathname;
		assert.ok(p === '/self-service/login/browser' || p === '/login', `redirected to login, got ${r.location}`);
		const end = await c.follow(r);
		assert.equal(new URL(end.url).pathname, '/login', `ends on the login page: ${end.url}`);
		const j = await c.getJson('self-service/settings/browser');
		expectJsonError(j, { code: 401 });
		const page = await c.get('settings', { accept: HTML_ACCEPT });
		assert.equal(page.status, 303, `/settings without a session: ${page.status}`);
	});

	it('the profile form changes the name; 1050001 on the same flow', async () => {
		const page = await openFlowPage(a.c, 'settings');
		const res = await a.c.submitForm(page, { group: 'profile', fields: { 'traits.name': 'Ada Lovelace' } });
		const id = assertRedirectToFlow(res, a.c.base, 'settings', 'profile update: ');
		assert.equal(id, page.flowId, 'same flow');
		const after = await a.c.page(res.location);
		assert.ok(after.messages.includes(1050001), `1050001 in ${after.messages}`);
		assert.equal(after.field('traits.name', 'profile')?.value, 'Ada Lovelace', 'the form shows the new name');
		const s = await assertSignedIn(a.c, a.email);
		assert.equal(s.identity.traits.name, 'Ada Lovelace', 'whoami shows the new name');
	});

	it('changing the e-mail address to another account\'s gives 4000007', async () => {
		const page = await openFlowPage(a.c, 'settings');
		const res = await a.c.submitForm(page, { group: 'profile', fields: { 'traits.email': b.email } });
		assertRedirectToFlow(res, a.c.base, 'settings', 'duplicate e-mail: ');
		const after = await a.c.page(res.location);
		assert.ok(after.messages.includes(4000007), `4000007 in ${after.messages}`);
		await assertSignedIn(a.c, a.email);
		assert.ok(await canLogin(h.server.url, b.email, b.pw), 'b is untouched');
	});

	it('a short new password gives 4000032 and changes nothing', async () => {
		const page = await openFlowPage(a.c, 'settings');
		const short = 'Ab1$x';
		const res = await a.c.submitForm(page, { group: 'password', fields: { password: short } });
		const id = assertRedirectToFlow(res, a.c.base, 'settings', 'short password: ');
		assert.equal(id, page.flowId);
		const after = await a.c.page(res.location);
		assert.ok(after.messages.includes(4000032), `4000032 in ${after.messages}`);
		assert.ok(!after.field('password', 'password')?.value, 'password input empty');
		assert.ok(await canLogin(h.server.url, a.email, a.pw), 'the old password still works');
	});

	it('the same password again gives 4000039', async () => {
		const flow = await createFlowJson(a.c, 'settings');
		const res = await submitFlowJson(a.c, flow, { method: 'password', password: a.pw });
		assert.equal(res.status, 400, `same password: ${res.status} ${res.text.slice(0, 200)}`);
		assert.ok(flowMessageIds(res.json).includes(4000039), `4000039 in ${flowMessageIds(res.json)}`);
	});

	it('a bad CSRF token changes nothing', async () => {
		const page = await openFlowPage(a.c, 'settings');
		const pw = strongPassword('-csrf');
		const res = await a.c.submitForm(page, { group: 'password', fields: { password: pw, csrf_token: randomBytes(64).toString('base64') } });
		await expectHtmlError(a.c, res, { code: 403, id: 'security_csrf_violation' });
		const flow = await createFlowJson(a.c, 'settings');
		const jr = await submitFlowJson(a.c, flow, { method: 'password', password: pw, csrf_token: randomBytes(64).toString('base64') });
		expectJsonError(jr, { code: 403, id: 'security_csrf_violation' });
		assert.ok(!(await canLogin(h.server.url, a.email, pw)), 'the new password was not stored');
		assert.ok(await canLogin(h.server.url, a.email, a.pw), 'the old password still works');
	});

	it('another identity cannot read or submit someone else\'s settings flow', async () => {
		const flowA = await createFlowJson(a.c, 'settings');
		const read = await b.c.getJson(`self-service/settings/flows?id=${flowA.id}`);
		expectJsonError(read, { code: 403 });
		assert.ok(!read.text.includes(a.email), 'a\'s data is not shown to b');
		const flowB = await createFlowJson(b.c, 'settings');
		const pw = strongPassword('-takeover');
		const res = await b.c.post(flowA.ui.action, {
			json: { method: 'password', password: pw, csrf_token: csrfOf(flowB) },
			accept: 'application/json',
		});
		assert.ok(res.status === 403 || res.status === 401 || res.status === 404, `b posting to a's flow: ${res.status} ${res.text.slice(0, 200)}`);
		assert.ok(!(await canLogin(h.server.url, a.email, pw)), 'a\'s password was not changed by b');
		const html = await b.c.get(`settings?flow=${flowA.id}`, { accept: HTML_ACCEPT });
		assert.ok(!html.text.includes(a.email), 'a\'s settings page is not shown to b');
	});

	it('a password change keeps the current session and the new password works', async () => {
		const pw = strongPassword('-new');
		const flow = await createFlowJson(a.c, 'settings');
		const res = await submitFlowJson(a.c, flow, { method: 'password', password: pw });
		assert.equal(res.status, 200, `${res.status} ${res.text.slice(0, 200)}`);
		await assertSignedIn(a.c, a.email);
		assert.ok(await canLogin(h.server.url, a.email, pw), 'new password works');
		assert.ok(!(await canLogin(h.server.url, a.email, a.pw)), 'old password fails');
		a.pw = pw;
		assert.equal(a.c.cookie(SESSION_COOKIE) !== undefined, true);
	});
});

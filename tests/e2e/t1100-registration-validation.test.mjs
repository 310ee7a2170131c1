// Registration with bad input: each failure goes back to the same flow with
// a message id, keeps what the user typed (except the password) and creates
// no account.  Duplicate accounts (4000007), short/long passwords, missing
// fields; the password is never truncated.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, SESSION_COOKIE, findNode, flowMessageIds, uniqueEmail, strongPassword,
	openFlowPage, assertRedirectToFlow, assertRedirectTo, mustRegisterHtml, registerJson,
	createFlowJson, submitFlowJson, loginAnyJson, loginHtml, assertSignedIn,
} from './lib/flows.mjs';

/* Submit the registration form with fields; expect a 303 back to the same flow. */
async function failRegistration(c, fields, { omit } = {}) {
	const page = await openFlowPage(c, 'registration');
	const res = await c.submitForm(page, { group: 'password', fields, omit });
	const id = assertRedirectToFlow(res, c.base, 'registration', 'failed registration: ');
	assert.equal(id, page.flowId, 'a failed registration keeps the same flow id');
	assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie after a failed registration');
	const after = await c.page(res.location);
	assert.equal(after.status, 200);
	return after;
}

function assertPasswordNotEchoed(page, password) {
	const f = page.field('password');
	assert.ok(f, 'the password input is still there');
	assert.ok(!f.value, `the password input has no value (got ${JSON.stringify(f.value)})`);
	assert.ok(!page.html.includes(password), 'the page does not contain the password');
}

suite('t1100 registration validation over HTML forms', { skip: skipReason() }, () => {
	const h = useServer();

	it('a password shorter than 8 characters gives 4000032 and keeps the e-mail', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('short');
		const pw = 'Ab3$xyz';	// 7 bytes
		const page = await failRegistration(c, { 'traits.email': email, password: pw });
		assert.ok(page.messages.includes(4000032), `4000032 in ${page.messages}`);
		assert.equal(page.field('traits.email')?.value, email, 'the e-mail address is kept');
		assertPasswordNotEchoed(page, pw);
		// nothing was created: the address is still free
		await mustRegisterHtml(new Client(h.server.url), email, strongPassword());
	});

	it('a missing e-mail address gives 4000002', async () => {
		const c = new Client(h.server.url);
		const pw = strongPassword();
		const page = await failRegistration(c, { password: pw }, { omit: ['traits.email'] });
		assert.ok(page.messages.includes(4000002), `4000002 in ${page.messages}`);
		assertPasswordNotEchoed(page, pw);
	});

	it('an empty e-mail address is rejected', async () => {
		const c = new Client(h.server.url);
		const page = await failRegistration(c, { 'traits.email': '', password: strongPassword() });
		assert.ok(page.messages.some((m) => m >= 4000000 && m < 4010000), `a validation message in ${page.messages}`);
	});

	it('a missing password gives 4000002', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('nopw');
		const page = await failRegistration(c, { 'traits.email': email }, { omit: ['password'] });
		assert.ok(page.messages.includes(4000002), `4000002 in ${page.messages}`);
		assert.equal(page.field('traits.email')?.value, email);
	});

	it('an address that is not an e-mail address is rejected', async () => {
		const c = new Client(h.server.url);
		const page = await failRegistration(c, { 'traits.email': 'not-an-address', password: strongPassword() });
		assert.ok(page.messages.some((m) => m >= 4000000 && m < 4010000), `a validation message in ${page.messages}`);
		assert.equal(page.field('traits.email')?.value, 'not-an-address', 'what was typed is kept');
	});

	it('a duplicate account gives 4000007 on the same flow; the first account keeps its password', async () => {
		const email = uniqueEmail('dup');
		const pw = strongPassword('-first');
		await mustRegisterHtml(new Client(h.server.url), email, pw);
		const c = new Client(h.server.url);
		const pw2 = strongPassword('-second');
		const page = await failRegistration(c, { 'traits.email': email, password: pw2 });
		assert.ok(page.messages.includes(4000007), `4000007 in ${page.messages}`);
		assert.equal(page.field('traits.email')?.value, email, 'the e-mail address is kept');
		assertPasswordNotEchoed(page, pw2);
		// the same address in another case is the same account
		const upper = await failRegistration(new Client(h.server.url), { 'traits.email': email.toUpperCase(), password: pw2 });
		assert.ok(upper.messages.includes(4000007), `upper-case duplicate: 4000007 in ${upper.messages}`);
		// the second password was not stored
		const { res } = await loginHtml(new Client(h.server.url), email, pw2);
		assertRedirectToFlow(res, h.server.url, 'login', 'login with the rejected password: ');
		const lc = new Client(h.server.url);
		const ok = await loginHtml(lc, email, pw);
		assertRedirectTo(ok.res, lc.abs('/'), 'login with the first password: ');
	});

	it('the failed flow can be corrected and submitted', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('fix');
		const page = await failRegistration(c, { 'traits.email': email, password: 'short' });
		const pw = strongPassword();
		const res = await c.submitForm(page, { group: 'password', fields: { password: pw } });
		assertRedirectTo(res, c.abs('/'), 'corrected registration: ');
		await assertSignedIn(c, email);
	});
});

suite('t1100 registration validation over JSON', { skip: skipReason() }, () => {
	const h = useServer();

	it('400 with the same flow and node messages; nothing created', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('json');
		const flow = await createFlowJson(c, 'registration');
		const pw = 'x7$abcd';
		const res = await submitFlowJson(c, flow, { method: 'password', password: pw, traits: { email } });
		assert.equal(res.status, 400, `short password: ${res.status} ${res.text.slice(0, 300)}`);
		const f = res.json;
		assert.equal(f.id, flow.id, 'same flow');
		assert.ok(flowMessageIds(f).includes(4000032), `4000032 in ${flowMessageIds(f)}`);
		assert.equal(findNode(f, 'traits.email')?.attributes?.value, email, 'e-mail kept');
		assert.ok(!findNode(f, 'password')?.attributes?.value, 'password cleared');
		assert.ok(!res.text.includes(pw), 'password not echoed');
		const missing = await submitFlowJson(c, flow, { method: 'password', traits: { email } });
		assert.equal(missing.status, 400);
		assert.ok(flowMessageIds(missing.json).includes(4000002), `4000002 in ${flowMessageIds(missing.json)}`);
		const { res: ok } = await registerJson(new Client(h.server.url), email, strongPassword());
		assert.equal(ok.status, 200, `the address is still free: ${ok.status} ${ok.text.slice(0, 200)}`);
		const { res: dup } = await registerJson(new Client(h.server.url), email, strongPassword());
		assert.equal(dup.status, 400, `duplicate: ${dup.status}`);
		assert.ok(flowMessageIds(dup.json).includes(4000007), `4000007 in ${flowMessageIds(dup.json)}`);
	});

	it('an unknown method gives 4010003', async () => {
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const res = await submitFlowJson(c, flow, { method: 'carrier-pigeon', password: strongPassword(), traits: { email: uniqueEmail() } });
		assert.equal(res.status, 400, `unknown method: ${res.status} ${res.text.slice(0, 200)}`);
		assert.ok(flowMessageIds(res.json).includes(4010003), `4010003 in ${flowMessageIds(res.json)}`);
	});

	it('unknown traits are rejected (additionalProperties: false)', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('extra');
		const flow = await createFlowJson(c, 'registration');
		const res = await submitFlowJson(c, flow, { method: 'password', password: strongPassword(), traits: { email, admin: true } });
		assert.equal(res.status, 400, `extra trait: ${res.status} ${res.text.slice(0, 200)}`);
		const { res: ok } = await registerJson(new Client(h.server.url), email, strongPassword());
		assert.equal(ok.status, 200, 'nothing was created by the rejected request');
	});
});

suite('t1100 password length limits', { skip: skipReason() }, () => {
	const h = useServer();

	it('1024 bytes are accepted, 1025 give 4000033', async () => {
		const long = 'Lq9#'.repeat(256);	// 1024 bytes
		assert.equal(Buffer.byteLength(long), 1024);
		const e1 = uniqueEmail('max');
		const { res: ok } = await registerJson(new Client(h.server.url), e1, long);
		assert.equal(ok.status, 200, `1024-byte password: ${ok.status} ${ok.text.slice(0, 200)}`);
		const l1 = await loginAnyJson(h.server.url, e1, long);
		assert.equal(l1.status, 200, `login with the 1024-byte password: ${l1.status}`);

		const e2 = uniqueEmail('toolong');
		const c = new Client(h.server.url);
		const { res: bad } = await registerJson(c, e2, long + 'x');
		assert.equal(bad.status, 400, `1025-byte password: ${bad.status} ${bad.text.slice(0, 200)}`);
		assert.ok(flowMessageIds(bad.json).includes(4000033), `4000033 in ${flowMessageIds(bad.json)}`);
		assert.ok(!bad.text.includes(long), 'password not echoed');
	});

	it('a 100-character password is used whole: no prefix of it works', async () => {
		const pw = ('Vx7!' + 'abcdefghij'.repeat(10)).slice(0, 100);
		assert.equal(pw.length, 100);
		const email = uniqueEmail('trunc');
		const c = new Client(h.server.url);
		const { res } = await registerJson(c, email, pw);
		assert.equal(res.status, 200, `register: ${res.status} ${res.text.slice(0, 200)}`);
		const good = await loginAnyJson(h.server.url, email, pw);
		assert.equal(good.status, 200, `login with the whole password: ${good.status}`);
		for (const n of [99, 72, 64, 56]) {
			const r = await loginAnyJson(h.server.url, email, pw.slice(0, n));
			assert.equal(r.status, 400, `login with the first ${n} characters must fail, got ${r.status}`);
			assert.ok(flowMessageIds(r.body).includes(4000006), `4000006 for the ${n}-character prefix`);
		}
		const r = await loginAnyJson(h.server.url, email, pw + 'Z');
		assert.equal(r.status, 400, 'a longer password must fail');
	});

	it('a multi-byte password works exactly', async () => {
		const pw = 'pässwörd-ÅÄÖ-' + 'ü'.repeat(10);
		const email = uniqueEmail('utf8');
		const { res } = await registerJson(new Client(h.server.url), email, pw);
		assert.equal(res.status, 200, `register: ${res.status} ${res.text.slice(0, 200)}`);
		assert.equal((await loginAnyJson(h.server.url, email, pw)).status, 200, 'exact password');
		assert.equal((await loginAnyJson(h.server.url, email, pw.replace('ü', 'u'))).status, 400, 'a near miss fails');
	});
});

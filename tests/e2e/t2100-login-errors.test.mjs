// Login failures: a wrong password and an unknown account look the same
// (4000006); missing fields give 4000002; the flow, the identifier and no
// password are kept; CSRF failures sign nobody in.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, SESSION_COOKIE, flowMessageIds, findNode, uniqueEmail, strongPassword,
	openFlowPage, assertRedirectToFlow, assertRedirectTo, registerJson, createFlowJson,
	submitFlowJson, assertSignedOut, assertSignedIn, expectHtmlError, expectJsonError, mustLoginHtml,
} from './lib/flows.mjs';

suite('t2100 login errors', { skip: skipReason() }, () => {
	const h = useServer();
	const email = uniqueEmail('login');
	const pw = strongPassword();

	before(async () => {
		if (!h.server) return;
		const { res } = await registerJson(new Client(h.server.url), email, pw);
		assert.equal(res.status, 200, `setup registration: ${res.status} ${res.text.slice(0, 200)}`);
	});

	async function failLogin(identifier, password, omit) {
		const c = new Client(h.server.url);
		const page = await openFlowPage(c, 'login');
		const fields = {};
		if (identifier !== undefined) fields.identifier = identifier;
		if (password !== undefined) fields.password = password;
		const res = await c.submitForm(page, { group: 'password', fields, omit });
		const id = assertRedirectToFlow(res, c.base, 'login', 'failed login: ');
		assert.equal(id, page.flowId, 'a failed login keeps the flow');
		assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie');
		await assertSignedOut(c);
		return { c, page: await c.page(res.location) };
	}

	it('a wrong password and an unknown account both give 4000006, and nothing else', async () => {
		const wrong = strongPassword('-wrong');
		const a = (await failLogin(email, wrong)).page;
		const b = (await failLogin(uniqueEmail('nobody'), wrong)).page;
		assert.ok(a.messages.includes(4000006), `wrong password: 4000006 in ${a.messages}`);
		assert.ok(b.messages.includes(4000006), `unknown account: 4000006 in ${b.messages}`);
		assert.deepEqual(a.messages, b.messages, 'the same messages for both');
		assert.equal(a.field('identifier')?.value, email, 'the identifier is kept');
		for (const p of [a, b]) {
			assert.ok(!p.field('password')?.value, 'the password input is empty');
			assert.ok(!p.html.includes(wrong), 'the password is not echoed');
		}
	});

	it('a wrong password and an unknown account answer the same JSON', async () => {
		const out = [];
		for (const id of [email, uniqueEmail('nobody')]) {
			const c = new Client(h.server.url);
			const flow = await createFlowJson(c, 'login');
			const res = await submitFlowJson(c, flow, { method: 'password', identifier: id, password: 'Wrong-Password-123' });
			assert.equal(res.status, 400, `${id}: ${res.status}`);
			out.push(res.json.ui.messages?.map((m) => [m.id, m.text, m.type]));
		}
		assert.deepEqual(out[0], out[1]);
		assert.ok(out[0].some(([id]) => id === 4000006));
	});

	it('a missing identifier or password gives 4000002', async () => {
		const a = (await failLogin(undefined, strongPassword(), ['identifier'])).page;
		assert.ok(a.messages.includes(4000002), `missing identifier: 4000002 in ${a.messages}`);
		const b = (await failLogin(email, undefined, ['password'])).page;
		assert.ok(b.messages.includes(4000002), `missing password: 4000002 in ${b.messages}`);
		assert.equal(b.field('identifier')?.value, email);
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'login');
		const res = await submitFlowJson(c, flow, { method: 'password', identifier: email });
		assert.equal(res.status, 400);
		assert.ok(flowMessageIds(res.json).includes(4000002), `JSON: 4000002 in ${flowMessageIds(res.json)}`);
		assert.ok(findNode(res.json, 'password'), 'password node still there');
	});

	it('an unknown method gives 4010002', async () => {
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'login');
		const res = await submitFlowJson(c, flow, { method: 'telepathy', identifier: email, password: pw });
		assert.equal(res.status, 400, `${res.status} ${res.text.slice(0, 200)}`);
		assert.ok(flowMessageIds(res.json).includes(4010002), `4010002 in ${flowMessageIds(res.json)}`);
		assert.equal(c.cookie(SESSION_COOKIE), undefined);
	});

	it('the e-mail identifier is case-insensitive and trimmed', async () => {
		const c = new Client(h.server.url);
		await mustLoginHtml(c, `  ${email.toUpperCase()} `, pw);
		await assertSignedIn(c, email);
	});

	it('the right password with a bad CSRF token signs nobody in', async () => {
		for (const how of ['omit', 'forge', 'nocookie']) {
			const c = new Client(h.server.url);
			const page = await openFlowPage(c, 'login');
			const opts = { group: 'password', fields: { identifier: email, password: pw } };
			if (how === 'omit') opts.omit = ['csrf_token'];
			if (how === 'forge') opts.fields.csrf_token = randomBytes(64).toString('base64');
			if (how === 'nocookie') c.deleteCookie(c.csrfCookieName());
			const res = await c.submitForm(page, opts);
			await expectHtmlError(c, res, { code: 403, id: 'security_csrf_violation' });
			assert.equal(c.cookie(SESSION_COOKIE), undefined, `${how}: no session cookie`);
			await assertSignedOut(c);

			const jc = new Client(h.server.url);
			const flow = await createFlowJson(jc, 'login');
			const body = { method: 'password', identifier: email, password: pw };
			if (how === 'forge') body.csrf_token = randomBytes(64).toString('base64');
			if (how === 'nocookie') jc.deleteCookie(jc.csrfCookieName());
			const jr = await submitFlowJson(jc, flow, body, { withCsrf: how === 'nocookie' });
			expectJsonError(jr, { code: 403, id: 'security_csrf_violation' });
			assert.equal(jc.cookie(SESSION_COOKIE), undefined, `${how} (JSON): no session cookie`);
		}
	});

	it('a signed-in browser opening login is sent on; JSON gets session_already_available', async () => {
		const c = new Client(h.server.url);
		await mustLoginHtml(c, email, pw);
		const r = await c.get('self-service/login/browser', { accept: HTML_ACCEPT });
		assertRedirectTo(r, c.abs('/'), 'login/browser with a session: ');
		const j = await c.getJson('self-service/login/browser');
		expectJsonError(j, { code: 400, id: 'session_already_available' });
		const rr = await c.get('self-service/registration/browser', { accept: HTML_ACCEPT });
		assertRedirectTo(rr, c.abs('/'), 'registration/browser with a session: ');
	});
});

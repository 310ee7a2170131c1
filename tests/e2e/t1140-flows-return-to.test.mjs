// return_to on flow creation: URLs off the public base URL are refused with
// self_service_flow_return_to_forbidden (400); URLs on it are kept on the
// flow and used after success.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, JSON_ACCEPT, uniqueEmail, strongPassword, assertRedirectToFlow,
	registerJson, expectHtmlError, expectJsonError, submitFlowJson,
} from './lib/flows.mjs';

const FORBIDDEN = { code: 400, id: 'self_service_flow_return_to_forbidden' };

suite('t1140 return_to', { skip: skipReason() }, () => {
	const h = useServer();
	const email = uniqueEmail('returnto');
	const pw = strongPassword();
	let user;
	let evil;

	before(async () => {
		if (!h.server) return;
		user = new Client(h.server.url);
		const { res } = await registerJson(user, email, pw);
		assert.equal(res.status, 200, `setup registration: ${res.status}`);
		const port = h.server.port;
		evil = [
			'https://evil.example/',
			'http://evil.example/',
			'//evil.example/x',
			`http://127.0.0.1:${port}.evil.example/`,
			`http://127.0.0.1:${port}@evil.example/`,
			'http://localhost.evil.example/',
			`https://127.0.0.1:${port}/`,
			`http://127.0.0.1:${port + 1}/`,
			'javascript:alert(1)',
			'data:text/html,hi',
		];
	});

	for (const kind of ['login', 'registration', 'settings']) {
		it(`${kind}: a foreign return_to is refused (JSON 400, HTML error page)`, async () => {
			for (const u of evil) {
				const c = kind === 'settings' ? user : new Client(h.server.url);
				const q = `self-service/${kind}/browser?return_to=${encodeURIComponent(u)}`;
				const j = await c.get(q, { accept: JSON_ACCEPT });
				const body = expectJsonError(j, FORBIDDEN);
				assert.ok(!JSON.stringify(body).includes('<script'), 'no markup in the error');
				const r = await c.get(q, { accept: HTML_ACCEPT });
				if (r.status === 303) {
					assert.notEqual(new URL(r.location).host, 'evil.example', `redirected to ${r.location}`);
				}
				await expectHtmlError(c, r, FORBIDDEN);
			}
		});

		it(`${kind}: a return_to on the base URL is allowed and kept on the flow`, async () => {
			const c = kind === 'settings' ? user : new Client(h.server.url);
			const target = `${h.server.url}somewhere?x=1`;
			const j = await c.get(`self-service/${kind}/browser?return_to=${encodeURIComponent(target)}`, { accept: JSON_ACCEPT });
			assert.equal(j.status, 200, `allowed return_to: ${j.status} ${j.text.slice(0, 200)}`);
			assert.equal(j.json.return_to, target, 'flow.return_to');
			const r = await c.get(`self-service/${kind}/browser?return_to=${encodeURIComponent(target)}`, { accept: HTML_ACCEPT });
			assertRedirectToFlow(r, c.base, kind, 'allowed return_to (HTML): ');
		});
	}

	it('login and registration send the browser to return_to after success', async () => {
		const target = `${h.server.url}somewhere`;
		const c = new Client(h.server.url);
		const r = await c.get(`self-service/login/browser?return_to=${encodeURIComponent(target)}`, { accept: HTML_ACCEPT });
		assertRedirectToFlow(r, c.base, 'login', 'login with return_to: ');
		const page = await c.page(r.location);
		const res = await c.submitForm(page, { group: 'password', fields: { identifier: email, password: pw } });
		assert.equal(res.status, 303, `login: ${res.status}`);
		assert.equal(res.location, target, 'after login the browser goes to return_to');

		const rc = new Client(h.server.url);
		const rr = await rc.get(`self-service/registration/browser?return_to=${encodeURIComponent(target)}`, { accept: HTML_ACCEPT });
		const rpage = await rc.page(rr.location);
		const rres = await rc.submitForm(rpage, { group: 'password', fields: { 'traits.email': uniqueEmail('rt'), password: strongPassword() } });
		assert.equal(rres.status, 303, `registration: ${rres.status}`);
		assert.equal(rres.location, target, 'after registration the browser goes to return_to');
	});

	it('JSON login success names return_to in continue_with', async () => {
		const target = `${h.server.url}somewhere`;
		const c = new Client(h.server.url);
		const j = await c.get(`self-service/login/browser?return_to=${encodeURIComponent(target)}`, { accept: JSON_ACCEPT });
		assert.equal(j.status, 200);
		const res = await submitFlowJson(c, j.json, { method: 'password', identifier: email, password: pw });
		assert.equal(res.status, 200, `login: ${res.status} ${res.text.slice(0, 200)}`);
		const item = (res.json.continue_with || []).find((x) => x.action === 'redirect_browser_to');
		assert.ok(item, `continue_with has redirect_browser_to: ${JSON.stringify(res.json.continue_with)}`);
		assert.equal(item.redirect_browser_to, target);
	});
});

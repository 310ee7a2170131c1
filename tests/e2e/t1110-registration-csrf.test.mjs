// CSRF on registration: a submission without the csrf_token field, with a
// wrong one, or without the CSRF cookie is refused with
// security_csrf_violation (HTML: error page, JSON: 403) and changes nothing.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, SESSION_COOKIE, uniqueEmail, strongPassword, openFlowPage, mustRegisterHtml,
	createFlowJson, submitFlowJson, registerJson, expectHtmlError, expectJsonError,
} from './lib/flows.mjs';

const CSRF = { code: 403, id: 'security_csrf_violation' };

/* A token of the right shape that is not the right one. */
function forgedToken(real) {
	const len = real ? Buffer.from(real, 'base64').length || 64 : 64;
	return randomBytes(len).toString('base64');
}

const cases = [
	['without the csrf_token field', (c, page) => ({ omit: ['csrf_token'] })],
	['with a wrong csrf_token', (c, page) => ({ fields: { csrf_token: forgedToken(page.field('csrf_token')?.value) } })],
	['with an empty csrf_token', () => ({ fields: { csrf_token: '' } })],
	['without the CSRF cookie', (c) => {
		const name = c.csrfCookieName();
		assert.ok(name, 'the flow set a csrf_token_<hash> cookie');
		c.deleteCookie(name);
		return {};
	}],
	['with the CSRF cookie of another browser', async (c, page, base) => {
		const other = new Client(base);
		await openFlowPage(other, 'registration');
		const name = c.csrfCookieName();
		c.setCookie(name, other.cookie(other.csrfCookieName()));
		return {};
	}],
];

suite('t1110 registration CSRF over HTML forms', { skip: skipReason() }, () => {
	const h = useServer();

	for (const [label, mutate] of cases) {
		it(`a POST ${label} is refused and creates no account`, async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('csrf');
			const pw = strongPassword();
			const page = await openFlowPage(c, 'registration');
			const how = await mutate(c, page, h.server.url);
			const res = await c.submitForm(page, {
				group: 'password',
				...how,
				fields: { 'traits.email': email, password: pw, ...(how.fields || {}) },
			});
			await expectHtmlError(c, res, CSRF);
			assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie');
			// nothing was created: the same address registers fine now
			await mustRegisterHtml(new Client(h.server.url), email, strongPassword());
		});
	}

	it('the CSRF error page offers no password form', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('csrfpage');
		const page = await openFlowPage(c, 'registration');
		const res = await c.submitForm(page, { group: 'password', omit: ['csrf_token'], fields: { 'traits.email': email, password: strongPassword() } });
		const { page: errPage } = await expectHtmlError(c, res, CSRF);
		assert.ok(!errPage.forms.some((f) => f.fields.some((x) => x.name === 'password')), 'no password form on the error page');
	});
});

suite('t1110 registration CSRF over JSON', { skip: skipReason() }, () => {
	const h = useServer();

	const jsonCases = [
		['without csrf_token', (c, flow, body) => { delete body.csrf_token; }],
		['with a wrong csrf_token', (c, flow, body) => { body.csrf_token = forgedToken(body.csrf_token); }],
		['without the CSRF cookie', (c) => { c.deleteCookie(c.csrfCookieName()); }],
	];
	for (const [label, mutate] of jsonCases) {
		it(`a JSON POST ${label} answers 403 security_csrf_violation and creates no account`, async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('csrfjson');
			const flow = await createFlowJson(c, 'registration');
			const body = { method: 'password', password: strongPassword(), traits: { email }, csrf_token: flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token')?.attributes?.value };
			await mutate(c, flow, body);
			const res = await submitFlowJson(c, flow, body, { withCsrf: false });
			expectJsonError(res, CSRF);
			assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie');
			const { res: ok } = await registerJson(new Client(h.server.url), email, strongPassword());
			assert.equal(ok.status, 200, `the address is still free: ${ok.status} ${ok.text.slice(0, 200)}`);
		});
	}

	it('GET /self-service/registration/flows without the CSRF cookie answers 403', async () => {
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const res = await c.getJson(`self-service/registration/flows?id=${flow.id}`, { cookies: false });
		expectJsonError(res, CSRF);
		const ok = await c.getJson(`self-service/registration/flows?id=${flow.id}`);
		assert.equal(ok.status, 200, 'with the cookie the flow is returned');
	});
});

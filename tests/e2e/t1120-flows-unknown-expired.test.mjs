// Unknown and expired flows.  A page opened with an unknown flow id starts a
// fresh flow; the JSON API answers 404.  A submission to an expired flow
// restarts it (HTML: 303 to a new flow showing 4010001 / 4040001 / 4050001;
// JSON: 410 self_service_flow_expired with use_flow_id).

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { suite, useServer, skipReason, sleep } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, JSON_ACCEPT, UUID_RE, SESSION_COOKIE, 
	uniqueEmail, strongPassword, openFlowPage, followToFlowPage, registerJson, createFlowJson,
	submitFlowJson, expectJsonError,
} from './lib/flows.mjs';

suite('t1120 unknown flow ids', { skip: skipReason() }, () => {
	const h = useServer();
	let signedIn;

	before(async () => {
		if (!h.server) return;
		signedIn = new Client(h.server.url);
		const { res } = await registerJson(signedIn, uniqueEmail('unknown'), strongPassword());
		assert.equal(res.status, 200, `setup registration: ${res.status} ${res.text.slice(0, 200)}`);
	});

	for (const kind of ['login', 'registration', 'settings']) {
		it(`/${kind}?flow=<unknown uuid> starts a fresh flow`, async () => {
			const c = kind === 'settings' ? signedIn : new Client(h.server.url);
			const stale = randomUUID();
			const res = await c.get(`${kind}?flow=${stale}`, { accept: HTML_ACCEPT });
			const page = await followToFlowPage(c, res, kind, `GET /${kind}?flow=<unknown>: `);
			assert.notEqual(page.flowId, stale, 'a new flow id');
			assert.ok(page.forms.length > 0, 'the new flow renders its form');
		});

		it(`/${kind} without ?flow= and with a malformed id starts a fresh flow`, async () => {
			const c = kind === 'settings' ? signedIn : new Client(h.server.url);
			for (const q of ['', '?flow=', '?flow=not-a-uuid', '?flow=00000000-0000-0000-0000-00000000000g', '?flow=%27%22%3C', `?flow=${'a'.repeat(5000)}`]) {
				const res = await c.get(`${kind}${q}`, { accept: HTML_ACCEPT });
				await followToFlowPage(c, res, kind, `GET /${kind}${q.slice(0, 40)}: `);
			}
		});

		it(`GET /self-service/${kind}/flows?id=<unknown uuid> answers 404`, async () => {
			const c = kind === 'settings' ? signedIn : new Client(h.server.url);
			const res = await c.getJson(`self-service/${kind}/flows?id=${randomUUID()}`);
			expectJsonError(res, { code: 404 });
			const bad = await c.getJson(`self-service/${kind}/flows?id=not-a-uuid`);
			assert.ok(bad.status === 404 || bad.status === 400, `malformed id: ${bad.status}`);
			assert.ok(bad.json.error, 'malformed id: error envelope');
		});

		it(`POST /self-service/${kind}?flow=<unknown uuid> changes nothing`, async () => {
			const c = kind === 'settings' ? signedIn : new Client(h.server.url);
			const body = kind === 'login'
				? { method: 'password', identifier: uniqueEmail(), password: strongPassword() }
				: kind === 'registration'
					? { method: 'password', password: strongPassword(), traits: { email: uniqueEmail() } }
					: { method: 'password', password: strongPassword() };
			const j = await c.post(`self-service/${kind}?flow=${randomUUID()}`, { json: body, accept: JSON_ACCEPT });
			expectJsonError(j, { code: 404 });
			const form = await c.post(`self-service/${kind}?flow=${randomUUID()}`, {
				form: Object.fromEntries(Object.entries(body).map(([k, v]) => (typeof v === 'object' ? ['traits.email', v.email] : [k, v]))),
				accept: HTML_ACCEPT,
			});
			assert.ok(form.status < 500, `HTML POST to an unknown flow: ${form.status}`);
			if (form.status === 303) {
				assert.notEqual(new URL(form.location).pathname, '/', 'not sent on as if it had worked');
			}
			const missing = await c.post(`self-service/${kind}`, { json: body, accept: JSON_ACCEPT });
			assert.ok(missing.status === 400 || missing.status === 404, `POST without ?flow=: ${missing.status}`);
			assert.ok(missing.json.error, 'POST without ?flow=: error envelope');
		});
	}
});

suite('t1120 expired flows', { skip: skipReason() }, () => {
	const h = useServer({
		config: {
			'selfservice.flows.login.lifespan': '2s',
			'selfservice.flows.registration.lifespan': '2s',
			'selfservice.flows.settings.lifespan': '2s',
		},
	});
	const pw = strongPassword();
	const email = uniqueEmail('expiry');
	const f = {};	// the flows made before the wait
	let user;

	before(async () => {
		if (!h.server) return;
		user = new Client(h.server.url);
		const { res } = await registerJson(user, email, pw);
		assert.equal(res.status, 200, `setup registration: ${res.status} ${res.text.slice(0, 200)}`);
		f.loginHtml = new Client(h.server.url);
		f.loginPage = await openFlowPage(f.loginHtml, 'login');
		f.loginJsonClient = new Client(h.server.url);
		f.loginJson = await createFlowJson(f.loginJsonClient, 'login');
		f.regHtml = new Client(h.server.url);
		f.regPage = await openFlowPage(f.regHtml, 'registration');
		f.regJsonClient = new Client(h.server.url);
		f.regJson = await createFlowJson(f.regJsonClient, 'registration');
		f.setPage = await openFlowPage(user, 'settings');
		f.setJson = await createFlowJson(user, 'settings');
		const latest = Math.max(...[f.loginJson, f.regJson, f.setJson].map((x) => Date.parse(x.expires_at)));
		assert.ok(latest - Date.now() < 5000, `lifespan 2s: flows expire at ${new Date(latest).toISOString()}`);
		// The one fixed wait of the suite: until every flow above has expired.
		await sleep(Math.max(0, latest - Date.now()) + 1200);
	});

	const htmlCase = (kind, pageKey, client, fields, msg) => async () => {
		const c = client();
		const page = f[pageKey];
		const res = await c.submitForm(page, { group: 'password', fields });
		const fresh = await followToFlowPage(c, res, kind, `submit to an expired ${kind} flow: `);
		assert.notEqual(fresh.flowId, page.flowId, 'a NEW flow');
		if (!fresh.messages.includes(msg)) {
			// Kratos keeps expired flows (410); one that is gone (404) looks unknown.
			const known = await c.getJson(`self-service/${kind}/flows?id=${page.flowId}`);
			assert.fail(`the new ${kind} page should show ${msg}, has [${fresh.messages}]; ` +
			    `GET /self-service/${kind}/flows?id=<expired flow> now answers ${known.status} ${known.text.slice(0, 160)}`);
		}
		return fresh;
	};

	it('HTML login: 303 to a new flow showing 4010001; it then works', async () => {
		const fresh = await htmlCase('login', 'loginPage', () => f.loginHtml, { identifier: email, password: pw }, 4010001)();
		assert.equal(f.loginHtml.cookie(SESSION_COOKIE), undefined, 'no session from an expired flow');
		const res = await f.loginHtml.submitForm(fresh, { group: 'password', fields: { identifier: email, password: pw } });
		assert.equal(res.status, 303);
		assert.equal(res.location, f.loginHtml.abs('/'), 'the new flow signs in');
	});

	it('HTML registration: 303 to a new flow showing 4040001; no account created', async () => {
		const e = uniqueEmail('expreg');
		await htmlCase('registration', 'regPage', () => f.regHtml, { 'traits.email': e, password: strongPassword() }, 4040001)();
		assert.equal(f.regHtml.cookie(SESSION_COOKIE), undefined);
		const { res } = await registerJson(new Client(h.server.url), e, strongPassword());
		assert.equal(res.status, 200, 'the address is still free');
	});

	it('HTML settings: 303 to a new flow showing 4050001; password unchanged', async () => {
		await htmlCase('settings', 'setPage', () => user, { password: strongPassword('-new') }, 4050001)();
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'login');
		const res = await submitFlowJson(c, flow, { method: 'password', identifier: email, password: pw });
		assert.equal(res.status, 200, 'the old password still works');
	});

	const jsonCase = (kind, client, flowKey, body) => async () => {
		const c = client();
		const flow = f[flowKey];
		const res = await submitFlowJson(c, flow, body);
		const err = expectJsonError(res, { code: 410, id: 'self_service_flow_expired' });
		assert.match(err.use_flow_id || '', UUID_RE, 'use_flow_id');
		assert.notEqual(err.use_flow_id, flow.id, 'use_flow_id is a new flow');
		assert.ok(err.expired_at, 'expired_at');
		const next = await c.getJson(`self-service/${kind}/flows?id=${err.use_flow_id}`);
		assert.equal(next.status, 200, `the use_flow_id flow can be fetched: ${next.status} ${next.text.slice(0, 200)}`);
		assert.ok(Date.parse(next.json.expires_at) > Date.now(), 'the new flow is not expired');
		const old = await c.getJson(`self-service/${kind}/flows?id=${flow.id}`);
		expectJsonError(old, { code: 410, id: 'self_service_flow_expired' });
		return { err, next: next.json };
	};

	it('JSON login: 410 self_service_flow_expired with use_flow_id', async () => {
		const { next } = await jsonCase('login', () => f.loginJsonClient, 'loginJson', { method: 'password', identifier: email, password: pw })();
		const res = await submitFlowJson(f.loginJsonClient, next, { method: 'password', identifier: email, password: pw });
		assert.equal(res.status, 200, `login on use_flow_id: ${res.status} ${res.text.slice(0, 200)}`);
	});

	it('JSON registration: 410 self_service_flow_expired with use_flow_id', async () => {
		await jsonCase('registration', () => f.regJsonClient, 'regJson', { method: 'password', password: strongPassword(), traits: { email: uniqueEmail() } })();
		assert.equal(f.regJsonClient.cookie(SESSION_COOKIE), undefined);
	});

	it('JSON settings: 410 self_service_flow_expired with use_flow_id', async () => {
		await jsonCase('settings', () => user, 'setJson', { method: 'password', password: strongPassword('-x') })();
	});
});

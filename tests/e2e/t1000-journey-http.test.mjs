// The whole account journey over plain HTTP: first as a browser without
// JavaScript (HTML forms, 303 redirects, cookies), then as a single-page app
// (browser flows with Accept: application/json) and a native app (api flows,
// session tokens), asserting Kratos's shapes.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, JSON_ACCEPT, UUID_RE, SESSION_COOKIE, csrfOf, findNode, flowMessageIds,
	uniqueEmail, strongPassword, openFlowPage, assertRedirectTo, assertRedirectToFlow,
	mustRegisterHtml, mustLoginHtml, loginHtml, assertSignedIn, assertSignedOut, logoutBrowser,
	createFlowJson, submitFlowJson, whoami,
} from './lib/flows.mjs';

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function assertSessionShape(s, email) {
	assert.match(s.id || '', UUID_RE, 'session.id');
	assert.equal(s.active, true, 'session.active');
	assert.equal(s.authenticator_assurance_level, 'aal1', 'session.authenticator_assurance_level');
	for (const k of ['expires_at', 'authenticated_at', 'issued_at']) {
		assert.match(s[k] || '', ISO_RE, `session.${k}`);
	}
	assert.ok(Date.parse(s.expires_at) > Date.now(), 'session.expires_at is in the future');
	assert.ok(Array.isArray(s.authentication_methods) && s.authentication_methods.length >= 1,
	    'session.authentication_methods');
	const m = s.authentication_methods.at(-1);
	assert.equal(m.method, 'password', 'authentication_methods[].method');
	assert.equal(m.aal, 'aal1', 'authentication_methods[].aal');
	assert.match(m.completed_at || '', ISO_RE, 'authentication_methods[].completed_at');
	assert.equal(s.identity?.traits?.email, email, 'session.identity.traits.email');
	assert.match(s.identity?.id || '', UUID_RE, 'session.identity.id');
	assert.equal(s.identity?.credentials, undefined, 'whoami must not expose credentials');
}

suite('t1000 journey over HTML forms (no JavaScript)', { skip: skipReason() }, () => {
	const h = useServer();
	const email = uniqueEmail('journey');
	const pw1 = strongPassword('-one');
	const pw2 = strongPassword('-two');
	let c;

	it('GET /self-service/registration/browser redirects to a page with the sign-up form', async () => {
		c = new Client(h.server.url);
		const page = await openFlowPage(c, 'registration');
		assert.ok(c.csrfCookieName(), `a csrf_token_<hash> cookie is set; cookies: ${c.cookieNames()}`);
		const form = page.forms.find((f) => f.buttons.some((b) => b.name === 'method' && b.value === 'password'));
		assert.ok(form, 'a form with a method=password submit button');
		assert.equal(form.method, 'POST', 'form method');
		const action = new URL(form.action, page.url);
		assert.equal(action.pathname, '/self-service/registration', 'form action path');
		assert.equal(action.searchParams.get('flow'), page.flowId, 'form action carries the flow id');
		const names = form.fields.map((f) => f.name);
		for (const n of ['csrf_token', 'traits.email', 'password']) assert.ok(names.includes(n), `field ${n} in ${names}`);
		assert.equal(form.fields.find((f) => f.name === 'csrf_token').type, 'hidden', 'csrf_token is hidden');
		assert.ok(form.fields.find((f) => f.name === 'csrf_token').value, 'csrf_token has a value');
		assert.equal(form.fields.find((f) => f.name === 'password').type, 'password', 'password input type');
	});

	it('registers and lands on / signed in', async () => {
		await mustRegisterHtml(c, email, pw1);
		const home = await c.page('/');
		assert.equal(home.status, 200);
		assert.ok(home.html.includes(email), 'the home page shows the signed-in e-mail address');
	});

	it('whoami answers the session: aal1, password, the e-mail address', async () => {
		const r = await whoami(c);
		assert.equal(r.status, 200, `whoami: ${r.status} ${r.text.slice(0, 300)}`);
		assertSessionShape(r.json, email);
		assert.equal(r.headers.get('x-kratos-authenticated-identity-id'), r.json.identity.id,
		    'X-Kratos-Authenticated-Identity-Id header');
	});

	it('signs out through the logout URL', async () => {
		const { res, token } = await logoutBrowser(c);
		assert.match(token, /^ory_lo_[A-Za-z0-9]{32,}$/, 'logout_token format');
		assertRedirectTo(res, c.abs('/'), 'GET logout_url: ');
		const cleared = res.setCookies.find((x) => x.name === SESSION_COOKIE);
		assert.ok(cleared, 'the logout response clears the session cookie');
		assert.equal(c.cookie(SESSION_COOKIE), undefined, 'session cookie removed from the jar');
		await assertSignedOut(c);
	});

	it('signs in again with the password', async () => {
		await mustLoginHtml(c, email, pw1);
		const s = await assertSignedIn(c, email);
		assert.equal(s.authenticator_assurance_level, 'aal1');
	});

	it('changes the password in settings', async () => {
		const page = await openFlowPage(c, 'settings');
		const profile = page.field('traits.email', 'profile');
		assert.ok(profile, 'settings shows the profile form');
		assert.equal(profile.value, email, 'profile form holds the current e-mail address');
		assert.ok(page.field('password', 'password'), 'settings shows the password form');
		// one form per group, each with its own CSRF token
		const withCsrf = page.forms.filter((f) => f.fields.some((x) => x.name === 'csrf_token'));
		assert.ok(withCsrf.length >= 2, `each settings form carries csrf_token (${withCsrf.length} do)`);
		const res = await c.submitForm(page, { group: 'password', fields: { password: pw2 } });
		const id = assertRedirectToFlow(res, c.base, 'settings', 'settings submit: ');
		assert.equal(id, page.flowId, 'settings success returns to the same flow');
		const after = await c.page(res.location);
		assert.ok(after.messages.includes(1050001), `settings page shows 1050001, has ${after.messages}`);
		assert.ok(!after.html.includes(pw2), 'the new password is not echoed');
	});

	it('signs out; the old password fails with 4000006, the new one works', async () => {
		const { res } = await logoutBrowser(c);
		assertRedirectTo(res, c.abs('/'), 'logout: ');
		await assertSignedOut(c);

		const { page, res: bad } = await loginHtml(c, email, pw1);
		const id = assertRedirectToFlow(bad, c.base, 'login', 'login with the old password: ');
		assert.equal(id, page.flowId, 'a failed login keeps the flow');
		const again = await c.page(bad.location);
		assert.ok(again.messages.includes(4000006), `login page shows 4000006, has ${again.messages}`);
		assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie after a failed login');
		await assertSignedOut(c);

		const res2 = await c.submitForm(again, { group: 'password', fields: { identifier: email, password: pw2 } });
		assertRedirectTo(res2, c.abs('/'), 'login with the new password on the same flow: ');
		await assertSignedIn(c, email);
	});
});

suite('t1000 journey over JSON (SPA and native clients)', { skip: skipReason() }, () => {
	const h = useServer();
	const email = uniqueEmail('spa');
	const pw1 = strongPassword('-one');
	const pw2 = strongPassword('-two');
	let c;

	it('registration flow JSON has Kratos\'s shape', async () => {
		c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		assert.equal(flow.type, 'browser');
		assert.match(flow.issued_at || '', ISO_RE, 'issued_at');
		assert.match(flow.expires_at || '', ISO_RE, 'expires_at');
		assert.ok(Date.parse(flow.expires_at) > Date.parse(flow.issued_at), 'expires_at after issued_at');
		assert.equal(new URL(flow.request_url).pathname, '/self-service/registration/browser', 'request_url');
		assert.equal(flow.ui.method, 'POST');
		assert.equal(flow.ui.action, `${h.server.url}self-service/registration?flow=${flow.id}`, 'ui.action');
		for (const n of ['traits.email', 'csrf_token', 'password', 'method']) assert.ok(findNode(flow, n), `node ${n}`);
		const csrf = findNode(flow, 'csrf_token');
		assert.equal(csrf.type, 'input');
		assert.equal(csrf.group, 'default');
		assert.equal(csrf.attributes.type, 'hidden');
		assert.equal(typeof csrf.attributes.value, 'string');
		assert.ok(csrf.attributes.value.length > 0, 'csrf_token value');
		assert.equal(findNode(flow, 'password').attributes.type, 'password');
		assert.equal(findNode(flow, 'password').group, 'password');
		const submit = flow.ui.nodes.find((n) => n.attributes.name === 'method' && n.attributes.value === 'password');
		assert.ok(submit, 'submit node method=password');
		assert.equal(submit.attributes.type, 'submit');
		for (const n of flow.ui.nodes) {
			assert.ok(n.type && n.group && n.attributes && Array.isArray(n.messages) && n.meta,
			    `node shape ${JSON.stringify(n)}`);
		}
		assert.ok(c.csrfCookieName(), 'CSRF cookie set on flow creation');
	});

	it('registers over JSON: 200 {identity, session, continue_with} and a session cookie', async () => {
		const flow = await createFlowJson(c, 'registration');
		const res = await submitFlowJson(c, flow, { method: 'password', password: pw1, traits: { email } });
		assert.equal(res.status, 200, `registration: ${res.status} ${res.text.slice(0, 400)}`);
		const body = res.json;
		assert.equal(body.identity?.traits?.email, email, 'identity.traits.email');
		assert.match(body.identity?.id || '', UUID_RE, 'identity.id');
		assert.equal(body.identity?.credentials?.password?.config?.hashed_password, undefined,
		    'no password hash in the response');
		assert.ok(!res.text.includes(pw1), 'the password is not echoed');
		assertSessionShape(body.session, email);
		assert.ok(Array.isArray(body.continue_with), 'continue_with is an array');
		assert.equal(body.session_token, undefined, 'browser flows get a cookie, not a session_token');
		assert.ok(c.cookie(SESSION_COOKIE), 'session cookie set');
		const w = await whoami(c);
		assert.equal(w.status, 200);
		assert.equal(w.json.id, body.session.id, 'whoami answers the same session');
	});

	it('logs out over JSON: logout_url with Accept: application/json answers 204', async () => {
		const { res } = await logoutBrowser(c, { accept: JSON_ACCEPT });
		assert.ok(res.status === 204 || res.status === 303, `logout: ${res.status} ${res.text.slice(0, 200)}`);
		await assertSignedOut(c);
	});

	it('login flow JSON has requested_aal, refresh, state and the password nodes', async () => {
		const flow = await createFlowJson(c, 'login');
		assert.equal(flow.type, 'browser');
		assert.equal(flow.requested_aal, 'aal1');
		assert.equal(flow.refresh, false);
		assert.equal(flow.state, 'choose_method');
		assert.equal(flow.ui.action, `${h.server.url}self-service/login?flow=${flow.id}`, 'ui.action');
		for (const n of ['identifier', 'csrf_token', 'password', 'method']) assert.ok(findNode(flow, n), `node ${n}`);
		assert.equal(findNode(flow, 'identifier').attributes.required, true, 'identifier required');
		const again = await c.getJson(`self-service/login/flows?id=${flow.id}`);
		assert.equal(again.status, 200, `GET /self-service/login/flows: ${again.status} ${again.text.slice(0, 200)}`);
		assert.equal(again.json.id, flow.id);
	});

	it('a wrong password answers 400 with the same flow and 4000006; no password echoed', async () => {
		const flow = await createFlowJson(c, 'login');
		const res = await submitFlowJson(c, flow, { method: 'password', identifier: email, password: pw2 });
		assert.equal(res.status, 400, `wrong password: ${res.status} ${res.text.slice(0, 300)}`);
		const f = res.json;
		assert.equal(f.id, flow.id, 'same flow id');
		assert.ok(flowMessageIds(f).includes(4000006), `4000006 in ${JSON.stringify(flowMessageIds(f))}`);
		assert.equal(findNode(f, 'identifier')?.attributes?.value, email, 'identifier kept');
		assert.ok(!findNode(f, 'password')?.attributes?.value, 'password value cleared');
		assert.ok(!res.text.includes(pw2), 'password not echoed');
		assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie');
	});

	it('logs in over JSON: 200 {session, continue_with}', async () => {
		const flow = await createFlowJson(c, 'login');
		const res = await submitFlowJson(c, flow, { method: 'password', identifier: email, password: pw1 });
		assert.equal(res.status, 200, `login: ${res.status} ${res.text.slice(0, 300)}`);
		assertSessionShape(res.json.session, email);
		assert.ok(Array.isArray(res.json.continue_with), 'continue_with');
		assert.equal(res.json.session_token, undefined, 'no session_token for browser flows');
		await assertSignedIn(c, email);
	});

	it('changes the password over JSON: 200 flow, state success, 1050001', async () => {
		const flow = await createFlowJson(c, 'settings');
		assert.equal(flow.type, 'browser');
		assert.equal(flow.state, 'show_form');
		assert.equal(flow.identity?.traits?.email, email, 'settings flow carries the identity');
		assert.equal(findNode(flow, 'traits.email')?.group, 'profile');
		assert.equal(findNode(flow, 'traits.email')?.attributes?.value, email);
		assert.equal(findNode(flow, 'password')?.group, 'password');
		const res = await submitFlowJson(c, flow, { method: 'password', password: pw2 });
		assert.equal(res.status, 200, `settings: ${res.status} ${res.text.slice(0, 300)}`);
		assert.equal(res.json.id, flow.id);
		assert.equal(res.json.state, 'success');
		assert.ok(flowMessageIds(res.json).includes(1050001), `1050001 in ${flowMessageIds(res.json)}`);
		assert.ok(!res.text.includes(pw2), 'new password not echoed');
	});

	it('a native client logs in with the new password and uses its session token', async () => {
		const nc = new Client(h.server.url, { cookies: false });
		const r = await nc.getJson('self-service/login/api');
		assert.equal(r.status, 200, `GET /self-service/login/api: ${r.status} ${r.text.slice(0, 200)}`);
		const flow = r.json;
		assert.equal(flow.type, 'api');
		assert.equal(csrfOf(flow), undefined, 'api flows have no csrf_token node');
		const bad = await nc.post(flow.ui.action, { json: { method: 'password', identifier: email, password: pw1 }, accept: JSON_ACCEPT });
		assert.equal(bad.status, 400, `old password: ${bad.status}`);
		assert.ok(flowMessageIds(bad.json).includes(4000006));
		const ok = await nc.post(flow.ui.action, { json: { method: 'password', identifier: email, password: pw2 }, accept: JSON_ACCEPT });
		assert.equal(ok.status, 200, `new password: ${ok.status} ${ok.text.slice(0, 300)}`);
		assert.match(ok.json.session_token || '', /^ory_st_[A-Za-z0-9]{32,}$/, 'session_token');
		assertSessionShape(ok.json.session, email);
		assert.equal(ok.setCookies.find((x) => x.name === SESSION_COOKIE), undefined, 'api login sets no cookie');
		const w = await whoami(nc, { 'x-session-token': ok.json.session_token });
		assert.equal(w.status, 200, `whoami with X-Session-Token: ${w.status}`);
		assert.equal(w.json.identity.traits.email, email);
		const b = await whoami(nc, { authorization: `Bearer ${ok.json.session_token}` });
		assert.equal(b.status, 200, `whoami with Authorization: Bearer: ${b.status}`);
	});

	it('the HTML page and the JSON of one flow show the same inputs', async () => {
		const bc = new Client(h.server.url);
		const page = await openFlowPage(bc, 'login');
		const r = await bc.getJson(`self-service/login/flows?id=${page.flowId}`);
		assert.equal(r.status, 200, `GET /self-service/login/flows?id=: ${r.status} ${r.text.slice(0, 200)}`);
		const jsonNames = new Set(r.json.ui.nodes.filter((n) => n.type === 'input').map((n) => n.attributes.name));
		const htmlNames = new Set(page.forms.flatMap((f) => [...f.fields, ...f.buttons].map((x) => x.name)).filter(Boolean));
		assert.deepEqual([...htmlNames].sort(), [...jsonNames].sort(), 'input names');
	});
});

// security-requirements.md §8, CSRF and session cookies: attacks 01-06
// and 34.  Each test also checks (lib/attack.mjs): no 5xx, no worker died,
// no secret in audit.log or lighttpd-error.log.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { suite, useServer, skipReason, freePort } from './lib/server.mjs';
import {
	HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword, openFlowPage,
	mustRegisterHtml, mustLoginHtml, createFlowJson, submitFlowJson, expectHtmlError, expectJsonError,
	csrfOf, whoami, assertSignedIn, assertSignedOut, assertRedirectTo,
} from './lib/flows.mjs';
import { attackSuite, auditLines, mustApiRegister } from './lib/attack.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, passwordToSecondFactor, submitTotp, nextTotp,
	settingsPage,
} from './lib/mfa.mjs';

const CSRF = { code: 403, id: 'security_csrf_violation' };

/* Audit events that name a CSRF refusal. */
const csrfAuditEvents = (server) => auditLines(server).filter((e) => /csrf/i.test(`${e.event} ${e.detail || ''}`));

/* A browser signed in as a fresh user: { c, email, pw }. */
async function signedInUser(x, tag) {
	const c = x.client();
	const email = uniqueEmail(tag);
	const pw = x.secret(strongPassword());
	await mustRegisterHtml(c, email, pw);
	return { c, email, pw };
}

suite('t9200 attacks: CSRF', { skip: skipReason() }, () => {
	const h = useServer();
	const attack = attackSuite(h);

	attack('attack 01: POST login/registration/settings without csrf_token', async (x) => {
		const user = await signedInUser(x, 'a01user');
		const auditBefore = csrfAuditEvents(h.server).length;
		let refusals = 0;
		for (const kind of ['login', 'registration', 'settings']) {
			const c = kind === 'settings' ? user.c : x.client();
			const page = await openFlowPage(c, kind);
			const marker = `a01-${kind}-${randomBytes(4).toString('hex')}`;
			const fields = kind === 'login'
				? { identifier: user.email, password: user.pw }
				: kind === 'registration'
					? { 'traits.email': `${marker}@example.com`, password: x.secret(strongPassword()) }
					: { 'traits.email': user.email, 'traits.name': marker };
			const group = kind === 'settings' ? 'profile' : 'password';
			const sessionBefore = c.cookie(SESSION_COOKIE);
			const res = await c.submitForm(page, { group, omit: ['csrf_token'], fields });
			assert.deepEqual(res.setCookies.map((k) => k.raw), [], `${kind}: a refused POST sets no cookie`);
			await expectHtmlError(c, res, CSRF);
			refusals += 1;

			// JSON too
			const flow = await createFlowJson(c, kind);
			const body = kind === 'login' ? { method: 'password', identifier: user.email, password: user.pw }
				: kind === 'registration' ? { method: 'password', password: x.secret(strongPassword()), traits: { email: `${marker}j@example.com` } }
					: { method: 'profile', traits: { email: user.email, name: marker } };
			const jr = await submitFlowJson(c, flow, body, { withCsrf: false });
			expectJsonError(jr, CSRF);
			assert.deepEqual(jr.setCookies.map((k) => k.raw), [], `${kind} (JSON): no cookie`);
			refusals += 1;

			// the flow is unchanged: no messages, none of the submitted values
			const again = await c.page(page.url);
			assert.equal(again.status, 200, `${kind}: the flow page still opens`);
			assert.equal(again.flowId, page.flowId, `${kind}: same flow`);
			assert.deepEqual(again.messages, page.messages, `${kind}: no message was added to the flow`);
			assert.ok(!again.html.includes(marker), `${kind}: the submitted values were not stored on the flow`);
			assert.equal(c.cookie(SESSION_COOKIE), sessionBefore, `${kind}: the session cookie is unchanged`);
		}
		// nothing happened: not signed in as a new user, the name never changed
		const me = await assertSignedIn(user.c, user.email);
		assert.ok(!String(me.identity.traits.name || '').startsWith('a01-'), 'the profile was not changed');
		// the refusals are audited
		const events = csrfAuditEvents(h.server).length - auditBefore;
		assert.ok(events >= refusals,
		    `every CSRF refusal writes an audit event: ${refusals} refusals, ${events} audit lines naming CSRF ` +
		    `(audit.log has: ${[...new Set(auditLines(h.server).map((e) => e.event))].join(', ')})`);
	});

	attack('attack 02: csrf_token from another browser', async (x) => {
		const victim = x.client();
		const attacker = x.client();
		const email = uniqueEmail('a02');
		const pw = x.secret(strongPassword());
		const vPage = await openFlowPage(victim, 'registration');
		const aPage = await openFlowPage(attacker, 'registration');
		const foreign = aPage.field('csrf_token').value;
		assert.notEqual(victim.cookie(victim.csrfCookieName()), attacker.cookie(attacker.csrfCookieName()), 'two browsers, two CSRF cookies');
		const res = await victim.submitForm(vPage, { group: 'password', fields: { 'traits.email': email, password: pw, csrf_token: foreign } });
		await expectHtmlError(victim, res, CSRF);
		assert.equal(victim.cookie(SESSION_COOKIE), undefined, 'no session');
		// JSON, with the attacker's JSON flow token
		const vFlow = await createFlowJson(victim, 'login');
		const aFlow = await createFlowJson(attacker, 'login');
		const jr = await submitFlowJson(victim, vFlow, { method: 'password', identifier: email, password: pw, csrf_token: csrfOf(aFlow) });
		expectJsonError(jr, CSRF);
		// the victim's flow stays usable by its owner
		const ok = await victim.submitForm(vPage, { group: 'password', fields: { 'traits.email': email, password: pw } });
		assertRedirectTo(ok, victim.abs('/'), 'the owner submits the same flow: ');
		await assertSignedIn(victim, email);
	});

	attack('attack 03: valid token but no CSRF cookie', async (x) => {
		const c = x.client();
		const email = uniqueEmail('a03');
		const pw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, email, pw);
		const page = await openFlowPage(c, 'login');
		const name = c.csrfCookieName();
		const cookie = c.cookie(name);
		c.deleteCookie(name);
		const res = await c.submitForm(page, { group: 'password', fields: { identifier: email, password: pw } });
		await expectHtmlError(c, res, CSRF);
		assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session cookie');
		// no cookie header at all
		const flow = await createFlowJson(c, 'login');
		const token = csrfOf(flow);
		const jr = await c.post(flow.ui.action, { json: { method: 'password', identifier: email, password: pw, csrf_token: token }, accept: JSON_ACCEPT, cookies: false });
		expectJsonError(jr, CSRF);
		// the form itself is fine: with the cookie back it signs in
		c.setCookie(name, cookie);
		const ok = await c.submitForm(page, { group: 'password', fields: { identifier: email, password: pw } });
		assertRedirectTo(ok, c.abs('/'), 'with the cookie: ');
	});

	attack('attack 04: correct token and cookie, cross-site Origin or Sec-Fetch-Site', async (x) => {
		const email = uniqueEmail('a04');
		const pw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, email, pw);
		const hostile = [
			{ origin: 'https://evil.example' },
			{ origin: 'null' },
			{ origin: `${new URL(h.server.url).origin}.evil.example` },
			{ 'sec-fetch-site': 'cross-site' },
			{ 'sec-fetch-site': 'same-site' },
		];
		for (const headers of hostile) {
			const c = x.client();
			const page = await openFlowPage(c, 'login');
			const form = new URLSearchParams({ csrf_token: page.field('csrf_token').value, method: 'password', identifier: email, password: pw });
			const res = await c.post(`self-service/login?flow=${page.flowId}`, { form, accept: HTML_ACCEPT, headers });
			await expectHtmlError(c, res, CSRF);
			assert.equal(c.cookie(SESSION_COOKIE), undefined, `${JSON.stringify(headers)}: no session`);
			const flow = await createFlowJson(c, 'login');
			const jr = await submitFlowJson(c, flow, { method: 'password', identifier: email, password: pw }, { headers });
			expectJsonError(jr, CSRF);
			assert.equal(c.cookie(SESSION_COOKIE), undefined, `${JSON.stringify(headers)} (JSON): no session`);
		}
		// the same-origin values a real browser sends are accepted
		for (const headers of [{ origin: new URL(h.server.url).origin, 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }]) {
			const c = x.client();
			const page = await openFlowPage(c, 'login');
			const form = new URLSearchParams({ csrf_token: page.field('csrf_token').value, method: 'password', identifier: email, password: pw });
			const res = await c.post(`self-service/login?flow=${page.flowId}`, { form, accept: HTML_ACCEPT, headers });
			assertRedirectTo(res, c.abs('/'), `${JSON.stringify(headers)}: `);
		}
	});

	attack('attack 05: settings flow of the victim submitted with the attacker\'s session', async (x) => {
		const victim = await signedInUser(x, 'a05victim');
		const attacker = await signedInUser(x, 'a05attacker');
		const vSettings = await settingsPage(victim.c);
		assert.ok(vSettings.html.includes(victim.email), 'the victim sees their own data');

		// the attacker opens the victim's flow (page and JSON)
		const page = await attacker.c.get(vSettings.url, { accept: HTML_ACCEPT });
		assert.ok(!page.text.includes(victim.email), 'the victim\'s data is never rendered to the attacker');
		await expectHtmlError(attacker.c, page, { code: 403 });
		const j = await attacker.c.getJson(`self-service/settings/flows?id=${vSettings.flowId}`);
		assert.equal(j.status, 403, `JSON fetch of the victim's flow: ${j.status} ${j.text.slice(0, 200)}`);
		assert.ok(!j.text.includes(victim.email), 'no victim data in the JSON answer');

		// posting to it with the attacker's own cookies and token
		const aSettings = await settingsPage(attacker.c);
		const form = new URLSearchParams({ csrf_token: aSettings.field('csrf_token').value, method: 'profile', 'traits.email': attacker.email, 'traits.name': 'pwned-by-a05' });
		const r1 = await attacker.c.post(`self-service/settings?flow=${vSettings.flowId}`, { form, accept: HTML_ACCEPT });
		assert.ok(!r1.text.includes(victim.email), 'no victim data in the refusal');
		await expectHtmlError(attacker.c, r1, { code: 403 });

		// even with the victim's CSRF cookie and token (a planted cookie):
		// the flow was initiated by someone else
		const mixed = x.client();
		mixed.setCookie(SESSION_COOKIE, attacker.c.cookie(SESSION_COOKIE));
		mixed.setCookie(victim.c.csrfCookieName(), victim.c.cookie(victim.c.csrfCookieName()));
		const form2 = new URLSearchParams({ csrf_token: vSettings.field('csrf_token').value, method: 'profile', 'traits.email': victim.email, 'traits.name': 'pwned-by-a05' });
		const r2 = await mixed.post(`self-service/settings?flow=${vSettings.flowId}`, { form: form2, accept: JSON_ACCEPT });
		const body = expectJsonError(r2, { code: 403 });
		assert.equal(body.error.id, 'security_identity_mismatch', `error id: ${r2.text.slice(0, 300)}`);
		assert.match(body.error.reason || '', /initiated by someone else/, 'reason');
		assert.ok(!r2.text.includes(victim.email), 'no victim data in the refusal');

		// nothing changed for either
		const v = await assertSignedIn(victim.c, victim.email);
		assert.notEqual(v.identity.traits.name, 'pwned-by-a05', 'the victim\'s profile is unchanged');
		const a = await assertSignedIn(attacker.c, attacker.email);
		assert.notEqual(a.identity.traits.name, 'pwned-by-a05', 'the attacker\'s profile is unchanged');
		// the victim's flow still works for the victim
		const ok = await victim.c.submitForm(vSettings, { group: 'profile', fields: { 'traits.name': 'Victim Ok' } });
		assert.equal(ok.status, 303, `the victim's own submission: ${ok.status} ${ok.text.slice(0, 200)}`);
		assert.equal((await assertSignedIn(victim.c, victim.email)).identity.traits.name, 'Victim Ok');
	});

	attack('attack 06: login flow of another (unauthenticated) browser', async (x) => {
		const email = uniqueEmail('a06');
		const pw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, email, pw);
		const victim = x.client();
		const attacker = x.client();
		const vPage = await openFlowPage(victim, 'login');
		await openFlowPage(attacker, 'login');	// the attacker has a CSRF cookie of their own
		const failuresBefore = auditLines(h.server).filter((e) => /^login\./.test(e.event)).length;
		for (const password of [x.secret(strongPassword('-wrong')), pw]) {
			// the attacker submits the victim's flow with the token printed on it
			const res = await attacker.submitForm(vPage, { group: 'password', fields: { identifier: email, password } });
			await expectHtmlError(attacker, res, CSRF);
			assert.equal(attacker.cookie(SESSION_COOKIE), undefined, 'no session');
		}
		const after = auditLines(h.server).filter((e) => /^login\./.test(e.event)).length;
		assert.equal(after, failuresBefore, 'no password was checked (no login success/failure event)');
		// no failure was counted: the owner still has the full budget and signs in
		const ok = await victim.submitForm(vPage, { group: 'password', fields: { identifier: email, password: pw } });
		assertRedirectTo(ok, victim.abs('/'), 'the owner of the flow signs in: ');
	}, { skip: skipReason() });
});

suite('t9200 attacks: session fixation', { skip: skipReason() || mfaSkipReason() }, () => {
	const h = useMfaServer();
	const attack = attackSuite(h);

	attack('attack 34: planted session cookies, fresh tokens at login and step-up, cookie attributes', async (x) => {
		// 1. a random value planted as the session cookie
		const victim = x.client();
		const vEmail = uniqueEmail('a34victim');
		const vPw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, vEmail, vPw);
		const planted = `ory_st_${randomBytes(32).toString('hex')}`;
		victim.setCookie(SESSION_COOKIE, planted);
		const r0 = await whoami(victim);
		assert.equal(r0.status, 401, 'a planted random value is no session');
		await openFlowPage(victim, 'login');
		const csrfBefore = victim.cookie(victim.csrfCookieName());
		const res = await mustLoginHtml(victim, vEmail, vPw);
		const ck = res.setCookies.find((k) => k.name === SESSION_COOKIE);
		assert.ok(ck && ck.value !== planted, 'login mints a new session cookie');
		assert.notEqual(victim.cookie(victim.csrfCookieName()), csrfBefore, 'login rotates the CSRF cookie (login CSRF)');
		await assertSignedIn(victim, vEmail);
		x.secret(ck.value, ck.value.split('.')[0]);

		// 2. the attacker's own valid session planted in the victim's browser
		const attacker = x.client();
		const aEmail = uniqueEmail('a34attacker');
		const aPw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, aEmail, aPw);
		await mustLoginHtml(attacker, aEmail, aPw);
		const aCookie = x.secret(attacker.cookie(SESSION_COOKIE));
		// (a) a login form opened before the cookie was planted, submitted after
		const victim2 = x.client();
		const lp = await openFlowPage(victim2, 'login');
		victim2.setCookie(SESSION_COOKIE, aCookie);
		const l2 = await victim2.submitForm(lp, { group: 'password', fields: { identifier: vEmail, password: vPw } });
		assert.ok(l2.status < 500, `login with a planted session: ${l2.status}`);
		const minted = l2.setCookies.find((k) => k.name === SESSION_COOKIE);
		if (minted) {
			assert.notEqual(minted.value, aCookie, 'a sign-in never keeps the planted session value');
			x.secret(minted.value);
		}
		// (b) a re-authentication form opened with the planted session
		const fr = await victim2.get('self-service/login/browser?refresh=true', { accept: HTML_ACCEPT });
		if (fr.status === 303 && new URL(fr.location).pathname === '/login') {
			victim2.setCookie(SESSION_COOKIE, aCookie);
			const page = await victim2.page(fr.location);
			const sub = await victim2.submitForm(page, { group: 'password', fields: { identifier: vEmail, password: vPw } });
			assert.ok(sub.status < 500, `refresh with the victim's credentials: ${sub.status}`);
		}
		// either way the attacker's cookie still names the attacker, never the victim
		const asAttacker = await whoami(attacker);
		assert.equal(asAttacker.status, 200, 'the attacker\'s session');
		assert.equal(asAttacker.json.identity.traits.email, aEmail, 'the planted session never becomes the victim\'s');

		// 3. step-up mints a new token; the aal1 token is dead afterwards
		const m = x.client();
		const mEmail = uniqueEmail('a34mfa');
		const mPw = x.secret(strongPassword());
		const { page: setup } = await registerToSetup(m, mEmail, mPw);
		const enrol = await enrolTotp(m, setup);
		x.secret(enrol.secret);
		const b = x.client();
		const { res: pwRes, page: tf } = await passwordToSecondFactor(b, mEmail, mPw);
		const aal1Cookie = x.secret(pwRes.setCookies.find((k) => k.name === SESSION_COOKIE).value);
		const { code } = await nextTotp(enrol.secret, enrol.step);
		x.secret(code);
		const done = await submitTotp(b, tf, code);
		assert.equal(done.status, 303, `step-up: ${done.status} ${done.text.slice(0, 200)}`);
		const aal2Cookie = done.setCookies.find((k) => k.name === SESSION_COOKIE)?.value;
		assert.ok(aal2Cookie && aal2Cookie !== aal1Cookie, 'step-up sets a new session cookie');
		x.secret(aal2Cookie);
		const old = x.client();
		old.setCookie(SESSION_COOKIE, aal1Cookie);
		await assertSignedOut(old);

		// 4. attributes of every auth cookie (plain http here: no Secure)
		for (const k of [...res.setCookies, ...done.setCookies]) {
			assert.equal(k.attrs.httponly, true, `${k.name}: HttpOnly`);
			assert.match(String(k.attrs.samesite), /^(lax|strict)$/i, `${k.name}: SameSite`);
			assert.equal(k.attrs.path, '/', `${k.name}: Path=/`);
			assert.equal(k.attrs.domain, undefined, `${k.name}: no Domain`);
		}
	});

	// attack 34, hardened mode (__Host- cookie names): t9210-host-cookies.test.mjs
});

describe('t9200 attacks: cookies on an https base URL', () => {
	const opts = { config: {} };
	before(async () => {
		opts.port = await freePort();
		opts.config['serve.public.base_url'] = `https://127.0.0.1:${opts.port}/`;
	});
	const h = useServer(opts);
	const attack = attackSuite(h);

	attack('attack 34: with an https base URL every auth cookie is Secure', async (x) => {
		const c = x.client();
		const email = uniqueEmail('a34https');
		const pw = x.secret(strongPassword());
		// JSON browser flow; the action names https://, sent here over plain http
		const flow = await createFlowJson(c, 'registration');
		const res = await c.post(flow.ui.action.replace(/^https:/, 'http:'), {
			json: { method: 'password', csrf_token: csrfOf(flow), password: pw, traits: { email } }, accept: JSON_ACCEPT,
		});
		assert.equal(res.status, 200, `registration: ${res.status} ${res.text.slice(0, 200)}`);
		const r1 = await c.get('self-service/login/browser', { accept: JSON_ACCEPT, cookies: false });
		const all = [...r1.setCookies, ...res.setCookies];
		assert.ok(all.some((k) => k.name === SESSION_COOKIE), 'the session cookie was set');
		assert.ok(all.some((k) => k.name.startsWith('csrf_token_')), 'the CSRF cookie was set');
		for (const k of all) {
			assert.equal(k.attrs.secure, true, `${k.name}: Secure (${k.raw.replace(/=[^;]*/, '=…')})`);
			assert.equal(k.attrs.httponly, true, `${k.name}: HttpOnly`);
			assert.equal(k.attrs.path, '/', `${k.name}: Path=/`);
			assert.equal(k.attrs.domain, undefined, `${k.name}: no Domain`);
		}
	}, { skip: skipReason() });
});

// Privileged re-authentication: once the session is older than
// privileged_session_max_age, a settings change sends the browser to sign
// in again -- with the password AND the second factor (Kratos #3856 asks
// for the password only) -- and then back to the settings flow, where the
// change goes through.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, sleep } from './lib/server.mjs';
import { Client, uniqueEmail, strongPassword, loginAnyJson } from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, settingsPage, backOnSettings,
	passwordToSecondFactor, submitTotp, assertAal2, signOut, nextTotp, toPage,
} from './lib/mfa.mjs';

const skip = skipReason() || mfaSkipReason();
const MAX_AGE_S = 3;

suite('t3130 privileged re-authentication with a second factor', { skip }, () => {
	const h = useMfaServer({ config: { 'selfservice.flows.settings.privileged_session_max_age': `${MAX_AGE_S}s` } });
	const email = uniqueEmail('reauth');
	const oldPw = strongPassword();
	let pw = oldPw;
	const newPw = strongPassword('-new');
	const newPw2 = strongPassword('-new2');
	let c;
	let enrol;
	let lastStep;		// the last TOTP step accepted for this identity

	const nextCode = async () => {
		const { code, step } = await nextTotp(enrol.secret, lastStep);
		lastStep = step;
		return code;
	};

	before(async () => {
		if (!h.server) return;
		c = new Client(h.server.url);
		const { page } = await registerToSetup(c, email, pw);
		enrol = await enrolTotp(c, page);	// within MAX_AGE_S of the sign-up
		lastStep = enrol.step;
		await assertAal2(c, ['password', 'totp'], email);
	});

	let settings;
	let reauth;		// the 303 to the refresh login

	it('after privileged_session_max_age a password change sends to a refresh sign-in', async () => {
		await sleep((MAX_AGE_S + 1) * 1000);
		settings = await settingsPage(c);
		const res = await c.submitForm(settings, { group: 'password', fields: { password: newPw } });
		assert.equal(res.status, 303, `${res.status} ${res.text.slice(0, 300)}`);
		const loc = new URL(res.location);
		assert.equal(loc.origin + loc.pathname, c.abs('/self-service/login/browser'), `→ ${res.location}`);
		assert.equal(loc.searchParams.get('refresh'), 'true', `refresh=true in ${res.location}`);
		const ret = new URL(loc.searchParams.get('return_to') || 'x:', h.server.url);
		assert.equal(ret.origin + ret.pathname, c.abs('/settings'), `return_to is the settings page: ${res.location}`);
		assert.equal(ret.searchParams.get('flow'), settings.flowId, 'return_to keeps the settings flow');
		reauth = res;
		const r = await loginAnyJson(h.server.url, email, newPw);
		assert.notEqual(r.status, 200, 'the new password was not stored');
	});

	let secondFactor;

	it('the refresh sign-in asks for the password, then for the second factor', async () => {
		const lp = await c.page(reauth.location);
		assert.equal(lp.path, '/login', `refresh sign-in page: ${lp.url}`);
		assert.ok(lp.messages.includes(1010003), `1010003 (re-authenticate): ${lp.messages}`);
		assert.ok(lp.field('password', 'password'), 'a password input');
		const res = await c.submitForm(lp, { group: 'password', fields: { identifier: email, password: pw } });
		assert.equal(res.status, 303, `password: ${res.status} ${res.text.slice(0, 300)}`);
		const loc = new URL(res.location);
		// Kratos #3856 returns to the settings flow here, with a stale second factor.
		assert.equal(loc.origin + loc.pathname, c.abs('/self-service/login/browser'),
		    `after the password the browser must be sent to the second factor, not on to ${res.location}`);
		assert.equal(loc.searchParams.get('aal'), 'aal2', `aal=aal2 in ${res.location}`);
		assert.equal(loc.searchParams.get('refresh'), 'true', `refresh=true in ${res.location}`);
		const ret = new URL(loc.searchParams.get('return_to') || 'x:', h.server.url);
		assert.equal(ret.origin + ret.pathname, c.abs('/settings'), `return_to still the settings page: ${res.location}`);
		assert.equal(ret.searchParams.get('flow'), settings.flowId);

		secondFactor = await c.page(res.location);
		assert.equal(secondFactor.path, '/login', `second-factor page: ${secondFactor.url}`);
		assert.ok(secondFactor.messages.includes(1010003), `1010003: ${secondFactor.messages}`);
		assert.ok(secondFactor.messages.includes(1010004), `1010004: ${secondFactor.messages}`);
		assert.ok(secondFactor.field('totp_code', 'totp'), 'a TOTP input');
		assert.ok(!secondFactor.hasField('password'), 'no password input');
	});

	it('with only the password renewed, the change is still refused', async () => {
		const page = await settingsPage(c);
		const res = await c.submitForm(page, { group: 'password', fields: { password: newPw } });
		assert.equal(res.status, 303, `${res.status} ${res.text.slice(0, 300)}`);
		const loc = new URL(res.location);
		assert.equal(loc.origin + loc.pathname, c.abs('/self-service/login/browser'),
		    `password-only re-authentication must not be enough: ${res.location}`);
		const r = await loginAnyJson(h.server.url, email, newPw);
		assert.notEqual(r.status, 200, 'the new password was not stored');
	});

	it('after the TOTP code the browser returns to the settings flow, whose form now works', async () => {
		const res = await submitTotp(c, secondFactor, await nextCode());
		assert.equal(res.status, 303, `TOTP: ${res.status} ${res.text.slice(0, 300)}`);
		const end = await c.follow(res);
		const hops = end.chain.map((x) => `${x.status} ${x.url}`).join(' -> ');
		const u = new URL(end.url);
		assert.equal(u.pathname, '/settings', `back on the settings page: ${hops}`);
		assert.equal(u.searchParams.get('flow'), settings.flowId, `the same settings flow: ${hops}`);
		assert.equal(end.status, 200, hops);
		// Kratos appends the refreshed methods to the session's list.
		await assertAal2(c, ['password', 'totp'], email, { tail: true });

		// The page the browser is now on: submit its password form.
		const page = toPage(end);
		const ch = await c.submitForm(page, { group: 'password', fields: { password: newPw } });
		const after = await backOnSettings(c, ch, settings.flowId, 'password change on the page re-authentication returned to');
		assert.ok(after.messages.includes(1050001), `1050001: ${after.messages}`);
	});

	it('right after re-authenticating, a new settings flow accepts the change too', async () => {
		const page = await settingsPage(c);
		const ch = await c.submitForm(page, { group: 'password', fields: { password: newPw2 } });
		const after = await backOnSettings(c, ch, page.flowId, 'password change on a new settings flow');
		assert.ok(after.messages.includes(1050001), `1050001: ${after.messages}`);
		pw = newPw2;
	});

	it('the new password and the second factor sign in; the old password does not', async () => {
		await signOut(c);
		const { page } = await passwordToSecondFactor(c, email, pw);
		const res = await submitTotp(c, page, await nextCode());
		assert.equal(res.status, 303, `${res.status} ${res.text.slice(0, 200)}`);
		assert.equal(res.location, h.server.url);
		await assertAal2(c, ['password', 'totp'], email);
		assert.notEqual(pw, oldPw, 'the password was changed');
		const r = await loginAnyJson(h.server.url, email, oldPw);
		assert.equal(r.status, 400, `the old password is refused: ${r.status}`);
	});
});

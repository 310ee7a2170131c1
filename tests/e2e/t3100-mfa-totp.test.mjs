// TOTP: the setup page after registration, the QR code, enrolment with a
// code from oathtool, sign-in with the second factor, replay protection and
// the ±1 step window.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason } from './lib/server.mjs';
import { Client, HTML_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword } from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, secretText, qrSrc, decodeQr, parseOtpauth,
	passwordToSecondFactor, submitTotp, backOnLogin, assertAal2, assertAal2Required, signOut,
	totpAt, stepNow, nextTotp, freshStep, assertStillInStep,
} from './lib/mfa.mjs';

const skip = skipReason() || mfaSkipReason();

/* A six-digit string that is none of the codes valid around `step`. */
async function wrongCode(secret, step) {
	const valid = new Set();
	for (let d = -3; d <= 3; d++) valid.add(await totpAt(secret, step + d));
	for (let n = 123456; ; n = (n + 111111) % 1000000) {
		const c = String(n).padStart(6, '0');
		if (!valid.has(c)) return c;
	}
}

suite('t3100 TOTP second factor', { skip }, () => {
	const h = useMfaServer();
	const email = uniqueEmail('totp');
	const pw = strongPassword();
	let c;
	let setup;		// the settings page the registration ends on
	let enrol;		// { secret, step, code, page }
	let signInCode;		// the code that completed the sign-in

	// A second identity for the window test, enrolled now so that by the
	// time that test runs, T-2 is later than its enrolment step (replay
	// protection would refuse T-2 anyway otherwise).
	const w = { email: uniqueEmail('totpwin'), pw: strongPassword() };

	before(async () => {
		if (!h.server) return;
		w.c = new Client(h.server.url);
		const { page } = await registerToSetup(w.c, w.email, w.pw);
		w.enrol = await enrolTotp(w.c, page);
		await signOut(w.c);
	});

	it('registration ends on the MFA setup page', async () => {
		c = new Client(h.server.url);
		const { page } = await registerToSetup(c, email, pw);
		setup = page;
		assert.ok(c.cookie(SESSION_COOKIE), 'registration signed in');
		assert.ok(page.messages.includes(1059001), `setup prompt 1059001: ${page.messages}`);
		const skipLink = page.links.find((l) => l.attrs['data-testid'] === 'mfa-setup-skip');
		assert.ok(skipLink, '"Not now" link');
		assert.equal(skipLink.href, h.server.url, '"Not now" goes to the return URL');
		assert.match(page.html, /<section\b[^>]*\bid="totp"/, 'a section id="totp"');
		assert.match(qrSrc(page.html) || '', /^data:image\/png;base64,/, 'QR code image');
		assert.match(page.html, /data-msg="1050006"/, 'secret text node 1050006');
		assert.match(secretText(page.html) || '', /^[A-Z2-7]{32,}$/, 'a base32 secret of at least 160 bits');
		assert.ok(page.field('totp_code', 'totp'), 'totp_code input in the totp form');
		assert.ok(page.forms.some((f) => f.buttons.some((b) => b.name === 'lookup_secret_regenerate' && b.value === 'true')),
		    'lookup_secret_regenerate button');
		assert.ok(!page.hasField('totp_unlink'), 'nothing to unlink yet');
		const r = await c.get('sessions/whoami', { accept: 'application/json' });
		assert.equal(r.status, 200, 'no second factor yet: whoami works at aal1');
		assert.equal(r.json.authenticator_assurance_level, 'aal1');
	});

	it('the QR code carries the same secret as the text', async () => {
		const secret = secretText(setup.html);
		const uri = await decodeQr(qrSrc(setup.html));
		const o = parseOtpauth(uri);
		assert.equal(o.type, 'totp', uri);
		assert.equal(o.label, `Gatehouse:${email}`, `label of ${uri}`);
		assert.ok(uri.startsWith(`otpauth://totp/Gatehouse:${encodeURIComponent(email)}?`), `the e-mail address is URL-encoded in ${uri}`);
		assert.equal(o.params.secret, secret, 'QR secret == text secret');
		assert.equal(o.params.issuer, 'Gatehouse');
		assert.equal(o.params.algorithm, 'SHA1');
		assert.equal(o.params.digits, '6');
		assert.equal(o.params.period, '30');
	});

	it('a wrong code does not enrol the authenticator', async () => {
		const secret = secretText(setup.html);
		const res = await c.submitForm(setup, { group: 'totp', fields: { totp_code: await wrongCode(secret, stepNow()) } });
		assert.equal(res.status, 303, `wrong enrolment code: ${res.status} ${res.text.slice(0, 200)}`);
		const page = await c.page(res.location);
		assert.equal(page.flowId, setup.flowId, 'same settings flow');
		assert.ok(page.messages.includes(4000008), `4000008: ${page.messages}`);
		assert.ok(!page.hasField('totp_unlink'), 'not enrolled');
		assert.equal(secretText(page.html), secret, 'the same secret is offered again');
		setup = page;
	});

	it('a code from oathtool enrols it: 1050001, aal2 with password and totp', async () => {
		enrol = await enrolTotp(c, setup);
		assert.equal(enrol.secret, secretText(setup.html));
		await assertAal2(c, ['password', 'totp'], email);
	});

	it('password sign-in stops at the TOTP form; whoami answers 403 session_aal2_required', async () => {
		await signOut(c);
		const { res, page } = await passwordToSecondFactor(c, email, pw);
		assert.ok(res.setCookies.some((k) => k.name === SESSION_COOKIE), 'the password step sets the session cookie');
		assert.ok(page.field('totp_code', 'totp'), 'totp_code input');
		assert.ok(!page.hasField('password'), 'no password input on the second-factor page');
		assert.ok(!page.hasField('lookup_secret'), 'no recovery-code form without recovery codes');
		const body = await assertAal2Required(c);
		const home = await c.get('', { accept: HTML_ACCEPT });
		assert.equal(home.status, 303, `home page at aal1: ${home.status}`);
		assert.equal(home.location, body.redirect_browser_to, 'the home page sends to the second factor, as whoami says');
		c.tf = page;
	});

	it('the code used for enrolment is refused (replay protection): 4000008', async () => {
		const res = await submitTotp(c, c.tf, enrol.code);
		const page = await backOnLogin(c, res, c.tf.flowId, 'enrolment code again');
		assert.ok(page.messages.includes(4000008), `4000008: ${page.messages}`);
		await assertAal2Required(c);
		c.tf = page;
	});

	it('a wrong code is refused: 4000008', async () => {
		const res = await submitTotp(c, c.tf, await wrongCode(enrol.secret, stepNow()));
		const page = await backOnLogin(c, res, c.tf.flowId, 'wrong code');
		assert.ok(page.messages.includes(4000008), `4000008: ${page.messages}`);
		assert.equal(page.field('totp_code', 'totp')?.value || '', '', 'the code is not echoed back');
		await assertAal2Required(c);
		c.tf = page;
	});

	it('a fresh code completes the sign-in: 303 to /, whoami aal2 [password, totp]', async () => {
		// The next code after the enrolment step: the current one, or
		// (still in the enrolment step) the next one, which the ±1 window takes.
		({ code: signInCode } = await nextTotp(enrol.secret, enrol.step));
		const res = await submitTotp(c, c.tf, signInCode);
		assert.equal(res.status, 303, `${res.status} ${res.text.slice(0, 300)}`);
		assert.equal(res.location, h.server.url, 'to the home page');
		await assertAal2(c, ['password', 'totp'], email);
		const home = await c.get('', { accept: HTML_ACCEPT });
		assert.equal(home.status, 200, 'home page');
		assert.ok(home.text.includes(email), 'signed in on the home page');
	});

	it('the code that signed in cannot sign in again', async () => {
		await signOut(c);
		const { page } = await passwordToSecondFactor(c, email, pw);
		const res = await submitTotp(c, page, signInCode);
		const again = await backOnLogin(c, res, page.flowId, 'sign-in code again');
		assert.ok(again.messages.includes(4000008), `4000008: ${again.messages}`);
		await assertAal2Required(c);
	});

	it('codes of T-1 and T+1 are accepted once each; T-2 and T+2 are refused', async () => {
		// T-2 must lie after w's enrolment step so that only the window,
		// not replay protection, can refuse it; and 12 s must remain in T.
		const T = await freshStep({ minStep: w.enrol.step + 3, minLeftMs: 12000 });
		const code = (d) => totpAt(w.enrol.secret, T + d);

		let { page } = await passwordToSecondFactor(w.c, w.email, w.pw);
		for (const d of [2, -2]) {
			const res = await submitTotp(w.c, page, await code(d));
			page = await backOnLogin(w.c, res, page.flowId, `T${d > 0 ? '+' : ''}${d}`);
			assert.ok(page.messages.includes(4000008), `T${d > 0 ? '+' : ''}${d} refused with 4000008: ${page.messages}`);
		}
		let res = await submitTotp(w.c, page, await code(-1));
		assert.equal(res.status, 303, `T-1: ${res.status} ${res.text.slice(0, 300)}`);
		assert.equal(res.location, h.server.url, 'T-1 accepted');
		await assertAal2(w.c, ['password', 'totp'], w.email);

		await signOut(w.c);
		({ page } = await passwordToSecondFactor(w.c, w.email, w.pw));
		res = await submitTotp(w.c, page, await code(-1));
		page = await backOnLogin(w.c, res, page.flowId, 'T-1 again');
		assert.ok(page.messages.includes(4000008), `T-1 a second time refused: ${page.messages}`);
		res = await submitTotp(w.c, page, await code(1));
		assert.equal(res.status, 303, `T+1: ${res.status} ${res.text.slice(0, 300)}`);
		assert.equal(res.location, h.server.url, 'T+1 accepted');
		await assertAal2(w.c, ['password', 'totp'], w.email);

		await signOut(w.c);
		({ page } = await passwordToSecondFactor(w.c, w.email, w.pw));
		res = await submitTotp(w.c, page, await code(1));
		page = await backOnLogin(w.c, res, page.flowId, 'T+1 again');
		assert.ok(page.messages.includes(4000008), `T+1 a second time refused: ${page.messages}`);
		await assertAal2Required(w.c);
		assertStillInStep(T);
	});
});

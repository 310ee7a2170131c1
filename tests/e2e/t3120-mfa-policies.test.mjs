// Assurance-level policies: a user without a second factor is never
// blocked at aal1 (the ory/network#409 class of bug); a TOTP user at aal1 is
// sent to the second factor before settings; step-up needs a session; the
// Gatehouse `required_aal: aal2` policy with and without a grace period;
// unlinking TOTP drops the recovery codes and the aal2 requirement.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, sleep } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, uniqueEmail, strongPassword, whoami,
	mustLoginHtml, expectHtmlError, expectJsonError,
} from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, setupRecoveryCodes, clickButton,
	backOnSettings, secretText, passwordToSecondFactor, submitTotp, assertAal2, assertAal2Required,
	signOut, nextTotp,
} from './lib/mfa.mjs';

const skip = skipReason() || mfaSkipReason();

/* whoami 200 at aal1 with [password]. */
async function assertAal1(c, email) {
	const r = await whoami(c);
	assert.equal(r.status, 200, `whoami: ${r.status} ${r.text.slice(0, 300)}`);
	assert.equal(r.json.authenticator_assurance_level, 'aal1', 'aal1');
	assert.deepEqual(r.json.authentication_methods.map((m) => m.method), ['password']);
	assert.equal(r.json.identity.traits.email, email);
	return r.json;
}

/* whoami 403 session_mfa_enrollment_required pointing at the setup page. */
async function assertEnrollmentRequired(c) {
	const r = await whoami(c);
	const body = expectJsonError(r, { code: 403, id: 'session_mfa_enrollment_required' });
	assert.equal(typeof body.redirect_browser_to, 'string', `redirect_browser_to: ${r.text.slice(0, 300)}`);
	const u = new URL(body.redirect_browser_to);
	assert.equal(u.origin + u.pathname, c.abs('/self-service/settings/browser'), `redirect_browser_to ${body.redirect_browser_to}`);
	assert.equal(u.searchParams.get('setup'), 'mfa', `setup=mfa in ${body.redirect_browser_to}`);
	assert.ok(u.searchParams.has('return_to'), `return_to in ${body.redirect_browser_to}`);
	return body;
}

const skipLinkOf = (page) => page.links.find((l) => l.attrs['data-testid'] === 'mfa-setup-skip');

/* A code newer than the enrolment step (the ±1 window takes step+1). */
const nextCode = async (e) => (await nextTotp(e.secret, e.step)).code;

suite('t3120 AAL policies', { skip }, () => {
	describe('default policy (highest_available)', () => {
		const h = useMfaServer();

		it('a user without a second factor is never blocked at aal1 (ory/network#409)', async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('no2fa');
			const pw = strongPassword();
			const { page } = await registerToSetup(c, email, pw);
			assert.ok(page.messages.includes(1059001), `setup prompt: ${page.messages}`);
			const skipLink = skipLinkOf(page);
			assert.ok(skipLink, '"Not now" link');
			const home = await c.get(skipLink.href, { accept: HTML_ACCEPT });
			assert.equal(home.status, 200, `"Not now" → ${skipLink.href}: ${home.status} ${home.location || ''}`);
			assert.ok(home.text.includes(email), 'signed in on the home page');
			await assertAal1(c, email);

			const check = async (what) => {
				await assertAal1(c, email);
				const r = await c.get('', { accept: HTML_ACCEPT });
				assert.equal(r.status, 200, `${what}: home page ${r.status} ${r.location || ''}`);
				const s = await c.get('self-service/settings/browser', { accept: HTML_ACCEPT });
				assert.equal(s.status, 303, `${what}: settings/browser ${s.status}`);
				const loc = new URL(s.location);
				assert.equal(loc.origin + loc.pathname, c.abs('/settings'), `${what}: settings/browser → ${s.location}`);
				const sp = await c.page(s.location);
				assert.equal(sp.status, 200, `${what}: settings page`);
				assert.ok(sp.hasField('totp_code'), `${what}: the settings page offers TOTP setup`);
				const j = await c.getJson('self-service/settings/browser');
				assert.equal(j.status, 200, `${what}: settings flow over JSON: ${j.status} ${j.text.slice(0, 200)}`);
			};
			await check('after sign-up');
			await signOut(c);
			await mustLoginHtml(c, email, pw);	// straight to /, no second-factor step
			await check('after sign-in');
		});

		it('a TOTP user at aal1 is sent to the second factor before settings', async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('aal1settings');
			const pw = strongPassword();
			const { page } = await registerToSetup(c, email, pw);
			const e = await enrolTotp(c, page);
			await signOut(c);
			await passwordToSecondFactor(c, email, pw);

			const j = await c.getJson('self-service/settings/browser');
			const body = expectJsonError(j, { code: 403, id: 'session_aal2_required' });
			assert.ok(String(body.redirect_browser_to).startsWith(c.abs('/self-service/login/browser?aal=aal2')),
			    `redirect_browser_to ${body.redirect_browser_to}`);

			const r = await c.get('self-service/settings/browser', { accept: HTML_ACCEPT });
			assert.equal(r.status, 303, `settings/browser at aal1: ${r.status} ${r.text.slice(0, 200)}`);
			const loc = new URL(r.location);
			assert.equal(loc.origin + loc.pathname, c.abs('/self-service/login/browser'), `→ ${r.location}`);
			assert.equal(loc.searchParams.get('aal'), 'aal2', `aal=aal2 in ${r.location}`);
			const ret = loc.searchParams.get('return_to');
			assert.ok(ret, `return_to in ${r.location}`);
			assert.equal(new URL(ret).origin, new URL(h.server.url).origin, 'return_to is on this site');
			assert.match(new URL(ret).pathname, /^\/(self-service\/settings\/browser|settings)$/, `return_to ${ret} leads back to settings`);

			const lp = await c.page(r.location);
			assert.equal(lp.path, '/login', `second-factor page: ${lp.url}`);
			assert.ok(lp.messages.includes(1010004), `1010004: ${lp.messages}`);
			const done = await submitTotp(c, lp, await nextCode(e));
			assert.equal(done.status, 303, `TOTP: ${done.status} ${done.text.slice(0, 200)}`);
			const end = await c.follow(done);
			const hops = end.chain.map((x) => `${x.status} ${x.url}`).join(' -> ');
			assert.equal(new URL(end.url).pathname, '/settings', `back on the settings page: ${hops}`);
			assert.equal(end.status, 200, hops);
			await assertAal2(c, ['password', 'totp'], email);
		});

		it('step-up to aal2 without a session: 401 session_aal1_required', async () => {
			const c = new Client(h.server.url);
			const j = await c.getJson('self-service/login/browser?aal=aal2');
			expectJsonError(j, { code: 401, id: 'session_aal1_required' });
			const r = await c.get('self-service/login/browser?aal=aal2', { accept: HTML_ACCEPT });
			await expectHtmlError(c, r, { code: 401, id: 'session_aal1_required' });
		});

		/* A fresh user with TOTP and recovery codes, on the settings page. */
		async function userWithTotpAndCodes(tag) {
			const c = new Client(h.server.url);
			const email = uniqueEmail(tag);
			const pw = strongPassword();
			const { page } = await registerToSetup(c, email, pw);
			const e = await enrolTotp(c, page);
			const { page: settings } = await setupRecoveryCodes(c, e.page);
			return { c, email, pw, settings };
		}

		/* After an unlink: the page, then sign-in without a second factor. */
		async function assertUnlinked({ c, email, pw }, res, flowId) {
			const after = await backOnSettings(c, res, flowId, 'totp_unlink');
			assert.ok(after.messages.includes(1050001), `1050001: ${after.messages}`);
			assert.ok(after.messages.includes(1059005), `1059005 (recovery codes removed too): ${after.messages}`);
			assert.ok(!after.hasField('totp_unlink'), 'nothing left to unlink');
			assert.ok(after.hasField('totp_code') && secretText(after.html), 'TOTP can be set up again');
			assert.ok(!after.hasField('lookup_secret_reveal'), 'no recovery codes to reveal');

			await signOut(c);
			await mustLoginHtml(c, email, pw);	// no second-factor step any more
			await assertAal1(c, email);
			const home = await c.get('', { accept: HTML_ACCEPT });
			assert.equal(home.status, 200, 'home page at aal1');
			const s = await c.get('self-service/settings/browser', { accept: HTML_ACCEPT });
			assert.equal(new URL(s.location).pathname, '/settings', `settings at aal1: ${s.location}`);
		}

		it('the "Unlink" button, submitted as a browser does, unlinks TOTP', async () => {
			// The form holds csrf_token and the button totp_unlink=true,
			// no method field (Kratos takes totp_unlink alone as method=totp).
			const u = await userWithTotpAndCodes('unlinkbtn');
			const form = u.settings.forms.find((f) => f.buttons.some((b) => b.name === 'totp_unlink'));
			assert.deepEqual(form.fields.map((f) => f.name), ['csrf_token'], 'the unlink form');
			const res = await clickButton(u.c, u.settings, 'totp_unlink', { value: 'true' });
			await assertUnlinked(u, res, u.settings.flowId);
		});

		it('unlinking TOTP (method=totp) removes it and the recovery codes; aal1 is enough again', async () => {
			const u = await userWithTotpAndCodes('unlink');
			const res = await clickButton(u.c, u.settings, 'totp_unlink', { value: 'true', fields: { method: 'totp' } });
			await assertUnlinked(u, res, u.settings.flowId);
		});
	});

	describe('required_aal: aal2, no grace period', () => {
		const h = useMfaServer({ config: { 'session.whoami.required_aal': 'aal2' } });

		it('a user without a second factor must enrol: 403 session_mfa_enrollment_required, / → setup', async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('mustenrol');
			const pw = strongPassword();
			const { page } = await registerToSetup(c, email, pw);
			assert.ok(page.messages.includes(1059007), `1059007 (setup required): ${page.messages}`);
			assert.ok(!page.messages.includes(1059001), 'not the optional prompt');
			assert.equal(skipLinkOf(page), undefined, 'no "Not now" link');

			const body = await assertEnrollmentRequired(c);
			const home = await c.get('', { accept: HTML_ACCEPT });
			assert.equal(home.status, 303, `home page: ${home.status}`);
			assert.equal(home.location, body.redirect_browser_to, 'the home page sends to the setup page');
			const again = await c.page(home.location);
			assert.equal(again.path, '/settings', `setup page: ${again.url}`);
			assert.ok(again.messages.includes(1059007), `1059007: ${again.messages}`);

			await enrolTotp(c, again);
			await assertAal2(c, ['password', 'totp'], email);
			const home2 = await c.get('', { accept: HTML_ACCEPT });
			assert.equal(home2.status, 200, 'home page after enrolling');
		});

		it('after enrolling, a password sign-in still needs the second factor', async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('aal2again');
			const pw = strongPassword();
			const { page } = await registerToSetup(c, email, pw);
			const e = await enrolTotp(c, page);
			await signOut(c);
			const { page: lp } = await passwordToSecondFactor(c, email, pw);
			await assertAal2Required(c);
			const res = await submitTotp(c, lp, await nextCode(e));
			assert.equal(res.status, 303, `${res.status} ${res.text.slice(0, 200)}`);
			assert.equal(res.location, h.server.url);
			await assertAal2(c, ['password', 'totp'], email);
		});
	});

	describe('required_aal: aal2 with a 72h enrolment grace period', () => {
		const h = useMfaServer({ config: {
			'session.whoami.required_aal': 'aal2',
			'session.whoami.mfa_enrollment_grace': '72h',
		} });

		it('a new user may skip the setup for now', async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('grace');
			const pw = strongPassword();
			const { page } = await registerToSetup(c, email, pw);
			assert.ok(page.messages.includes(1059001), `1059001: ${page.messages}`);
			assert.ok(!page.messages.includes(1059007), 'not "required"');
			const skipLink = skipLinkOf(page);
			assert.ok(skipLink, '"Not now" link');
			assert.equal(skipLink.href, h.server.url);
			await assertAal1(c, email);
			const home = await c.get(skipLink.href, { accept: HTML_ACCEPT });
			assert.equal(home.status, 200, `home page during the grace period: ${home.status} ${home.location || ''}`);
		});
	});

	describe('required_aal: aal2 with a 1s enrolment grace period', () => {
		const h = useMfaServer({ config: {
			'session.whoami.required_aal': 'aal2',
			'session.whoami.mfa_enrollment_grace': '1s',
		} });

		it('once the grace period is over, enrolment is required', async () => {
			const c = new Client(h.server.url);
			const email = uniqueEmail('graceover');
			const pw = strongPassword();
			await registerToSetup(c, email, pw);
			await sleep(2000);
			await assertEnrollmentRequired(c);
			const home = await c.get('', { accept: HTML_ACCEPT });
			assert.equal(home.status, 303, `home page after the grace period: ${home.status}`);
			const page = await c.page(home.location);
			assert.ok(page.messages.includes(1059007), `1059007: ${page.messages}`);
			assert.equal(skipLinkOf(page), undefined, 'no "Not now" link');
			await enrolTotp(c, page);
			await assertAal2(c, ['password', 'totp'], email);
		});
	});
});

// The configuration init-config writes runs the `show_mfa_setup` hook after
// a password registration: the new account is signed in and sent on to the
// settings page to set up a second factor, keeping where it was going.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason } from './lib/server.mjs';
import { Client, HTML_ACCEPT, uniqueEmail, strongPassword, assertSignedIn } from './lib/flows.mjs';

const HOOKS = 'selfservice.flows.registration.after.password.hooks';

suite('t1200 registration with the generated after-registration hooks', { skip: skipReason() }, () => {
	const h = useServer({ keepGeneratedConfig: [HOOKS] });

	it('signs the new account in and offers second-factor setup, keeping return_to', async () => {
		const c = new Client(h.server.url);
		const email = uniqueEmail('mfasetup');
		const target = `${h.server.url}somewhere`;
		const init = await c.get(`self-service/registration/browser?return_to=${encodeURIComponent(target)}`, { accept: HTML_ACCEPT });
		assert.equal(init.status, 303);
		const page = await c.page(init.location);
		const res = await c.submitForm(page, { group: 'password', fields: { 'traits.email': email, password: strongPassword() } });
		assert.equal(res.status, 303, `registration: ${res.status} ${res.text.slice(0, 200)}`);
		const loc = new URL(res.location);
		if (res.location === target) {
			// the generated configuration has no show_mfa_setup hook (any more)
			await assertSignedIn(c, email);
			return;
		}
		assert.equal(loc.pathname, '/self-service/settings/browser', `sent to settings: ${res.location}`);
		assert.equal(loc.searchParams.get('setup'), 'mfa', 'setup=mfa');
		assert.equal(loc.searchParams.get('return_to'), target, 'return_to is carried on');
		const s = await assertSignedIn(c, email);
		assert.equal(s.authenticator_assurance_level, 'aal1');
		const end = await c.follow(res);
		const u = new URL(end.url);
		assert.equal(u.pathname, '/settings', `ends on the settings page: ${end.url}`);
		assert.equal(end.status, 200);
		assert.ok(/name="method"[^>]*value="(totp|lookup_secret)"/.test(end.text) ||
		    /value="(totp|lookup_secret)"[^>]*name="method"/.test(end.text),
		    'the settings page offers a second factor');
		assert.ok(end.text.includes(`href="${target}"`), 'a link lets the user skip the setup and go on to return_to');
	});
});

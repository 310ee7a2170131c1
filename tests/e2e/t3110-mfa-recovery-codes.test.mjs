// Recovery codes (lookup_secret): generate, confirm, sign in with one,
// single use (also under concurrent submission), wrong codes, and the
// "codes left" counter on the settings page.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason } from './lib/server.mjs';
import { Client, uniqueEmail, strongPassword } from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, clickButton, backOnSettings, backOnLogin,
	recoveryCodes, msgText, settingsPage, passwordToSecondFactor, submitRecoveryCode,
	assertAal2, assertAal2Required,
} from './lib/mfa.mjs';

const skip = skipReason() || mfaSkipReason();

suite('t3110 recovery codes', { skip }, () => {
	const h = useMfaServer({ workers: 4 });
	const email = uniqueEmail('lookup');
	const pw = strongPassword();
	let c;			// the owner's browser, signed in at aal2 throughout
	let settings;
	let codes;		// the confirmed set
	let next = 0;		// codes[next] is the next unused one
	let used = 0;

	before(async () => {
		if (!h.server) return;
		c = new Client(h.server.url);
		const { page } = await registerToSetup(c, email, pw);
		const e = await enrolTotp(c, page);
		settings = e.page;
	});

	/* A browser of its own, signed in with the password, at the second factor. */
	async function atSecondFactor() {
		const b = new Client(h.server.url);
		const { page } = await passwordToSecondFactor(b, email, pw);
		assert.ok(page.field('lookup_secret', 'lookup_secret'), 'the second-factor page offers a recovery code');
		return { b, page };
	}

	async function codesLeftText() {
		const page = await settingsPage(c);
		return { page, few: msgText(page.html, 1059003), left: msgText(page.html, 1059002) };
	}

	it('no recovery-code form at the second factor before any codes exist', async () => {
		const b = new Client(h.server.url);
		const { page } = await passwordToSecondFactor(b, email, pw);
		assert.ok(!page.hasField('lookup_secret'), 'no lookup_secret input');
	});

	it('"generate" shows 12 codes; "confirm" saves them: 1050001 and 12 of 12 left', async () => {
		const gen = await clickButton(c, settings, 'lookup_secret_regenerate', { value: 'true' });
		const shown = await backOnSettings(c, gen, settings.flowId, 'generate');
		assert.match(shown.html, /data-msg="1050015"/, 'codes node 1050015');
		codes = recoveryCodes(shown.html);
		assert.equal(codes.length, 12, `12 distinct codes: ${codes}`);
		for (const k of codes) assert.match(k, /^[A-Z0-9]-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/, `code format ${k}`);
		assert.ok(shown.forms.some((f) => f.buttons.some((b) => b.name === 'lookup_secret_confirm' && b.value === 'true')),
		    'a lookup_secret_confirm button');
		const conf = await clickButton(c, shown, 'lookup_secret_confirm', { value: 'true' });
		const after = await backOnSettings(c, conf, settings.flowId, 'confirm');
		assert.ok(after.messages.includes(1050001), `1050001: ${after.messages}`);
		assert.equal(msgText(after.html, 1059002), 'You have 12 of 12 recovery codes left.');
		assert.equal(recoveryCodes(after.html).length, 0, 'the codes are not shown again after confirming');
		settings = after;
	});

	it('codes generated but not confirmed are not saved; the confirmed set stays valid', async () => {
		const gen = await clickButton(c, settings, 'lookup_secret_regenerate', { value: 'true' });
		const shown = await backOnSettings(c, gen, settings.flowId, 'generate again');
		const unconfirmed = recoveryCodes(shown.html);
		assert.equal(unconfirmed.length, 12);
		assert.ok(unconfirmed.every((k) => !codes.includes(k)), 'a new set');
		const { b, page } = await atSecondFactor();
		const res = await submitRecoveryCode(b, page, unconfirmed[0]);
		const p2 = await backOnLogin(b, res, page.flowId, 'unconfirmed code');
		assert.ok(p2.messages.includes(4000016), `4000016: ${p2.messages}`);
		await assertAal2Required(b);
		const left = await codesLeftText();
		assert.equal(left.left, 'You have 12 of 12 recovery codes left.', 'the confirmed set is still in place');
		settings = left.page;
	});

	it('one code signs in: 303 to /, aal2 with [password, lookup_secret]', async () => {
		const { b, page } = await atSecondFactor();
		const res = await submitRecoveryCode(b, page, codes[next]);
		assert.equal(res.status, 303, `${res.status} ${res.text.slice(0, 300)}`);
		assert.equal(res.location, h.server.url, 'to the home page');
		await assertAal2(b, ['password', 'lookup_secret'], email);
		next += 1;
		used += 1;
		assert.equal((await codesLeftText()).left, 'You have 11 of 12 recovery codes left.');
	});

	it('codes are case-insensitive and the dashes are optional', async () => {
		const { b, page } = await atSecondFactor();
		const typed = codes[next].toLowerCase().replace(/-/g, '');
		const res = await submitRecoveryCode(b, page, typed);
		assert.equal(res.status, 303, `"${typed}": ${res.status} ${res.text.slice(0, 300)}`);
		assert.equal(res.location, h.server.url);
		await assertAal2(b, ['password', 'lookup_secret'], email);
		next += 1;
		used += 1;
	});

	it('a used code is refused: 4000012', async () => {
		const { b, page } = await atSecondFactor();
		for (const k of [codes[0], codes[1].toLowerCase()]) {
			const res = await submitRecoveryCode(b, page, k);
			const p2 = await backOnLogin(b, res, page.flowId, `used code ${k}`);
			assert.ok(p2.messages.includes(4000012), `4000012 for ${k}: ${p2.messages}`);
			assert.equal(p2.field('lookup_secret', 'lookup_secret')?.value || '', '', 'the code is not echoed back');
		}
		await assertAal2Required(b);
	});

	it('a wrong code is refused: 4000016', async () => {
		const { b, page } = await atSecondFactor();
		// Well-formed but not issued: each code with its groups rotated.
		const wrong = codes.map((k) => {
			const [l, x, y, z] = k.split('-');
			return `${l}-${y}-${z}-${x}`;
		}).find((k) => !codes.includes(k));
		for (const k of [wrong, 'not-a-code', 'Z-0000-0000-0000']) {
			const res = await submitRecoveryCode(b, page, k);
			const p2 = await backOnLogin(b, res, page.flowId, `wrong code ${k}`);
			assert.ok(p2.messages.includes(4000016), `4000016 for ${k}: ${p2.messages}`);
		}
		await assertAal2Required(b);
		assert.equal((await codesLeftText()).left, `You have ${12 - used} of 12 recovery codes left.`, 'wrong codes use nothing up');
	});

	it('one code submitted twice at the same moment signs in exactly once (5 rounds)', async () => {
		for (let round = 0; round < 5; round++) {
			const code = codes[next];
			const [x, y] = await Promise.all([atSecondFactor(), atSecondFactor()]);
			const [rx, ry] = await Promise.all([
				submitRecoveryCode(x.b, x.page, code),
				submitRecoveryCode(y.b, y.page, code),
			]);
			const ok = [rx, ry].filter((r) => r.status === 303 && r.location === h.server.url);
			assert.equal(ok.length, 1, `round ${round}: exactly one success; got ${rx.status} ${rx.location} / ${ry.status} ${ry.location}`);
			const [win, lose] = ok[0] === rx ? [x, y] : [y, x];
			const loseRes = ok[0] === rx ? ry : rx;
			const p2 = await backOnLogin(lose.b, loseRes, lose.page.flowId, `round ${round} loser`);
			assert.ok(p2.messages.includes(4000012), `round ${round}: the other gets 4000012: ${p2.messages}`);
			await assertAal2(win.b, ['password', 'lookup_secret'], email);
			await assertAal2Required(lose.b);
			next += 1;
			used += 1;
		}
		assert.equal((await codesLeftText()).left, `You have ${12 - used} of 12 recovery codes left.`);
	});

	it('with three or fewer codes left the counter turns into a warning (1059003)', async () => {
		while (12 - used > 3) {
			const { b, page } = await atSecondFactor();
			const res = await submitRecoveryCode(b, page, codes[next]);
			assert.equal(res.status, 303, `code ${next}: ${res.status}`);
			assert.equal(res.location, h.server.url);
			next += 1;
			used += 1;
		}
		const { few, left } = await codesLeftText();
		assert.equal(left, null, '1059002 is replaced');
		assert.ok(few, `1059003 is shown with ${12 - used} left`);
		assert.ok(few.includes(`${12 - used} of 12`), `"${few}"`);
	});

	it('"reveal" lists the codes as used or unused without showing them', async () => {
		const page = await settingsPage(c);
		const rev = await clickButton(c, page, 'lookup_secret_reveal', { value: 'true' });
		const shown = await backOnSettings(c, rev, page.flowId, 'reveal');
		for (const k of codes) assert.ok(!shown.html.includes(k), `code ${k} is not shown in plain text`);
		const list = msgText(shown.html, 1050015) || '';
		assert.equal((list.match(/used at/g) || []).length, used, `${used} marked as used: "${list}"`);
		assert.equal((list.match(/unused/g) || []).length, 12 - used, `${12 - used} marked as unused: "${list}"`);
	});
});

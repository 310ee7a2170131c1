// The second-factor journey in Chromium with JavaScript turned off: sign
// up, set up an authenticator app from the secret shown on the page, make
// recovery codes, sign out, sign in with the password and the TOTP code.
// Screenshots go to artifacts/mfa-<step>.png; the key ones are copied to
// docs/screenshots/ for the README.

import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { suite, skipReason, ARTIFACTS, ROOT } from './lib/server.mjs';
import { strongPassword } from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, decodeQr, parseOtpauth, totpAt, stepNow, nextTotp,
	RECOVERY_CODE_RE,
} from './lib/mfa.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOCS_SHOTS = path.join(ROOT, 'docs', 'screenshots');
const KEY_SHOTS = ['setup', 'enrolled', 'recovery-codes', 'second-factor', 'home-signed-in'];
const skip = skipReason() || mfaSkipReason() || (!existsSync(CHROMIUM) &&
    `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

suite('t3200 second factor in a browser without JavaScript', { skip }, () => {
	const h = useMfaServer();
	const email = 'ada.lovelace@example.com';	// a fresh server: no clash; a stable name for the README screenshots
	const pw = strongPassword();
	let browser;
	let page;
	let secret;
	let enrolStep;
	let codes;

	before(async () => {
		if (skip) return;
		mkdirSync(ARTIFACTS, { recursive: true });
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 800, height: 900 } });
		page = await ctx.newPage();
		page.setDefaultTimeout(10000);
	});

	after(async () => {
		if (browser) await browser.close();
	});

	/* Screenshot of the viewport, optionally with `selector` scrolled into view. */
	async function snap(name, selector) {
		if (selector) await page.locator(selector).first().scrollIntoViewIfNeeded();
		const file = path.join(ARTIFACTS, `mfa-${name}.png`);
		await page.screenshot({ path: file });
		if (KEY_SHOTS.includes(name)) {
			mkdirSync(DOCS_SHOTS, { recursive: true });
			copyFileSync(file, path.join(DOCS_SHOTS, `mfa-${name}.png`));
		}
	}

	const onPath = (p) => (u) => u.pathname === p;
	const noScripts = async () => {
		assert.equal(await page.locator('script').count(), 0, `no <script> on ${page.url()}`);
	};
	const msg = (id) => page.locator(`[data-msg="${id}"]`);
	const submitMethod = (v) => page.locator(`button[name="method"][value="${v}"]`).first();

	it('sign-up ends on the second-factor setup page', async () => {
		await page.goto(h.server.url);
		await page.getByRole('link', { name: /sign up/i }).first().click();
		await page.waitForURL((u) => u.pathname === '/registration' && u.searchParams.has('flow'));
		await page.locator('input[name="traits.email"]').fill(email);
		await page.locator('input[name="password"]').fill(pw);
		await submitMethod('password').click();
		await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.has('flow'));
		assert.equal(new URL(page.url()).hash, '#totp', `opens at the authenticator section: ${page.url()}`);
		await noScripts();
		assert.equal(await msg(1059001).count(), 1, 'setup prompt 1059001');
		assert.equal(await page.locator('[data-testid="mfa-setup-skip"]').count(), 1, '"Not now" link');
		assert.ok(await page.locator('#totp-totp_qr').isVisible(), 'the QR code is visible');
		await snap('setup');	// as the browser shows it: scrolled to #totp
	});

	it('the secret shown as text matches the QR code', async () => {
		secret = (await page.locator('#totp-totp_secret_key code').innerText()).trim();
		assert.match(secret, /^[A-Z2-7]{32,}$/, `secret text "${secret}"`);
		const src = await page.locator('#totp-totp_qr').getAttribute('src');
		const o = parseOtpauth(await decodeQr(src));
		assert.equal(o.params.secret, secret, 'QR secret == text secret');
		assert.equal(o.label, `Gatehouse:${email}`);
	});

	it('typing the current code enrols the authenticator', async () => {
		enrolStep = stepNow();
		await page.locator('input[name="totp_code"]').fill(await totpAt(secret, enrolStep));
		await snap('setup-code-typed', '#totp');
		await submitMethod('totp').click();
		await page.waitForURL((u) => u.pathname === '/settings' && u.searchParams.has('flow'));
		assert.equal(await msg(1050001).count(), 1, 'saved (1050001)');
		assert.equal(await page.locator('button[name="totp_unlink"]').count(), 1, 'an "Unlink" button');
		assert.equal(await page.locator('#totp-totp_qr').count(), 0, 'no QR code any more');
		await snap('enrolled', '#totp');
	});

	it('"Generate" shows 12 recovery codes; "Confirm" keeps them', async () => {
		await page.locator('button[name="lookup_secret_regenerate"]').click();
		await page.waitForURL(onPath('/settings'));
		const text = await page.locator('#lookup_secret-lookup_secret_codes').innerText();
		codes = [...new Set(text.match(RECOVERY_CODE_RE) || [])];
		assert.equal(codes.length, 12, `12 codes: ${text}`);
		await snap('recovery-codes', '#lookup_secret');
		await page.locator('button[name="lookup_secret_confirm"]').click();
		await page.waitForURL(onPath('/settings'));
		assert.equal(await msg(1050001).count(), 1, 'saved (1050001)');
		assert.match(await msg(1059002).innerText(), /12 of 12/, 'codes-left counter');
		await snap('recovery-codes-confirmed', '#lookup_secret');
	});

	it('"Sign out", then password sign-in stops at the second-factor page', async () => {
		await page.getByRole('link', { name: /sign out/i }).first().click();
		await page.waitForURL(onPath('/'));
		await page.getByRole('link', { name: /sign in|log in/i }).first().click();
		await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.has('flow'));
		await page.locator('input[name="identifier"]').fill(email);
		await page.locator('input[name="password"]').fill(pw);
		await submitMethod('password').click();
		await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.has('flow'));
		await noScripts();
		assert.equal(await msg(1010004).count(), 1, 'second-factor message 1010004');
		assert.equal(await page.locator('input[name="totp_code"]').count(), 1, 'a TOTP input');
		assert.equal(await page.locator('input[name="lookup_secret"]').count(), 1, 'a recovery-code input');
		assert.equal(await page.locator('input[name="password"]').count(), 0, 'no password input');
		await snap('second-factor');
	});

	it('the TOTP code signs in: the home page shows the account', async () => {
		const { code } = await nextTotp(secret, enrolStep);
		await page.locator('input[name="totp_code"]').fill(code);
		await submitMethod('totp').click();
		await page.waitForURL(onPath('/'));
		const text = await page.locator('body').innerText();
		assert.ok(text.includes(email), `signed in as ${email}: ${text.slice(0, 300)}`);
		await snap('home-signed-in');
		const res = await page.request.get(`${h.server.url}sessions/whoami`, { headers: { accept: 'application/json' } });
		assert.equal(res.status(), 200);
		const s = await res.json();
		assert.equal(s.authenticator_assurance_level, 'aal2');
		assert.deepEqual(s.authentication_methods.map((m) => m.method), ['password', 'totp']);
	});
});

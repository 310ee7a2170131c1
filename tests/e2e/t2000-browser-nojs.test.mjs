// A real browser with JavaScript turned off: sign up, sign out, sign in by
// clicking through the pages.  Screenshots of each step go to artifacts/.

import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { suite, useServer, skipReason, ARTIFACTS } from './lib/server.mjs';
import { uniqueEmail, strongPassword } from './lib/flows.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skip = skipReason() || (!existsSync(CHROMIUM) &&
    `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

suite('t2000 sign up, sign out, sign in in a browser without JavaScript', { skip }, () => {
	const h = useServer();
	const email = uniqueEmail('browser');
	const pw = strongPassword();
	let browser;
	let page;
	let shot = 0;

	before(async () => {
		if (skip) return;
		mkdirSync(ARTIFACTS, { recursive: true });
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 800 } });
		page = await ctx.newPage();
		page.setDefaultTimeout(10000);
	});

	after(async () => {
		if (browser) await browser.close();
	});

	async function snap(name) {
		shot += 1;
		const file = path.join(ARTIFACTS, `t2000-${String(shot).padStart(2, '0')}-${name}.png`);
		await page.screenshot({ path: file, fullPage: true });
	}

	/* The link or button whose visible text matches re. */
	function control(re) {
		return page.getByRole('link', { name: re })
			.or(page.getByRole('button', { name: re }))
			.first();
	}

	const onPath = (p) => (u) => new URL(u).pathname === p;
	const noScripts = async () => {
		assert.equal(await page.locator('script').count(), 0, `no <script> on ${page.url()}`);
	};

	it('the home page offers "Sign up"', async () => {
		await page.goto(h.server.url);
		await snap('home-signed-out');
		await noScripts();
		assert.equal(await control(/sign up/i).count(), 1, 'a "Sign up" link or button');
	});

	it('clicking "Sign up" opens the registration form', async () => {
		await control(/sign up/i).click();
		await page.waitForURL((u) => u.pathname === '/registration' && u.searchParams.has('flow'));
		await snap('registration');
		await noScripts();
		await page.locator('input[name="traits.email"]').fill(email);
		await page.locator('input[name="password"]').fill(pw);
		await snap('registration-filled');
	});

	it('submitting signs up and lands on the home page signed in', async () => {
		await page.locator('button[name="method"][value="password"], input[type="submit"][name="method"][value="password"]').first().click();
		await page.waitForURL(onPath('/'));
		await snap('home-after-sign-up');
		const text = await page.locator('body').innerText();
		assert.ok(text.includes(email), `the home page shows ${email}: ${text.slice(0, 300)}`);
		const cookies = await page.context().cookies();
		const s = cookies.find((c) => c.name === 'ory_kratos_session');
		assert.ok(s, 'the browser holds the session cookie');
		assert.equal(s.httpOnly, true);
	});

	it('"Sign out" signs out', async () => {
		await control(/sign out|log out/i).click();
		await page.waitForURL(onPath('/'));
		await snap('home-after-sign-out');
		const text = await page.locator('body').innerText();
		assert.ok(!text.includes(email), 'the e-mail address is gone');
		assert.ok(await control(/sign in|log in/i).count() > 0, 'a "Sign in" link is offered');
		const cookies = await page.context().cookies();
		assert.equal(cookies.find((c) => c.name === 'ory_kratos_session'), undefined, 'session cookie removed');
	});

	it('"Sign in" with a wrong password shows the error on the form', async () => {
		await control(/sign in|log in/i).click();
		await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.has('flow'));
		await noScripts();
		await page.locator('input[name="identifier"]').fill(email);
		await page.locator('input[name="password"]').fill(pw + '-wrong');
		await page.locator('button[name="method"][value="password"], input[type="submit"][name="method"][value="password"]').first().click();
		await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.has('flow'));
		await snap('login-wrong-password');
		assert.equal(await page.locator('[data-msg="4000006"]').count(), 1, 'message 4000006 is shown');
		assert.equal(await page.locator('input[name="identifier"]').inputValue(), email, 'the identifier is kept');
		assert.equal(await page.locator('input[name="password"]').inputValue(), '', 'the password is not kept');
	});

	it('"Sign in" with the right password signs in again', async () => {
		await page.locator('input[name="password"]').fill(pw);
		await snap('login-filled');
		await page.locator('button[name="method"][value="password"], input[type="submit"][name="method"][value="password"]').first().click();
		await page.waitForURL(onPath('/'));
		await snap('home-after-sign-in');
		const text = await page.locator('body').innerText();
		assert.ok(text.includes(email), `signed in again as ${email}`);
	});
});

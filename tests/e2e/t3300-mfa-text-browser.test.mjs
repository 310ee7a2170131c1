// Second-factor setup and sign-in in a text browser: the pages rendered by
// w3m (-dump, as a text-browser user reads them) show the secret to type
// into an authenticator app, the labelled code fields and the buttons; the
// journey then completes with the code such a user would type.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { suite } from './lib/server.mjs';
import { Client, uniqueEmail, strongPassword, logoutBrowser } from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, passwordToSecondFactor,
	submitTotp, nextTotp,
} from './lib/mfa.mjs';

const execFileP = promisify(execFile);
const W3M = ['/usr/bin/w3m', '/bin/w3m'].find((p) => existsSync(p));

/* What a w3m user sees: the page dumped as text, 80 columns. */
async function dump(html) {
	const p = execFileP(W3M, ['-dump', '-T', 'text/html', '-cols', '80', '-O', 'UTF-8']);
	p.child.stdin.end(html);
	return (await p).stdout;
}

suite('t3300 MFA in a text browser (w3m)', { skip: mfaSkipReason() || (!W3M && 'w3m is not installed') }, () => {
	const h = useMfaServer();
	const email = uniqueEmail('textbrowser');
	const password = strongPassword();
	let c;
	let secret;
	let step;

	it('the setup page reads well as text: the secret, the code field, the buttons', async () => {
		c = new Client(h.server.url);
		const { page } = await registerToSetup(c, email, password);
		const text = await dump(page.html);
		const m = text.match(/^\s*([A-Z2-7]{32})\s*$/m);
		assert.ok(m, `a 32-character base32 secret on a line of its own:\n${text}`);
		secret = m[1];
		for (const s of ['Authenticator app', 'Verify code', 'Save', 'Backup recovery codes',
		    'Generate new backup recovery codes', 'Not now'])
			assert.ok(text.includes(s), `"${s}" in the text page:\n${text}`);
		const enrolled = await enrolTotp(c, page);
		assert.equal(enrolled.secret, secret, 'the secret a text user reads is the one enrolled');
		step = enrolled.step;
		assert.match(await dump(enrolled.page.html), /An authenticator app is set up/);
	});

	it('the second-factor page reads well as text and accepts the code', async () => {
		await logoutBrowser(c);
		const { page } = await passwordToSecondFactor(c, email, password);
		const text = await dump(page.html);
		for (const s of ['Second factor', 'Please complete the second authentication challenge.',
		    'Authentication code', 'Use Authenticator', 'Sign out'])
			assert.ok(text.includes(s), `"${s}" in the text page:\n${text}`);
		const { code } = await nextTotp(secret, step);
		const res = await submitTotp(c, page, code);
		assert.equal(res.status, 303, `TOTP sign-in: ${res.status}`);
		assert.equal(new URL(res.location).pathname, '/', `signed in: ${res.location}`);
	});
});

// The reference lighttpd.conf, as installed by `make install`, mounting
// Gatehouse under a path prefix (GATEHOUSE_PREFIX=/account, base URL
// http://127.0.0.1:PORT/account/): the journey sign-up -> TOTP enrolment
// -> sign-out -> sign-in with password and TOTP -> whoami at aal2 with
// every redirect, link and cookie path below /account/; stylesheets from
// lighttpd itself; nothing answered outside the prefix.

import assert from 'node:assert/strict';
import { it, before, after, afterEach } from 'node:test';
import { suite, freePort, LIGHTTPD } from './lib/server.mjs';
import {
	makeSandbox, installTree, writeConfig, journeySkipReason, mfaJourney, bearerWhoami,
	startLighttpdAt, waitReady,
} from './lib/deploy.mjs';

suite('lighttpd (installed lighttpd.conf) with GATEHOUSE_PREFIX=/account',
    { skip: (LIGHTTPD ? false : 'lighttpd is not installed') || journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('lighttpd-subpath');
		h.prefix = await installTree(h.box);
		h.port = await freePort();
		h.origin = `http://127.0.0.1:${h.port}`;
		h.base = `${h.origin}/account/`;
		const configPath = await writeConfig(h.prefix, h.base);
		h.server = await startLighttpdAt(h.box, h.prefix, { port: h.port, urlPrefix: '/account', configPath });
		await waitReady(h.base, {
			why: () => `--- lighttpd output ---\n${h.server.output()}\n--- lighttpd-error.log ---\n${h.server.errorLogTail(60)}`,
		});
	});
	afterEach((t) => {
		if (t.passed === false && h.server) {
			console.log(`# ${t.name} failed; tail of lighttpd-error.log:\n` +
			    h.server.errorLogTail(40).split('\n').map((l) => `#   ${l}`).join('\n'));
		}
	});
	after(async () => {
		if (h.server) await h.server.stop();
		h.box?.cleanup();
	});

	it('runs the journey: sign-up, TOTP enrolment, sign-in with the second factor', async () => {
		await mfaJourney(h.base);
	});

	it('passes "Authorization: Bearer" through to the program', async () => {
		await bearerWhoami(h.base);
	});

	it('redirects /account to /account/', async () => {
		const r = await fetch(`${h.origin}/account`, { redirect: 'manual' });
		await r.text();
		assert.equal(r.status, 301);
		assert.equal(new URL(r.headers.get('location'), h.origin).pathname, '/account/');
	});

	it('answers nothing of Gatehouse outside the prefix', async () => {
		for (const p of ['/health/ready', '/login', '/self-service/login/browser', '/static/css/gatehouse.css']) {
			const r = await fetch(`${h.origin}${p}`, { redirect: 'manual' });
			await r.text();
			assert.equal(r.status, 404, `GET ${p}`);
		}
	});
});

// Gatehouse as a FastCGI program under Debian's apache2, mounted at
// /account/, from a `make install` tree, once per shipped example:
//
// - etc/apache/gatehouse-fcgid.conf: mod_fcgid starts and keeps the
//   processes (FcgidInitialEnv names the configuration);
// - etc/apache/gatehouse-proxy-fcgi.conf: mod_proxy_fcgi forwards to a
//   Unix socket on which spawn-fcgi started the processes (the same set-up
//   as etc/nginx/gatehouse.conf).
//
// Each runs the journey sign-up -> TOTP enrolment -> sign-out -> sign-in
// with password and TOTP -> whoami at aal2 (every redirect, link and
// cookie path below /account/), and checks that the processes persist
// between requests.

import assert from 'node:assert/strict';
import { it, before, after, afterEach } from 'node:test';
import { suite, freePort, gatehousePidsUnder } from './lib/server.mjs';
import { apacheSkipReason, startApache, startSpawnFcgi, SPAWN_FCGI } from './lib/apache.mjs';
import {
	makeSandbox, installTree, writeConfig, exampleFile, runUser, journeySkipReason,
	mfaJourney, bearerWhoami,
} from './lib/deploy.mjs';

function hooks(h) {
	afterEach((t) => {
		if (t.passed === false && h.apache) {
			console.log(`# ${t.name} failed; tail of ${h.apache.errorLog}:\n` +
			    h.apache.errorLogTail(40).split('\n').map((l) => `#   ${l}`).join('\n'));
		}
	});
	after(async () => {
		if (h.apache) await h.apache.stop();
		if (h.spawned) await h.spawned.stop();
		h.box?.cleanup();
	});
}

suite('Apache + mod_fcgid (etc/apache/gatehouse-fcgid.conf) at /account/',
    { skip: apacheSkipReason(['fcgid']) || journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('apache-fcgid');
		h.prefix = await installTree(h.box);
		h.port = await freePort();
		h.base = `http://127.0.0.1:${h.port}/account/`;
		await writeConfig(h.prefix, h.base, { owner: runUser() });
		h.apache = await startApache(h.box, {
			modules: ['fcgid'], port: h.port, base: '/account/',
			site: await exampleFile(h.box, 'etc/apache/gatehouse-fcgid.conf'),
		});
	});
	hooks(h);

	it('runs the journey: sign-up, TOTP enrolment, sign-in with the second factor', async () => {
		await mfaJourney(h.base);
	});

	it('passes "Authorization: Bearer" through to the program (CGIPassAuth)', async () => {
		await bearerWhoami(h.base);
	});

	it('keeps its FastCGI processes between requests', async () => {
		const before1 = gatehousePidsUnder(h.apache.pid);
		assert.ok(before1.length >= 1, 'mod_fcgid runs at least one gatehouse.fcgi');
		for (let i = 0; i < 5; i++) {
			const r = await fetch(`${h.base}health/alive`);
			assert.equal(r.status, 200);
			await r.text();
		}
		const after1 = gatehousePidsUnder(h.apache.pid);
		assert.ok(before1.some((p) => after1.includes(p)), `the same processes serve on: ${before1} then ${after1}`);
	});

	it('answers /account (the mount point without its slash) with the home page', async () => {
		const r = await fetch(`${h.apache.origin}/account`, { redirect: 'manual' });
		const body = await r.text();
		assert.equal(r.status, 200, body.slice(0, 200));
		assert.match(body, /<title>[^<]*Gatehouse<\/title>/);
	});
});

suite('Apache + mod_proxy_fcgi + spawn-fcgi (etc/apache/gatehouse-proxy-fcgi.conf) at /account/',
    { skip: apacheSkipReason(['proxy', 'proxy_fcgi']) || journeySkipReason() ||
	(SPAWN_FCGI ? false : 'spawn-fcgi is not installed (apt-get install spawn-fcgi)') }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('apache-proxy-fcgi');
		h.prefix = await installTree(h.box);
		h.port = await freePort();
		h.base = `http://127.0.0.1:${h.port}/account/`;
		await writeConfig(h.prefix, h.base, { owner: runUser() });
		h.spawned = await startSpawnFcgi(h.prefix, { workers: 2 });
		h.apache = await startApache(h.box, {
			modules: ['proxy', 'proxy_fcgi'], port: h.port, base: '/account/',
			site: await exampleFile(h.box, 'etc/apache/gatehouse-proxy-fcgi.conf'),
		});
	});
	hooks(h);

	it('runs the journey: sign-up, TOTP enrolment, sign-in with the second factor', async () => {
		await mfaJourney(h.base);
	});

	it('passes "Authorization: Bearer" through to the program (CGIPassAuth)', async () => {
		await bearerWhoami(h.base);
	});

	it('redirects /account to /account/', async () => {
		const r = await fetch(`${h.apache.origin}/account`, { redirect: 'manual' });
		await r.text();
		assert.equal(r.status, 301);
		assert.equal(new URL(r.headers.get('location'), h.apache.origin).pathname, '/account/');
	});
});

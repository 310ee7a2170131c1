// nginx + spawn-fcgi as etc/nginx/gatehouse.conf describes, from a
// `make install` tree, mounted at /account/: the journey sign-up -> TOTP
// enrolment -> sign-out -> sign-in with password and TOTP -> whoami at
// aal2, every redirect, link and cookie path below /account/, stylesheets
// served by nginx.

import assert from 'node:assert/strict';
import { it, before, after, afterEach } from 'node:test';
import { suite, freePort } from './lib/server.mjs';
import { startSpawnFcgi, SPAWN_FCGI } from './lib/apache.mjs';
import {
	makeSandbox, installTree, writeConfig, exampleFile, runUser, journeySkipReason,
	mfaJourney, bearerWhoami, startNginx, waitReady, NGINX,
} from './lib/deploy.mjs';

suite('nginx + spawn-fcgi (etc/nginx/gatehouse.conf) at /account/',
    { skip: (NGINX ? false : 'nginx is not installed (apt-get install nginx)') ||
	(SPAWN_FCGI ? false : 'spawn-fcgi is not installed (apt-get install spawn-fcgi)') || journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('nginx');
		h.prefix = await installTree(h.box);
		h.port = await freePort();
		h.origin = `http://127.0.0.1:${h.port}`;
		h.base = `${h.origin}/account/`;
		await writeConfig(h.prefix, h.base, { owner: runUser() });
		h.spawned = await startSpawnFcgi(h.prefix, { workers: 2 });
		h.nginx = await startNginx(h.box, { port: h.port, site: await exampleFile(h.box, 'etc/nginx/gatehouse.conf') });
		await waitReady(h.base, {
			alive: () => !h.nginx.exited(),
			why: () => `--- nginx output ---\n${h.nginx.output()}\n--- error.log ---\n${h.nginx.errorLogTail(40)}`,
		});
	});
	afterEach((t) => {
		if (t.passed === false && h.nginx) {
			console.log(`# ${t.name} failed; tail of nginx's error.log:\n` +
			    h.nginx.errorLogTail(40).split('\n').map((l) => `#   ${l}`).join('\n'));
		}
	});
	after(async () => {
		if (h.nginx) await h.nginx.stop();
		if (h.spawned) await h.spawned.stop();
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
});

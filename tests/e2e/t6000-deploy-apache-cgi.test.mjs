// Gatehouse as a plain CGI program under Debian's apache2 (mod_cgi), from
// a `make install` tree, once per shipped example:
//
// - etc/apache/gatehouse-cgi.conf: ScriptAlias at /cgi-bin/gatehouse.cgi/
//   (routing on the path below it; PATH_INFO when the URI is spelt
//   differently), stylesheets served by Apache through an Alias;
// - etc/apache/htaccess: a user's public_html/account/ on a shared host,
//   tidy URLs through mod_rewrite at /~alice/account/ (an Alias stands in
//   for UserDir); once with a copy of the program and SetEnv, once with
//   the README's wrapper script that suexec hosts need.
//
// Each runs the journey sign-up -> TOTP enrolment -> sign-out -> sign-in
// with password and TOTP -> whoami at aal2, checking that every redirect,
// link and cookie path stays below the base URL.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { it, before, after, afterEach } from 'node:test';
import { suite, freePort } from './lib/server.mjs';
import { apacheSkipReason, startApache } from './lib/apache.mjs';
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
		h.box?.cleanup();
	});
}

/* Run the program once as a CGI program with env (no web server). */
function runCgi(prog, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(prog, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => { out += d; });
		child.stderr.on('data', (d) => { err += d; });
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, out, err }));
	});
}

suite('Apache, CGI via ScriptAlias (etc/apache/gatehouse-cgi.conf) at /cgi-bin/gatehouse.cgi/',
    { skip: apacheSkipReason(['cgi']) || journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('apache-cgi');
		h.prefix = await installTree(h.box);
		h.port = await freePort();
		h.base = `http://127.0.0.1:${h.port}/cgi-bin/gatehouse.cgi/`;
		h.config = await writeConfig(h.prefix, h.base, { owner: runUser() });
		h.apache = await startApache(h.box, {
			modules: ['cgi'], port: h.port, base: '/cgi-bin/gatehouse.cgi/',
			site: await exampleFile(h.box, 'etc/apache/gatehouse-cgi.conf'),
		});
	});
	hooks(h);

	it('runs the journey: sign-up, TOTP enrolment, sign-in with the second factor', async () => {
		await mfaJourney(h.base);
	});

	it('passes "Authorization: Bearer" through to the program (CGIPassAuth)', async () => {
		await bearerWhoami(h.base);
	});

	it('routes on PATH_INFO when REQUEST_URI spells the base path differently', async () => {
		// Apache decodes %62 to "b" to find the script; REQUEST_URI keeps
		// it, so only PATH_INFO says which endpoint this is.
		const r = await fetch(`${h.apache.origin}/cgi-%62in/gatehouse.cgi/health/alive`);
		const body = await r.text();
		assert.equal(r.status, 200, body);
		assert.deepEqual(JSON.parse(body), { status: 'ok' });
	});

	it('answers 404 below the base URL for paths it does not know', async () => {
		const r = await fetch(`${h.base}no/such/page`, { headers: { accept: 'application/json' } });
		assert.equal(r.status, 404);
	});

	it('without REQUEST_URI (plain CGI/1.1) routes on SCRIPT_NAME + PATH_INFO', async () => {
		const prog = path.join(h.prefix, 'cgi-bin', 'gatehouse.cgi');
		const env = {
			PATH: '/usr/bin:/bin', GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET',
			SCRIPT_NAME: '/cgi-bin/gatehouse.cgi', HTTP_ACCEPT: 'application/json',
			GATEHOUSE_CONFIG: h.config,
		};
		// As root the state directory belongs to the web server's user:
		// only /health/alive needs nothing from it... but app_init opens
		// the store, so run as that user where we can.
		const user = runUser();
		const run = (extra) => user.self ? runCgi(prog, { ...env, ...extra })
		    : new Promise((resolve, reject) => {
			const child = spawn(prog, [], { env: { ...env, ...extra }, uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] });
			let out = '';
			let err = '';
			child.stdout.on('data', (d) => { out += d; });
			child.stderr.on('data', (d) => { err += d; });
			child.on('error', reject);
			child.on('exit', (code) => resolve({ code, out, err }));
		});
		const a = await run({ PATH_INFO: '/health/alive' });
		assert.equal(a.code, 0, a.err);
		assert.match(a.out, /^Status: 200 OK\r\n/, a.out.slice(0, 200));
		assert.match(a.out, /\r\n\r\n\{"status":"ok"\}$/, a.out.slice(0, 400));
		const b = await run({ PATH_INFO: '/self-service/login/browser', HTTP_ACCEPT: 'text/html' });
		assert.match(b.out, /^Status: 303 See Other\r\n/, b.out.slice(0, 200));
		assert.match(b.out, new RegExp(`\r\nLocation: ${h.base.replace(/[.?]/g, '\\$&')}login\\?flow=`), b.out.slice(0, 600));
		const c = await run({ PATH_INFO: '/sessions/whoami' });
		assert.match(c.out, /^Status: 401 /, c.out.slice(0, 200));
	});
});

for (const wrapper of [false, true]) {
suite(`Apache, CGI with .htaccess in public_html (etc/apache/htaccess) at /~alice/account/${wrapper ? ', suexec-style wrapper script' : ''}`,
    { skip: apacheSkipReason(['cgi', 'rewrite']) || journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('apache-htaccess');
		h.prefix = await installTree(h.box);
		h.port = await freePort();
		h.base = `http://127.0.0.1:${h.port}/~alice/account/`;
		await writeConfig(h.prefix, h.base, { owner: runUser() });

		// What README.md ("Apache CGI with .htaccess") says to do.
		const pub = path.join(h.box.home, 'public_html');
		h.dir = path.join(pub, 'account');
		await mkdir(h.dir, { recursive: true, mode: 0o755 });
		await chmod(pub, 0o755);
		const cgi = path.join(h.dir, 'gatehouse.cgi');
		let htaccess = await exampleFile(h.box, 'etc/apache/htaccess');
		if (wrapper) {
			// suexec drops GATEHOUSE_CONFIG: the wrapper sets it instead.
			htaccess = htaccess.replace(/^SetEnv GATEHOUSE_CONFIG .*$/m, '');
			assert.ok(!htaccess.includes('SetEnv'));
			await writeFile(cgi, '#!/bin/sh\n' +
			    `GATEHOUSE_CONFIG=${h.prefix}/gatehouse.yml exec ${h.prefix}/cgi-bin/gatehouse.fcgi\n`);
		} else {
			await copyFile(path.join(h.prefix, 'cgi-bin', 'gatehouse.fcgi'), cgi);
		}
		await chmod(cgi, 0o755);
		await cp(path.join(h.prefix, 'static'), path.join(h.dir, 'static'), { recursive: true });
		await writeFile(path.join(h.dir, '.htaccess'), htaccess);
		// The host's part: UserDir (an Alias here) with overrides allowed.
		h.apache = await startApache(h.box, {
			modules: ['cgi', 'rewrite'], port: h.port, base: '/~alice/account/',
			frame: [
				`Alias /~alice/ "${pub}/"`,
				`<Directory "${pub}">`,
				`\tAllowOverride All`,
				`\tOptions SymLinksIfOwnerMatch`,
				`\tRequire all granted`,
				`</Directory>`,
			].join('\n'),
			site: '# nothing: public_html/account/.htaccess does it all\n',
		});
	});
	hooks(h);

	it('runs the journey: sign-up, TOTP enrolment, sign-in with the second factor', async () => {
		await mfaJourney(h.base);
	});

	it('passes "Authorization: Bearer" through to the program (CGIPassAuth)', async () => {
		await bearerWhoami(h.base);
	});

	it('never serves a configuration file placed next to the program', async () => {
		await writeFile(path.join(h.dir, 'gatehouse.yml'), 'secrets: {}\n');
		const r = await fetch(`${h.apache.origin}/~alice/account/gatehouse.yml`);
		await r.text();
		assert.equal(r.status, 403);
	});
});
}

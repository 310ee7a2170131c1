// `make install PREFIX=... DESTDIR=...` as a user without root: the tree
// it writes, the example configuration that check-config refuses until its
// placeholder secrets are replaced, the installed lighttpd.conf, and the
// start-up checks of the state directory's and the configuration's
// permissions (lib/deploy.c).

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, readFile, readlink, stat, writeFile, copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { it, before, after } from 'node:test';
import { suite, ROOT, LIGHTTPD } from './lib/server.mjs';
import { makeSandbox, installTree, writeConfig, journeySkipReason } from './lib/deploy.mjs';

const execFileP = promisify(execFile);

/* Run prog with args/env; never throws: { code, stdout, stderr }. */
function run(prog, args, env = process.env) {
	return new Promise((resolve) => {
		const child = spawn(prog, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => { stdout += d; });
		child.stderr.on('data', (d) => { stderr += d; });
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

suite('make install', { skip: journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('install');
		h.prefix = await installTree(h.box);
		h.prog = path.join(h.prefix, 'cgi-bin', 'gatehouse.fcgi');
	});
	after(() => h.box?.cleanup());

	it('installs the program, templates, static files, examples and a 0700 state directory', async () => {
		for (const f of ['cgi-bin/gatehouse.fcgi', 'templates/layout.tpl', 'templates/login.tpl',
		    'static/css/gatehouse.css', 'etc/identity.schema.json', 'etc/gatehouse.example.yml',
		    'etc/apache/gatehouse-cgi.conf', 'etc/apache/gatehouse-fcgid.conf',
		    'etc/apache/gatehouse-proxy-fcgi.conf', 'etc/apache/htaccess', 'etc/nginx/gatehouse.conf',
		    'lighttpd.conf']) {
			assert.ok(existsSync(path.join(h.prefix, f)), `${f} is installed`);
		}
		assert.equal((await stat(h.prog)).mode & 0o777, 0o755, 'the program is executable');
		const cgi = path.join(h.prefix, 'cgi-bin', 'gatehouse.cgi');
		assert.ok((await lstat(cgi)).isSymbolicLink(), 'gatehouse.cgi is a symlink');
		assert.equal(await readlink(cgi), 'gatehouse.fcgi');
		assert.equal((await stat(path.join(h.prefix, 'var'))).mode & 0o777, 0o700, 'var/ is 0700');
		for (const t of ['login', 'registration', 'settings', 'error', 'home']) {
			assert.equal(await readFile(path.join(h.prefix, 'templates', `${t}.tpl`), 'utf8'),
			    await readFile(path.join(ROOT, 'templates', `${t}.tpl`), 'utf8'), `templates/${t}.tpl`);
		}
	});

	it('stages into DESTDIR without touching PREFIX itself', async () => {
		const stage = path.join(h.box.dir, 'stage');
		await execFileP('make', ['-s', '-C', ROOT, '-o', 'cgi-bin/gatehouse.fcgi', 'install',
		    'PREFIX=/nonexistent/gatehouse', `DESTDIR=${stage}`], { timeout: 60000 });
		assert.ok(existsSync(path.join(stage, 'nonexistent/gatehouse/cgi-bin/gatehouse.fcgi')));
		assert.ok(!existsSync('/nonexistent'));
	});

	it('keeps an existing configuration and state directory on reinstall', async () => {
		const yml = path.join(h.prefix, 'gatehouse.yml');
		await writeFile(yml, '# mine\n', { mode: 0o600 });
		await writeFile(path.join(h.prefix, 'var', 'keep'), 'x');
		await installTree(h.box);
		assert.equal(await readFile(yml, 'utf8'), '# mine\n');
		assert.ok(existsSync(path.join(h.prefix, 'var', 'keep')));
		assert.equal((await stat(path.join(h.prefix, 'var'))).mode & 0o777, 0o700);
	});

	it('refuses the example configuration until its placeholder secrets are replaced', async () => {
		const yml = path.join(h.prefix, 'gatehouse.yml');
		await copyFile(path.join(h.prefix, 'etc', 'gatehouse.example.yml'), yml);
		await chmod(yml, 0o600);
		const bad = await run(h.prog, ['check-config', yml]);
		assert.notEqual(bad.code, 0, 'check-config accepts the placeholders');
		assert.match(bad.stderr, /gatehouse\.yml:\d+: secrets\.cookie: each secret must be at least 16 characters/);

		// As the comments in the file say: head -c 36 / 24 /dev/urandom | base64
		let text = await readFile(yml, 'utf8');
		text = text.replace('- "CHANGE-ME"', `- "${randomBytes(36).toString('base64')}"`);
		const stillBad = await run(h.prog, ['check-config', yml]);
		assert.notEqual(stillBad.code, 0);
		await writeFile(yml, text);
		const cipherBad = await run(h.prog, ['check-config', yml]);
		assert.match(cipherBad.stderr, /secrets\.cipher: each secret must be exactly 32 characters/);
		text = text.replace('- "CHANGE-ME"', `- "${randomBytes(24).toString('base64')}"`);
		await writeFile(yml, text);
		const ok = await run(h.prog, ['check-config', yml]);
		assert.equal(ok.code, 0, ok.stderr);
		assert.match(ok.stdout, /ok \(base URL https:\/\/example\.org\/account\//);
	});

	it('installs a lighttpd.conf that takes an optional GATEHOUSE_PREFIX', { skip: !LIGHTTPD && 'lighttpd is not installed' }, async () => {
		const conf = path.join(h.prefix, 'lighttpd.conf');
		const env = {
			PATH: process.env.PATH, GATEHOUSE_ROOT: h.prefix, PORT: '1', VAR_DIR: path.join(h.prefix, 'var'),
			CONFIG: path.join(h.prefix, 'gatehouse.yml'), WORKERS: '1',
		};
		const plain = await run(LIGHTTPD, ['-p', '-f', conf], env);
		assert.equal(plain.code, 0, plain.stderr);
		assert.match(plain.stdout, /"\/static\/" => /);
		const sub = await run(LIGHTTPD, ['-p', '-f', conf], { ...env, GATEHOUSE_PREFIX: '/account' });
		assert.equal(sub.code, 0, sub.stderr);
		assert.match(sub.stdout, /"\/account\/static\/" => /);
		assert.match(sub.stdout, /"\/account\/" => /);
		for (const bad of ['/account/', 'account', '/a b', '/x"y']) {
			const r = await run(LIGHTTPD, ['-p', '-f', conf], { ...env, GATEHOUSE_PREFIX: bad });
			assert.notEqual(r.code, 0, `GATEHOUSE_PREFIX=${bad} is refused`);
			assert.match(r.stderr + r.stdout, /GATEHOUSE_PREFIX=/);
		}
	});
});

/*
 * The start-up checks run in app_init() (lib/deploy.c); the program is run
 * here as a CGI program on /health/alive.
 */
suite('start-up checks of file permissions', { skip: journeySkipReason() }, () => {
	const h = {};
	before(async () => {
		h.box = await makeSandbox('perms');
		h.prefix = await installTree(h.box);
		h.prog = path.join(h.prefix, 'cgi-bin', 'gatehouse.fcgi');
		h.config = await writeConfig(h.prefix, 'http://127.0.0.1:1/account/');
		h.varDir = path.join(h.prefix, 'var');
		h.cgi = () => run(h.prog, [], {
			PATH: '/usr/bin:/bin', GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET',
			REQUEST_URI: '/account/health/alive', GATEHOUSE_CONFIG: h.config,
		});
	});
	after(() => h.box?.cleanup());

	it('starts with a 0700 state directory and a 0600 configuration, silently', async () => {
		const r = await h.cgi();
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^Status: 200 OK\r\n/);
		assert.equal(r.stderr, '');
	});

	it('refuses a state directory others can enter, naming it and the chmod to run', async () => {
		for (const mode of [0o755, 0o750, 0o711]) {
			await chmod(h.varDir, mode);
			const r = await h.cgi();
			assert.notEqual(r.code, 0, `starts with var/ mode ${mode.toString(8)}`);
			assert.ok(r.stderr.includes(`state directory ${h.varDir} has mode 0${mode.toString(8)}`), r.stderr);
			assert.ok(r.stderr.includes(`chmod 700 ${h.varDir}`), r.stderr);
			assert.equal(r.stdout, '', 'nothing is served');
		}
		await chmod(h.varDir, 0o700);
	});

	it('warns about a world-readable configuration holding secrets, and starts', async () => {
		await chmod(h.config, 0o644);
		const r = await h.cgi();
		await chmod(h.config, 0o600);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^Status: 200 OK\r\n/);
		assert.ok(r.stderr.includes(`warning: ${h.config} holds secrets and is readable by everyone (mode 0644): run  chmod 600 ${h.config}`), r.stderr);
	});

	it('refuses a state directory that belongs to another user', async (t) => {
		if (process.getuid() !== 0) return t.skip('needs root to hand the directory to another user');
		const other = path.join(h.box.dir, 'other-var');
		await mkdir(other, { mode: 0o700 });
		await chown(other, 65534, 65534);
		const yml = path.join(h.box.dir, 'other.yml');
		await writeFile(yml, (await readFile(h.config, 'utf8')).replace(h.varDir, other), { mode: 0o600 });
		const r = await run(h.prog, [], {
			PATH: '/usr/bin:/bin', GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET',
			REQUEST_URI: '/account/health/alive', GATEHOUSE_CONFIG: yml,
		});
		assert.notEqual(r.code, 0);
		assert.ok(r.stderr.includes(`state directory ${other} belongs to `), r.stderr);
		assert.ok(r.stderr.includes(`chown -R root ${other}`), r.stderr);
	});
});

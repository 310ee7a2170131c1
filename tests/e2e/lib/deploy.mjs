// Deployment tests (t6xxx): install Gatehouse the way the README says
// (`make install` into a temporary "/"), write its configuration, and run
// the sign-up -> TOTP enrolment -> sign-in-with-the-second-factor journey
// against any base URL, checking on the way that every link, redirect and
// cookie path stays below that base URL.
//
//   const t = await makeSandbox();            // t.dir is the fake "/"
//   const prefix = await installTree(t);      // <dir>/home/alice/gatehouse
//   await writeConfig(prefix, base, { owner }); // gatehouse.yml + var/
//   await mfaJourney(base);
//
// lib/apache.mjs starts Apache on such a tree; startLighttpdAt() here runs
// the installed lighttpd.conf under a path prefix.

import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, writeFile, readdir, lstat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { ROOT, PROG, LIGHTTPD, freePort, waitFor, sleep, gatehousePidsUnder } from './server.mjs';
import { Client, HTML_ACCEPT, JSON_ACCEPT, toPage } from './client.mjs';
import { openFlowPage, loginHtml, logoutBrowser, whoami, registerAnyJson } from './flows.mjs';
import { OATHTOOL, secretText, totpAt, freshStep } from './mfa.mjs';

const execFileP = promisify(execFile);

/* The example paths in etc/apache/*, etc/nginx/* and the README. */
export const EXAMPLE_HOME = '/home/alice';

export const IS_ROOT = process.getuid() === 0;

/*
 * Who runs Gatehouse under a web server started by this process: ourselves,
 * or -- when we are root, which Apache refuses to serve as -- www-data (or
 * nobody).  { name, uid, gid }.
 */
export function runUser() {
	if (!IS_ROOT) {
		const u = os.userInfo();
		return { name: u.username, uid: u.uid, gid: u.gid, group: String(u.gid), self: true };
	}
	for (const name of ['www-data', 'nobody']) {
		try {
			const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
			const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
			const group = execFileSync('id', ['-gn', name]).toString().trim();
			return { name, uid, gid, group, self: false };
		} catch { /* next */ }
	}
	throw new Error('running as root, but there is neither a www-data nor a nobody user to run Apache as');
}

/* Why the journey cannot run here, or false. */
export function journeySkipReason() {
	if (!existsSync(PROG)) return `${PROG} is not built (make all)`;
	if (!OATHTOOL) return 'oathtool is not installed (apt-get install oathtool)';
	return false;
}

/*
 * A temporary directory standing in for "/": <dir>/home/alice is the
 * user's home.  Every directory on the way is world-searchable so that a
 * web server running as another user can reach the files in it.
 */
export async function makeSandbox(tag = 'deploy') {
	const dir = await mkdtemp(path.join(os.tmpdir(), `gatehouse-${tag}-`));
	await chmod(dir, 0o755);
	const home = path.join(dir, 'home', 'alice');
	await mkdir(home, { recursive: true, mode: 0o755 });
	await chmod(path.join(dir, 'home'), 0o755);
	await chmod(home, 0o755);
	return {
		dir, home,
		/* Map a path of the examples (/home/alice/...) into the sandbox. */
		map: (p) => p.split(EXAMPLE_HOME).join(home),
		cleanup() {
			if (process.env.GATEHOUSE_E2E_KEEP) {
				console.log(`# keeping ${dir} (GATEHOUSE_E2E_KEEP)`);
				return;
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/*
 * `make install PREFIX=<home>/gatehouse`, without rebuilding (the suite
 * runs after `make all`).  Returns the prefix.
 */
export async function installTree(box) {
	const prefix = path.join(box.home, 'gatehouse');
	try {
		await execFileP('make', ['-s', '-C', ROOT, '-o', 'cgi-bin/gatehouse.fcgi', 'install',
		    `PREFIX=${prefix}`], { timeout: 60000 });
	} catch (e) {
		throw new Error(`make install PREFIX=${prefix} failed (exit ${e.code}):\n${e.stdout}${e.stderr}`);
	}
	return prefix;
}

/* Settings that keep the suite fast (as lib/server.mjs does). */
const FAST = {
	'hashers.argon2.memory': '8MB',
	'hashers.argon2.iterations': 1,
};

/*
 * Write <prefix>/gatehouse.yml with `init-config` for base URL `base`,
 * apply dotted-key overrides, check it, and hand it and var/ to `owner`
 * (a runUser()).  Returns the configuration's path.
 */
export async function writeConfig(prefix, base, { owner, config = {} } = {}) {
	const prog = path.join(prefix, 'cgi-bin', 'gatehouse.fcgi');
	const file = path.join(prefix, 'gatehouse.yml');
	const varDir = path.join(prefix, 'var');
	await execFileP(prog, ['init-config', file, '--base-url', base, '--state-dir', varDir,
	    '--templates-dir', path.join(prefix, 'templates'),
	    '--schema', path.join(prefix, 'etc', 'identity.schema.json')], { timeout: 15000 });
	const doc = YAML.parseDocument(await readFile(file, 'utf8'));
	for (const [k, v] of Object.entries({ ...FAST, ...config })) doc.setIn(k.split('.'), v);
	await writeFile(file, doc.toString());
	try {
		await execFileP(prog, ['check-config', file], { timeout: 15000 });
	} catch (e) {
		throw new Error(`check-config refuses the test configuration: ${e.stderr || e.message}`);
	}
	await mkdir(varDir, { recursive: true, mode: 0o700 });
	await chmod(varDir, 0o700);
	await chmod(file, 0o600);
	if (owner && !owner.self) await chownR([varDir, file], owner);
	return file;
}

/* chown -R each path to owner. */
export async function chownR(paths, owner) {
	for (const p of paths) {
		await chown(p, owner.uid, owner.gid);
		const st = await lstat(p);
		if (st.isDirectory()) {
			await chownR((await readdir(p)).map((n) => path.join(p, n)), owner);
		}
	}
}

/* An example file of etc/ with its /home/alice paths mapped into the sandbox. */
export async function exampleFile(box, rel) {
	return box.map(await readFile(path.join(ROOT, rel), 'utf8'));
}

/* ---- the journey ------------------------------------------------------ */

let seq = 0;
const uniqueEmail = (tag) => `${tag}-${process.pid}-${++seq}-${Date.now().toString(36)}@example.com`;

/*
 * Every absolute URL (and absolute path) a page links to, posts to or loads
 * must lie below base -- except data: images.
 */
export function assertLinksBelow(page, base) {
	const basePath = new URL(base).pathname;
	const urls = [...page.html.matchAll(/\b(?:href|src|action)\s*=\s*"([^"]*)"/gi)].map((m) => m[1].replace(/&amp;/g, '&'));
	for (const u of urls) {
		if (u.startsWith('data:') || u.startsWith('#') || u === '') continue;
		if (/^[a-z]+:/i.test(u)) assert.ok(u.startsWith(base), `${page.url} links to ${u}, outside ${base}`);
		else if (u.startsWith('/')) assert.ok(u.startsWith(basePath), `${page.url} links to ${u}, outside ${basePath}`);
	}
}

/* Every redirect and every cookie of the client's exchanges stays below base. */
function checkResponse(res, base) {
	const basePath = new URL(base).pathname;
	if (res.location) assert.ok(res.location.startsWith(base), `${res.method} ${res.url}: redirect to ${res.location}, outside ${base}`);
	for (const c of res.setCookies || []) {
		assert.equal(c.attrs.path, basePath, `${res.method} ${res.url}: cookie ${c.name} has Path=${c.attrs.path}, want ${basePath}`);
	}
	if (res.isHtml) assertLinksBelow(toPage(res), base);
}

/* A Client that checks every response with checkResponse(). */
class CheckedClient extends Client {
	async request(method, url, opts = {}) {
		const res = await super.request(method, url, opts);
		checkResponse(res, this.base);
		return res;
	}
}

/*
 * The stylesheet the pages load must come from the web server itself (no
 * Content-Security-Policy header: Gatehouse sets one on everything it
 * answers).
 */
export async function assertStaticServedByWebServer(client, page) {
	const href = /<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/.exec(page.html)?.[1];
	assert.ok(href, `no stylesheet link on ${page.url}`);
	const r = await fetch(new URL(href, page.url), { redirect: 'manual' });
	const body = await r.text();
	assert.equal(r.status, 200, `GET ${href}: ${r.status} ${body.slice(0, 200)}`);
	assert.match(r.headers.get('content-type') || '', /^text\/css/, `GET ${href}: content-type`);
	assert.equal(r.headers.get('content-security-policy'), null, `GET ${href} was answered by Gatehouse, not by the web server`);
	assert.ok(body.length > 100, `GET ${href}: ${body.length} bytes`);
}

/*
 * Sign up over the HTML form, enrol TOTP on the setup page it leads to,
 * sign out, sign in with the password and then a TOTP code, and end signed
 * in at aal2.  Returns { email, secret, session }.
 */
export async function mfaJourney(base, { checkStatic = true } = {}) {
	const c = new CheckedClient(base);
	const email = uniqueEmail('deploy');
	const password = `Quartz-Lantern-${Math.random().toString(36).slice(2)}`;
	const at = (rel) => new URL(rel, base).toString();

	// Start inside a TOTP step with time to spare: step T enrols, step T+1
	// signs in (codes are single-use), and the server accepts one step of
	// drift either way.
	const T = await freshStep({ minLeftMs: 10000 });

	// 1. sign up
	const reg = await openFlowPage(c, 'registration');
	if (checkStatic) await assertStaticServedByWebServer(c, reg);
	const res = await c.submitForm(reg, { group: 'password', fields: { 'traits.email': email, password } });
	assert.equal(res.status, 303, `registration: ${res.status} ${res.text.slice(0, 300)}`);
	assert.ok(res.location.startsWith(at('self-service/settings/browser?')), `registration goes on to MFA setup: ${res.location}`);
	assert.equal(new URL(res.location).searchParams.get('setup'), 'mfa', `?setup=mfa in ${res.location}`);

	// 2. the setup page, with the secret as text
	const setup = await c.page(res.location);
	assert.equal(setup.status, 200, `MFA setup page: ${setup.status} ${setup.text.slice(0, 300)}`);
	assert.equal(setup.path, new URL(at('settings')).pathname, `setup page URL ${setup.url}`);
	const secret = secretText(setup.html);
	assert.ok(secret, `no TOTP secret (<code>) on ${setup.url}`);

	// 3. enrol with the code of step T
	const enrol = await c.submitForm(setup, { group: 'totp', fields: { totp_code: await totpAt(secret, T) } });
	assert.equal(enrol.status, 303, `TOTP enrolment: ${enrol.status} ${enrol.text.slice(0, 300)}`);
	assert.ok(enrol.location.startsWith(at('settings?flow=')), `back on the settings page: ${enrol.location}`);
	const after = await c.page(enrol.location);
	assert.ok(after.messages.includes(1050001), `1050001 (settings saved) after enrolment: ${after.messages}`);

	// 4. sign out
	const { res: out } = await logoutBrowser(c);
	assert.equal(out.status, 303, `logout: ${out.status} ${out.text.slice(0, 200)}`);
	assert.equal((await whoami(c)).status, 401, 'whoami after logout');

	// 5. sign in: the password first ...
	const { res: first } = await loginHtml(c, email, password);
	assert.equal(first.status, 303, `password sign-in: ${first.status} ${first.text.slice(0, 300)}`);
	assert.equal(first.location, at('self-service/login/browser?aal=aal2'), 'the password leads on to the second factor');
	const w1 = await whoami(c);
	assert.equal(w1.status, 403, `whoami at aal1: ${w1.status} ${w1.text.slice(0, 200)}`);
	assert.equal(w1.json.error?.id, 'session_aal2_required');
	const second = await c.page(first.location);
	assert.equal(second.status, 200, `second-factor page: ${second.status}`);
	assert.equal(second.path, new URL(at('login')).pathname, `second-factor page URL ${second.url}`);
	assert.ok(second.messages.includes(1010004), `1010004 on the second-factor page: ${second.messages}`);

	// ... then the code of the next step (the one of step T is spent)
	const done = await c.submitForm(second, { group: 'totp', fields: { totp_code: await totpAt(secret, T + 1) } });
	assert.equal(done.status, 303, `TOTP sign-in: ${done.status} ${done.text.slice(0, 300)}`);
	assert.equal(done.location, base, 'signed in, back at the base URL');

	// 6. signed in at aal2
	const w2 = await whoami(c);
	assert.equal(w2.status, 200, `whoami: ${w2.status} ${w2.text.slice(0, 300)}`);
	const s = w2.json;
	assert.equal(s.active, true);
	assert.equal(s.authenticator_assurance_level, 'aal2');
	assert.deepEqual(s.authentication_methods.map((m) => m.method), ['password', 'totp']);
	assert.equal(s.identity.traits.email, email);

	// The home page under the base URL greets the user.
	const home = await c.page(base);
	assert.equal(home.status, 200);
	assert.ok(home.html.includes(email), 'the home page shows who is signed in');
	return { email, secret, session: s };
}

/*
 * A native (api) registration, then whoami with "Authorization: Bearer":
 * proves the web server passes the Authorization header through.
 */
export async function bearerWhoami(base) {
	const email = uniqueEmail('bearer');
	const r = await registerAnyJson(base, email, `Quartz-Lantern-${Math.random().toString(36).slice(2)}`);
	assert.equal(r.via, 'api', 'api registration flow');
	assert.equal(r.status, 200, `api registration: ${r.status} ${r.res.text.slice(0, 300)}`);
	const token = r.body.session_token;
	assert.ok(token, `session_token in ${r.res.text.slice(0, 300)}`);
	const c = new Client(base, { cookies: false });
	const w = await c.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { authorization: `Bearer ${token}` } });
	assert.equal(w.status, 200, `whoami with Authorization: Bearer: ${w.status} ${w.text.slice(0, 300)}`);
	assert.equal(w.json.identity.traits.email, email);
}

/* GET <base>health/ready until it answers 200. */
export async function waitReady(base, { timeoutMs = 15000, alive = () => true, why = () => '' } = {}) {
	let last = 'no answer';
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!alive()) throw new Error(`the server exited during start-up.\n${why()}`);
		try {
			const r = await fetch(`${base}health/ready`, { redirect: 'manual', signal: AbortSignal.timeout(3000) });
			const t = await r.text();
			if (r.status === 200) return;
			last = `HTTP ${r.status} ${t.slice(0, 200)}`;
		} catch (e) {
			last = e.cause?.code || e.message;
		}
		if (Date.now() > deadline) {
			throw new Error(`GET ${base}health/ready did not answer 200 within ${timeoutMs} ms (last: ${last}).\n${why()}`);
		}
		await sleep(100);
	}
}

/* The last n lines of a file, or ''. */
export function tail(file, n = 40) {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-n - 1).join('\n');
	} catch {
		return '';
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/* Kill the given pids (ours) if they are still there, after grace ms. */
export async function reap(pids, graceMs = 3000) {
	await waitFor(() => pids.every((p) => !isAlive(p)), { timeoutMs: graceMs, what: 'processes to exit' }).catch(() => {
		for (const p of pids) {
			try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
		}
	});
}

/*
 * The installed lighttpd.conf, run from the installed tree with
 * GATEHOUSE_PREFIX=<prefixPath> (e.g. "/account").  Returns { pid, stop(),
 * errorLogTail() }.
 */
export async function startLighttpdAt(box, installPrefix, { port, urlPrefix, configPath, workers = 2 }) {
	if (!LIGHTTPD) throw new Error('lighttpd is not installed');
	const varDir = path.join(installPrefix, 'var');
	const env = {
		...process.env,
		GATEHOUSE_ROOT: installPrefix,
		GATEHOUSE_PREFIX: urlPrefix,
		PORT: String(port),
		VAR_DIR: varDir,
		CONFIG: configPath,
		WORKERS: String(workers),
	};
	let output = '';
	let exited = null;
	const child = spawn(LIGHTTPD, ['-D', '-f', path.join(installPrefix, 'lighttpd.conf')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout.on('data', (d) => { output += d; });
	child.stderr.on('data', (d) => { output += d; });
	const exitP = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(); }));
	const errorLog = path.join(varDir, 'lighttpd-error.log');
	const server = {
		pid: child.pid,
		output: () => output,
		errorLogTail: (n) => tail(errorLog, n),
		async stop() {
			const workers = exited ? [] : gatehousePidsUnder(child.pid);
			if (!exited) {
				child.kill('SIGTERM');
				const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
				await exitP;
				clearTimeout(t);
			}
			await reap(workers);
		},
	};
	return server;
}

/* ---- nginx -------------------------------------------------------------- */

function findNginx() {
	for (const dir of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/usr/local/sbin', '/sbin'])) {
		const p = path.join(dir || '.', 'nginx');
		if (existsSync(p)) return p;
	}
	return null;
}

export const NGINX = findNginx();

/*
 * nginx in the foreground on `port` with `site` (the location blocks of
 * etc/nginx/gatehouse.conf, mapped) inside one server { } block; Debian's
 * fastcgi_params beside the generated nginx.conf, as in /etc/nginx.  When
 * root, the workers run as runUser().  Returns { pid, errorLogTail(n), stop() }.
 */
export async function startNginx(box, { port, site }) {
	if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx)');
	const user = runUser();
	const dir = path.join(box.dir, 'nginx');
	await mkdir(path.join(dir, 'tmp'), { recursive: true, mode: 0o755 });
	if (!user.self) await chown(path.join(dir, 'tmp'), user.uid, user.gid);
	await writeFile(path.join(dir, 'fastcgi_params'), await readFile('/etc/nginx/fastcgi_params', 'utf8'));
	await writeFile(path.join(dir, 'site.conf'), site);
	const errorLog = path.join(dir, 'error.log');
	const conf = [
		'# generated by tests/e2e/lib/deploy.mjs',
		'daemon off;',
		`pid ${dir}/nginx.pid;`,
		`error_log ${errorLog} warn;`,
		user.self ? '' : `user ${user.name} ${user.group};`,
		'worker_processes 1;',
		'events { worker_connections 64; }',
		'http {',
		'\tinclude /etc/nginx/mime.types;',
		'\taccess_log off;',
		...['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi'].map((t) => `\t${t}_temp_path ${dir}/tmp/${t};`),
		'\tserver {',
		`\t\tlisten 127.0.0.1:${port};`,
		'\t\tserver_name 127.0.0.1;',
		`\t\tinclude ${dir}/site.conf;`,
		'\t}',
		'}',
		'',
	].join('\n');
	const confPath = path.join(dir, 'nginx.conf');
	await writeFile(confPath, conf);
	try {
		await execFileP(NGINX, ['-t', '-q', '-p', `${dir}/`, '-e', errorLog, '-c', confPath], { timeout: 15000 });
	} catch (e) {
		throw new Error(`nginx -t rejects the configuration:\n${e.stderr || e.message}\n--- nginx.conf ---\n${conf}\n--- site.conf ---\n${site}`);
	}
	let output = '';
	let exited = null;
	const child = spawn(NGINX, ['-p', `${dir}/`, '-e', errorLog, '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	child.stdout.on('data', (d) => { output += d; });
	child.stderr.on('data', (d) => { output += d; });
	const exitP = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(); }));
	const onExit = () => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } };
	process.on('exit', onExit);
	return {
		pid: child.pid,
		output: () => output,
		exited: () => exited,
		errorLogTail: (n) => tail(errorLog, n),
		async stop() {
			process.off('exit', onExit);
			if (!exited) {
				child.kill('SIGTERM');
				const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
				await exitP;
				clearTimeout(t);
			}
		},
	};
}

// Helpers for the §8 attack tests (t9200-attacks-*) and the crash suite
// (t9300): clients that connect from their own loopback address (so each
// test has its own per-IP throttle budget), raw HTTP and raw sockets for
// requests fetch() will not send, the audit log, the command line, timing
// statistics, and lighttpd started on an existing state directory.
//
// attackSuite(h) wraps node:test's it(): every attack test also checks,
// after its own assertions, what security-requirements.md §8 asks of all
// of them -- no 5xx answer, no worker died, the server still answers, and
// no secret the test used (passwords, codes, tokens) in audit.log or
// lighttpd-error.log.

import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { it, before } from 'node:test';
import { ROOT, PROG, LIGHTTPD, gatehousePidsUnder, waitFor, sleep } from './server.mjs';
import { Client } from './client.mjs';

const execFileP = promisify(execFile);

/* ---- source addresses ---------------------------------------------------- */

let ipSeq = 0;

/*
 * A loopback address no other test in this process uses (127.0.0.0/8 all
 * reaches lighttpd on 127.0.0.1, which sees it as REMOTE_ADDR).
 */
export function freshIp() {
	ipSeq += 1;
	return `127.${10 + Math.floor(ipSeq / 62500)}.${Math.floor(ipSeq / 250) % 250}.${1 + (ipSeq % 250)}`;
}

/* ---- raw HTTP ------------------------------------------------------------ */

/*
 * fetch()-like request over node:http, from `localAddress`.  Returns a
 * WHATWG Response (so Headers.getSetCookie() works) built from the answer.
 */
export async function httpFetch(url, { method = 'GET', headers = {}, body, localAddress, timeoutMs = 30000 } = {}) {
	const u = new URL(url);
	return await new Promise((resolve, reject) => {
		const req = http.request({
			host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers,
			localAddress, agent: false, timeout: timeoutMs,
		}, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('error', reject);
			res.on('end', () => {
				const h = new Headers();
				for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
				const nullBody = [101, 204, 205, 304].includes(res.statusCode);
				resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status: res.statusCode, headers: h }));
			});
		});
		req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
		req.on('error', reject);
		if (body !== undefined && body !== null) req.write(body);
		req.end();
	});
}

/*
 * The suite's cookie-jar Client, connecting from its own loopback address
 * (default: a fresh one) so that per-IP throttling of one test does not
 * reach the next.
 */
export class IpClient extends Client {
	constructor(baseUrl, { ip = freshIp(), cookies = true, headers = {} } = {}) {
		super(baseUrl, { cookies });
		this.ip = ip;
		this.defaultHeaders = headers;	// sent with every request (e.g. user-agent)
	}

	/* From this client's own loopback address, so each has its own IP budget. */
	async send(u, { method, headers, body, timeoutMs }) {
		if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
			headers['content-length'] = Buffer.byteLength(body);
		}
		try {
			return await httpFetch(u, { method, headers, body, localAddress: this.ip, timeoutMs });
		} catch (e) {
			const err = new Error(`${method} ${u} (from ${this.ip}): ${e.code || e.message}`);
			err.cause = e;
			throw err;
		}
	}
}

/*
 * Bytes written as they are to a socket; resolves with everything read
 * until the server closes or timeoutMs passes: { text, closed, ms }.
 * opts: { end: half-close after writing, chunks: [[bytes, delayMs], ...] }.
 */
export async function rawSocket(port, bytes, { timeoutMs = 3000, end = false, chunks, localAddress } = {}) {
	return await new Promise((resolve) => {
		const t0 = Date.now();
		const sock = net.connect({ port, host: '127.0.0.1', localAddress });
		let out = Buffer.alloc(0);
		let done = false;
		const finish = (closed) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			resolve({ text: out.toString('latin1'), closed, ms: Date.now() - t0 });
		};
		const timer = setTimeout(() => finish(false), timeoutMs);
		sock.on('data', (d) => { out = Buffer.concat([out, d]); });
		sock.on('close', () => finish(true));
		sock.on('error', () => finish(true));
		sock.on('connect', async () => {
			if (bytes) sock.write(bytes);
			for (const [b, delay] of chunks || []) {
				await sleep(delay);
				if (done) return;
				sock.write(b);
			}
			if (end) sock.end();
		});
	});
}

/* Status line and headers of a raw HTTP answer: { status, headers: [[k, v]], head }. */
export function parseRawHead(text) {
	const i = text.indexOf('\r\n\r\n');
	const head = i < 0 ? text : text.slice(0, i);
	const lines = head.split('\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
	return {
		status: m ? Number(m[1]) : 0,
		headers: lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
		head,
	};
}

/* ---- api (native) flows over IpClient -------------------------------- */

/* POST the password method on a fresh api login flow.  Returns the response. */
export async function apiLogin(base, identifier, password, { ip = freshIp(), timeoutMs } = {}) {
	const c = new IpClient(base, { ip, cookies: false });
	const f = await c.get('self-service/login/api', { accept: 'application/json', timeoutMs });
	assert.equal(f.status, 200, `GET /self-service/login/api: ${f.status} ${f.text.slice(0, 200)}`);
	return await c.post(f.json.ui.action, { json: { method: 'password', identifier, password }, accept: 'application/json', timeoutMs });
}

export async function apiRegister(base, email, password, { ip = freshIp(), traits = {}, timeoutMs } = {}) {
	const c = new IpClient(base, { ip, cookies: false });
	const f = await c.get('self-service/registration/api', { accept: 'application/json', timeoutMs });
	assert.equal(f.status, 200, `GET /self-service/registration/api: ${f.status} ${f.text.slice(0, 200)}`);
	return await c.post(f.json.ui.action, {
		json: { method: 'password', password, traits: { email, ...traits } }, accept: 'application/json', timeoutMs,
	});
}

export async function mustApiRegister(base, email, password, opts) {
	const r = await apiRegister(base, email, password, opts);
	assert.equal(r.status, 200, `registration of ${email}: ${r.status} ${r.text.slice(0, 300)}`);
	return r.json;
}

/* Message ids of a JSON flow answer (flow messages and node messages). */
export function jsonMessageIds(body) {
	if (!body || !body.ui) return [];
	const ids = (body.ui.messages || []).map((m) => m.id);
	for (const n of body.ui.nodes || []) for (const m of n.messages || []) ids.push(m.id);
	return ids;
}

/* ---- the audit log and the error log ---------------------------------- */

export function auditLines(server) {
	const p = path.join(server.varDir, 'audit.log');
	if (!existsSync(p)) return [];
	return readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => {
		try {
			return JSON.parse(l);
		} catch {
			return { unparsable: l };
		}
	});
}

function logTexts(server) {
	const out = [];
	for (const f of ['audit.log', 'lighttpd-error.log']) {
		const p = path.join(server.varDir, f);
		if (existsSync(p)) out.push([f, readFileSync(p, 'latin1')]);
	}
	return out;
}

/* How a secret would show if it were logged. */
function leakPatterns(secret) {
	const s = String(secret);
	if (/^\d{1,8}$/.test(s)) {
		// short digit strings (TOTP codes) occur by chance in timestamps and
		// pids: look for them the way a logged field would carry them.
		return [`"${s}"`, `=${s}`, `:${s}"`, `'${s}'`];
	}
	const enc = encodeURIComponent(s);
	return enc === s ? [s] : [s, enc];
}

/* Assert none of the secrets appears in audit.log or lighttpd-error.log. */
export function assertNoSecretsLogged(server, secrets) {
	const logs = logTexts(server);
	for (const secret of secrets) {
		if (secret === undefined || secret === null || String(secret).length < 6) continue;
		for (const pat of leakPatterns(secret)) {
			for (const [name, text] of logs) {
				assert.ok(!text.includes(pat), `a secret used by the test (${String(secret).slice(0, 4)}…) appears in ${name}`);
			}
		}
	}
}

/* ---- the guard every attack test runs under ------------------------------ */

class AttackCtx {
	constructor(h) {
		this.h = h;
		this.clients = [];
		this.secrets = new Set();
	}

	get server() {
		return this.h.server;
	}

	get base() {
		return this.h.server.url;
	}

	/* A cookie-jar client from a fresh loopback address, checked for 5xx. */
	client(opts = {}) {
		const c = new IpClient(this.base, opts);
		this.clients.push(c);
		return c;
	}

	/* Remember values that must never be logged; returns the first. */
	secret(...values) {
		for (const v of values) if (v !== undefined && v !== null) this.secrets.add(String(v));
		return values[0];
	}

	/* Responses of this test's clients that were 5xx. */
	serverErrors() {
		return this.clients.flatMap((c) => c.log.filter((l) => l.status >= 500).map((l) => `${l.status} ${l.method} ${l.url}`));
	}
}

/*
 * const attack = attackSuite(h);
 * attack('attack 01: …', async (x) => { const c = x.client(); … });
 * attack.skip('attack 25: … — does not apply: …');
 */
export function attackSuite(h, { allow5xx = false } = {}) {
	const fn = (title, body, opts = {}) => it(title, opts, async (t) => {
		const x = new AttackCtx(h);
		const pids = h.server.workerPids();
		await body(x, t);
		const errors = x.serverErrors();
		if (!allow5xx) assert.deepEqual(errors, [], 'no request of this attack was answered with a 5xx');
		const ready = await fetch(`${h.server.url}health/ready`, { signal: AbortSignal.timeout(5000) });
		await ready.arrayBuffer();
		assert.equal(ready.status, 200, 'the server still answers /health/ready');
		const now = h.server.workerPids();
		assert.deepEqual(now, pids, `no worker died during the attack (workers before ${pids}, after ${now})`);
		assertNoSecretsLogged(h.server, x.secrets);
	});
	fn.skip = (title) => it.skip(title, () => {});
	return fn;
}

/* ---- statistics ---------------------------------------------------------- */

export function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const n = s.length;
	return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Milliseconds fn() takes. */
export async function timed(fn) {
	const t0 = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - t0) / 1e6;
}

/*
 * Time two kinds of request, interleaved (a, b, a, b, …) so that load on a
 * shared machine hits both alike; after `warmup` untimed rounds.  Returns
 * { a, b, ma, mb, ratio = mb / ma }.
 */
export async function compareTimings(fa, fb, { samples = 30, warmup = 3 } = {}) {
	for (let i = 0; i < warmup; i++) {
		await fa(i);
		await fb(i);
	}
	const a = [];
	const b = [];
	for (let i = 0; i < samples; i++) {
		if (i % 2) {
			b.push(await timed(() => fb(i)));
			a.push(await timed(() => fa(i)));
		} else {
			a.push(await timed(() => fa(i)));
			b.push(await timed(() => fb(i)));
		}
	}
	const ma = median(a);
	const mb = median(b);
	return { a, b, ma, mb, ratio: mb / ma };
}

/* ---- command line -------------------------------------------------------- */

export async function cli(server, args, { timeoutMs = 60000, input } = {}) {
	const all = [...args, '--config', server.configPath];
	try {
		const p = execFileP(PROG, all, { timeout: timeoutMs, maxBuffer: 64 << 20 });
		if (input !== undefined) {
			p.child.stdin.end(input);
		}
		const { stdout, stderr } = await p;
		return { code: 0, stdout, stderr };
	} catch (e) {
		return { code: e.code, stdout: e.stdout || '', stderr: e.stderr || e.message };
	}
}

/* `identities list`: [{ id, email, mfa }]. */
export async function listIdentities(server) {
	const r = await cli(server, ['identities', 'list']);
	assert.equal(r.code, 0, `gatehouse.fcgi identities list: exit ${r.code}: ${r.stderr}`);
	return r.stdout.split('\n').filter(Boolean).map((l) => {
		const [id, email, mfa] = l.split('\t');
		return { id, email, mfa };
	});
}

export const sha1Hex = (s) => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();

/* Import passwords as breached (Pwned Passwords "SHA1:COUNT" lines). */
export async function importBreached(server, passwords, count = 1234) {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-pwned-'));
	try {
		const file = path.join(dir, 'pwned.txt');
		// a few unrelated hashes around them, as in a real file
		const lines = passwords.map((p) => `${sha1Hex(p)}:${count}`);
		for (let i = 0; i < 20; i++) lines.push(`${sha1Hex(`unrelated-${i}`)}:${i + 1}`);
		await writeFile(file, lines.sort().join('\r\n') + '\r\n');
		const r = await cli(server, ['passwords', 'import-breached', file]);
		assert.equal(r.code, 0, `passwords import-breached: exit ${r.code}: ${r.stderr}`);
		return r;
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/* ---- lighttpd on an existing state directory ----------------------------- */

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/* Wait until pid has exited (it need not be our child). */
export async function waitExit(pid, timeoutMs = 10000) {
	await waitFor(() => !isAlive(pid) || /^[^ ]+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')),
	    { timeoutMs, intervalMs: 20, what: `process ${pid} to exit` });
}

/*
 * Start lighttpd + gatehouse on a state directory that already exists
 * (config written by an earlier startServer()): the restart half of the
 * crash test.  Returns { url, pid, workerPids(), stop(), errorLogTail() }.
 */
export async function startOn({ port, varDir, configPath, workers = 4, readyTimeoutMs = 20000 }) {
	const env = {
		...process.env,
		GATEHOUSE_ROOT: ROOT,
		PORT: String(port),
		VAR_DIR: varDir,
		CONFIG: configPath,
		WORKERS: String(workers),
	};
	const child = spawn(LIGHTTPD, ['-D', '-f', path.join(ROOT, 'lighttpd.conf')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	let exited = null;
	child.stdout.on('data', (d) => { output += d; });
	child.stderr.on('data', (d) => { output += d; });
	const exitP = new Promise((resolve) => child.on('exit', (code, signal) => {
		exited = { code, signal };
		resolve(exited);
	}));
	const url = `http://127.0.0.1:${port}/`;
	const errorLogTail = (n = 40) => {
		try {
			return readFileSync(path.join(varDir, 'lighttpd-error.log'), 'utf8').split('\n').slice(-n - 1).join('\n');
		} catch {
			return '';
		}
	};
	const server = {
		url, port, varDir, configPath, pid: child.pid,
		workerPids: () => gatehousePidsUnder(child.pid),
		errorLogTail,
		output: () => output,
		async stop() {
			if (exited) return exited;
			const ws = gatehousePidsUnder(child.pid);
			child.kill('SIGTERM');
			const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 8000);
			await exitP;
			clearTimeout(t);
			for (const p of ws) await waitExit(p, 5000).catch(() => { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
			return exited;
		},
	};
	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (exited) throw new Error(`lighttpd exited at start-up (${JSON.stringify(exited)}): ${output}\n${errorLogTail()}`);
		try {
			const r = await fetch(`${url}health/ready`, { signal: AbortSignal.timeout(2000) });
			await r.arrayBuffer();
			if (r.status === 200) break;
		} catch { /* not yet */ }
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`the restarted server did not become ready in ${readyTimeoutMs} ms\n${errorLogTail()}`);
		}
		await sleep(50);
	}
	return server;
}

/* Stop a startServer() server's lighttpd but keep its directory. */
export async function stopKeepingState(server) {
	const ws = server.workerPids();
	process.kill(server.pid, 'SIGTERM');
	await waitFor(() => server.exited(), { timeoutMs: 10000, intervalMs: 20, what: 'lighttpd to exit' }).catch(() => {
		try { process.kill(server.pid, 'SIGKILL'); } catch { /* gone */ }
	});
	for (const p of ws) await waitExit(p, 5000).catch(() => { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
}

/* The Berkeley DB files of a state directory. */
export function dbFiles(varDir) {
	return readdirSync(varDir).filter((f) => f.endsWith('.db')).sort();
}

export const DB_VERIFY = ['/usr/bin/db5.3_verify', '/usr/bin/db_verify'].find((p) => existsSync(p)) || null;

/* db5.3_verify -h varDir on each *.db: [{ file, code, out }]. */
export async function dbVerify(varDir) {
	const out = [];
	for (const f of dbFiles(varDir)) {
		try {
			const { stdout, stderr } = await execFileP(DB_VERIFY, ['-h', varDir, f], { timeout: 120000 });
			out.push({ file: f, code: 0, out: stdout + stderr });
		} catch (e) {
			out.push({ file: f, code: e.code, out: (e.stdout || '') + (e.stderr || e.message) });
		}
	}
	return out;
}

export { sleep, waitFor };

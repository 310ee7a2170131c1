// Start a private Gatehouse (lighttpd + cgi-bin/gatehouse.fcgi) on a free
// port with a fresh state directory, for one test file.
//
//   const h = useServer({ config: { 'selfservice.flows.login.lifespan': '2s' } });
//   it('...', async () => { await fetch(h.server.url + 'health/ready'); });
//
// useServer() registers before/after hooks (start, stop, clean up) and an
// afterEach hook that prints the tail of lighttpd's error log (where the
// program logs) when a test failed.

import { spawn, execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, chmod, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it, before, after, afterEach } from 'node:test';
import YAML from 'yaml';

const execFileP = promisify(execFile);

export const ROOT = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const PROG = path.join(ROOT, 'cgi-bin', 'gatehouse.fcgi');
export const E2E_DIR = path.join(ROOT, 'tests', 'e2e');
export const ARTIFACTS = path.join(E2E_DIR, 'artifacts');

// Settings the suite runs with.  Applied unless opts.config names the same
// key; the `ifPresent` ones only when init-config wrote that key (the
// program refuses unknown keys).
//  - argon2 lowered so that sign-ups take milliseconds;
//  - after registration only the Kratos `session` hook, so a sign-up lands
//    on the default return URL (t1200 covers the generated config's
//    second-factor setup prompt);
//  - no breached-password look-ups (there is no network).
const SUITE_DEFAULTS = [
	{ key: 'hashers.argon2.memory', value: '8MB' },
	{ key: 'hashers.argon2.iterations', value: 1 },
	{ key: 'selfservice.flows.registration.after.password.hooks', value: [{ hook: 'session' }], ifPresent: true },
	{ key: 'selfservice.methods.password.config.haveibeenpwned_enabled', value: false, ifPresent: true },
];

function findLighttpd() {
	for (const dir of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/usr/local/sbin', '/sbin'])) {
		const p = path.join(dir || '.', 'lighttpd');
		if (existsSync(p)) return p;
	}
	return null;
}

export const LIGHTTPD = findLighttpd();

/* Why the suite cannot run here at all (the only reason to skip), or false. */
export function skipReason() {
	if (!LIGHTTPD) return 'lighttpd is not installed (apt-get install lighttpd)';
	return false;
}

/*
 * describe(), except that a suite that cannot run here is reported as one
 * skipped test (node counts skipped tests, not skipped suites).
 */
export function suite(name, { skip } = {}, fn) {
	if (skip) return it(name, { skip });
	return describe(name, fn);
}

export async function freePort() {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Collapse repeated lines ("… (x14)") so a crash loop stays readable. */
function squeeze(text) {
	const out = [];
	const count = new Map();
	for (const line of text.split('\n')) {
		if (count.has(line)) count.set(line, count.get(line) + 1);
		else {
			count.set(line, 1);
			out.push(line);
		}
	}
	return out.map((l) => (count.get(l) > 1 ? `${l} (x${count.get(l)})` : l)).join('\n');
}

/* Poll fn() until it returns a truthy value; throw `what` after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 10000, intervalMs = 50, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastErr;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			lastErr = e;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
			    (lastErr ? ` (last error: ${lastErr.message})` : ''));
		}
		await sleep(intervalMs);
	}
}

/* pid -> { ppid, state, utime, stime } from /proc/<pid>/stat. */
export function procStat(pid) {
	try {
		const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
		// rest[0] = state (field 3), rest[1] = ppid (field 4), utime = field 14, stime = field 15
		return { state: rest[0], ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
	} catch {
		return null;
	}
}

function procCmdline(pid) {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
	} catch {
		return '';
	}
}

/* PIDs of gatehouse.fcgi processes descended from ancestorPid. */
export function gatehousePidsUnder(ancestorPid) {
	const parent = new Map();
	const pids = [];
	for (const ent of readdirSync('/proc')) {
		if (!/^\d+$/.test(ent)) continue;
		const st = procStat(ent);
		if (!st) continue;
		parent.set(Number(ent), st.ppid);
		pids.push(Number(ent));
	}
	const out = [];
	for (const pid of pids) {
		if (!procCmdline(pid).includes('gatehouse.fcgi')) continue;
		for (let p = parent.get(pid), n = 0; p && n < 64; p = parent.get(p), n++) {
			if (p === ancestorPid) {
				out.push(pid);
				break;
			}
		}
	}
	return out.sort((a, b) => a - b);
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

const live = new Set();	// servers not yet stopped, killed if the process exits
process.on('exit', () => {
	for (const s of live) s.killNow();
});

/*
 * Start a server.  opts: { config: {dotted.key: value (undefined deletes
 * the key)}, keepGeneratedConfig: [keys left as init-config wrote them], workers, env,
 * readyTimeoutMs }.  Returns { url, port, dir, varDir, configPath, pid,
 * stop(), workerPids(), errorLog(), errorLogTail(n), output() }.
 */
export async function startServer(opts = {}) {
	if (!LIGHTTPD) throw new Error(skipReason());
	if (!existsSync(PROG)) {
		throw new Error(`${PROG} does not exist: build it with \`make all\` first`);
	}
	const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-e2e-'));
	const varDir = path.join(dir, 'var');
	const configPath = path.join(dir, 'gatehouse.yml');
	let child = null;
	let output = '';
	let exited = null;
	let stopped = false;
	const cleanupDir = () => {
		if (process.env.GATEHOUSE_E2E_KEEP) {
			console.log(`# keeping ${dir} (GATEHOUSE_E2E_KEEP)`);
			return;
		}
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await mkdir(varDir, { recursive: true, mode: 0o700 });
		await chmod(varDir, 0o700);
		const port = opts.port || await freePort();
		const url = `http://127.0.0.1:${port}/`;

		try {
			await execFileP(PROG, ['init-config', configPath,
			    '--base-url', url,
			    '--state-dir', varDir,
			    '--templates-dir', path.join(ROOT, 'templates'),
			    '--schema', path.join(ROOT, 'etc', 'identity.schema.json')],
			    { timeout: 15000 });
		} catch (e) {
			throw new Error(`gatehouse.fcgi init-config failed (exit ${e.code}): ${e.stderr || e.message}`);
		}
		await editConfig(configPath, opts.config || {}, opts.keepGeneratedConfig || []);
		try {	// as `make run` does: a bad config fails here, not as a 503 loop
			await execFileP(PROG, ['check-config', configPath], { timeout: 15000 });
		} catch (e) {
			throw new Error(`gatehouse.fcgi check-config rejects the test configuration (exit ${e.code}):\n` +
			    `${e.stderr || e.message}`);
		}

		const env = {
			...process.env,
			GATEHOUSE_ROOT: ROOT,
			PORT: String(port),
			VAR_DIR: varDir,
			CONFIG: configPath,
			WORKERS: String(opts.workers || 2),
			...(opts.env || {}),
		};
		child = spawn(LIGHTTPD, ['-D', '-f', path.join(ROOT, 'lighttpd.conf')], {
			env, stdio: ['ignore', 'pipe', 'pipe'],
		});
		const grab = (d) => {
			output += d.toString();
			if (output.length > 65536) output = output.slice(-65536);
		};
		child.stdout.on('data', grab);
		child.stderr.on('data', grab);
		const exitP = new Promise((resolve) => child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		}));
		child.on('error', (e) => { output += `spawn error: ${e.message}\n`; });

		const errorLogPath = path.join(varDir, 'lighttpd-error.log');
		const errorLog = () => {
			try {
				return readFileSync(errorLogPath, 'utf8');
			} catch {
				return '';
			}
		};
		const errorLogTail = (n = 40) => errorLog().split('\n').slice(-n - 1).join('\n');
		const lpid = child.pid;
		const workerPids = () => gatehousePidsUnder(lpid);

		let lastWorkers = [];
		const server = {
			url, port, dir, varDir, configPath, pid: lpid,
			workers: Number(env.WORKERS),
			errorLog, errorLogTail,
			output: () => output,
			workerPids,
			exited: () => exited,
			killNow() {	// synchronous, for process exit
				try { lastWorkers = workerPids(); } catch { /* ignore */ }
				try { process.kill(lpid, 'SIGKILL'); } catch { /* ignore */ }
				for (const p of lastWorkers) {
					try { process.kill(p, 'SIGKILL'); } catch { /* ignore */ }
				}
				try { cleanupDir(); } catch { /* ignore */ }
			},
			async stop() {
				if (stopped) return;
				stopped = true;
				live.delete(server);
				const workers = exited ? [] : workerPids();
				if (!exited) {
					child.kill('SIGTERM');
					const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
					await exitP;
					clearTimeout(t);
				}
				// lighttpd stops its backends; make sure none outlives it.
				await waitFor(() => workers.every((p) => !isAlive(p) ||
				    !procCmdline(p).includes('gatehouse.fcgi')),
				    { timeoutMs: 3000, what: 'workers to exit' }).catch(() => {
					for (const p of workers) {
						try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
					}
				});
				cleanupDir();
			},
		};
		live.add(server);

		const readyUrl = `${url}health/ready`;
		const deadline = Date.now() + (opts.readyTimeoutMs || 10000);
		let last = 'no answer';
		for (;;) {
			if (exited) {
				throw new Error(`lighttpd exited during start-up (${JSON.stringify(exited)}).\n` +
				    `--- lighttpd output ---\n${squeeze(output)}\n--- ${errorLogPath} ---\n${squeeze(errorLogTail(60))}`);
			}
			try {
				const r = await fetch(readyUrl, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
				await r.arrayBuffer();
				if (r.status === 200) break;
				last = `HTTP ${r.status}`;
			} catch (e) {
				last = e.cause?.code || e.message;
			}
			if (Date.now() > deadline) {
				const tail = errorLogTail(60);
				await server.stop().catch(() => {});
				throw new Error(`GET /health/ready did not answer 200 within ${opts.readyTimeoutMs || 10000} ms ` +
				    `(last: ${last}).\n--- lighttpd output ---\n${squeeze(output)}\n--- lighttpd-error.log ---\n${squeeze(tail)}`);
			}
			await sleep(50);
		}
		return server;
	} catch (e) {
		if (child && !exited) {
			try { child.kill('SIGKILL'); } catch { /* ignore */ }
		}
		if (!stopped) cleanupDir();
		throw e;
	}
}

function asNode(doc, v) {
	return v !== null && typeof v === 'object' ? doc.createNode(v) : v;
}

/* Apply dotted-path overrides to the YAML file written by init-config. */
async function editConfig(configPath, overrides, keep) {
	const text = await readFile(configPath, 'utf8');
	const doc = YAML.parseDocument(text);
	if (doc.errors.length) {
		throw new Error(`init-config wrote YAML that does not parse: ${doc.errors[0].message}`);
	}
	for (const d of SUITE_DEFAULTS) {
		if (Object.hasOwn(overrides, d.key) || keep.includes(d.key)) continue;
		const p = d.key.split('.');
		if (d.ifPresent && !doc.hasIn(p)) continue;
		doc.setIn(p, asNode(doc, d.value));
	}
	for (const [k, v] of Object.entries(overrides)) {
		if (v === undefined) doc.deleteIn(k.split('.'));
		else doc.setIn(k.split('.'), asNode(doc, v));
	}
	await writeFile(configPath, doc.toString());
}

/*
 * Register hooks that give the enclosing file (or describe block) its own
 * server: h.server is set in before() and stopped in after().
 */
export function useServer(opts = {}) {
	const h = { server: null };
	before(async () => {
		if (skipReason()) return;
		h.server = await startServer(opts);
	});
	afterEach((t) => {
		if (t.passed === false && h.server) {
			console.log(`# ${t.name} failed; tail of ${h.server.varDir}/lighttpd-error.log:\n` +
			    h.server.errorLogTail(40).split('\n').map((l) => `#   ${l}`).join('\n'));
		}
	});
	after(async () => {
		if (h.server) await h.server.stop();
		h.server = null;
	});
	return h;
}

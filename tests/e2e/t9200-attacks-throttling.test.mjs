// security-requirements.md §8, guessing passwords: attacks 11-15 (brute
// force over many IPs, credential stuffing from one IP, timing of unknown
// accounts, huge passwords, breached and context passwords).  Each test
// also checks (lib/attack.mjs): no 5xx, no worker died, no secret in
// audit.log or lighttpd-error.log.
//
// Client addresses: every request may come from its own 127.x.y.z, which
// lighttpd passes on as REMOTE_ADDR -- "many IPs" are real here.

import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { suite, useServer, skipReason, sleep } from './lib/server.mjs';
import {
	JSON_ACCEPT, uniqueEmail, strongPassword, openFlowPage, mustLoginHtml, assertSignedOut,
} from './lib/flows.mjs';
import {
	attackSuite, auditLines, freshIp, apiLogin, apiRegister, mustApiRegister, jsonMessageIds, listIdentities,
	importBreached, sha1Hex, timed, median,
} from './lib/attack.mjs';

/* error.message of every 429 seen, checked at the end of a test. */
const throttledMessages = new Set();

/* A 429 must not tell the client "internal server error". */
function assertThrottledMessages() {
	for (const m of throttledMessages) {
		assert.doesNotMatch(m, /internal server error/i, `the 429 answer's error.message claims an internal error: "${m}"`);
	}
}

/* The parts of a throttled JSON answer that must not depend on the account. */
function throttledShape(r) {
	assert.equal(r.status, 429, `expected 429, got ${r.status}: ${r.text.slice(0, 300)}`);
	const ra = r.headers.get('retry-after');
	assert.match(ra || '', /^\d+$/, `Retry-After: ${ra}`);
	assert.ok(Number(ra) >= 1, `Retry-After ${ra} ≥ 1`);
	const e = r.json.error;
	assert.equal(e?.id, 'self_service_throttled', `error.id: ${r.text.slice(0, 300)}`);
	assert.equal(e.code, 429);
	assert.equal(typeof e.message, 'string', 'error.message');
	throttledMessages.add(e.message);
	return JSON.stringify({ status: r.status, error: { ...e, reason: String(e.reason || '').replace(/\d+/g, 'N') } });
}

/* The parts of a wrong-password JSON answer that must not depend on the account. */
function failureShape(r) {
	assert.equal(r.status, 400, `expected 400, got ${r.status}: ${r.text.slice(0, 300)}`);
	const ids = jsonMessageIds(r.json);
	assert.ok(ids.includes(4000006), `4000006: ${ids}`);
	return JSON.stringify({ ids, messages: r.json.ui.messages, nodes: r.json.ui.nodes.map((n) => [n.attributes.name, n.messages]) })
		.replace(/"value":"[^"]*"/g, '');
}

suite('t9200 attacks: password guessing', { skip: skipReason() }, () => {
	describe('default throttling', () => {
		const h = useServer({ workers: 4 });
		const attack = attackSuite(h);

		attack('attack 11: 101 wrong passwords for one account from 101 IPs', async (x) => {
			const email = uniqueEmail('a11');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const outcomes = [];
			const wrong = [];
			let lastRetry = 0;
			for (let i = 0; i < 101; i++) {
				const w = x.secret(strongPassword(`-w${i}`));
				wrong.push(w);
				const r = await apiLogin(h.server.url, email, w, { ip: freshIp() });
				if (r.status === 429) {
					throttledShape(r);
					lastRetry = Number(r.headers.get('retry-after'));
					outcomes.push('T');
				} else {
					failureShape(r);
					outcomes.push('F');
				}
			}
			const evaluated = outcomes.filter((o) => o === 'F').length;
			const firstRefusal = outcomes.indexOf('T');
			console.log(`# attack 11: ${outcomes.join('')} (F evaluated, T throttled)`);
			assert.ok(firstRefusal >= 5 && firstRefusal <= 6, `back-off starts after the 5 free failures (first refusal at attempt #${firstRefusal + 1})`);
			assert.ok(evaluated <= 10, `only ${evaluated} of 101 guesses were checked`);
			assert.equal(outcomes[100], 'T', 'attempt #101 is refused');
			const failures = auditLines(h.server).filter((e) => e.event === 'login.failure' && e.detail === 'password');
			assert.ok(failures.length >= evaluated, 'each checked guess is audited');

			// the right password during the back-off: the same refusal (no lock oracle)
			const right = await apiLogin(h.server.url, email, pw, { ip: freshIp() });
			const wrongNow = await apiLogin(h.server.url, email, wrong[0], { ip: freshIp() });
			assert.equal(throttledShape(right), throttledShape(wrongNow), 'right and wrong password answer alike while throttled');
			assert.equal(right.json.session_token, undefined, 'no session');
			// HTML: the flow again with 4009001, for the right password too
			const c = x.client();
			const page = await openFlowPage(c, 'login');
			const hr = await c.submitForm(page, { group: 'password', fields: { identifier: email, password: pw } });
			assert.equal(hr.status, 303, `HTML while throttled: ${hr.status}`);
			const hp = await c.page(hr.location);
			assert.equal(hp.flowId, page.flowId, 'the same flow');
			assert.ok(hp.messages.includes(4009001), `4009001: ${hp.messages}`);
			assert.ok(!hp.messages.includes(4000006), 'not a "wrong password" either');
			await assertSignedOut(c);

			// back-off, not a lock: after Retry-After the right password works
			const wait = Number(right.headers.get('retry-after'));
			assert.ok(wait <= 60, `Retry-After after ~${evaluated} failures is short: ${wait} s (last seen ${lastRetry} s)`);
			await sleep(wait * 1000 + 300);
			const ok = await apiLogin(h.server.url, email, pw, { ip: freshIp() });
			assert.equal(ok.status, 200, `after the delay the right password signs in: ${ok.status} ${ok.text.slice(0, 200)}`);
			x.secret(ok.json.session_token);
			// and the success cleared the account's counter
			const next = await apiLogin(h.server.url, email, wrong[1], { ip: freshIp() });
			failureShape(next);
			assertThrottledMessages();
		});

		attack('attack 12: credential stuffing, 1 try each on 1,000 accounts from one IP', async (x) => {
			const ip = freshIp();
			const existing = [];
			for (let i = 0; i < 8; i++) {
				const e = { email: uniqueEmail(`a12real${i}`), pw: x.secret(strongPassword()) };
				await mustApiRegister(h.server.url, e.email, e.pw);
				existing.push(e);
			}
			// existing accounts at these positions: four inside the free
			// per-IP budget (50), four after it
			const at = new Map([[3, 0], [17, 1], [33, 2], [45, 3], [60, 4], [200, 5], [555, 6], [990, 7]]);
			const results = new Array(1000);
			let next = 0;
			const worker = async () => {
				for (;;) {
					const i = next++;
					if (i >= 1000) return;
					const known = at.has(i);
					const id = known ? existing[at.get(i)].email : `a12-nobody-${i}-${process.pid}@example.com`;
					const r = await apiLogin(h.server.url, id, x.secret(strongPassword(`-s${i}`)), { ip });
					results[i] = { known, r };
				}
			};
			await Promise.all([worker(), worker(), worker(), worker()]);
			const evaluated = results.filter((y) => y.r.status === 400).length;
			const throttled = results.filter((y) => y.r.status === 429).length;
			console.log(`# attack 12: 1000 tries from ${ip}: ${evaluated} checked, ${throttled} throttled`);
			assert.equal(evaluated + throttled, 1000, `every try is a failure or a refusal: ${results.filter((y) => ![400, 429].includes(y.r.status)).map((y) => y.r.status)}`);
			assert.ok(evaluated >= 50 && evaluated <= 60, `the per-IP budget (50 free failures) trips: ${evaluated} checked`);
			// indistinguishable: existing and unknown accounts answer alike
			const shapes = { F: new Set(), T: new Set() };
			for (const { r } of results) {
				if (r.status === 400) shapes.F.add(failureShape(r).replace(/a12-nobody-[^"]*|a12real[^"]*/g, 'ID'));
				else shapes.T.add(throttledShape(r));
			}
			assert.equal(shapes.F.size, 1, `one failure shape for existing and unknown accounts: ${[...shapes.F].join(' | ')}`);
			assert.equal(shapes.T.size, 1, `one throttled shape for existing and unknown accounts: ${[...shapes.T].join(' | ')}`);
			assert.ok([...at.keys()].some((i) => results[i].r.status === 400) && [...at.keys()].some((i) => results[i].r.status === 429),
			    'existing accounts were among both the checked and the throttled tries');
			// another client address is not affected
			const ok = await apiLogin(h.server.url, existing[0].email, existing[0].pw, { ip: freshIp() });
			assert.equal(ok.status, 200, `the same account from another address: ${ok.status}`);
			x.secret(ok.json.session_token);
			assertThrottledMessages();
		});

		attack('attack 14: 1 MB password and 1 MB identifier', async (x) => {
			const email = uniqueEmail('a14');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const huge = 'p'.repeat(1024 * 1024);
			for (const [kind, body] of [
				['login', { method: 'password', identifier: email, password: huge }],
				['login', { method: 'password', identifier: `${'i'.repeat(1024 * 1024)}@example.com`, password: pw }],
				['registration', { method: 'password', password: huge, traits: { email: uniqueEmail('a14big') } }],
			]) {
				const c = x.client({ cookies: false });
				const f = await c.getJson(`self-service/${kind}/api`);
				let status;
				const ms = await timed(async () => {
					try {
						const r = await c.post(f.json.ui.action, { json: body, accept: JSON_ACCEPT });
						status = r.status;
					} catch (e) {
						status = `connection closed (${e.message})`;
					}
				});
				assert.equal(status, 413, `1 MB ${kind} body: ${status}`);
				assert.ok(ms < 3000, `refused quickly: ${ms.toFixed(0)} ms`);
			}
			// in-app field limit (below the body limit): 1025 bytes and 60 KB
			const c = x.client({ cookies: false });
			for (const n of [1025, 60 * 1024]) {
				const long = x.secret(`${strongPassword()}${'x'.repeat(n)}`.slice(0, n));
				const f = await c.getJson('self-service/registration/api');
				const r = await c.post(f.json.ui.action, { json: { method: 'password', password: long, traits: { email: uniqueEmail('a14long') } }, accept: JSON_ACCEPT });
				assert.equal(r.status, 400, `registration with a ${n}-byte password: ${r.status} ${r.text.slice(0, 200)}`);
				assert.ok(jsonMessageIds(r.json).includes(4000033), `4000033 (too long): ${jsonMessageIds(r.json)}`);
				const lr = await apiLogin(h.server.url, email, long);
				failureShape(lr);
			}
			// a checked long password costs no more than a normal one
			const normal = await timed(() => apiLogin(h.server.url, email, x.secret(strongPassword('-n'))));
			const long = await timed(() => apiLogin(h.server.url, email, x.secret(`L${'y'.repeat(60 * 1024)}`)));
			assert.ok(long < Math.max(normal * 5, 1000), `a 60 KB password is not hashed: ${long.toFixed(0)} ms vs ${normal.toFixed(0)} ms`);
			// never truncated: 1024 bytes exactly is kept whole
			const email2 = uniqueEmail('a14max');
			const max = x.secret(`${strongPassword()}${'Z'.repeat(1024)}`.slice(0, 1024));
			await mustApiRegister(h.server.url, email2, max);
			assert.equal((await apiLogin(h.server.url, email2, max)).status, 200, 'the 1024-byte password signs in');
			for (const cut of [72, 128, 256, 1023]) {
				const r = await apiLogin(h.server.url, email2, max.slice(0, cut));
				assert.equal(r.status, 400, `its first ${cut} bytes do not: ${r.status}`);
			}
			assert.equal((await apiLogin(h.server.url, email2, `${max}z`)).status, 400, 'nor 1025 bytes starting with it');
			// an identifier over the schema's limit: a validation error, nothing stored
			const longId = `${'j'.repeat(10 * 1024)}@example.com`;
			const rr = await apiRegister(h.server.url, longId, x.secret(strongPassword()));
			assert.equal(rr.status, 400, `a 10 KB e-mail: ${rr.status}`);
			assert.ok(jsonMessageIds(rr.json).length > 0, 'with a message');
			assert.ok(!(await listIdentities(h.server)).some((i) => i.email.length > 1000), 'nothing stored');
		});
	});

	describe('timing (argon2id 19 MB, t=2; throttling off to take samples)', () => {
		const h = useServer({ config: {
			'hashers.argon2.memory': '19MB',
			'hashers.argon2.iterations': 2,
			'gatehouse.throttle.enabled': false,
		} });
		const attack = attackSuite(h);

		attack('attack 13: timing of unknown identifier vs known identifier with a wrong password', async (x) => {
			const email = uniqueEmail('a13');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const c = x.client({ cookies: false });
			const flows = async () => (await c.getJson('self-service/login/api')).json;
			const shapes = new Set();
			const post = async (identifier) => {
				const f = await flows();
				const body = { method: 'password', identifier, password: 'Wrong-Password-a13-x' };
				let r;
				const ms = await timed(async () => { r = await c.post(f.ui.action, { json: body, accept: JSON_ACCEPT }); });
				shapes.add(failureShape(r).replace(new RegExp(identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), 'ID'));
				return ms;
			};
			// warm-up, then 30 interleaved samples each
			const unknownT = [];
			const knownT = [];
			for (let i = 0; i < 3; i++) {
				await post(email);
				await post(`a13-nobody-${i}@example.com`);
			}
			for (let i = 0; i < 30; i++) {
				const pair = i % 2 ? [['k', email], ['u', `a13-nobody-${i}@example.com`]] : [['u', `a13-nobody-${i}@example.com`], ['k', email]];
				for (const [k, id] of pair) (k === 'k' ? knownT : unknownT).push(await post(id));
			}
			const mu = median(unknownT);
			const mk = median(knownT);
			const ratio = mu / mk;
			console.log(`# attack 13: median unknown ${mu.toFixed(1)} ms, known+wrong ${mk.toFixed(1)} ms, ratio ${ratio.toFixed(2)}`);
			assert.equal(shapes.size, 1, `the same status and body for both: ${[...shapes].join(' | ')}`);
			assert.ok(ratio > 0.5 && ratio < 2, `median unknown/known ratio ${ratio.toFixed(2)} within 0.5..2 (a missing decoy hash shows as < 0.2)`);
		});
	});

	describe('breached, common and context passwords', () => {
		const h = useServer();
		const attack = attackSuite(h);
		const BREACHED = 'Password123!';

		before(async () => {
			if (h.server) await importBreached(h.server, [BREACHED, 'Tr0ub4dor&3-breached']);
		});

		attack('attack 15: breached and context passwords at registration and at password change', async (x) => {
			const email = 'quartz.lanterns-a15@example.com';
			const cases = [
				['common', 'password123', 4000005],
				['common (case)', 'PASSWORD123', 4000005],
				['breached (imported list)', BREACHED, 4000034],
				['identifier', 'quartz.lanterns-a15', 4000031],
				['identifier + digits', 'Quartz.Lanterns-A15@2024', 4000031],
			];
			for (const [what, pw, id] of cases) {
				x.secret(pw);
				const r = await apiRegister(h.server.url, email, pw);
				assert.equal(r.status, 400, `registration with a ${what} password: ${r.status} ${r.text.slice(0, 200)}`);
				const ids = jsonMessageIds(r.json);
				assert.ok(ids.includes(id), `${what}: ${id} in ${ids}`);
				const node = r.json.ui.nodes.find((n) => n.attributes.name === 'password');
				assert.ok(node.messages.some((m) => m.id === id && typeof m.text === 'string' && m.text.length > 10), `${what}: a reason on the password field`);
			}
			assert.ok(!(await listIdentities(h.server)).some((i) => i.email === email), 'no identity was created');

			// the same at password change (HTML settings form)
			const good = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, good);
			const c = x.client();
			await mustLoginHtml(c, email, good);
			for (const [what, pw, id] of cases) {
				const page = await openFlowPage(c, 'settings');
				const res = await c.submitForm(page, { group: 'password', fields: { password: pw } });
				assert.equal(res.status, 303, `change to a ${what} password: ${res.status}`);
				const after = await c.page(res.location);
				assert.ok(after.messages.includes(id), `change to a ${what} password: ${id} in ${after.messages}`);
				assert.ok(!after.messages.includes(1050001), `${what}: not saved`);
			}
			assert.equal((await apiLogin(h.server.url, email, good)).status, 200, 'the password is unchanged');
		});
	});

	describe('online breached-password check against a mirror (fail closed)', () => {
		const mirror = { requests: [], mode: 'up', server: null, port: 0 };
		const BREACHED = 'Correct-Horse-Battery-online!';
		const opts = { config: {
			'selfservice.methods.password.config.haveibeenpwned_enabled': true,
			'selfservice.methods.password.config.ignore_network_errors': false,
		} };
		before(async () => {
			mirror.server = http.createServer((req, res) => {
				mirror.requests.push(req.url);
				if (mirror.mode === 'down') {
					res.writeHead(503);
					res.end();
					return;
				}
				const prefix = req.url.replace(/^\/range\//, '');
				const want = sha1Hex(BREACHED);
				const lines = [];
				for (let i = 0; i < 50; i++) lines.push(`${sha1Hex(`pad-${prefix}-${i}`).slice(5)}:${i}`);
				if (want.startsWith(prefix)) lines.push(`${want.slice(5)}:31337`);
				res.writeHead(200, { 'content-type': 'text/plain' });
				res.end(lines.join('\r\n'));
			});
			await new Promise((r) => mirror.server.listen(0, '127.0.0.1', r));
			mirror.port = mirror.server.address().port;
			opts.config['selfservice.methods.password.config.haveibeenpwned_host'] = `http://127.0.0.1:${mirror.port}`;
		});
		after(() => mirror.server?.close());
		const h = useServer(opts);
		const attack = attackSuite(h);

		attack('attack 15: online check (k-anonymity) and an unreachable check (fail closed)', async (x) => {
			x.secret(BREACHED);
			const r = await apiRegister(h.server.url, uniqueEmail('a15online'), BREACHED);
			assert.equal(r.status, 400, `a breached password (per the mirror): ${r.status} ${r.text.slice(0, 200)}`);
			assert.ok(jsonMessageIds(r.json).includes(4000034), `4000034: ${jsonMessageIds(r.json)}`);
			assert.ok(mirror.requests.length >= 1, 'the mirror was asked');
			const full = sha1Hex(BREACHED);
			for (const u of mirror.requests) {
				assert.match(u, /^\/range\/[0-9A-F]{5}$/i, `only a 5-hex-digit prefix leaves the host: ${u}`);
				assert.ok(!u.toUpperCase().includes(full.slice(5, 15)), 'no more of the hash than the prefix');
			}
			const good = x.secret(strongPassword());
			const ok = await apiRegister(h.server.url, uniqueEmail('a15ok'), good);
			assert.equal(ok.status, 200, `a clean password passes: ${ok.status} ${ok.text.slice(0, 200)}`);

			mirror.mode = 'down';
			const email = uniqueEmail('a15down');
			const d = await apiRegister(h.server.url, email, x.secret(strongPassword()));
			assert.equal(d.status, 400, `check unreachable, ignore_network_errors=false: refused (${d.status} ${d.text.slice(0, 200)})`);
			assert.ok(jsonMessageIds(d.json).includes(4000005), `with a reason (4000005): ${jsonMessageIds(d.json)}`);
			assert.ok(!(await listIdentities(h.server)).some((i) => i.email === email), 'nothing stored');
			mirror.mode = 'up';
		});
	});
});

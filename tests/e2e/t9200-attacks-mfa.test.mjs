// security-requirements.md §8, second factors: attacks 16-25 (TOTP replay,
// window and brute force, malformed codes, recovery-code reuse and races,
// timing of compares, AAL bypass, changes to second factors with a weak or
// stale session, recovery).  Each test also checks (lib/attack.mjs): no
// 5xx, no worker died, no secret in audit.log or lighttpd-error.log.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite, skipReason, sleep } from './lib/server.mjs';
import {
	HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword, csrfOf, whoami, flowMessageIds,
	expectJsonError, mustLoginHtml,
} from './lib/flows.mjs';
import {
	useMfaServer, mfaSkipReason, registerToSetup, enrolTotp, setupRecoveryCodes, clickButton, backOnSettings,
	backOnLogin, passwordToSecondFactor, submitTotp, submitRecoveryCode, assertAal2, assertAal2Required,
	settingsPage, totpAt, stepNow, nextTotp, freshStep, assertStillInStep, recoveryCodes, signOut,
} from './lib/mfa.mjs';
import { attackSuite, auditLines, apiLogin, compareTimings, listIdentities } from './lib/attack.mjs';

const skip = skipReason() || mfaSkipReason();

/* A browser signed in at aal2 with TOTP (and, with codes, recovery codes). */
async function mfaUser(x, tag, { codes = false, step } = {}) {
	const c = x.client();
	const email = uniqueEmail(tag);
	const pw = x.secret(strongPassword());
	const { page } = await registerToSetup(c, email, pw);
	const e = await enrolTotp(c, page, { step });
	x.secret(e.secret, e.code);
	let settings = e.page;
	let list = [];
	if (codes) {
		const r = await setupRecoveryCodes(c, e.page);
		list = r.codes;
		settings = r.page;
		x.secret(...list);
	}
	const me = await whoami(c);
	x.secret(c.cookie(SESSION_COOKIE));
	return { c, email, pw, id: me.json.identity.id, secret: e.secret, step: e.step, codes: list, settings };
}

/* A six-digit code valid at none of the steps around now (±3). */
async function invalidCodes(secret, n, { like } = {}) {
	const now = stepNow();
	const valid = new Set();
	for (let d = -3; d <= 3; d++) valid.add(await totpAt(secret, now + d));
	const out = [];
	for (let i = 0; out.length < n; i++) {
		assert.ok(i < 100000, 'could not make up enough distinct invalid codes');
		const c = like ? like(i) : String((i * 7919 + 104729) % 1000000).padStart(6, '0');
		if (!valid.has(c) && !out.includes(c)) out.push(c);
	}
	return out;
}

/* Audit events of one identity. */
const eventsOf = (server, id) => auditLines(server).filter((e) => e.identity_id === id);

/* A second browser at the second-factor step, as JSON: { b, flowId, csrf }. */
async function atSecondFactor(x, u) {
	const b = x.client();
	const { page } = await passwordToSecondFactor(b, u.email, u.pw);
	x.secret(b.cookie(SESSION_COOKIE));
	return { b, page, flowId: page.flowId, csrf: page.field('csrf_token').value };
}

async function postCode(b, flowId, csrf, body) {
	return await b.post(`self-service/login?flow=${flowId}`, { json: { ...body, csrf_token: csrf }, accept: JSON_ACCEPT });
}

suite('t9200 attacks: second factors', { skip }, () => {
	describe('replay, window, recovery codes, AAL', () => {
		const h = useMfaServer({ workers: 4 });
		const attack = attackSuite(h);

		attack('attack 16: reuse of a TOTP code that just succeeded, from another flow', async (x) => {
			const u = await mfaUser(x, 'a16');
			const a = await atSecondFactor(x, u);
			const { code } = await nextTotp(u.secret, u.step);
			x.secret(code);
			const ok = await submitTotp(a.b, a.page, code);
			assert.equal(ok.status, 303, `first use: ${ok.status} ${ok.text.slice(0, 200)}`);
			await assertAal2(a.b, ['password', 'totp'], u.email);
			const before = eventsOf(h.server, u.id).filter((e) => e.event === 'login.failure').length;
			// another session, another flow, the same code (HTML and JSON)
			const b = await atSecondFactor(x, u);
			const res = await submitTotp(b.b, b.page, code);
			const page = await backOnLogin(b.b, res, b.flowId, 'replayed code');
			assert.ok(page.messages.includes(4000008), `4000008: ${page.messages}`);
			await assertAal2Required(b.b);
			const fresh = await b.b.getJson('self-service/login/browser?aal=aal2');
			assert.equal(fresh.status, 200, `a new aal2 flow: ${fresh.status}`);
			const jr = await postCode(b.b, fresh.json.id, csrfOf(fresh.json), { method: 'totp', totp_code: code });
			assert.equal(jr.status, 400, `replayed code (JSON): ${jr.status} ${jr.text.slice(0, 200)}`);
			assert.ok(flowMessageIds(jr.json).includes(4000008), `4000008: ${flowMessageIds(jr.json)}`);
			await assertAal2Required(b.b);
			// logged against the identity
			const failures = eventsOf(h.server, u.id).filter((e) => e.event === 'login.failure' && e.detail === 'totp');
			assert.ok(failures.length - before >= 2 || failures.length >= 2, `the replays are in the audit log for ${u.id}: ${JSON.stringify(failures)}`);
		});

		attack('attack 17: TOTP codes from T-2 and T+2, and T-1 after T was used', async (x) => {
			const T = await freshStep({ minLeftMs: 18000 });
			// enrolled with the code of T-1 (the window allows it), so that
			// T is newer than anything used and T-2 is outside the window
			const u = await mfaUser(x, 'a17', { step: T - 1 });
			const code = async (d) => x.secret(await totpAt(u.secret, T + d));
			const a = await atSecondFactor(x, u);
			let page = a.page;
			for (const d of [2, -2, 3, -3]) {
				const res = await submitTotp(a.b, page, await code(d));
				page = await backOnLogin(a.b, res, a.flowId, `T${d > 0 ? '+' : ''}${d}`);
				assert.ok(page.messages.includes(4000008), `T${d > 0 ? '+' : ''}${d} refused: ${page.messages}`);
			}
			await assertAal2Required(a.b);
			// T+1 is taken, then T (older than the last used) is not
			const ok = await submitTotp(a.b, page, await code(1));
			assert.equal(ok.status, 303, `T+1: ${ok.status}`);
			assert.equal(ok.location, h.server.url, 'T+1 accepted');
			const b = await atSecondFactor(x, u);
			let p2 = b.page;
			for (const d of [0, -1, 1]) {
				const res = await submitTotp(b.b, p2, await code(d));
				p2 = await backOnLogin(b.b, res, b.flowId, `T${d >= 0 ? '+' : ''}${d} after T+1`);
				assert.ok(p2.messages.includes(4000008), `T${d >= 0 ? '+' : ''}${d} after T+1 was used: refused (${p2.messages})`);
			}
			await assertAal2Required(b.b);
			assertStillInStep(T);
		});

		attack('attack 18: reuse of a consumed recovery code', async (x) => {
			const u = await mfaUser(x, 'a18', { codes: true });
			const a = await atSecondFactor(x, u);
			const ok = await submitRecoveryCode(a.b, a.page, u.codes[0]);
			assert.equal(ok.status, 303, `first use: ${ok.status}`);
			await assertAal2(a.b, ['password', 'lookup_secret'], u.email);
			const b = await atSecondFactor(x, u);
			let page = b.page;
			const res = await submitRecoveryCode(b.b, page, u.codes[0]);
			page = await backOnLogin(b.b, res, b.flowId, 'used code');
			assert.ok(page.messages.includes(4000012), `4000012 (already used): ${page.messages}`);
			const fails = () => eventsOf(h.server, u.id).filter((e) => e.event === 'login.failure' && e.detail === 'lookup_secret').length;
			assert.ok(fails() >= 1, 'the reuse is audited as a failure');
			// it counts toward the failure budget: a few more and the factor is throttled
			let throttled = false;
			for (let i = 0; i < 8 && !throttled; i++) {
				const r = await submitRecoveryCode(b.b, page, u.codes[0]);
				page = await backOnLogin(b.b, r, b.flowId, `used code, try ${i + 2}`);
				throttled = page.messages.includes(4009001);
			}
			assert.ok(throttled, `reusing a used code counts toward the second-factor budget (4009001 after ${fails()} failures)`);
			// while throttled, an unused code is refused the same way (no oracle)
			const r = await submitRecoveryCode(b.b, page, u.codes[1]);
			page = await backOnLogin(b.b, r, b.flowId, 'unused code while throttled');
			assert.ok(page.messages.includes(4009001), `an unused code while throttled: 4009001 (${page.messages})`);
			await assertAal2Required(b.b);
		});

		attack('attack 19: one recovery code in two parallel requests', async (x) => {
			const u = await mfaUser(x, 'a19', { codes: true });
			for (let round = 0; round < 4; round++) {
				const code = u.codes[round];
				const [p, q] = await Promise.all([atSecondFactor(x, u), atSecondFactor(x, u)]);
				const [rp, rq] = await Promise.all([submitRecoveryCode(p.b, p.page, code), submitRecoveryCode(q.b, q.page, code)]);
				const wins = [rp, rq].filter((r) => r.status === 303 && r.location === h.server.url);
				assert.equal(wins.length, 1, `round ${round}: exactly one success (${rp.status} ${rp.location} / ${rq.status} ${rq.location})`);
				const [loser, loserRes] = wins[0] === rp ? [q, rq] : [p, rp];
				const lp = await backOnLogin(loser.b, loserRes, loser.flowId, `round ${round} loser`);
				assert.ok(lp.messages.includes(4000012), `round ${round}: the other is refused as used (${lp.messages})`);
				await assertAal2Required(loser.b);
			}
			// JSON, four at once, one code
			const four = await Promise.all([0, 1, 2, 3].map(() => atSecondFactor(x, u)));
			const rs = await Promise.all(four.map((s) => postCode(s.b, s.flowId, s.csrf, { method: 'lookup_secret', lookup_secret: u.codes[4] })));
			assert.equal(rs.filter((r) => r.status === 200).length, 1, `four at once: exactly one success (${rs.map((r) => r.status)})`);
			const left = await settingsPage(u.c);
			assert.match(left.html, /7 of 12 recovery codes left/, 'five codes used, seven left');
		});

		attack('attack 23: AAL bypass with an aal1 session of a TOTP identity', async (x) => {
			const u = await mfaUser(x, 'a23');
			const b = x.client();
			const { res } = await passwordToSecondFactor(b, u.email, u.pw);
			x.secret(res.setCookies.find((k) => k.name === SESSION_COOKIE)?.value);
			const body = await assertAal2Required(b);
			assert.ok(!JSON.stringify(body).includes(u.email), 'whoami at aal1 reveals no identity data');
			// settings: HTML sent to the second factor, JSON 403
			const s = await b.get('self-service/settings/browser', { accept: HTML_ACCEPT });
			assert.equal(s.status, 303, `settings/browser at aal1: ${s.status}`);
			const loc = new URL(s.location);
			assert.equal(loc.pathname, '/self-service/login/browser', `→ ${s.location}`);
			assert.equal(loc.searchParams.get('aal'), 'aal2');
			expectJsonError(await b.getJson('self-service/settings/browser'), { code: 403, id: 'session_aal2_required' });
			expectJsonError(await b.getJson('self-service/settings/api'), { code: 403, id: 'session_aal2_required' });
			// posting to the owner's settings flow (page and JSON) changes nothing
			const flow = u.settings;
			const newPw = x.secret(strongPassword('-a23'));
			for (const accept of [HTML_ACCEPT, JSON_ACCEPT]) {
				const r = await b.post(`self-service/settings?flow=${flow.flowId}`, {
					form: { csrf_token: flow.field('csrf_token').value, method: 'password', password: newPw }, accept,
				});
				assert.ok([303, 403].includes(r.status), `POST settings at aal1 (${accept.slice(0, 9)}): ${r.status} ${r.text.slice(0, 200)}`);
				if (r.status === 303) assert.notEqual(new URL(r.location).pathname, '/settings', `not back on the settings page: ${r.location}`);
				const p = await b.post(`self-service/settings?flow=${flow.flowId}`, {
					form: { csrf_token: flow.field('csrf_token').value, method: 'profile', 'traits.email': u.email, 'traits.name': 'a23-changed' }, accept,
				});
				assert.ok([303, 403].includes(p.status), `profile at aal1: ${p.status}`);
			}
			// sessions API and the home page
			const list = await b.getJson('sessions');
			assert.equal(list.status, 403, `GET /sessions at aal1: ${list.status}`);
			const del = await b.request('DELETE', 'sessions', { accept: JSON_ACCEPT });
			assert.equal(del.status, 403, `DELETE /sessions at aal1: ${del.status}`);
			const home = await b.get('', { accept: HTML_ACCEPT });
			assert.equal(home.status, 303, 'the home page sends to the second factor');
			// nothing changed; the owner's session is still there
			assert.equal((await apiLogin(h.server.url, u.email, newPw)).status, 400, 'the password did not change');
			const me = await assertAal2(u.c, ['password', 'totp'], u.email);
			assert.notEqual(me.identity.traits.name, 'a23-changed', 'the profile did not change');
			// api login of a TOTP identity: the token is aal1 and whoami refuses it
			const api = await apiLogin(h.server.url, u.email, u.pw);
			assert.equal(api.status, 200);
			x.secret(api.json.session_token);
			const w = await x.client({ cookies: false }).get('sessions/whoami', { accept: JSON_ACCEPT, headers: { 'x-session-token': api.json.session_token } });
			expectJsonError(w, { code: 403, id: 'session_aal2_required' });
		});

		attack.skip('attack 25: recovery (password reset) of an MFA account — does not apply: account recovery (/self-service/recovery) is not implemented yet, so there is no recovery session to test');
	});

	describe('brute force of the second factor (default budget)', () => {
		const h = useMfaServer({ workers: 4 });
		const attack = attackSuite(h);

		attack('attack 20: 1,000 TOTP guesses across flows, sessions and workers', async (x) => {
			const u = await mfaUser(x, 'a20');
			const sessions = await Promise.all([0, 1, 2, 3].map(() => atSecondFactor(x, u)));
			const guesses = await invalidCodes(u.secret, 1000);
			const out = [];
			let next = 0;
			let flowsOpened = sessions.length;
			const worker = async (s) => {
				for (;;) {
					const i = next++;
					if (i >= guesses.length) return;
					if (i % 50 === 0 && i > 0) {
						// a new flow every so often
						const f = await s.b.getJson('self-service/login/browser?aal=aal2');
						assert.equal(f.status, 200, `a new aal2 flow: ${f.status} ${f.text.slice(0, 200)}`);
						s.flowId = f.json.id;
						s.csrf = csrfOf(f.json);
						flowsOpened += 1;
					}
					const r = await postCode(s.b, s.flowId, s.csrf, { method: 'totp', totp_code: guesses[i] });
					out[i] = r;
				}
			};
			await Promise.all(sessions.map(worker));
			const checked = out.filter((r) => r.status === 400).length;
			const refused = out.filter((r) => r.status === 429).length;
			console.log(`# attack 20: 1000 guesses over ${sessions.length} sessions and ${flowsOpened} flows: ${checked} checked, ${refused} throttled`);
			assert.equal(checked + refused, 1000, `every guess failed or was refused: ${[...new Set(out.map((r) => r.status))]}`);
			assert.ok(checked <= 10, `the shared per-identity counter stops guessing after a few (${checked} checked)`);
			for (const r of out.filter((y) => y.status === 429)) {
				assert.equal(r.json.error?.id, 'self_service_throttled');
				assert.match(r.headers.get('retry-after') || '', /^\d+$/);
			}
			// while throttled the right code is refused alike (no oracle), from a new session too
			const { code } = await nextTotp(u.secret, u.step);
			x.secret(code);
			const fresh = await atSecondFactor(x, u);
			const r = await postCode(fresh.b, fresh.flowId, fresh.csrf, { method: 'totp', totp_code: code });
			assert.equal(r.status, 429, `the right code while throttled: ${r.status} ${r.text.slice(0, 200)}`);
			await assertAal2Required(fresh.b);
			// the password budget is separate: the password still leads to the second factor
			await atSecondFactor(x, u);
			// back-off, not a lock: after Retry-After the right code works
			const wait = Number(r.headers.get('retry-after'));
			assert.ok(wait >= 1 && wait <= 120, `Retry-After ${wait}`);
			await sleep(wait * 1000 + 300);
			const { code: code2 } = await nextTotp(u.secret, u.step);
			x.secret(code2);
			const ok = await postCode(fresh.b, fresh.flowId, fresh.csrf, { method: 'totp', totp_code: code2 });
			assert.equal(ok.status, 200, `after the delay: ${ok.status} ${ok.text.slice(0, 200)}`);
			// at this rate an hour allows far fewer than 100 guesses: 5 free,
			// then waits of 1, 2, 4 … s capped at 15 min
			let t = 0;
			let n = 5;
			for (let d = 1; t + d <= 3600; d = Math.min(d * 2, 900)) {
				t += d;
				n += 1;
			}
			assert.ok(n <= 100, `at most ${n} guesses per hour with the default schedule`);
		});
	});

	describe('malformed codes (account_free_attempts 20)', () => {
		const h = useMfaServer({ config: { 'gatehouse.throttle.account_free_attempts': 20 } });
		const attack = attackSuite(h);

		attack('attack 21: malformed TOTP codes', async (x) => {
			await freshStep({ minLeftMs: 15000 });
			const u = await mfaUser(x, 'a21', { step: stepNow() - 1 });
			const T = stepNow();
			const C = x.secret(await totpAt(u.secret, T));
			const full = [...C].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
			const n = parseInt(C, 10);
			const malformed = [
				C.slice(0, 5), `${C}7`, ` ${C}`, `${C} `, `\t${C}`, full, `+${C.slice(1)}`, `+${C}`, `-${C}`,
				`0x${n.toString(16)}`, `0x${n.toString(16).toUpperCase()}`, `${C}\n`, `${C.slice(0, 3)} ${C.slice(3)}`,
				`${C}.0`, `${n}e0`, `0${C}`, '', '      ', '１２３４５６',
			];
			const a = await atSecondFactor(x, u);
			const failsBefore = eventsOf(h.server, u.id).filter((e) => e.event === 'login.failure').length;
			let counted = 0;
			for (const m of malformed) {
				const r = await postCode(a.b, a.flowId, a.csrf, { method: 'totp', totp_code: m });
				assert.equal(r.status, 400, `${JSON.stringify(m)}: ${r.status} ${r.text.slice(0, 200)}`);
				const ids = flowMessageIds(r.json);
				assert.ok(ids.includes(4000008) || ids.includes(4000002), `${JSON.stringify(m)}: refused as invalid (${ids})`);
				if (m.trim() !== '') counted += 1;
			}
			// NUL bytes never reach the check: the body is refused
			for (const m of [`${C.slice(0, 5)}\u0000`, `${C}\u0000`]) {
				const r = await postCode(a.b, a.flowId, a.csrf, { method: 'totp', totp_code: m });
				assert.equal(r.status, 400, `${JSON.stringify(m)}: ${r.status}`);
				const f = await a.b.post(`self-service/login?flow=${a.flowId}`, { body: `csrf_token=${encodeURIComponent(a.csrf)}&method=totp&totp_code=${encodeURIComponent(m)}`, contentType: 'application/x-www-form-urlencoded', accept: HTML_ACCEPT });
				assert.ok(f.status === 400 || f.status === 303, `${JSON.stringify(m)} (form): ${f.status}`);
			}
			await assertAal2Required(a.b);
			const fails = eventsOf(h.server, u.id).filter((e) => e.event === 'login.failure' && e.detail === 'totp').length - failsBefore;
			assert.ok(fails >= counted, `each malformed code counts as a failure: ${fails} audited of ${counted}`);
			// the real code, well-formed, still works (the refusals were about form, not a lock)
			const ok = await postCode(a.b, a.flowId, a.csrf, { method: 'totp', totp_code: C });
			assert.equal(ok.status, 200, `the code itself: ${ok.status} ${ok.text.slice(0, 200)}`);
			assertStillInStep(T);
		});
	});

	describe('timing of secret compares (throttling off to take samples)', () => {
		const h = useMfaServer({ config: { 'gatehouse.throttle.enabled': false } });
		const attack = attackSuite(h);
		const within = (what, t) => {
			console.log(`# attack 22: ${what}: median ${t.ma.toFixed(2)} vs ${t.mb.toFixed(2)} ms, ratio ${t.ratio.toFixed(2)}`);
			assert.ok(t.ratio > 0.5 && t.ratio < 2, `${what}: median ratio ${t.ratio.toFixed(2)} within 0.5..2`);
		};

		attack('attack 22: timing of TOTP, recovery-code, CSRF and session-token compares', async (x) => {
			const u = await mfaUser(x, 'a22', { codes: true });
			const s = await atSecondFactor(x, u);
			const C = await totpAt(u.secret, stepNow());
			const other = (d) => String((Number(d) + 5) % 10);
			const firstRight = await invalidCodes(u.secret, 40, { like: (i) => `${C[0]}${String(i * 37 % 100000).padStart(5, '0')}`.replace(/^(.)(.)/, (m, a, b) => a + (b === C[1] ? other(b) : b)) });
			const allWrong = await invalidCodes(u.secret, 40, { like: () => [...C].map((d) => String((Number(d) + 1 + Math.floor(Math.random() * 9)) % 10)).join('') });
			const totp = await compareTimings(
				(i) => postCode(s.b, s.flowId, s.csrf, { method: 'totp', totp_code: firstRight[i % 40] }),
				(i) => postCode(s.b, s.flowId, s.csrf, { method: 'totp', totp_code: allWrong[i % 40] }));
			within('TOTP, first digit right vs all wrong', totp);

			// "A-7K3M-9QXT-2HBW": the letter only says which of the twelve it is
			// (public); the 60-bit secret is the rest.
			const [letter, g1, g2, g3] = u.codes[0].split('-');
			const ALPHA = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
			const wrong = (g, i) => [...g].map((ch, k) => ALPHA[(ALPHA.indexOf(ch) + 1 + ((i * 7 + k * 3) % 30)) % 32]).join('');
			const look = await compareTimings(
				(i) => postCode(s.b, s.flowId, s.csrf, { method: 'lookup_secret', lookup_secret: `${letter}-${g1}-${wrong(g2, i)}-${wrong(g3, i)}` }),
				(i) => postCode(s.b, s.flowId, s.csrf, { method: 'lookup_secret', lookup_secret: `${letter}-${wrong(g1, i)}-${wrong(g2, i)}-${wrong(g3, i)}` }));
			within('recovery code, first secret group right vs all wrong', look);

			const tok = s.csrf;
			const tweak = (t, keep, i) => t.slice(0, keep) + [...t.slice(keep, -2)].map((ch, k) => ((k + i) % 3 === 0 ? (ch === 'A' ? 'B' : 'A') : ch === 'z' ? 'y' : 'z')).join('') + t.slice(-2);
			const csrf = await compareTimings(
				(i) => postCode(s.b, s.flowId, tweak(tok, 8, i), { method: 'totp', totp_code: allWrong[0] }),
				(i) => postCode(s.b, s.flowId, tweak(tok, 0, i), { method: 'totp', totp_code: allWrong[0] }));
			within('CSRF token, first bytes right vs all wrong', csrf);

			const api = await apiLogin(h.server.url, u.email, u.pw);
			const st = x.secret(api.json.session_token);
			const anon = x.client({ cookies: false });
			const sess = await compareTimings(
				(i) => anon.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { 'x-session-token': tweak(st, 20, i) } }),
				(i) => anon.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { 'x-session-token': `ory_st_${tweak(st.slice(7), 0, i)}` } }));
			within('session token, first bytes right vs all wrong', sess);
			// the samples were refusals, all of them
			await assertAal2Required(s.b);
		});
	});

	describe('second factors changed with a weak or stale session (privileged for 3s)', () => {
		const h = useMfaServer({ config: {
			'selfservice.flows.settings.privileged_session_max_age': '3s',
			'gatehouse.audit.notify_file': 'notify.log',
		} });
		const attack = attackSuite(h);

		attack('attack 24: unlink TOTP and regenerate recovery codes at aal1 or with a stale session', async (x) => {
			const u = await mfaUser(x, 'a24', { codes: true });
			const notify = () => {
				const p = path.join(h.server.dir, 'notify.log');
				return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
			};
			const notesBefore = notify().filter((e) => e.identity_id === u.id).length;

			// aal1 (password only): no settings flow at all, and the owner's flow refuses it
			const weak = x.client();
			await passwordToSecondFactor(weak, u.email, u.pw);
			const wf = await weak.get('self-service/settings/browser', { accept: HTML_ACCEPT });
			assert.equal(new URL(wf.location).searchParams.get('aal'), 'aal2', `aal1 settings → ${wf.location}`);
			for (const [name, value] of [['totp_unlink', 'true'], ['lookup_secret_regenerate', 'true'], ['lookup_secret_disable', 'true']]) {
				const r = await weak.post(`self-service/settings?flow=${u.settings.flowId}`, {
					form: { csrf_token: u.settings.field('csrf_token').value, [name]: value }, accept: JSON_ACCEPT,
				});
				assert.equal(r.status, 403, `${name} at aal1: ${r.status} ${r.text.slice(0, 200)}`);
			}

			// stale aal2 session: sent to re-authenticate, nothing changed
			await sleep(3500);
			const page = await settingsPage(u.c);
			for (const name of ['totp_unlink', 'lookup_secret_regenerate']) {
				const r = await clickButton(u.c, page, name, { value: 'true' });
				assert.equal(r.status, 303, `${name} with a stale session: ${r.status}`);
				const loc = new URL(r.location);
				assert.equal(loc.pathname, '/self-service/login/browser', `${name} stale → ${r.location}`);
				assert.equal(loc.searchParams.get('refresh'), 'true', `refresh=true in ${r.location}`);
			}
			assert.equal((await listIdentities(h.server)).find((i) => i.id === u.id)?.mfa, 'mfa', 'the second factor is still there');
			const still = await atSecondFactor(x, u);
			assert.ok(still.page.field('lookup_secret', 'lookup_secret'), 'the recovery codes are still there');

			// a fresh aal2 sign-in (password + TOTP) then regenerate: the old codes die at once
			await signOut(u.c);
			const { page: tf } = await passwordToSecondFactor(u.c, u.email, u.pw);
			const { code } = await nextTotp(u.secret, u.step);
			x.secret(code);
			const done = await submitTotp(u.c, tf, code);
			assert.equal(done.status, 303, `aal2 sign-in: ${done.status}`);
			const fresh = await settingsPage(u.c);
			const gen = await clickButton(u.c, fresh, 'lookup_secret_regenerate', { value: 'true' });
			const shown = await backOnSettings(u.c, gen, fresh.flowId, 'regenerate');
			const newCodes = recoveryCodes(shown.html);
			x.secret(...newCodes);
			const conf = await clickButton(u.c, shown, 'lookup_secret_confirm', { value: 'true' });
			await backOnSettings(u.c, conf, fresh.flowId, 'confirm');
			const r1 = await submitRecoveryCode(still.b, still.page, u.codes[1]);
			const p1 = await backOnLogin(still.b, r1, still.flowId, 'an old code after regenerating');
			assert.ok(p1.messages.includes(4000016) || p1.messages.includes(4000012), `an old code is refused at once: ${p1.messages}`);

			// unlink: the seed is gone at once (sign-in needs no second factor; a code is no use)
			const s2 = await settingsPage(u.c);
			const un = await clickButton(u.c, s2, 'totp_unlink', { value: 'true' });
			const after = await backOnSettings(u.c, un, s2.flowId, 'unlink');
			assert.ok(after.messages.includes(1050001), `unlinked: ${after.messages}`);
			const late = x.client();
			await mustLoginHtml(late, u.email, u.pw);
			const w = await whoami(late);
			assert.equal(w.status, 200, 'aal1 is enough now');
			const { code: old } = await nextTotp(u.secret, u.step);
			const f = await late.getJson('self-service/login/browser?aal=aal2');
			if (f.status === 200) {
				const r = await postCode(late, f.json.id, csrfOf(f.json), { method: 'totp', totp_code: old });
				assert.notEqual(r.status, 200, `the old seed's code after unlinking: ${r.status}`);
			}
			assert.equal((await listIdentities(h.server)).find((i) => i.id === u.id)?.mfa, '-', 'no second factor left');

			// the holder is notified (the spool for "your security settings changed")
			const notes = notify().filter((e) => e.identity_id === u.id).slice(notesBefore);
			const kinds = notes.map((e) => `${e.event}/${e.detail}`);
			assert.ok(kinds.includes('second_factor.removed/totp'), `notification of the unlink: ${kinds}`);
			assert.ok(kinds.some((k) => /lookup_secret/.test(k)), `notification of the new recovery codes: ${kinds}`);
		});
	});
});

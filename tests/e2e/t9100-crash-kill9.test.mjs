// Crash safety: SIGKILL every worker while a registration is hashing its
// password.  lighttpd starts new workers; every account acknowledged before
// the crash still signs in; the in-flight one either exists whole or not at
// all; new registrations work.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason, procStat, waitFor, sleep } from './lib/server.mjs';
import { Client, uniqueEmail, strongPassword, registerAnyJson, loginAnyJson, flowMessageIds } from './lib/flows.mjs';

const ACCOUNTS = 5;

suite('t9100 SIGKILL of every worker during a registration', { skip: skipReason() }, () => {
	const h = useServer({
		workers: 3,
		config: { 'hashers.argon2.memory': '64MB', 'hashers.argon2.iterations': 3 },
	});

	it('loses no acknowledged account and recovers', async () => {
		const base = h.server.url;
		const accounts = [];
		for (let i = 0; i < ACCOUNTS; i++) {
			const a = { email: uniqueEmail(`crash${i}`), pw: strongPassword() };
			const r = await registerAnyJson(base, a.email, a.pw);
			assert.equal(r.status, 200, `registration ${i} (${r.via}): ${r.status} ${r.res.text.slice(0, 200)}`);
			accounts.push(a);
		}

		const before = h.server.workerPids();
		assert.ok(before.length >= 1, `worker processes found under lighttpd (pid ${h.server.pid})`);
		const cpu = new Map(before.map((p) => [p, procStat(p)]));

		// A registration that hashes with argon2 (64 MiB, t=3) for a while.
		const victim = { email: uniqueEmail('inflight'), pw: strongPassword() };
		const t0 = Date.now();
		const inflight = registerAnyJson(base, victim.email, victim.pw, { timeoutMs: 20000 })
			.then((r) => ({ status: r.status }), (e) => ({ error: e.message }));

		// Wait until a worker is hashing: 30 ms of CPU time that only argon2
		// spends (clock ticks are 10 ms).
		const busy = await waitFor(() => before.find((p) => {
			const s = procStat(p);
			const s0 = cpu.get(p);
			return s && s0 && s.utime + s.stime >= s0.utime + s0.stime + 3;
		}), { timeoutMs: 3000, intervalMs: 2, what: 'a worker to start hashing' }).catch(() => null);
		if (!busy) await sleep(30);	// could not see it; kill anyway, mid-request or not

		let kills = 0;
		for (const pid of h.server.workerPids()) {
			try {
				process.kill(pid, 'SIGKILL');
				kills += 1;
			} catch { /* already gone */ }
		}
		const killedAt = Date.now() - t0;
		const outcome = await inflight;
		console.log(`# killed ${kills} worker(s) ${killedAt} ms into the request (busy worker seen: ${busy ? 'yes' : 'no'}); ` +
		    `in-flight request: ${JSON.stringify(outcome)}`);
		assert.ok(kills >= 1, 'killed at least one worker');
		if (outcome.status !== undefined) {
			assert.ok(outcome.status >= 500 || outcome.status === 200 || outcome.status === 400,
			    `the in-flight request answered ${outcome.status}`);
		}

		// lighttpd restarts the backends; poll until the program answers again.
		await waitFor(async () => {
			const r = await fetch(`${base}health/ready`, { signal: AbortSignal.timeout(2000) });
			await r.arrayBuffer();
			return r.status === 200;
		}, { timeoutMs: 15000, intervalMs: 100, what: 'the program to answer again after the kill' });
		const afterPids = h.server.workerPids();
		assert.ok(afterPids.length >= 1, 'workers are running again');
		for (const p of afterPids) assert.ok(!before.includes(p), `worker ${p} is a new process`);

		// Every acknowledged account still signs in.
		let lost = 0;
		for (const a of accounts) {
			const r = await loginAnyJson(base, a.email, a.pw);
			if (r.status !== 200) {
				lost += 1;
				console.log(`# lost: ${a.email}: ${r.status} ${r.res.text.slice(0, 200)}`);
			} else if (r.via === 'api') {
				assert.match(r.body.session_token || '', /^ory_st_/, 'session_token');
			}
		}

		// The in-flight account is all there or not there at all.
		const l = await loginAnyJson(base, victim.email, victim.pw);
		let victimState;
		if (l.status === 200) {
			victimState = 'committed';
			const again = await registerAnyJson(base, victim.email, strongPassword());
			assert.equal(again.status, 400, 'a committed account cannot be registered again');
			assert.ok(flowMessageIds(again.body).includes(4000007));
		} else {
			assert.equal(l.status, 400, `login of the in-flight account: ${l.status}`);
			assert.ok(flowMessageIds(l.body).includes(4000006), 'the in-flight account does not exist');
			victimState = 'rolled back';
			const re = await registerAnyJson(base, victim.email, victim.pw);
			assert.equal(re.status, 200, `its address is free again: ${re.status} ${re.res.text.slice(0, 200)}`);
		}

		// New registrations work.
		const fresh = { email: uniqueEmail('after'), pw: strongPassword() };
		const r = await registerAnyJson(base, fresh.email, fresh.pw);
		assert.equal(r.status, 200, `registration after the crash: ${r.status} ${r.res.text.slice(0, 200)}`);
		assert.equal((await loginAnyJson(base, fresh.email, fresh.pw)).status, 200);
		const w = await new Client(base).get('sessions/whoami', { accept: 'application/json' });
		assert.equal(w.status, 401);

		console.log(`crash: kills=${kills} acknowledged=${ACCOUNTS} lost=${lost} inflight=${victimState}`);
		assert.equal(lost, 0, `${lost} acknowledged account(s) lost`);
	});
});

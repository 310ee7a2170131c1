// SPDX-License-Identifier: MIT
//
// bench/report.mjs -- turn the runs of bench/run.sh into the results table.
//
//   node bench/report.mjs RESULTS.jsonl META.env DISK.txt OUT.md
//
// Every figure is the median over the rounds; ratios are taken between
// medians measured in the same run.  Prints the report and writes OUT.md.

import { readFileSync, writeFileSync } from 'node:fs';

const [resPath, metaPath, diskPath, outPath] = process.argv.slice(2);
const rows = readFileSync(resPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = Object.fromEntries(readFileSync(metaPath, 'utf8').split('\n').filter((l) => l.includes('='))
	.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const disk = Object.fromEntries(readFileSync(diskPath, 'utf8').split('\n').filter(Boolean)
	.map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));

const median = (xs) => {
	const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (!s.length) return NaN;
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/* Medians of one HTTP scenario on one target. */
function http(scenario, target) {
	const rs = rows.filter((r) => r.kind === 'http' && r.scenario === scenario && r.target === target);
	if (!rs.length) return null;
	const w = (f) => median(rs.map((r) => f(r.wrk)));
	const ops = (r) => (r.wrk.ops > 0 ? r.wrk.ops : NaN);
	return {
		n: rs.length,
		ops: w((x) => x.ops_per_s),
		rps: w((x) => x.req_per_s),
		p50: w((x) => x.p50_us / 1000),
		p90: w((x) => x.p90_us / 1000),
		p99: w((x) => x.p99_us / 1000),
		p999: w((x) => x.p999_us / 1000),
		max: Math.max(...rs.map((r) => r.wrk.max_us / 1000)),
		app: median(rs.map((r) => r.app_cpu_ns / 1e6 / ops(r))),
		web: median(rs.map((r) => r.web_cpu_ns / 1e6 / ops(r))),
		bad: rs.reduce((a, r) => a + r.wrk.bad + r.wrk.socket_errors, 0),
		badInfo: rs.map((r) => r.wrk.bad_info).filter(Boolean).join(' ').slice(0, 200),
		requests: rs.reduce((a, r) => a + r.wrk.requests, 0),
	};
}

const mem = (target, label) => rows.find((r) => r.kind === 'mem' && r.target === target && r.label === label);
const argon = (procs) => {
	const rs = rows.filter((r) => r.kind === 'argon2' && r.procs === procs);
	return rs.length ? { rate: median(rs.map((r) => r.rate)), cpu: median(rs.map((r) => r.cpu_ms)), m: rs[0].m_kib, t: rs[0].t, p: rs[0].p } : null;
};
const cgi = (s) => {
	const rs = rows.filter((r) => r.kind === 'cgi' && r.scenario === s);
	return rs.length ? { cpu: median(rs.map((r) => r.cpu_ms)), wall: median(rs.map((r) => r.wall_ms)), bad: rs.reduce((a, r) => a + r.bad, 0) } : null;
};

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const fr = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '–');
const ratio = (a, b) => (a && b && b > 0 ? a / b : NaN);
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '–');
const times = (x) => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×` : '–');

const refs = {
	static: http('login_page', 'static'),
	floor: http('login_page', 'floor'),
	php: http('login_page', 'php'),
	llng: http('login_page', 'llng'),
};
const out = [];
const p = (s = '') => out.push(s);

p('# Gatehouse benchmark results');
p();
p(`Written by \`${meta.command}\` on ${meta.date}; ${meta.rounds} alternating rounds of ${meta.duration} s per run, medians shown.`);
p('Absolute numbers depend on the machine and on whatever else it was doing; the ratios, measured side by side in one run, are the result.');
p();
p('## Machine');
p();
p(`- ${meta.nproc} CPUs: ${meta.cpu}; ${meta.mem} RAM; ${meta.kernel}; ${meta.os}`);
p(`- ${meta.lighttpd}; ${meta.wrk}; ${meta.cc}; ${meta.bdb}`);
p(`- PHP-FPM: ${meta.php}; LemonLDAP::NG portal: ${meta.llng}${meta.llng_note ? ` (${meta.llng_note})` : ''}`);
p(`- Gatehouse ${meta.commit}, built with \`make all CFLAGS=-O2\` (a private copy in build/bench/src); Berkeley DB cache ${meta.db_cache} (shared by the workers)`);
p(`- Load: wrk on loopback on the same 2 cores (it competes with the server, as it does for every reference); GET scenarios 1 thread × 8 connections, POST scenarios one connection per thread.`);
p();

// --- page and whoami ---------------------------------------------------------
p('## Login page and whoami');
p();
p(`The login page is ${meta.page_bytes} bytes of HTML; the static file and the FastCGI floor serve exactly those bytes, the PHP form ${meta.php_bytes} bytes, the LemonLDAP::NG portal its own ${meta.llng_bytes}-byte page.`);
p('"CPU/req" is the CPU time of the workers (FastCGI programs, PHP-FPM children, Perl workers) and of lighttpd per request, from /proc/PID/schedstat; "private" is the largest worker\'s Private_Clean + Private_Dirty (smaps) outside the Berkeley DB region, after all rounds.');
p();
p('| Scenario | Server | req/s | p50 ms | p99 ms | CPU/req worker ms | CPU/req lighttpd ms | private KiB/worker | ×static | ×floor | ×PHP | ×LLNG |');
p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const refName = { static: '(a) static file', floor: '(b) FastCGI floor (fcgi_floor.c)', php: '(c) PHP-FPM form + session', llng: '(d) LemonLDAP::NG portal' };
const memCell = (t) => { const m = mem(t, 'end'); return m ? String(m.private_kb) : '–'; };
const ratios = (v) => ['static', 'floor', 'php', 'llng'].map((k) => times(ratio(v, refs[k]?.ops))).join(' | ');
for (const k of ['static', 'floor', 'php', 'llng']) {
	const r = refs[k];
	if (!r) { p(`| login page | ${refName[k]} | not measured | | | | | | | | | |`); continue; }
	p(`| login page | ${refName[k]} | ${fr(r.ops)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.app, 3)} | ${f(r.web, 3)} | ${memCell(k)} | ${ratios(r.ops)} |`);
}
const ghRows = [
	['login_json', 'login page, JSON (new flow per request)'],
	['login_html', 'login page, HTML (new flow: 303 + page = 1 view)'],
	['login_render', 'login page, HTML render of an existing flow'],
	['whoami', 'whoami (valid session cookie)'],
];
for (const t of ['gh2', 'gh4']) {
	for (const [s, label] of ghRows) {
		const r = http(s, t);
		if (!r) continue;
		p(`| ${label} | Gatehouse, ${t === 'gh2' ? 2 : 4} workers | ${fr(r.ops)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.app, 3)} | ${f(r.web, 3)} | ${memCell(t)} | ${ratios(r.ops)} |${r.bad ? ` ${r.bad} bad` : ''}`);
	}
}
p();
p('The HTML row counts page views: each is two requests (the 303 that creates the flow and sets the CSRF cookie, then the page), timed together; its p50/p99 are per page view.');
p();

// --- POSTs -------------------------------------------------------------------
const a2 = argon(2), a1 = argon(1);
p('## Password sign-in, TOTP step-up, registration');
p();
p(`argon2id at the configured parameters: m=${a2?.m} KiB, t=${a2?.t}, p=${a2?.p}.  Each operation below is a native (api) flow: GET the flow, then POST it (JSON); the rate counts successful POSTs, the latency is the POST's, the CPU is the workers' for both requests.`);
p();
p('| Operation | Server | ops/s | p50 ms | p99 ms | CPU/op worker ms | vs raw argon2id (2 procs) | CPU/op ÷ CPU/hash |');
p('|---|---|---:|---:|---:|---:|---:|---:|');
if (a1) p(`| raw argon2id hash (libargon2), 1 process | – | ${fr(a1.rate)} | | | ${f(a1.cpu, 2)} | | |`);
if (a2) p(`| raw argon2id hash (libargon2), 2 processes | – | ${fr(a2.rate)} | | | ${f(a2.cpu, 2)} | 100% | 1.00 |`);
const post = [['signin', 'gh2', 'password sign-in', true], ['signin', 'gh4', 'password sign-in', true],
	['totp_step', 'totp', 'TOTP step-up (aal1 → aal2)', false], ['registration', 'gh2', 'registration (password)', true]];
for (const [s, t, label, hashes] of post) {
	const r = http(s, t);
	if (!r) continue;
	const w = t === 'gh4' ? 4 : 2;
	p(`| ${label} | Gatehouse, ${w} workers | ${fr(r.ops)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.app, 2)} | ${hashes ? pct(ratio(r.ops, a2?.rate)) : '–'} | ${hashes ? f(ratio(r.app, a2?.cpu), 2) : '–'} |${r.bad ? ` ${r.bad} bad: ${r.badInfo}` : ''}`);
}
p();

// --- CGI ---------------------------------------------------------------------
p('## CGI mode');
p();
p('The same binary run as a CGI program, once per request (fork + exec with a CGI environment, output read through a pipe), 200 runs per round; CPU from getrusage of the children.');
p();
p('| Request | CPU ms/req | wall ms/req |');
p('|---|---:|---:|');
for (const [s, label] of [['login_json', 'login page, JSON (new flow)'], ['login_render', 'login page, HTML (existing flow)'],
	['whoami', 'whoami'], ['start_only', 'process start only (`gatehouse.fcgi help`)'], ['exec_floor', 'exec floor (`/bin/true`)']]) {
	const c = cgi(s);
	if (c) p(`| ${label} | ${f(c.cpu, 2)} | ${f(c.wall, 2)} |${c.bad ? ` ${c.bad} bad` : ''}`);
}
p();

// --- scale -------------------------------------------------------------------
const N = Number(meta.scale);
p('## Scale');
p();
p(`${N.toLocaleString('en')} identities and ${N.toLocaleString('en')} sessions loaded through the store API (bench/load_store.c: ${meta.big_load}), against the 2-worker instance holding 1,000 of each (plus what the rounds added); whoami rotates over sampled sessions: 10,000 spread evenly over the large database, all 1,000 of the small one. Both instances run with the configured ${meta.db_cache} Berkeley DB cache, so the large database is read through the OS page cache.`);
p();
p(`Medians of ${meta.scale_rounds || meta.rounds} alternating rounds.  The p99 of a 5 s run rests on a few dozen requests and moves with anything else the machine does (and with a checkpoint, see Housekeeping); p50 and p90 are the steadier measure of the database's effect.`);
p();
p('| Measure | 1,000 identities | ' + `${N.toLocaleString('en')} identities | ratio |`);
p('|---|---:|---:|---:|');
for (const [s, label] of [['scale_whoami', 'whoami, 8 connections'], ['scale_whoami_c1', 'whoami, 1 connection'], ['scale_login_json', 'login page (JSON), 8 connections']]) {
	const a = http(s, 'gh2'), b = http(s, 'big');
	if (!a || !b) continue;
	p(`| ${label}: req/s | ${fr(a.ops)} | ${fr(b.ops)} | ${pct(ratio(b.ops, a.ops))} |`);
	p(`| ${label}: p50 ms | ${f(a.p50, 3)} | ${f(b.p50, 3)} | ${times(ratio(b.p50, a.p50))} |`);
	p(`| ${label}: p90 ms | ${f(a.p90, 3)} | ${f(b.p90, 3)} | ${times(ratio(b.p90, a.p90))} |`);
	p(`| ${label}: p99 ms | ${f(a.p99, 3)} | ${f(b.p99, 3)} | ${times(ratio(b.p99, a.p99))} |`);
}
const idBytes = (disk['identities.db'] || 0) + (disk['identifiers.db'] || 0);
const sBytes = (disk['sessions.db'] || 0) + (disk['sessions_by_identity.db'] || 0) + (disk['session_ids.db'] || 0);
p();
p(`Bytes on disk: ${f(idBytes / N, 0)} per identity (identities.db + identifiers.db), ${f(sBytes / N, 0)} per session (sessions.db + sessions_by_identity.db + session_ids.db); the whole state directory ${f(disk.total / 1e9, 2)} GB after the load, ${f(disk.total / N, 0)} bytes per identity with its session.`);
p();

// --- housekeeping ------------------------------------------------------------
const hkRow = rows.find((r) => r.kind === 'http' && r.scenario === 'housekeeping');
const hk = http('housekeeping', 'hk'), base = http('login_json', 'gh2');
const ckps = (meta.hk_checkpoints || '').trim().split(/\s+/).filter(Boolean).map(Number);
// Requests over 100 ms, grouped by the second they ended in.
const stallSecs = new Map();
for (const s of hkRow?.wrk.stalls || []) {
	const [sec, ms] = s.split(':').map(Number);
	const g = stallSecs.get(sec) || { n: 0, max: 0 };
	g.n += 1;
	g.max = Math.max(g.max, ms);
	stallSecs.set(sec, g);
}
const t0 = ckps.length ? ckps[0] : 0;
p('## Housekeeping');
p();
p(`${meta.hk_secs} s of login pages (JSON, 8 connections, one per wrk thread so each request is timed and dated) on a 2-worker instance whose database holds 100,000 expired sessions (and whose flows live 1 s): every worker sweeps expired records and checkpoints the database after its responses (lib/store.c, store_housekeep).  Compared with the same request on the normal 2-worker instance (5 s runs, 1 wrk thread).`);
p();
p('| | req/s | p50 ms | p99 ms | p99.9 ms | max ms |');
p('|---|---:|---:|---:|---:|---:|');
if (base) p(`| login page JSON, normal instance (median of rounds) | ${fr(base.ops)} | ${f(base.p50, 2)} | ${f(base.p99, 2)} | ${f(base.p999, 2)} | ${f(base.max, 1)} |`);
if (hk) p(`| login page JSON, housekeeping busy (${meta.hk_secs} s) | ${fr(hk.ops)} | ${f(hk.p50, 2)} | ${f(hk.p99, 2)} | ${f(hk.p999, 2)} | ${f(hk.max, 1)} |`);
p();
const near = (sec) => ckps.some((c) => Math.abs(c - sec) <= 1);
const stallList = [...stallSecs.entries()].sort((a, b) => a[0] - b[0]);
p(`Checkpoints during the run (s after the first): ${ckps.map((c) => `+${c - t0}`).join(', ') || '–'}.  Requests over 100 ms: ${stallList.length ? stallList.map(([sec, g]) => `${g.n} ending at +${sec - t0} s (up to ${g.max} ms${near(sec) ? ', at a checkpoint' : ''})`).join('; ') : 'none'}.`);
p();
const swept = Number(meta.hk_sessions_before) - Number(meta.hk_sessions_after);
const sweepRate = swept / Number(meta.hk_secs);
p(`Sweeping: ${swept.toLocaleString('en')} expired sessions deleted during the run (${meta.hk_sessions_before} → ${meta.hk_sessions_after}, ${f(sweepRate, 0)} a second with 2 workers${Number(meta.hk_sessions_after) > 0 ? `, so clearing the rest would take ${f(Number(meta.hk_sessions_after) / sweepRate / 60, 0)} minutes` : ''}).  Flows created during the run: ${hk ? hk.requests.toLocaleString('en') : '–'}, in the database after it: ${meta.hk_flows_after} -- flows are kept an hour past their expiry (so an old link still says "expired"), so none fell due during the run; a site that creates flows faster than ${f(sweepRate, 0)} a second for hours accumulates them faster than housekeeping removes them (this run's 2-worker instance ended with a ${meta.gh2_flows_mb} MB flows.db).  Log files left: ${meta.hk_log_files}.`);
p();
const spikes = rows.filter((r) => r.kind === 'http' && r.scenario !== 'housekeeping' && r.wrk.max_us > 300000 &&
	!['signin', 'registration'].includes(r.scenario) && r.target !== 'llng');
if (spikes.length) {
	p(`Stalls in the other runs (max over 300 ms, outside the password and LemonLDAP::NG runs): ${spikes.map((r) => `${r.scenario}/${r.target} round ${r.round}: max ${f(r.wrk.max_us / 1000, 0)} ms, p99 ${f(r.wrk.p99_us / 1000, 1)} ms`).join('; ')}.  Such stalls hit whichever run is going on when an instance checkpoints (see above).`);
	p();
}

// --- memory ------------------------------------------------------------------
p('## Memory per worker');
p();
const served = (t) => rows.filter((r) => r.kind === 'http' && r.target === t).reduce((a, r) => a + r.wrk.requests, 0);
p('| Server | private KiB after warm-up | private KiB at the end | of which [heap] | requests served in between | Berkeley DB region, private KiB | RSS KiB |');
p('|---|---:|---:|---:|---:|---:|---:|');
const memName = { gh2: 'Gatehouse, 2 workers (all scenarios, incl. sign-ins)', gh4: 'Gatehouse, 4 workers (incl. sign-ins)',
	totp: 'Gatehouse, TOTP instance (no password hashing)', big: `Gatehouse, ${N.toLocaleString('en')}-identity instance (GETs only)`,
	floor: 'FastCGI floor', php: 'PHP-FPM child', llng: 'LemonLDAP::NG worker', static: 'lighttpd (static)' };
for (const t of ['gh2', 'gh4', 'totp', 'big', 'floor', 'php', 'llng', 'static']) {
	const w = mem(t, 'warm'), e = mem(t, 'end');
	if (!e) continue;
	p(`| ${memName[t]} | ${w ? w.private_kb : '–'} | ${e.private_kb} | ${e.heap_kb ?? '–'} | ${served(t).toLocaleString('en')} | ${e.bdb_private_kb} | ${e.rss_kb} |`);
}
p();
p('The Berkeley DB cache lives in the environment\'s region files (__db.*), mapped shared by every worker; pages of it only one worker has touched show up as that worker\'s private memory, reported separately.  A worker that has hashed a password keeps argon2id\'s 19 MiB block in its heap: glibc raises its mmap threshold after the first large free, so later blocks come from the heap and stay resident between requests.');
p();

// --- targets -----------------------------------------------------------------
p('## Targets (issue 7)');
p();
const T = [];
const gl = http('login_json', 'gh2'), gw = http('whoami', 'gh2'), gh = http('login_html', 'gh2');
const si = http('signin', 'gh2');
const small = http('scale_whoami', 'gh2'), big = http('scale_whoami', 'big');
const smallL = http('scale_login_json', 'gh2'), bigL = http('scale_login_json', 'big');
const small1 = http('scale_whoami_c1', 'gh2'), big1 = http('scale_whoami_c1', 'big');
const m2 = mem('gh2', 'end'), m2w = mem('gh2', 'warm');
const cg = [cgi('login_json'), cgi('whoami')];
const target = (ok, text, miss) => T.push(`- ${ok ? '**met**' : '**missed**'}: ${text}${!ok && miss ? `\n  ${miss}` : ''}`);
if (gl && refs.floor) {
	const r = ratio(gl.ops, refs.floor.ops);
	target(r >= 0.6, `login page ≥ 60% of the FastCGI floor: ${pct(r)} (JSON, one request creating a flow, 2 workers)` +
		(gh ? `; the HTML page view (303 + page) reaches ${pct(ratio(gh.ops, refs.floor.ops))}` : '') +
		(http('login_render', 'gh2') ? `, the HTML render of an existing flow ${pct(ratio(http('login_render', 'gh2').ops, refs.floor.ops))}` : '') + '.',
		`Short by ${pct(0.6 - r)} of the floor.  Per request a worker spends ${f(gl.app * 1000, 0)} µs of CPU against the floor's ${f(refs.floor.app * 1000, 0)} µs.  A perf profile of a worker under this load (taken while writing this suite) puts about a tenth of it in pwrite() of the Berkeley DB log (every new flow is a logged transaction, committed without fsync), about a sixth in jansson building, dumping and parsing JSON (the flow record and the response), about 5% in Berkeley DB itself and 5% in printf-style formatting; accepting and closing lighttpd's FastCGI connection costs it what it costs the floor.  Keeping flows out of the log (DB_TXN_NOT_DURABLE for flows.db) and storing a smaller flow record than the JSON sent to the client would close most of the gap.`);
}
if (gl && refs.php) {
	const r = ratio(gl.ops, refs.php.ops);
	target(r >= 2, `login page ≥ 2× the PHP-FPM form: ${times(r)}${gh ? ` (HTML page view: ${times(ratio(gh.ops, refs.php.ops))})` : ''}.`,
		`PHP-FPM's worker uses ${f(refs.php.app, 3)} ms of CPU per request against Gatehouse's ${f(gl.app, 3)} ms (${times(ratio(refs.php.app, gl.app))} more), but lighttpd (${f(gl.web, 3)} ms per request) and wrk take the same share in both runs on the 2 shared cores, which compresses the throughput ratio; the HTML page view is two requests against PHP's one.  Closing it is the work of the floor target above.`);
}
if (gw && refs.floor) {
	const r = ratio(gw.ops, refs.floor.ops);
	target(r >= 0.85, `whoami ≥ 85% of the floor: ${pct(r)}.`, `Short by ${pct(0.85 - r)}: per request a worker spends ${f(gw.app * 1000, 0)} µs of CPU against the floor's ${f(refs.floor?.app * 1000, 0)} µs -- it checks the cookie's HMAC, reads the session and the identity in a read-only transaction, parses both JSON records and writes ~900 bytes of JSON.  Storing records in a form that needs no parse for the common fields, or caching the serialised session, would close part of it.`);
}
if (si && a2) {
	const r = ratio(si.ops, a2.rate), c = ratio(si.app, a2.cpu);
	target(r >= 0.9, `password sign-in within 10% of raw argon2id on the same cores: ${pct(r)} of the raw rate (2 workers vs 2 hashing processes); worker CPU per sign-in is ${f(c, 2)}× the CPU of one hash.`,
		`Short by ${pct(0.9 - r)} in throughput.  The raw loop has both cores to itself, while the sign-ins share them with lighttpd and wrk; the CPU ratio (${f(c, 2)}×) is the cleaner measure of "hashing is the only real cost".`);
}
if (gl && refs.llng) {
	const r = ratio(gl.ops, refs.llng.ops);
	const rc = ratio(refs.llng.app, gl.app);
	target(r >= 50, `≥ 50× LemonLDAP::NG's login page: ${times(r)} the requests per second (JSON)${gh ? `, ${times(ratio(gh.ops, refs.llng.ops))} (HTML page views)` : ''}; per request its worker uses ${times(rc)} less CPU (${f(gl.app, 3)} ms against ${f(refs.llng.app, 2)} ms).`,
		`LemonLDAP::NG is CPU-bound in its Perl workers, Gatehouse is bound by the whole loopback pipeline (wrk, lighttpd and the workers share the 2 cores), so the throughput ratio understates the difference in work, which the CPU ratio (${times(rc)}) shows; LemonLDAP::NG also renders a larger page (${meta.llng_bytes} bytes, HTML::Template).  The throughput ratio also moves with how busy the machine is: when other work takes a core, the CPU-bound Perl workers lose the most.`);
} else {
	T.push(`- **not measured**: ≥ 50× LemonLDAP::NG (${meta.llng_note || 'reference missing'}).`);
}
if (m2) {
	const mb = mem('big', 'end'), mbw = mem('big', 'warm'), mt = mem('totp', 'end'), mtw = mem('totp', 'warm');
	const flat = mb && mbw ? mb.private_kb - mbw.private_kb : NaN;
	const ok = mb && mb.private_kb <= 4096 && flat <= 256 && m2.private_kb <= 4096;
	target(ok,
		`private memory per worker ≤ 4 MiB and flat: a worker that serves login pages and whoami holds ${mb ? mb.private_kb : '–'} KiB after ${served('big').toLocaleString('en')} requests (${mbw ? `${mbw.private_kb} KiB after warm-up, ${flat >= 0 ? '+' : ''}${flat} KiB` : '–'})${mt ? `, one that serves TOTP step-ups ${mt.private_kb} KiB after ${served('totp').toLocaleString('en')} requests (${mtw ? mtw.private_kb : '–'} KiB warm)` : ''}; a worker that has hashed a password holds ${m2.private_kb} KiB (${m2.heap_kb} KiB of it [heap]: argon2id's m=${a2?.m} KiB block, kept by glibc after the first hash).  Berkeley DB region pages private to a worker: ${m2.bdb_private_kb} KiB of the ${meta.db_cache} shared cache.`,
		m2.private_kb > 4096 ? `Over by ${m2.private_kb - 4096} KiB in workers that hash, by design of glibc's allocator: the 19 MiB block is reused instead of being mapped and faulted in afresh.  Returning it (mallopt(M_MMAP_THRESHOLD) at start, or malloc_trim() after a hash) brings such a worker back to the ~1.5 MiB of the others, but on this machine a freshly mapped block made each raw hash about 50% slower (15.7 → 24 ms, measured with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304); a dedicated hashing process, or hashing in the worker and accepting 19 MiB, are the honest options.` : 'It grew between the samples.');
}
if (cg[0]) {
	const worst = Math.max(...cg.filter(Boolean).map((c) => c.cpu));
	const st = cgi('start_only');
	target(worst <= 2, `CGI mode ≤ 2 ms of CPU per request: login page ${f(cg[0].cpu, 2)} ms, whoami ${f(cg[1]?.cpu, 2)} ms.`,
		`Over by ${f(worst - 2, 2)} ms.  Process start alone (\`gatehouse.fcgi help\`, ${meta.gh_libs} shared libraries) costs ${f(st?.cpu, 2)} ms against ${f(cgi('exec_floor')?.cpu, 2)} ms for \`/bin/true\`; the other ${f(worst - (st?.cpu ?? 0), 2)} ms are the request's own start-up: reading the configuration, schema and templates, and joining the Berkeley DB environment -- mapping and faulting in its region files (the ${meta.db_cache} cache among them) and opening all eight databases -- which a profile shows is mostly kernel time (mmap, page faults, munmap).  Opening only the databases a route needs, and a smaller cache when run as CGI, would close it.`);
}
if (small && big) {
	const r50 = ratio(big.p50, small.p50), r90 = ratio(big.p90, small.p90), r99 = ratio(big.p99, small.p99), rt = ratio(big.ops, small.ops);
	const rl50 = smallL && bigL ? ratio(bigL.p50, smallL.p50) : NaN, rl90 = smallL && bigL ? ratio(bigL.p90, smallL.p90) : NaN;
	const r1 = small1 && big1 ? ratio(big1.p50, small1.p50) : NaN;
	target(r50 <= 1.25 && r90 <= 1.25 && (!Number.isFinite(rl90) || rl90 <= 1.25),
		`latency flat from an empty database to ${N.toLocaleString('en')} identities (within 25% at p50 and p90): whoami p50 ${times(r50)}, p90 ${times(r90)} (p99 ${times(r99)}), throughput ${pct(rt)}; one connection p50 ${times(r1)}; login page p50 ${times(rl50)}, p90 ${times(rl90)}.`,
		`The large database does not fit the ${meta.db_cache} Berkeley DB cache, so a whoami reads B-tree pages through the OS page cache (a pread per page missed, and evictions); a larger gatehouse.db_cache_size closes this at the cost of shared memory.`);
}
if (hk && base) {
	const r = ratio(hk.p99, base.p99);
	const atCkp = stallList.filter(([sec]) => near(sec));
	target(hk.max < 100, `housekeeping never stalls a request: with sweeps and checkpoints running, p99 ${f(hk.p99, 2)} ms (${times(r)} the normal instance), p99.9 ${f(hk.p999, 2)} ms, worst request ${f(hk.max, 1)} ms over ${meta.hk_secs} s${atCkp.length ? `; the slow requests end at checkpoints (${atCkp.map(([sec, g]) => `+${sec - t0} s: ${g.n} requests up to ${g.max} ms`).join(', ')})` : ''}.`,
		`${atCkp.length ? 'The slow requests end at checkpoints.' : 'The slow requests do not line up with a checkpoint the poll saw; look at build/bench/log/wrk.log.'}  The mechanism, seen with strace -k while writing this suite: txn_checkpoint() → __memp_sync_int() → __os_yield(env, 1, 0) -- Berkeley DB 5.3 sleeps a whole second when a page it must flush is pinned by another process, and the other workers wait on a mutex (futex) until it wakes, so every connection stalls together for ~1 s, the way the prototype did (0.4–1 s).  Any page pinned at the wrong moment does it -- by a request, or by the other worker's sweep (both workers walk the same expired records); with expired sessions to sweep it happened at most checkpoints here, while a 30 s test of the same build without them saw none.  So checkpointing more often makes the stalls more frequent, not shorter, and moving the checkpoint into another process would not spare the workers that wait on it.  What would close it: keep the checkpoint from meeting pinned pages -- sweeps that do not overlap (one worker sweeps, or each a different key range), the hot, disposable flows in a separate non-transactional or in-memory database -- and checkpoint rarely (by log volume, with a large threshold).`);
}
p(T.join('\n'));
p();
p('## Reproducing');
p();
p('```');
p('make bench            # builds, loads, measures, writes bench/results.md (10-15 minutes)');
p('BENCH_DURATION=10 BENCH_ROUNDS=5 make bench     # longer runs');
p('BENCH_SCALE=200000 make bench                   # a smaller scale test');
p('```');
p();
p('Raw runs are kept in build/bench/results.jsonl, wrk\'s output in build/bench/log/wrk.log.');

const md = out.join('\n') + '\n';
writeFileSync(outPath, md);
process.stdout.write(md);

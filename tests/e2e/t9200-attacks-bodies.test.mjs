// security-requirements.md §8, request bodies and encodings: attacks 30-32
// (oversized and slow bodies, bad Content-Length, invalid UTF-8 and NUL
// bytes), 36 (injection-style payloads), 37 (parameter pollution, mass
// assignment) and 39 (content-type tricks).  Each test also checks
// (lib/attack.mjs): no 5xx, no worker died, no secret in audit.log or
// lighttpd-error.log.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { suite, useServer, skipReason, sleep } from './lib/server.mjs';
import {
	HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword, openFlowPage, createFlowJson,
	csrfOf, whoami, mustLoginHtml,
} from './lib/flows.mjs';
import {
	attackSuite, rawSocket, parseRawHead, apiLogin, apiRegister, mustApiRegister, listIdentities, timed, httpFetch,
} from './lib/attack.mjs';

/* Resident memory of a process in KiB. */
function rssKiB(pid) {
	try {
		return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
	} catch {
		return 0;
	}
}

/* POST raw bytes (a Buffer) with a content type; the plain response. */
async function postBytes(c, url, bytes, contentType, accept = JSON_ACCEPT) {
	return await c.post(url, { body: bytes, contentType, accept });
}

suite('t9200 attacks: bodies and encodings', { skip: skipReason() }, () => {
	const h = useServer({ workers: 2 });
	const attack = attackSuite(h);

	attack('attack 30: oversized, chunked and slow bodies', async (x) => {
		const port = h.server.port;
		const rss0 = Math.max(...h.server.workerPids().map(rssKiB));
		const flow = (await x.client({ cookies: false }).getJson('self-service/registration/api')).json;
		const path = new URL(flow.ui.action).pathname + new URL(flow.ui.action).search;
		// 10 MB with a Content-Length
		const big = Buffer.alloc(10 * 1024 * 1024, 'a');
		let r = await rawSocket(port, Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n`), big]), { timeoutMs: 10000 });
		assert.equal(parseRawHead(r.text).status, 413, `10 MB body: ${r.text.slice(0, 100)}`);
		// 10 MB chunked, no length
		const chunk = Buffer.alloc(64 * 1024, 'b');
		const chunks = [];
		for (let i = 0; i < 160; i++) chunks.push([Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]), 0]);
		chunks.push([Buffer.from('0\r\n\r\n'), 0]);
		r = await rawSocket(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, { chunks, timeoutMs: 10000 });
		assert.equal(parseRawHead(r.text).status, 413, `10 MB chunked body: ${r.text.slice(0, 100)}`);
		// 100 KB chunked: past the program's own limit (64 KB) -> 413 from the program
		const small = Buffer.alloc(100 * 1024, 'c');
		r = await rawSocket(port, Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${small.length.toString(16)}\r\n`), small, Buffer.from('\r\n0\r\n\r\n')]), { timeoutMs: 10000 });
		const head = parseRawHead(r.text);
		assert.equal(head.status, 413, `100 KB chunked body: ${r.text.slice(0, 100)}`);
		// 1 byte a second on more connections than there are workers: nobody else waits
		const slow = [0, 1, 2, 3].map(() => rawSocket(port,
		    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\nConnection: close\r\n\r\n{`,
		    { chunks: [1, 2, 3].map(() => [Buffer.from(' '), 1000]), timeoutMs: 4500 }));
		await sleep(300);
		for (let i = 0; i < 6; i++) {
			const c = x.client({ cookies: false });
			let status;
			const ms = await timed(async () => { status = (await c.getJson('self-service/login/api')).status; });
			assert.equal(status, 200, 'other clients are served while slow bodies trickle in');
			assert.ok(ms < 1500, `served promptly (${ms.toFixed(0)} ms) while ${slow.length} slow uploads hold connections`);
		}
		const slowDone = await Promise.all(slow);
		for (const s of slowDone) {
			const st = parseRawHead(s.text).status;
			assert.ok(st === 0 || st === 408 || st === 400, `a slow, incomplete body gets no answer yet or 408 (${st})`);
		}
		// memory stayed bounded in the workers
		const rss1 = Math.max(...h.server.workerPids().map(rssKiB));
		assert.ok(rss1 - rss0 < 16 * 1024, `worker memory grew by ${rss1 - rss0} KiB`);
	});

	attack('attack 31: bad Content-Length', async (x) => {
		const port = h.server.port;
		const flow = (await x.client({ cookies: false }).getJson('self-service/login/api')).json;
		const path = new URL(flow.ui.action).pathname + new URL(flow.ui.action).search;
		const body = '{"method":"password","identifier":"a@example.com","password":"Quartz-Lantern-1"}';
		const req = (cl) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\n${cl}Connection: close\r\n\r\n${body}`;
		for (const cl of ['-1', '18446744073709551616', '18446744073709551615', '9223372036854775808', '99999999999999999999999', 'abc', '0x10', '1e3', ' ', '+80', '80 80']) {
			const r = await rawSocket(port, req(`Content-Length: ${cl}\r\n`));
			const st = parseRawHead(r.text).status;
			assert.ok(st === 400 || st === 413 || st === 411, `Content-Length: ${cl}: ${st} ${r.text.slice(0, 60)}`);
		}
		let r = await rawSocket(port, req('Content-Length: 5\r\nContent-Length: 80\r\n'));
		assert.equal(parseRawHead(r.text).status, 400, 'two Content-Length headers');
		r = await rawSocket(port, req(`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`));
		assert.ok([400, 411, 501].includes(parseRawHead(r.text).status), `Content-Length and chunked together: ${parseRawHead(r.text).status}`);
		// shorter than declared, then the client goes quiet: no answer is owed, and no worker blocks
		const stuck = [0, 1, 2, 3].map(() => rawSocket(port, req('Content-Length: 4000\r\n'), { timeoutMs: 3000 }));
		await sleep(200);
		for (let i = 0; i < 4; i++) {
			const ms = await timed(async () => assert.equal((await x.client().get('health/ready')).status, 200));
			assert.ok(ms < 1500, `served in ${ms.toFixed(0)} ms while 4 requests wait for missing bytes`);
		}
		for (const s of await Promise.all(stuck)) {
			const st = parseRawHead(s.text).status;
			assert.ok(st === 0 || st === 400 || st === 408, `the incomplete request: ${st}`);
		}
		// shorter than declared and the client closes: a prompt close or 400
		r = await rawSocket(port, req('Content-Length: 4000\r\n'), { end: true, timeoutMs: 3000 });
		assert.ok(r.closed && [0, 400].includes(parseRawHead(r.text).status), `half-closed short body: ${r.text.slice(0, 60)} (closed ${r.closed})`);
		// longer than declared: only the declared bytes are the body; the rest is not a second request the program sees
		r = await rawSocket(port, req('Content-Length: 10\r\n'));
		const st = parseRawHead(r.text).status;
		assert.ok(st === 400, `a truncated JSON body is malformed: ${st}`);
	});

	attack('attack 32: invalid UTF-8 and NUL bytes in identifier, traits and password', async (x) => {
		const victim = uniqueEmail('a32victim');
		const pw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, victim, pw);
		const bad = ['%C0%AF', '%ED%A0%80', '%80', '%00', '%C0%80', '%FF', '%F4%90%80%80', '%E2%82'];
		const c = x.client();
		const regPage = await openFlowPage(c, 'registration');
		const tokenR = encodeURIComponent(regPage.field('csrf_token').value);
		for (const b of bad) {
			for (const [field, value] of [
				['traits.email', `a${b}@x.test`], ['traits.name', `n${b}x`], ['password', `${encodeURIComponent(strongPassword())}${b}z`],
			]) {
				const email = field === 'traits.email' ? value : encodeURIComponent(uniqueEmail('a32'));
				const form = `csrf_token=${tokenR}&method=password&traits.email=${email}&password=${field === 'password' ? value : encodeURIComponent(strongPassword())}${field === 'traits.name' ? `&traits.name=${value}` : ''}`;
				const r = await postBytes(c, `self-service/registration?flow=${regPage.flowId}`, form, 'application/x-www-form-urlencoded');
				assert.equal(r.status, 400, `registration, ${field} with ${b} (form): ${r.status} ${r.text.slice(0, 160)}`);
				assert.ok(!r.setCookies.some((k) => k.name === SESSION_COOKIE), 'no session');
			}
		}
		// JSON: raw invalid bytes inside strings, \u0000 and lone surrogates
		const jc = x.client();
		const jflow = await createFlowJson(jc, 'registration');
		const rawBad = [Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80]), Buffer.from([0xff])];
		for (const rb of rawBad) {
			const body = Buffer.concat([Buffer.from(`{"method":"password","csrf_token":${JSON.stringify(csrfOf(jflow))},"password":"${strongPassword()}","traits":{"email":"b`), rb, Buffer.from('@x.test"}}')]);
			const r = await postBytes(jc, jflow.ui.action, body, 'application/json');
			assert.equal(r.status, 400, `JSON with raw ${rb.toString('hex')}: ${r.status}`);
		}
		for (const esc of ['\\u0000', '\\ud800', '\\udc00', '\\ud800\\u0041']) {
			const body = `{"method":"password","csrf_token":${JSON.stringify(csrfOf(jflow))},"password":"${strongPassword()}","traits":{"email":"c${esc}@x.test"}}`;
			const r = await postBytes(jc, jflow.ui.action, body, 'application/json');
			assert.equal(r.status, 400, `JSON with ${esc}: ${r.status} ${r.text.slice(0, 160)}`);
		}
		// no C-string truncation: a NUL does not cut an identifier or a password short
		for (const [id, p] of [[`${victim}%00x`, encodeURIComponent(pw)], [`${victim}`, `${encodeURIComponent(pw)}%00junk`], [`${victim}%00`, encodeURIComponent(pw)]]) {
			const lc = x.client();
			const page = await openFlowPage(lc, 'login');
			const form = `csrf_token=${encodeURIComponent(page.field('csrf_token').value)}&method=password&identifier=${id.replace('@', '%40')}&password=${p}`;
			const r = await postBytes(lc, `self-service/login?flow=${page.flowId}`, form, 'application/x-www-form-urlencoded', HTML_ACCEPT);
			assert.equal(r.status, 400, `login ${id.slice(-8)} / …${p.slice(-8)}: ${r.status}`);
			assert.ok(!lc.cookie(SESSION_COOKIE), 'not signed in as the victim');
		}
		const api = await httpFetch(new URL('self-service/login/api', h.server.url).toString(), { headers: { accept: JSON_ACCEPT } });
		const aflow = JSON.parse(await api.text());
		for (const body of [
			`{"method":"password","identifier":"${victim}\\u0000x","password":${JSON.stringify(pw)}}`,
			`{"method":"password","identifier":"${victim}","password":${JSON.stringify(`${pw}\u0000junk`).replace('\\u0000', '\\u0000')}}`,
		]) {
			const r = await postBytes(x.client({ cookies: false }), aflow.ui.action, body, 'application/json');
			assert.equal(r.status, 400, `api login with a NUL: ${r.status}`);
			assert.ok(!r.text.includes('ory_st_'), 'no session token');
		}
		// nothing was stored: no identity named "a", "a@x.test", "b…" or "c…"
		const ids = await listIdentities(h.server);
		for (const i of ids) {
			assert.ok(!/^(a|b|c)(@x\.test)?$/.test(i.email) && !/^[abc]@x\.test$/.test(i.email), `a truncated identity was stored: ${i.email}`);
			assert.ok(!/[^\x20-\x7e]/.test(i.email), `a stored e-mail with odd bytes: ${JSON.stringify(i.email)}`);
		}
		// settings: traits with bad bytes are refused too
		const s = x.client();
		await mustLoginHtml(s, victim, pw);
		x.secret(s.cookie(SESSION_COOKIE));
		const sp = await openFlowPage(s, 'settings');
		for (const b of ['%C0%AF', '%00', '%ED%A0%80']) {
			const form = `csrf_token=${encodeURIComponent(sp.field('csrf_token').value)}&method=profile&traits.email=${encodeURIComponent(victim)}&traits.name=x${b}y`;
			const r = await postBytes(s, `self-service/settings?flow=${sp.flowId}`, form, 'application/x-www-form-urlencoded', HTML_ACCEPT);
			assert.equal(r.status, 400, `settings name with ${b}: ${r.status}`);
		}
		const me = await whoami(s);
		assert.ok(!/^x/.test(me.json.identity.traits.name || ''), 'the name was not changed');
	});

	attack('attack 36: injection-style payloads in identifiers and traits', async (x) => {
		const payloads = ["' OR 1=1--", "admin'--", '${jndi:ldap://x/a}', '{{7*7}}', '<%= 7*7 %>', '#{7*7}', 'a:b', 'acct:x', 'ip:127.0.0.1', '2fa:x', '\\x00\\', '%s%s%n', '../../etc/passwd'];
		// identifiers: e-mail local parts that are valid and hostile
		const pairs = [
			["admin'--@example.com", 'admin@example.com'],
			["o'or'1'='1@example.com", 'o@example.com'],
			['{{7*7}}@example.com', '49@example.com'],
			['a.b@example.com', 'ab@example.com'],
			['acct:x@example.com', 'x@example.com'],
			['a+b@example.com', 'a@example.com'],
			['%s%n@example.com', 's@example.com'],
		];
		const accounts = [];
		for (const [a, b] of pairs) {
			for (const email of [a, b]) {
				const p = x.secret(strongPassword());
				const r = await apiRegister(h.server.url, email, p);
				if (r.status === 200) accounts.push({ email, pw: p, id: r.json.identity.id });
				else assert.equal(r.status, 400, `${email}: ${r.status} ${r.text.slice(0, 200)}`);
			}
		}
		assert.ok(accounts.length >= 8, `most hostile-looking addresses are valid e-mails (${accounts.map((y) => y.email)})`);
		const listed = await listIdentities(h.server);
		for (const a of accounts) {
			assert.equal(listed.filter((i) => i.email === a.email).length, 1, `${a.email} stored once, literally`);
			const ok = await apiLogin(h.server.url, a.email, a.pw);
			assert.equal(ok.status, 200, `${a.email} signs in with its own password`);
			x.secret(ok.json.session_token);
			assert.equal(ok.json.session.identity.id, a.id, `${a.email}: its own identity`);
			// its look-alike's password is no good (a refusal: 400, or 429 once throttled)
			for (const other of accounts.filter((y) => y !== a).slice(0, 4)) {
				const r = await apiLogin(h.server.url, a.email, other.pw);
				assert.ok([400, 429].includes(r.status), `${a.email} does not take ${other.email}'s password: ${r.status}`);
			}
		}
		// traits: stored and shown literally
		const c = x.client();
		const email = uniqueEmail('a36');
		const pw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, email, pw);
		await mustLoginHtml(c, email, pw);
		x.secret(c.cookie(SESSION_COOKIE));
		for (const p of payloads) {
			const page = await openFlowPage(c, 'settings');
			const r = await c.submitForm(page, { group: 'profile', fields: { 'traits.name': p } });
			assert.equal(r.status, 303, `name ${p}: ${r.status}`);
			const me = await whoami(c);
			assert.equal(me.json.identity.traits.name, p, `name ${p} stored literally`);
			const shown = await c.page(r.location);
			assert.equal(shown.field('traits.name', 'profile')?.value, p, `name ${p} shown literally`);
		}
		const home = await c.page('/');
		assert.ok(!home.html.includes('>49<'), 'no template evaluation');
		// a login identifier shaped like another counter key throttles nobody else
		const u = { email: uniqueEmail('a36victim'), pw: x.secret(strongPassword()) };
		await mustApiRegister(h.server.url, u.email, u.pw);
		const ip = '127.0.0.1';
		for (let i = 0; i < 8; i++) {
			const r = await apiLogin(h.server.url, i % 2 ? `ip:${ip}` : `acct:${u.email}`, x.secret(strongPassword(`-k${i}`)));
			assert.ok([400, 429].includes(r.status), `identifier shaped like a key: ${r.status}`);
		}
		const ok = await apiLogin(h.server.url, u.email, u.pw);
		assert.equal(ok.status, 200, `the real account is not throttled by look-alike keys: ${ok.status}`);
		x.secret(ok.json.session_token);
	});

	attack('attack 37: parameter pollution and mass assignment', async (x) => {
		const email = uniqueEmail('a37');
		const pw = x.secret(strongPassword());
		const c = x.client();
		const page = await openFlowPage(c, 'registration');
		const tok = page.field('csrf_token').value;
		const base = { csrf_token: tok, method: 'password', 'traits.email': email, password: pw };
		for (const dup of ['csrf_token', 'method', 'traits.email', 'password']) {
			const params = new URLSearchParams(base);
			params.append(dup, dup === 'traits.email' ? uniqueEmail('a37other') : dup === 'method' ? 'totp' : dup === 'password' ? x.secret(strongPassword()) : tok);
			const r = await c.post(`self-service/registration?flow=${page.flowId}`, { form: params, accept: HTML_ACCEPT });
			assert.equal(r.status, 400, `duplicate ${dup}: ${r.status}`);
			assert.ok(!r.setCookies.some((k) => k.name === SESSION_COOKIE), 'no session');
		}
		// duplicates in JSON and in the query string
		const jc = x.client();
		const jflow = await createFlowJson(jc, 'login');
		const dupJson = `{"method":"password","csrf_token":${JSON.stringify(csrfOf(jflow))},"identifier":"${email}","identifier":"other@example.com","password":"x"}`;
		assert.equal((await postBytes(jc, jflow.ui.action, dupJson, 'application/json')).status, 400, 'duplicate JSON member');
		const mixed = `{"method":"password","csrf_token":${JSON.stringify(csrfOf(jflow))},"traits":{"email":"a@x.test"},"traits.email":"b@x.test"}`;
		assert.equal((await postBytes(jc, jflow.ui.action, mixed, 'application/json')).status, 400, 'a dotted key beside a nested one');
		const dq = await c.get(`login?flow=${page.flowId}&flow=${page.flowId}`, { accept: HTML_ACCEPT });
		assert.equal(dq.status, 400, `duplicate query parameter: ${dq.status}`);
		const dr = await c.get('self-service/login/browser?return_to=a&return_to=b', { accept: JSON_ACCEPT });
		assert.equal(dr.status, 400, `duplicate return_to: ${dr.status}`);
		assert.equal((await listIdentities(h.server)).filter((i) => i.email === email).length, 0, 'nothing registered');

		// mass assignment at registration: protected and unknown fields
		const victim = uniqueEmail('a37victim');
		const vpw = x.secret(strongPassword());
		const vreg = await mustApiRegister(h.server.url, victim, vpw);
		const extras = {
			'traits.email_verified': 'true', 'traits.admin': 'true', 'traits.role': 'admin', identity_id: vreg.identity.id,
			id: vreg.identity.id, schema_id: 'admin', state: 'inactive', 'verifiable_addresses.0.verified': 'true',
			'credentials.password.config.hashed_password': '$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA', metadata_public: 'x',
			'metadata_admin.role': 'admin',
		};
		const accepted = [];
		for (const [k, v] of Object.entries(extras)) {
			const e = uniqueEmail('a37mass');
			const ep = x.secret(strongPassword());
			const b = x.client();
			const p = await openFlowPage(b, 'registration');
			const r = await b.submitForm(p, { group: 'password', fields: { 'traits.email': e, password: ep, [k]: v } });
			if (r.status === 303 && new URL(r.location).pathname === '/') {
				accepted.push(k);
				const me = await whoami(b);
				x.secret(b.cookie(SESSION_COOKIE));
				const ident = me.json.identity;
				assert.notEqual(ident.id, vreg.identity.id, `${k}: not the victim's identity`);
				assert.equal(ident.traits.email, e, `${k}: its own e-mail`);
				assert.deepEqual(Object.keys(ident.traits).filter((t) => !['email', 'name'].includes(t)), [], `${k}: no extra trait stored`);
				assert.notEqual(ident.schema_id, 'admin', `${k}: schema_id`);
				assert.notEqual(ident.state, 'inactive', `${k}: state`);
				assert.ok(!ident.metadata_public && !ident.metadata_admin, `${k}: no metadata`);
				assert.ok(!(ident.verifiable_addresses || []).some((a) => a.verified), `${k}: not verified`);
				assert.equal((await apiLogin(h.server.url, e, ep)).status, 200, `${k}: the chosen password, not the injected hash`);
			} else {
				assert.ok(r.status === 303 || r.status === 400, `${k}: ${r.status}`);
				if (r.status === 303) {
					const back = await b.page(r.location);
					assert.ok(back.messages.some((m) => m >= 4000000), `${k}: a validation error (${back.messages})`);
				}
			}
		}
		assert.ok(!accepted.includes('traits.admin') && !accepted.includes('traits.role') && !accepted.includes('traits.email_verified'),
		    `unknown traits are refused by the schema (accepted: ${accepted})`);
		// at settings: another identity's id changes nothing of theirs
		const s = x.client();
		const me = uniqueEmail('a37self');
		const mepw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, me, mepw);
		await mustLoginHtml(s, me, mepw);
		x.secret(s.cookie(SESSION_COOKIE));
		const sp = await openFlowPage(s, 'settings');
		const r = await s.submitForm(sp, { group: 'profile', fields: { 'traits.name': 'a37-mass', identity_id: vreg.identity.id, id: vreg.identity.id } });
		assert.ok([303, 400].includes(r.status), `settings with identity_id: ${r.status}`);
		const v = await apiLogin(h.server.url, victim, vpw);
		x.secret(v.json.session_token);
		assert.notEqual(v.json.session.identity.traits.name, 'a37-mass', 'the victim was not changed');
	});

	attack('attack 39: content-type tricks', async (x) => {
		const email = uniqueEmail('a39');
		const pw = x.secret(strongPassword());
		await mustApiRegister(h.server.url, email, pw);
		const c = x.client();
		const flow = await createFlowJson(c, 'login');
		const json = JSON.stringify({ method: 'password', identifier: email, password: pw, csrf_token: csrfOf(flow) });
		const form = new URLSearchParams({ method: 'password', identifier: email, password: pw, csrf_token: csrfOf(flow) }).toString();
		for (const [ct, body, want] of [
			['text/plain', json, [415]],
			['text/plain;charset=UTF-8', form, [415]],
			['multipart/form-data; boundary=----x', `------x\r\nContent-Disposition: form-data; name="identifier"\r\n\r\n${email}\r\n------x--\r\n`, [415]],
			['application/xml', '<a/>', [415]],
			['text/json', json, [415]],
			['application/jsonx', json, [415]],
			['application/vnd.api+json', json, [415]],
			['application/x-www-form-urlencoded', json, [400, 403]],
			[undefined, json, [400, 403, 415]],
			[undefined, form, [400, 403, 415]],
		]) {
			for (const accept of [JSON_ACCEPT, HTML_ACCEPT]) {
				const headers = ct === undefined ? {} : { 'content-type': ct };
				const r = await c.request('POST', flow.ui.action, { body, accept, headers });
				const ok = want.includes(r.status) || (accept === HTML_ACCEPT && r.status === 303 && new URL(r.location).pathname !== '/');
				assert.ok(ok, `${ct ?? '(no Content-Type)'} (${accept.slice(0, 9)}): ${r.status} ${r.location || r.text.slice(0, 120)}`);
				assert.ok(!r.setCookies.some((k) => k.name === SESSION_COOKIE), `${ct}: no session`);
			}
		}
		// JSON to a browser flow works only with the CSRF token (SPA compatibility)
		const j2 = x.client();
		const f2 = await createFlowJson(j2, 'login');
		const noToken = await j2.post(f2.ui.action, { json: { method: 'password', identifier: email, password: pw }, accept: JSON_ACCEPT });
		assert.equal(noToken.status, 403, `JSON without the token: ${noToken.status}`);
		const withToken = await j2.post(f2.ui.action, { json: { method: 'password', identifier: email, password: pw, csrf_token: csrfOf(f2) }, accept: JSON_ACCEPT });
		assert.equal(withToken.status, 200, `JSON with the token: ${withToken.status}`);
		x.secret(j2.cookie(SESSION_COOKIE));
		// an api flow is for native apps: a browser-looking request is refused
		const api = x.client({ cookies: false });
		const af = (await api.getJson('self-service/login/api')).json;
		const ar = await api.post(af.ui.action, { json: { method: 'password', identifier: email, password: pw }, accept: JSON_ACCEPT, headers: { origin: 'https://evil.example' } });
		assert.equal(ar.status, 400, `api flow with an Origin: ${ar.status}`);
		assert.ok(!ar.text.includes('ory_st_'), 'no token');
	});
});

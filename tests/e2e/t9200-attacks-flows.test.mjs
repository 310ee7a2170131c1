// security-requirements.md §8, flows: attacks 07-10 and 38 (expired,
// malformed, replayed and concurrent flows; state changes on GET).  Each
// test also checks (lib/attack.mjs): no 5xx, no worker died, no secret in
// audit.log or lighttpd-error.log.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { suite, useServer, skipReason, sleep } from './lib/server.mjs';
import {
	HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, UUID_RE, uniqueEmail, strongPassword, openFlowPage,
	createFlowJson, submitFlowJson, expectJsonError, assertSignedOut, assertRedirectTo, csrfOf,
	mustLoginHtml, assertSignedIn, flowMessageIds,
} from './lib/flows.mjs';
import {
	attackSuite, auditLines, mustApiRegister, apiLogin, listIdentities, timed,
} from './lib/attack.mjs';

const loginEvents = (server) => auditLines(server).filter((e) => /^login\./.test(e.event));

suite('t9200 attacks: flows', { skip: skipReason() }, () => {
	describe('expired flows (lifespan 2s)', () => {
		const h = useServer({ config: {
			'selfservice.flows.login.lifespan': '2s',
			'selfservice.flows.registration.lifespan': '2s',
		} });
		const attack = attackSuite(h);

		attack('attack 07: expired flow', async (x) => {
			const email = uniqueEmail('a07');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const c = x.client();
			const login = await openFlowPage(c, 'login');
			const reg = await openFlowPage(c, 'registration');
			const jc = x.client();
			const jflow = await createFlowJson(jc, 'login');
			const api = x.client({ cookies: false });
			const aflow = (await api.getJson('self-service/login/api')).json;
			await sleep(2600);
			const before = loginEvents(h.server).length;

			// HTML: a fresh flow with the expiry message, credentials not evaluated
			const r1 = await c.submitForm(login, { group: 'password', fields: { identifier: email, password: pw } });
			assert.equal(r1.status, 303, `expired login (HTML): ${r1.status} ${r1.text.slice(0, 200)}`);
			const p1 = await c.page(r1.location);
			assert.equal(p1.path, '/login', `sent to a login page: ${r1.location}`);
			assert.match(p1.flowId || '', UUID_RE);
			assert.notEqual(p1.flowId, login.flowId, 'a new flow');
			assert.ok(p1.messages.includes(4010001), `4010001 (flow expired): ${p1.messages}`);
			assert.ok(!p1.messages.includes(4000006), 'the credentials were not checked');
			assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session');

			const regEmail = uniqueEmail('a07reg');
			const r2 = await c.submitForm(reg, { group: 'password', fields: { 'traits.email': regEmail, password: x.secret(strongPassword()) } });
			assert.equal(r2.status, 303, `expired registration (HTML): ${r2.status}`);
			const p2 = await c.page(r2.location);
			assert.equal(p2.path, '/registration');
			assert.notEqual(p2.flowId, reg.flowId, 'a new flow');
			assert.ok(p2.messages.includes(4040001), `4040001 (flow expired): ${p2.messages}`);
			assert.equal(c.cookie(SESSION_COOKIE), undefined, 'no session');

			// JSON: 410 self_service_flow_expired with use_flow_id
			const r3 = await submitFlowJson(jc, jflow, { method: 'password', identifier: email, password: pw });
			const b3 = expectJsonError(r3, { code: 410, id: 'self_service_flow_expired' });
			assert.match(b3.use_flow_id || b3.error?.details?.use_flow_id || '', UUID_RE, `use_flow_id: ${r3.text.slice(0, 300)}`);
			assert.equal(jc.cookie(SESSION_COOKIE), undefined);
			const r4 = await api.post(aflow.ui.action, { json: { method: 'password', identifier: email, password: pw }, accept: JSON_ACCEPT });
			expectJsonError(r4, { code: 410, id: 'self_service_flow_expired' });
			assert.equal(r4.json.session_token, undefined, 'no session token');

			assert.equal(loginEvents(h.server).length, before, 'no password was evaluated on an expired flow');
			assert.equal((await listIdentities(h.server)).filter((i) => i.email === regEmail).length, 0, 'no identity was created');
			// the new flow works
			const ok = await c.submitForm(p1, { group: 'password', fields: { identifier: email, password: pw } });
			assertRedirectTo(ok, c.abs('/'), 'the replacement flow: ');
		});
	});

	describe('malformed, replayed and concurrent flows', () => {
		const h = useServer({ workers: 4 });
		const attack = attackSuite(h);

		attack('attack 08: malformed flow ids', async (x) => {
			const marker = `m${randomBytes(6).toString('hex')}`;
			const ids = [
				'../', `../../../../etc/passwd${marker}`, `..%2F..%2F${marker}`, `%2e%2e%2f${marker}`,
				`not-a-uuid-${marker}`, `'%20OR%201=1--${marker}`, `%3Cscript%3E${marker}`,
				`00000000-0000-0000-0000-000000000000`, `${'f'.repeat(8)}-${'f'.repeat(4)}-${'f'.repeat(4)}-${'f'.repeat(4)}-${'f'.repeat(12)}${marker}`,
				`${marker}${'a'.repeat(10240)}`, `${'b'.repeat(3000)}${marker}`, `%00${marker}`, `abc%00${marker}`,
			];
			const c = x.client();
			const times = [];
			for (const kind of ['login', 'registration']) {
				for (const id of ids) {
					const what = `${kind} flow=${id.slice(0, 40)}`;
					const check = (r, where, okStatuses) => {
						assert.ok(okStatuses.includes(r.status), `${where} ${what}: ${r.status} ${r.text.slice(0, 200)}`);
						if (r.status === 303) {
							const loc = new URL(r.location);
							assert.equal(loc.origin, new URL(h.server.url).origin, `${where} ${what}: redirect stays here`);
							assert.ok(!r.location.includes(marker), `${where} ${what}: the id is not echoed in Location`);
						}
						assert.ok(!r.text.includes(marker), `${where} ${what}: the id is not echoed in the body`);
					};
					times.push(await timed(async () => {
						check(await c.get(`${kind}?flow=${id}`, { accept: HTML_ACCEPT }), 'page', [303, 400, 404, 414, 431]);
					}));
					check(await c.getJson(`self-service/${kind}/flows?id=${id}`), 'fetch', [400, 404, 414, 431]);
					check(await c.post(`self-service/${kind}?flow=${id}`, { json: { method: 'password' }, accept: JSON_ACCEPT }), 'submit (JSON)', [400, 404, 414, 431]);
					check(await c.post(`self-service/${kind}?flow=${id}`, { form: { method: 'password' }, accept: HTML_ACCEPT }), 'submit (HTML)', [303, 400, 404, 414, 431]);
				}
			}
			const slowest = Math.max(...times);
			assert.ok(slowest < 2000, `every malformed id is answered quickly (slowest ${slowest.toFixed(0)} ms)`);
			for (const f of ['audit.log', 'lighttpd-error.log']) {
				const p = `${h.server.varDir}/${f}`;
				const text = existsSync(p) ? readFileSync(p, 'latin1') : '';
				assert.ok(!text.includes(marker), `${f} does not log a malformed flow id verbatim`);
			}
		});

		attack('attack 09: replay of a completed login POST', async (x) => {
			const email = uniqueEmail('a09');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);

			// browser: capture the exact request, replay it with the same cookies
			const c = x.client();
			const page = await openFlowPage(c, 'login');
			const cookieHeader = c.cookieHeader();
			const form = new URLSearchParams({ csrf_token: page.field('csrf_token').value, method: 'password', identifier: email, password: pw });
			const url = `self-service/login?flow=${page.flowId}`;
			const first = await c.post(url, { form, accept: HTML_ACCEPT });
			assertRedirectTo(first, c.abs('/'), 'the original POST: ');
			x.secret(c.cookie(SESSION_COOKIE));
			const replayer = x.client();
			const replay = await replayer.post(url, { form, accept: HTML_ACCEPT, headers: { cookie: cookieHeader } });
			assert.ok(!replay.setCookies.some((k) => k.name === SESSION_COOKIE && k.value), 'the replay sets no session cookie');
			assert.ok(replay.status === 303 || (replay.status >= 400 && replay.status < 500), `replay: ${replay.status}`);
			if (replay.status === 303) assert.notEqual(replay.location, c.abs('/'), `the replay is not signed in: ${replay.location}`);
			// the same request again from the browser that is now signed in
			const again = await c.post(url, { form, accept: JSON_ACCEPT });
			assert.ok(again.status >= 400 && again.status < 500, `replay from the signed-in browser: ${again.status} ${again.text.slice(0, 200)}`);
			assert.ok(!again.text.includes('ory_st_'), 'no session token');
			// JSON browser flow replayed
			const j = x.client();
			const flow = await createFlowJson(j, 'login');
			const body = { method: 'password', identifier: email, password: pw, csrf_token: csrfOf(flow) };
			const jcookies = j.cookieHeader();
			const ok = await j.post(flow.ui.action, { json: body, accept: JSON_ACCEPT });
			assert.equal(ok.status, 200);
			const jr = await x.client().post(flow.ui.action, { json: body, accept: JSON_ACCEPT, headers: { cookie: jcookies } });
			expectJsonError(jr, { code: 404 });
			// api flow replayed
			const api = x.client({ cookies: false });
			const aflow = (await api.getJson('self-service/login/api')).json;
			const a1 = await api.post(aflow.ui.action, { json: { method: 'password', identifier: email, password: pw }, accept: JSON_ACCEPT });
			assert.equal(a1.status, 200);
			x.secret(a1.json.session_token);
			const a2 = await api.post(aflow.ui.action, { json: { method: 'password', identifier: email, password: pw }, accept: JSON_ACCEPT });
			expectJsonError(a2, { code: 404 });
			assert.equal(a2.json.session_token, undefined, 'no second session token');
			// no second session: besides this one, the identity has the
			// registration's, the JSON and the api sign-in's -- none from replays
			const list = await c.getJson('sessions');
			assert.equal(list.status, 200, `GET /sessions: ${list.status} ${list.text.slice(0, 200)}`);
			assert.equal(list.json.length, 3, `other sessions: registration, JSON and api sign-in only (${list.json.length})`);
		});

		attack('attack 10: concurrent submissions of one registration flow, one email in two flows', async (x) => {
			for (let round = 0; round < 5; round++) {
				// the same flow, four times at once
				const email = uniqueEmail(`a10same${round}`);
				const c = x.client();
				const flow = await createFlowJson(c, 'registration');
				const body = { method: 'password', csrf_token: csrfOf(flow), password: x.secret(strongPassword()), traits: { email } };
				const rs = await Promise.all([0, 1, 2, 3].map(() => c.post(flow.ui.action, { json: body, accept: JSON_ACCEPT })));
				const ok = rs.filter((r) => r.status === 200);
				assert.equal(ok.length, 1, `round ${round}, one flow: exactly one success; got ${rs.map((r) => r.status)}`);
				for (const r of rs.filter((y) => y.status !== 200)) {
					assert.ok(r.status === 404 || (r.status === 400 && flowMessageIds(r.json).includes(4000007)) || r.status === 410,
					    `round ${round}, one flow: the others are refused: ${r.status} ${r.text.slice(0, 200)}`);
				}

				// one email, four flows at once
				const email2 = uniqueEmail(`a10two${round}`);
				const flows = await Promise.all([0, 1, 2, 3].map(async () => {
					const b = x.client();
					return { b, f: await createFlowJson(b, 'registration') };
				}));
				const pws = flows.map(() => x.secret(strongPassword()));
				const rs2 = await Promise.all(flows.map(({ b, f }, i) => submitFlowJson(b, f, {
					method: 'password', password: pws[i], traits: { email: email2 },
				})));
				const ok2 = rs2.filter((r) => r.status === 200);
				assert.equal(ok2.length, 1, `round ${round}, one email: exactly one identity; got ${rs2.map((r) => r.status)}`);
				for (const r of rs2.filter((y) => y.status !== 200)) {
					assert.equal(r.status, 400, `round ${round}: the loser gets a validation error: ${r.text.slice(0, 200)}`);
					assert.ok(flowMessageIds(r.json).includes(4000007), `4000007 (exists): ${flowMessageIds(r.json)}`);
				}
				const ids = await listIdentities(h.server);
				assert.equal(ids.filter((i) => i.email === email).length, 1, `${email} exists once`);
				assert.equal(ids.filter((i) => i.email === email2).length, 1, `${email2} exists once`);
				// the index and the identity agree: the winner signs in
				const winner = rs2.indexOf(ok2[0]);
				assert.equal((await apiLogin(h.server.url, email2, pws[winner])).status, 200, 'the winner\'s password signs in');
				for (const [i, p] of pws.entries()) {
					if (i !== winner) assert.equal((await apiLogin(h.server.url, email2, p)).status, 400, 'a loser\'s password does not');
				}
			}
		});

		attack('attack 38: state changes over GET', async (x) => {
			const email = uniqueEmail('a38');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const q = new URLSearchParams({ method: 'password', identifier: email, password: pw }).toString();
			const c = x.client();

			// the submit endpoints take POST only
			const g1 = await c.get(`self-service/login?${q}`, { accept: HTML_ACCEPT });
			assert.equal(g1.status, 405, `GET /self-service/login?…: ${g1.status}`);
			assert.match(g1.headers.get('allow') || '', /POST/, 'Allow names POST');
			const page = await openFlowPage(c, 'login');
			const g2 = await c.get(`self-service/login?flow=${page.flowId}&${q}&csrf_token=${encodeURIComponent(page.field('csrf_token').value)}`, { accept: JSON_ACCEPT });
			assert.equal(g2.status, 405, `GET on the submit URL with the flow: ${g2.status}`);
			// creating or showing a flow with credentials in the query signs nobody in
			for (const u of [`self-service/login/browser?${q}`, `login?flow=${page.flowId}&${q}`, `self-service/login/api?${q}`]) {
				const r = await c.get(u, { accept: u.includes('/api') ? JSON_ACCEPT : HTML_ACCEPT });
				assert.ok(r.status < 400, `GET ${u.split('?')[0]}: ${r.status}`);
				// (Kratos, and Gatehouse, keep the flow's request_url as sent:
				// a password put in a URL shows there and nowhere else)
				const shown = r.isHtml ? r.text : JSON.stringify({ ...JSON.parse(r.text || '{}'), request_url: undefined });
				assert.ok(!shown.includes(pw), `GET ${u.split('?')[0]}: the password is not echoed (outside request_url)`);
				assert.ok(!r.setCookies.some((k) => k.name === SESSION_COOKIE), `GET ${u.split('?')[0]}: no session cookie`);
			}
			await assertSignedOut(c);
			// a POST does not take the password from the query string either
			const form = new URLSearchParams({ csrf_token: page.field('csrf_token').value, method: 'password', identifier: email });
			const p1 = await c.post(`self-service/login?flow=${page.flowId}&password=${encodeURIComponent(pw)}`, { form, accept: JSON_ACCEPT });
			assert.equal(p1.status, 400, `password only in the query: ${p1.status} ${p1.text.slice(0, 200)}`);
			assert.ok(!p1.setCookies.some((k) => k.name === SESSION_COOKIE), 'no session');
			assert.ok(!p1.text.includes(pw), 'the password is not echoed');

			// settings: GET with parameters changes nothing
			const s = x.client();
			await mustLoginHtml(s, email, pw);
			const settings = await openFlowPage(s, 'settings');
			const newPw = x.secret(strongPassword('-a38'));
			const sq = new URLSearchParams({ method: 'password', password: newPw, 'traits.email': email, 'traits.name': 'a38-changed', csrf_token: settings.field('csrf_token').value }).toString();
			for (const u of [`self-service/settings?flow=${settings.flowId}&${sq}`, `self-service/settings/browser?${sq}`, `settings?flow=${settings.flowId}&${sq}`]) {
				const r = await s.get(u, { accept: HTML_ACCEPT });
				assert.ok(r.status === 405 || r.status === 303 || r.status === 200, `GET ${u.split('?')[0]}: ${r.status}`);
				assert.ok(!r.text.includes(newPw), 'the new password is not echoed');
			}
			const me = await assertSignedIn(s, email);
			assert.notEqual(me.identity.traits.name, 'a38-changed', 'the profile did not change');
			assert.equal((await apiLogin(h.server.url, email, newPw)).status, 400, 'the password did not change');
			assert.equal((await apiLogin(h.server.url, email, pw)).status, 200, 'the old password still works');
		});
	});
});


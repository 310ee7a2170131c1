// Request bodies the program must refuse: malformed JSON (400), a content
// type it does not take (415), a body over gatehouse.max_body_size (413).
// Each gets a readable answer (HTML page or JSON error), creates no account
// and leaves the server working.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, flowMessageIds, csrfOf, uniqueEmail,
	strongPassword, openFlowPage, createFlowJson, registerJson, expectHtmlError, safeJson,
} from './lib/flows.mjs';

/* A JSON refusal: the status, and an error envelope or a flow with a message. */
function expectJsonRefusal(res, code) {
	assert.equal(res.status, code, `expected ${code}, got ${res.status}: ${res.text.slice(0, 300)}`);
	assert.match(res.contentType, /^application\/json/, 'content-type');
	const body = safeJson(res);
	assert.ok(body, `the ${code} body is JSON: ${res.text.slice(0, 200)}`);
	const ok = body.error?.code === code || (body.ui && flowMessageIds(body).length > 0);
	assert.ok(ok, `the ${code} body is an error envelope or a flow with a message: ${res.text.slice(0, 300)}`);
	return body;
}

/* An HTML refusal: an error page with the code, or the flow page with a message. */
async function expectHtmlRefusal(c, res, code, flowId) {
	if (res.status === 303 && flowId && new URL(res.location).searchParams.get('flow') === flowId) {
		const page = await c.page(res.location);
		assert.ok(page.messages.some((m) => m >= 4000000), `the flow page shows an error message, has ${page.messages}`);
		return page;
	}
	return (await expectHtmlError(c, res, { code })).page;
}

async function assertAddressFree(base, email) {
	const { res } = await registerJson(new Client(base), email, strongPassword());
	assert.equal(res.status, 200, `nothing was created for ${email}: registering it now answers ${res.status} ${res.text.slice(0, 200)}`);
}

suite('t1130 malformed, unsupported and oversized bodies', { skip: skipReason() }, () => {
	const h = useServer({ config: { 'gatehouse.max_body_size': '4KB' } });

	it('malformed JSON answers 400 (JSON and HTML)', async () => {
		const email = uniqueEmail('badjson');
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const bad = `{"method":"password","csrf_token":${JSON.stringify(csrfOf(flow))},"traits":{"email":"${email}"},"password":"${strongPassword()}"`;
		const j = await c.post(flow.ui.action, { body: bad, contentType: 'application/json', accept: JSON_ACCEPT });
		expectJsonRefusal(j, 400);
		const empty = await c.post(flow.ui.action, { body: '', contentType: 'application/json', accept: JSON_ACCEPT });
		assert.ok(empty.status >= 400 && empty.status < 500, `empty JSON body: ${empty.status}`);
		// not JSON at all
		for (const body of ['{bad json', '\u0000\u0001', '{"method":"password"', '{"a":1}}', "{'a':1}"]) {
			const r = await c.post(flow.ui.action, { body, contentType: 'application/json', accept: JSON_ACCEPT });
			assert.equal(r.status, 400, `body ${JSON.stringify(body)}: ${r.status} ${r.text.slice(0, 200)}`);
		}
		// JSON, but not an object: no CSRF token can be in it either
		for (const body of ['null', '[]', '"str"', '42']) {
			const r = await c.post(flow.ui.action, { body, contentType: 'application/json', accept: JSON_ACCEPT });
			assert.ok(r.status === 400 || r.status === 403, `body ${body}: ${r.status} ${r.text.slice(0, 200)}`);
		}
		// an object with the CSRF token but members of the wrong type
		const csrf = csrfOf(flow);
		for (const body of [
			{ method: 'password', csrf_token: csrf, traits: 'x', password: strongPassword() },
			{ method: 'password', csrf_token: csrf, traits: { email }, password: { a: 1 } },
			{ method: ['password'], csrf_token: csrf, traits: { email }, password: strongPassword() },
			{ method: 'password', csrf_token: csrf, traits: { email: 42 }, password: strongPassword() },
		]) {
			const r = await c.post(flow.ui.action, { json: body, accept: JSON_ACCEPT });
			assert.equal(r.status, 400, `body ${JSON.stringify(body).slice(0, 120)}: ${r.status} ${r.text.slice(0, 200)}`);
		}
		const hc = new Client(h.server.url);
		const page = await openFlowPage(hc, 'registration');
		const r = await hc.post(`self-service/registration?flow=${page.flowId}`, {
			body: '{bad json', contentType: 'application/json', accept: HTML_ACCEPT,
		});
		// Content-Type: application/json makes it a JSON request (Kratos
		// x/isjsonrequest.go), so a JSON answer is right here too.
		if (r.isHtml || r.status === 303) await expectHtmlRefusal(hc, r, 400, page.flowId);
		else expectJsonRefusal(r, 400);
		assert.equal(c.cookie(SESSION_COOKIE), undefined);
		await assertAddressFree(h.server.url, email);
	});

	it('text/plain answers 415 (JSON and HTML)', async () => {
		const email = uniqueEmail('plain');
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const body = new URLSearchParams({ method: 'password', csrf_token: csrfOf(flow), 'traits.email': email, password: strongPassword() }).toString();
		const j = await c.post(flow.ui.action, { body, contentType: 'text/plain', accept: JSON_ACCEPT });
		expectJsonRefusal(j, 415);
		const hc = new Client(h.server.url);
		const page = await openFlowPage(hc, 'registration');
		const hbody = new URLSearchParams({ method: 'password', csrf_token: page.field('csrf_token').value, 'traits.email': email, password: strongPassword() }).toString();
		const r = await hc.post(`self-service/registration?flow=${page.flowId}`, { body: hbody, contentType: 'text/plain', accept: HTML_ACCEPT });
		await expectHtmlRefusal(hc, r, 415, page.flowId);
		for (const ct of ['multipart/form-data; boundary=x', 'application/xml', 'application/x-www-form-urlencodedX']) {
			const x = await c.post(flow.ui.action, { body, contentType: ct, accept: JSON_ACCEPT });
			assert.equal(x.status, 415, `${ct}: ${x.status} ${x.text.slice(0, 200)}`);
		}
		await assertAddressFree(h.server.url, email);
	});

	it('a 10 KB body over a 4 KB limit answers 413 (JSON and HTML)', async () => {
		const email = uniqueEmail('big');
		const pad = 'p'.repeat(10 * 1024);
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const j = await c.post(flow.ui.action, {
			json: { method: 'password', csrf_token: csrfOf(flow), traits: { email }, password: strongPassword(), transient_payload: { pad } },
			accept: JSON_ACCEPT,
		});
		expectJsonRefusal(j, 413);
		const hc = new Client(h.server.url);
		const page = await openFlowPage(hc, 'registration');
		const r = await hc.submitForm(page, { group: 'password', fields: { 'traits.email': email, password: strongPassword(), pad } });
		await expectHtmlRefusal(hc, r, 413, page.flowId);
		assert.equal(hc.cookie(SESSION_COOKIE), undefined);
		await assertAddressFree(h.server.url, email);
	});

	it('a chunked body over the limit answers 413 too', async () => {
		const email = uniqueEmail('chunked');
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const form = new URLSearchParams({ method: 'password', csrf_token: csrfOf(flow), 'traits.email': email, password: strongPassword(), pad: 'q'.repeat(10 * 1024) }).toString();
		const chunks = form.match(/[\s\S]{1,1000}/g);
		const stream = new ReadableStream({
			pull(ctl) {
				const x = chunks.shift();
				if (x === undefined) ctl.close();
				else ctl.enqueue(new TextEncoder().encode(x));
			},
		});
		const r = await fetch(flow.ui.action, {
			method: 'POST', body: stream, duplex: 'half', redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: JSON_ACCEPT, cookie: c.cookieHeader() },
		});
		await r.text();
		assert.equal(r.status, 413, `chunked 10 KB body: ${r.status}`);
		await assertAddressFree(h.server.url, email);
	});

	it('a body just under the limit is accepted', async () => {
		const email = uniqueEmail('under');
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		const res = await c.post(flow.ui.action, {
			json: { method: 'password', csrf_token: csrfOf(flow), traits: { email, name: 'n'.repeat(100) }, password: strongPassword(), transient_payload: { pad: 'p'.repeat(2500) } },
			accept: JSON_ACCEPT,
		});
		assert.equal(res.status, 200, `a ~3 KB body: ${res.status} ${res.text.slice(0, 200)}`);
	});

	it('deeply nested JSON and bad percent-encoding are refused without a server error', async () => {
		const c = new Client(h.server.url);
		const flow = await createFlowJson(c, 'registration');
		for (const body of ['['.repeat(3000), '{"a":'.repeat(700) + '1' + '}'.repeat(700)]) {
			const r = await c.post(flow.ui.action, { body, contentType: 'application/json', accept: JSON_ACCEPT });
			assert.ok(r.status >= 400 && r.status < 500, `nested JSON: ${r.status} ${r.text.slice(0, 200)}`);
		}
		for (const body of ['traits.email=%zz&password=%', 'method=password&%%%=1', '=&=&&&', 'traits.email=a%00b%40example.com&method=password&password=Quartz-Lantern-1']) {
			const r = await c.post(flow.ui.action, { body: `csrf_token=${encodeURIComponent(csrfOf(flow))}&${body}`, contentType: 'application/x-www-form-urlencoded', accept: JSON_ACCEPT });
			assert.ok(r.status >= 400 && r.status < 500, `form ${JSON.stringify(body)}: ${r.status} ${r.text.slice(0, 200)}`);
		}
		const ready = await c.get('health/ready');
		assert.equal(ready.status, 200, 'the server still answers');
	});
});

// Security headers on every response from the program, no <script> on any
// page, and the attributes of the CSRF and session cookies.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { suite, useServer, skipReason } from './lib/server.mjs';
import {
	Client, HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword, openFlowPage,
	registerHtml, loginHtml, createFlowJson, logoutBrowser,
} from './lib/flows.mjs';

function parseCsp(v) {
	const d = {};
	for (const part of (v || '').split(';')) {
		const [name, ...vals] = part.trim().split(/\s+/);
		if (name) d[name.toLowerCase()] = vals.map((x) => x.toLowerCase());
	}
	return d;
}

/* Headers every response of the program carries. */
function assertSecurityHeaders(res, what) {
	const csp = res.headers.get('content-security-policy');
	assert.ok(csp, `${what}: Content-Security-Policy missing`);
	const d = parseCsp(csp);
	const scripts = d['script-src'] || (d['script-src'] === undefined ? d['default-src'] : undefined);
	assert.ok(scripts, `${what}: CSP has neither script-src nor default-src: ${csp}`);
	assert.deepEqual(scripts, ["'none'"], `${what}: scripts must be 'none' (${csp})`);
	assert.deepEqual(d['frame-ancestors'], ["'none'"], `${what}: frame-ancestors 'none' (${csp})`);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
}

function assertNoStore(res, what) {
	const cc = res.headers.get('cache-control') || '';
	assert.match(cc, /no-store/i, `${what}: Cache-Control must say no-store, got "${cc}"`);
}

function assertNoScript(html, what) {
	assert.ok(!/<script/i.test(html), `${what}: contains <script`);
	assert.ok(!/\son[a-z]+\s*=/i.test(html), `${what}: contains an inline event handler attribute`);
	assert.ok(!/javascript:/i.test(html), `${what}: contains a javascript: URL`);
}

suite('t9000 headers, no script, cookies', { skip: skipReason() }, () => {
	const h = useServer();
	const email = uniqueEmail('headers');
	const pw = strongPassword();
	const pages = {};	// name -> response of an HTML page
	let c;

	before(async () => {
		if (!h.server) return;
		c = new Client(h.server.url);
		pages['home (signed out)'] = (await c.page('/')).res;
		pages.registration = (await openFlowPage(c, 'registration')).res;
		const { res: reg } = await registerHtml(c, email, pw, { 'traits.name': '<script>alert(1)</script>' });
		assert.equal(reg.status, 303, `setup registration: ${reg.status} ${reg.text.slice(0, 200)}`);
		pages['home (signed in)'] = (await c.page('/')).res;
		pages.settings = (await openFlowPage(c, 'settings')).res;
		await logoutBrowser(c);
		pages.login = (await openFlowPage(c, 'login')).res;
		const { res: bad } = await loginHtml(c, email, 'wrong-password-<script>x</script>');
		assert.equal(bad.status, 303, `setup failed login: ${bad.status}`);
		pages['login with error'] = (await c.page(bad.location)).res;
		const rc = new Client(h.server.url);
		const rp = await openFlowPage(rc, 'registration');
		const r = await rc.submitForm(rp, { group: 'password', omit: ['csrf_token'], fields: { 'traits.email': '"><script>alert(2)</script>', password: 'x' } });
		if (r.status === 303) pages.error = (await rc.page(r.location)).res;
		else pages.error = r;
		const rr = await rc.submitForm(await openFlowPage(rc, 'registration'), { group: 'password', fields: { 'traits.email': '"><script>alert(3)</script>', password: 'x' } });
		assert.equal(rr.status, 303, `setup failed registration: ${rr.status}`);
		pages['registration with error'] = (await rc.page(rr.location)).res;
		pages['error without id'] = await rc.get('error', { accept: HTML_ACCEPT });
		pages['unknown path'] = await rc.get(`no/such/page-${randomUUID()}`, { accept: HTML_ACCEPT });
	});

	it('every HTML page has the security headers, no-store and no script', async () => {
		for (const [name, res] of Object.entries(pages)) {
			assert.ok(res.isHtml, `${name} (${res.url}): content-type ${res.contentType}`);
			assert.match(res.contentType, /charset=utf-8/i, `${name}: charset`);
			assertSecurityHeaders(res, name);
			assertNoScript(res.text, name);
			if (!/unknown path/.test(name)) assertNoStore(res, name);
		}
	});

	it('no HTML response seen by any client in this file has <script', () => {
		for (const p of c.htmlPages) assertNoScript(p.html, p.url);
	});

	it('user input is escaped: the injected markup appears only as text', () => {
		const home = pages['home (signed in)'].text + pages.settings.text;
		assert.ok(home.includes('&lt;script&gt;alert(1)&lt;/script&gt;') || !home.includes('alert(1)'),
		    'the name is shown escaped (or not at all)');
		const regErr = pages['registration with error'].text;
		assert.ok(!regErr.includes('"><script>'), 'the e-mail is escaped in the value attribute');
	});

	it('redirects, JSON answers and health checks carry the headers too', async () => {
		const x = new Client(h.server.url);
		const samples = {
			'303 login/browser': await x.get('self-service/login/browser', { accept: HTML_ACCEPT }),
			'303 /login without flow': await x.get('login', { accept: HTML_ACCEPT }),
			'flow JSON': await x.get('self-service/registration/browser', { accept: JSON_ACCEPT }),
			'404 flow JSON': await x.get(`self-service/login/flows?id=${randomUUID()}`, { accept: JSON_ACCEPT }),
			'401 whoami': await x.get('sessions/whoami', { accept: JSON_ACCEPT }),
			'health/alive': await x.get('health/alive'),
			'health/ready': await x.get('health/ready'),
		};
		for (const [name, res] of Object.entries(samples)) assertSecurityHeaders(res, name);
		assertNoStore(samples['flow JSON'], 'flow JSON');
		assertNoStore(samples['401 whoami'], 'whoami');
		assert.match(samples['flow JSON'].contentType, /^application\/json/);
		assert.equal(samples['health/alive'].status, 200);
		assert.equal(samples['health/ready'].status, 200);
	});

	it('the CSRF cookie: csrf_token_<sha256(base URL)>, HttpOnly, SameSite=Lax, Path=/', async () => {
		const x = new Client(h.server.url);
		const r = await x.get('self-service/login/browser', { accept: HTML_ACCEPT });
		const ck = r.setCookies.find((k) => k.name.startsWith('csrf_token_'));
		assert.ok(ck, `flow creation sets the CSRF cookie: ${r.setCookies.map((k) => k.raw)}`);
		assert.match(ck.name, /^csrf_token_[0-9a-f]{64}$/);
		const want = 'csrf_token_' + createHash('sha256').update(h.server.url).digest('hex');
		assert.equal(ck.name, want, 'named after the SHA-256 of the public base URL');
		assert.equal(ck.attrs.httponly, true, 'HttpOnly');
		assert.equal(String(ck.attrs.samesite).toLowerCase(), 'lax', 'SameSite=Lax');
		assert.equal(ck.attrs.path, '/', 'Path=/');
		// a second flow in the same browser reuses the cookie
		const r2 = await x.get('self-service/login/browser', { accept: HTML_ACCEPT });
		const ck2 = r2.setCookies.find((k) => k.name === ck.name);
		assert.ok(!ck2 || ck2.value === ck.value, 'the CSRF cookie is stable within a browser');
	});

	it('the session cookie: ory_kratos_session, HttpOnly, SameSite=Lax, Path=/; cleared on logout', async () => {
		const x = new Client(h.server.url);
		const { res } = await loginHtml(x, email, pw);
		assert.equal(res.status, 303, `login: ${res.status}`);
		const ck = res.setCookies.find((k) => k.name === SESSION_COOKIE);
		assert.ok(ck, `login sets ${SESSION_COOKIE}: ${res.setCookies.map((k) => k.raw)}`);
		assert.equal(ck.attrs.httponly, true, 'HttpOnly');
		assert.equal(String(ck.attrs.samesite).toLowerCase(), 'lax', 'SameSite=Lax');
		assert.equal(ck.attrs.path, '/', 'Path=/');
		assert.ok(ck.value.length >= 32, 'an opaque value of some length');
		assert.ok(!ck.value.includes(email) && !ck.value.includes(encodeURIComponent(email)), 'the value does not carry the e-mail');
		const { res: out } = await logoutBrowser(x);
		const del = out.setCookies.find((k) => k.name === SESSION_COOKIE);
		assert.ok(del, 'logout sets the session cookie again');
		assert.ok(Number(del.attrs['max-age']) <= 0 || Date.parse(del.attrs.expires) < Date.now(), `logout expires the cookie: ${del.raw}`);
	});

	it('flow pages cannot be framed and forms post to the same origin', async () => {
		const x = new Client(h.server.url);
		const page = await openFlowPage(x, 'login');
		for (const f of page.forms) {
			const a = new URL(f.action, page.url);
			assert.equal(a.origin, new URL(h.server.url).origin, `form action ${f.action}`);
			assert.equal(f.method, 'POST');
		}
		const j = await createFlowJson(x, 'login');
		assert.equal(new URL(j.ui.action).origin, new URL(h.server.url).origin);
	});
});

// security-requirements.md §8, redirects, headers and markup: attacks 26-29
// (return_to, header injection, XSS), 33 (session tokens in URLs), 35
// (clickjacking and header hygiene) and 40 (Host spoofing).  Each test
// also checks (lib/attack.mjs): no 5xx, no worker died, no secret in
// audit.log or lighttpd-error.log.

import { describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, useServer, skipReason, freePort } from './lib/server.mjs';
import {
	HTML_ACCEPT, JSON_ACCEPT, SESSION_COOKIE, uniqueEmail, strongPassword, openFlowPage, mustRegisterHtml,
	mustLoginHtml, registerHtml, loginHtml, expectHtmlError, expectJsonError, logoutBrowser, whoami,
} from './lib/flows.mjs';
import { attackSuite, rawSocket, parseRawHead, apiLogin, mustApiRegister, httpFetch } from './lib/attack.mjs';

const FORBIDDEN = { code: 400, id: 'self_service_flow_return_to_forbidden' };
const ALLOWED = 'https://app.example.com/dashboard';

function parseCsp(v) {
	const d = {};
	for (const part of (v || '').split(';')) {
		const [name, ...vals] = part.trim().split(/\s+/);
		if (name) d[name.toLowerCase()] = vals;
	}
	return d;
}

/* A 400 from lighttpd itself (a control character in the URL): refused before the program. */
const frontRefused = (r) => r.status === 400 && !r.headers.get('content-security-policy');

/* The §8 #35 header set on an HTML response of the program. */
function assertHtmlHygiene(res, what, { formOrigins = [] } = {}) {
	assert.match(res.headers.get('content-type') || '', /^text\/html;\s*charset=utf-8$/i, `${what}: Content-Type`);
	const d = parseCsp(res.headers.get('content-security-policy'));
	assert.deepEqual(d['default-src'], ["'none'"], `${what}: CSP default-src 'none'`);
	assert.ok(!d['script-src'] || (d['script-src'].length === 1 && d['script-src'][0] === "'none'"), `${what}: no script source`);
	assert.deepEqual(d['frame-ancestors'], ["'none'"], `${what}: CSP frame-ancestors 'none'`);
	assert.deepEqual(d['base-uri'], ["'none'"], `${what}: CSP base-uri 'none'`);
	assert.deepEqual(d['style-src'], ["'self'"], `${what}: CSP style-src 'self'`);
	// form-action also covers the redirect after a form: the allowed return_to origins are listed
	assert.ok(d['form-action']?.includes("'self'") && d['form-action'].every((s) => s === "'self'" || s === new URL(res.url).origin || formOrigins.includes(s)),
	    `${what}: CSP form-action 'self' (${d['form-action']})`);
	assert.ok(d['img-src']?.every((s) => ["'self'", 'data:'].includes(s)), `${what}: CSP img-src 'self' data: (${d['img-src']})`);
	assert.equal(res.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
	assert.match(res.headers.get('referrer-policy') || '', /^(same-origin|no-referrer|strict-origin|strict-origin-when-cross-origin)$/, `${what}: Referrer-Policy`);
	assert.match(res.headers.get('cache-control') || '', /no-store/, `${what}: Cache-Control no-store`);
}

/*
 * Markup of the payloads must never appear as markup: look at the tags of
 * the page (attribute values blanked, so escaped text inside them does not
 * count) for script-capable elements, event handlers and script URLs.
 */
function assertInert(html, what) {
	for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g)) {
		const name = m[1].toLowerCase();
		const attrs = m[2];
		assert.ok(!['script', 'iframe', 'object', 'embed', 'svg', 'base', 'frame', 'frameset', 'applet'].includes(name), `${what}: a <${name}> element: ${m[0].slice(0, 120)}`);
		const bare = attrs.replace(/"[^"]*"|'[^']*'/g, '""');
		assert.ok(!/(^|\s)on[a-z]+\s*=/i.test(bare), `${what}: an event handler attribute: ${m[0].slice(0, 120)}`);
		for (const v of attrs.matchAll(/\b(href|src|action|formaction)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
			const url = (v[2] ?? v[3] ?? v[4]).replace(/&#0*58;|&colon;/gi, ':').replace(/[\s\0]/g, '');
			assert.ok(!/^(javascript|vbscript|data:text)/i.test(url), `${what}: a script URL in ${v[1]}: ${url.slice(0, 80)}`);
		}
	}
}

suite('t9200 attacks: redirects, headers, markup', { skip: skipReason() }, () => {
	describe('return_to and reflected values (allow-list: https://app.example.com/dashboard)', () => {
		const h = useServer({ config: { 'selfservice.allowed_return_urls': [ALLOWED] } });
		const attack = attackSuite(h);

		/* Try one return_to on every entry point; 'allowed' or 'refused'. */
		async function verdict(x, u, signedIn) {
			const out = new Set();
			const q = `return_to=${encodeURIComponent(u)}`;
			for (const kind of ['login', 'registration', 'settings']) {
				const c = kind === 'settings' ? signedIn : x.client();
				const j = await c.get(`self-service/${kind}/browser?${q}`, { accept: JSON_ACCEPT });
				if (j.status === 200) {
					out.add('allowed');
					assert.equal(j.json.return_to, u, `${kind}: the flow keeps return_to as given`);
				} else if (frontRefused(j)) {
					out.add('refused');
					continue;
				} else {
					expectJsonError(j, FORBIDDEN);
					out.add('refused');
				}
				const r = await c.get(`self-service/${kind}/browser?${q}`, { accept: HTML_ACCEPT });
				if (frontRefused(r)) continue;
				if (r.status === 303) {
					const loc = new URL(r.location);
					assert.equal(loc.origin, new URL(h.server.url).origin, `${kind} ${u}: a redirect only to this site (${r.location})`);
					if (loc.pathname !== `/${kind}`) await expectHtmlError(c, r, FORBIDDEN);
				} else {
					await expectHtmlError(c, r, FORBIDDEN);
				}
			}
			// sign-out takes return_to too
			const lb = await signedIn.get(`self-service/logout/browser?${q}`, { accept: JSON_ACCEPT });
			out.add(lb.status === 200 ? 'allowed' : 'refused');
			if (lb.status !== 200 && !frontRefused(lb)) expectJsonError(lb, FORBIDDEN);
			const lo = await x.client().get(`self-service/logout?token=x&${q}`, { accept: HTML_ACCEPT });
			if (frontRefused(lo)) out.add('refused');
			else if (lo.status === 303 && lo.location === new URL(u, h.server.url).toString()) out.add('allowed');
			else if (lo.status === 303) assert.equal(new URL(lo.location).origin, new URL(h.server.url).origin, `logout ${u}: ${lo.location}`);
			else {
				assert.equal(lo.status, 400, `logout with return_to ${u}: ${lo.status}`);
				out.add('refused');
			}
			return out.size === 1 ? [...out][0] : `mixed (${[...out]})`;
		}

		async function signedInBrowser(x) {
			const c = x.client();
			await mustRegisterHtml(c, uniqueEmail('a26'), x.secret(strongPassword()));
			x.secret(c.cookie(SESSION_COOKIE));
			return c;
		}

		attack('attack 26: return_to=https://evil.example/', async (x) => {
			const c = await signedInBrowser(x);
			for (const u of ['https://evil.example/', 'http://evil.example/', 'https://evil.example/dashboard']) {
				assert.equal(await verdict(x, u, c), 'refused', u);
			}
			// and a login that started with it cannot end there: nothing to end
			const l = x.client();
			const r = await l.get('self-service/login/browser?return_to=https%3A%2F%2Fevil.example%2F', { accept: HTML_ACCEPT });
			assert.ok(!(r.location || '').includes('evil.example'), 'never a redirect to evil.example');
			// the allow-listed URL is taken and used
			assert.equal(await verdict(x, `${ALLOWED}/reports?x=1`, c), 'allowed');
			const email = uniqueEmail('a26ok');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const b = x.client();
			const start = await b.get(`self-service/login/browser?return_to=${encodeURIComponent(`${ALLOWED}/reports`)}`, { accept: HTML_ACCEPT });
			const page = await b.page(start.location);
			const done = await b.submitForm(page, { group: 'password', fields: { identifier: email, password: pw } });
			assert.equal(done.location, `${ALLOWED}/reports`, 'after sign-in the allowed return_to is used');
		});

		attack('attack 27: return_to bypass variants', async (x) => {
			const c = await signedInBrowser(x);
			const port = h.server.port;
			const base = h.server.url;
			const refused = [
				'//evil.example', '//evil.example/dashboard', '/\\evil.example', '\\\\evil.example', '/%5Cevil.example',
				'https:evil.example', 'https:/evil.example', 'https:///evil.example', 'https:\\\\evil.example',
				'https://app.example.com.evil.example/dashboard', 'https://app.example.com@evil.example/dashboard',
				'https://app.example.com:443@evil.example/dashboard', 'https://evil.example#@app.example.com/dashboard',
				'https://evil.example?@app.example.com/dashboard', 'https://evil.example\\@app.example.com/dashboard',
				'https://app.example.com/dashboardX', 'https://app.example.com/dashboard/../admin',
				'https://app.example.com/dashboard/%2e%2e/admin', 'https://app.example.com/dashboard/%2E%2E/admin',
				'https://app.example.com/dashboard/..%2fadmin', 'http://app.example.com/dashboard',
				'https://app.example.com:8443/dashboard', 'https://app.example.com.:443/dashboard',
				'https://аpp.example.com/dashboard', 'https://xn--pp-7kc.example.com/dashboard', 'https://app.exаmple.com/dashboard',
				'HTTPS://EVIL.EXAMPLE/', 'https://EVIL.example/dashboard',
				'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'javascript://app.example.com/dashboard%0aalert(1)',
				'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
				'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'vbscript:msgbox(1)', 'file:///etc/passwd',
				'%2F%2Fevil.example', '%252F%252Fevil.example', '/%2F%2Fevil.example', 'evil.example',
				`http://127.0.0.1:${port}.evil.example/`, `http://127.0.0.1:${port}@evil.example/`,
				`http://127.0.0.1:${port}\\@evil.example/`, `http://127.0.0.1:${port + 1}/`, `https://127.0.0.1:${port}/`,
				`http://localhost:${port}/`, `${base}..%2f..%2fevil`, `${base}%2e%2e/`, `${base}x/../../`,
			];
			const verdicts = {};
			for (const u of refused) verdicts[u] = await verdict(x, u, c);
			const accepted = Object.entries(verdicts).filter(([, v]) => v !== 'refused').map(([u]) => u);
			assert.deepEqual(accepted, [], 'every bypass variant is refused');
			// an upper-case scheme/host of an allowed URL may be taken (it is the same place) or refused, never sent elsewhere
			for (const u of ['HTTPS://APP.EXAMPLE.COM/dashboard', `HTTP://127.0.0.1:${port}/x`]) await verdict(x, u, c);
			// what is allowed stays allowed
			for (const u of [ALLOWED, `${ALLOWED}/`, `${ALLOWED}?tab=1`, `${ALLOWED}/a/b`, `${base}`, `${base}somewhere?x=1`]) {
				assert.equal(await verdict(x, u, c), 'allowed', u);
			}
		});

		attack('attack 28: CR/LF/NUL in return_to and other reflected values', async (x) => {
			const port = h.server.port;
			const injections = ['%0d%0aSet-Cookie:%20x=1', '%0aSet-Cookie:x=1', '%0dSet-Cookie:x=1', '%00', '%0d%0a%0d%0a<html>x'];
			const paths = [];
			for (const inj of injections) {
				paths.push(`/self-service/login/browser?return_to=${inj}`);
				paths.push(`/self-service/login/browser?return_to=http://127.0.0.1:${port}/${inj}`);
				paths.push(`/login?return_to=http://127.0.0.1:${port}/${inj}`);
				paths.push(`/self-service/logout?token=x${inj}&return_to=http://127.0.0.1:${port}/${inj}`);
				paths.push(`/login?flow=${inj}`);
				paths.push(`/error?id=${inj}`);
				paths.push(`/self-service/login/browser${inj}`);
			}
			for (const p of paths) {
				const raw = await rawSocket(port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
				const { status, headers, head } = parseRawHead(raw.text);
				assert.ok(status >= 300 && status < 500, `${p}: ${status}`);
				assert.ok(!headers.some(([k, v]) => k === 'set-cookie' && /^x=1/.test(v)), `${p}: an injected Set-Cookie header:\n${head}`);
				for (const [k, v] of headers) {
					assert.ok(!/[\r\n\0]/.test(v), `${p}: a raw control character in ${k}`);
					if (k === 'location') assert.ok(!/set-cookie/i.test(decodeURIComponent(v).replace(/\s/g, '')) || /%0[dD]|%0[aA]/.test(v), `${p}: Location carries the payload unencoded: ${v}`);
				}
				if (status === 303 && p.includes('return_to=%0')) assert.fail(`${p}: a bad return_to must be refused, got a redirect`);
			}
			// raw CR/LF inside the request line is not HTTP: refused by the front server
			const raw = await rawSocket(port, `GET /self-service/login/browser?return_to=x\rSet-Cookie: x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
			assert.equal(parseRawHead(raw.text).status, 400, `raw CR in the request line: ${raw.text.slice(0, 80)}`);
			// submitted values with CR/LF come back only inside the page body, escaped
			const c = x.client();
			const page = await openFlowPage(c, 'login');
			const res = await c.submitForm(page, { group: 'password', fields: { identifier: 'a\r\nSet-Cookie: x=1\r\n@example.com', password: x.secret(strongPassword()) } });
			assert.equal(res.status, 303, `login with CR/LF in the identifier: ${res.status}`);
			assert.ok(!res.setCookies.some((k) => k.name === 'x'), 'no injected cookie');
			assert.equal(new URL(res.location).searchParams.get('flow'), page.flowId, `back on the flow: ${res.location}`);
		});

		attack('attack 29: stored and reflected XSS via traits, errors and headers', async (x) => {
			const payloads = [
				'<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>",
				'</title><script>alert(1)</script>', 'javascript:alert(1)', '</textarea><script>alert(1)</script>',
				'{{7*7}}<b onmouseover=alert(1)>x</b>',
			];
			const c = x.client();
			const email = uniqueEmail('a29');
			const pw = x.secret(strongPassword());
			const { res } = await registerHtml(c, email, pw, { 'traits.name': payloads[0] });
			assert.equal(res.status, 303, `registration: ${res.status}`);
			x.secret(c.cookie(SESSION_COOKIE));
			const pages = [];
			for (const p of payloads) {
				const s = await openFlowPage(c, 'settings');
				const r = await c.submitForm(s, { group: 'profile', fields: { 'traits.name': p } });
				assert.equal(r.status, 303, `profile name ${p}: ${r.status}`);
				const after = await c.page(r.location);
				pages.push([`settings after name=${p}`, after]);
				pages.push([`home with name=${p}`, await c.page('/')]);
				const me = await whoami(c);
				assert.equal(me.json.identity.traits.name, p, 'stored literally');
			}
			// reflected: invalid e-mail and identifier, return_to in an error, user agent in Devices
			for (const p of payloads) {
				const b = x.client();
				const { res: rr } = await registerHtml(b, `${p}@example.com`, x.secret(strongPassword()));
				if (rr.status === 303) pages.push([`registration error ${p}`, await b.page(rr.location)]);
				const { res: lr } = await loginHtml(b, p, 'whatever-password');
				if (lr.status === 303) pages.push([`login error ${p}`, await b.page(lr.location)]);
				const er = await b.get(`self-service/login/browser?return_to=${encodeURIComponent(`https://evil.example/${p}`)}`, { accept: HTML_ACCEPT });
				pages.push([`return_to error ${p}`, er.status === 303 ? await b.page(er.location) : { ...er, html: er.text, isHtml: er.isHtml }]);
				const ua = x.client({ headers: { 'user-agent': p } });
				await mustLoginHtml(ua, email, pw);
				x.secret(ua.cookie(SESSION_COOKIE));
			}
			const devices = await openFlowPage(c, 'settings');
			// (the Devices list names the kind of client, not the raw User-Agent)
			pages.push(['settings with hostile user agents', devices]);
			for (const [what, p] of pages) {
				assert.ok(p.isHtml, `${what}: HTML`);
				assertInert(p.html, what);
				assertHtmlHygiene(p, what, { formOrigins: [new URL(ALLOWED).origin] });
			}
			// the payload is there as text: escaped, not dropped
			const shown = pages.find(([w]) => w.startsWith('settings after name=<script>'))[1];
			assert.ok(/&lt;script&gt;alert\(1\)&lt;\/script&gt;|&#60;script&#62;/.test(shown.html), 'the name shows escaped on the settings page');
			// JSON answers carry it as data, typed as JSON
			const j = await whoami(c);
			assert.match(j.headers.get('content-type'), /^application\/json/);
			assert.equal(j.headers.get('x-content-type-options'), 'nosniff');
		});
	});

	describe('tokens, headers, hosts', () => {
		const h = useServer();
		const attack = attackSuite(h);

		attack('attack 33: session tokens in URLs and the Referer', async (x) => {
			const email = uniqueEmail('a33');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const api = await apiLogin(h.server.url, email, pw);
			const token = x.secret(api.json.session_token);
			const b = x.client();
			await mustLoginHtml(b, email, pw);
			const cookie = x.secret(b.cookie(SESSION_COOKIE));
			const anon = x.client({ cookies: false });
			for (const t of [token, cookie]) {
				for (const u of [
					`sessions/whoami?session_token=${encodeURIComponent(t)}`, `sessions/whoami?x-session-token=${encodeURIComponent(t)}`,
					`sessions/whoami?${SESSION_COOKIE}=${encodeURIComponent(t)}`, `sessions/whoami?token=${encodeURIComponent(t)}`,
					`sessions/whoami/${encodeURIComponent(t)}`,
				]) {
					const r = await anon.get(u, { accept: JSON_ACCEPT });
					assert.ok([401, 404, 405].includes(r.status), `GET /${u.split('?')[0]}?…: ${r.status}`);
				}
				const r = await anon.get('sessions/whoami', { accept: JSON_ACCEPT, headers: { referer: `${h.server.url}?session_token=${encodeURIComponent(t)}` } });
				assert.equal(r.status, 401, 'a token in the Referer is ignored');
				const home = await anon.get(`?session_token=${encodeURIComponent(t)}`, { accept: HTML_ACCEPT });
				assert.ok(!home.text.includes(email), 'the home page does not sign in from the query');
				const st = await anon.get(`self-service/settings/browser?session_token=${encodeURIComponent(t)}`, { accept: HTML_ACCEPT });
				assert.equal(st.status, 303);
				assert.equal(new URL(st.location).pathname, '/self-service/login/browser', 'settings from the query: sent to sign in');
			}
			// a whole browser journey: no token in any URL the server emits
			const j = x.client();
			const jEmail = uniqueEmail('a33j');
			const jPw = x.secret(strongPassword());
			await mustRegisterHtml(j, jEmail, jPw);
			const t1 = x.secret(j.cookie(SESSION_COOKIE));
			await j.page('/');
			await openFlowPage(j, 'settings');
			await logoutBrowser(j);
			await mustLoginHtml(j, jEmail, jPw);
			const t2 = x.secret(j.cookie(SESSION_COOKIE));
			await j.page('/');
			await openFlowPage(j, 'settings');
			const secrets = [t1, t2, token].flatMap((t) => [t, t.split('.')[0], encodeURIComponent(t)]);
			for (const p of j.htmlPages) {
				for (const m of p.html.matchAll(/(?:href|action|src)\s*=\s*"([^"]*)"/gi)) {
					for (const s of secrets) assert.ok(!m[1].includes(s), `a session token in a URL on ${p.url}: ${m[1].slice(0, 80)}`);
				}
				assert.match(p.headers.get('referrer-policy') || '', /^(same-origin|no-referrer|strict-origin)$/, `Referrer-Policy on ${p.url}`);
			}
			for (const l of j.log) for (const s of secrets) assert.ok(!l.url.includes(s), `a session token in a requested URL: ${l.url}`);
		});

		attack('attack 35: clickjacking and header hygiene on every HTML response', async (x) => {
			const email = uniqueEmail('a35');
			const pw = x.secret(strongPassword());
			const c = x.client();
			const pages = [];
			pages.push(['home', await c.get('', { accept: HTML_ACCEPT })]);
			const reg = await openFlowPage(c, 'registration');
			pages.push(['registration', reg]);
			const bad = await c.submitForm(reg, { group: 'password', fields: { 'traits.email': 'not-an-email', password: 'x' } });
			pages.push(['registration error', await c.page(bad.location)]);
			const csrf = await c.submitForm(await openFlowPage(c, 'registration'), { group: 'password', omit: ['csrf_token'], fields: { 'traits.email': email, password: pw } });
			pages.push(['403 CSRF', csrf]);
			await mustRegisterHtml(c, email, pw);
			x.secret(c.cookie(SESSION_COOKIE));
			pages.push(['home signed in', await c.get('', { accept: HTML_ACCEPT })]);
			pages.push(['settings', await openFlowPage(c, 'settings')]);
			const l = x.client();
			pages.push(['login', await openFlowPage(l, 'login')]);
			pages.push(['404', await l.get('no/such/page', { accept: HTML_ACCEPT })]);
			pages.push(['405', await l.request('PUT', 'self-service/login', { accept: HTML_ACCEPT, body: '' })]);
			pages.push(['400 return_to', await l.get('self-service/login/browser?return_to=https%3A%2F%2Fevil.example', { accept: HTML_ACCEPT })]);
			pages.push(['error page', await l.get('error', { accept: HTML_ACCEPT })]);
			pages.push(['401 aal', await l.get('self-service/login/browser?aal=aal2', { accept: HTML_ACCEPT })]);
			for (const [what, p] of pages) {
				const res = p.res || p;
				if (res.status === 303) continue;
				assert.ok(res.isHtml, `${what}: HTML (${res.contentType})`);
				assertHtmlHygiene(res, what);
				assertInert(res.text, what);
			}
			// plain http: no HSTS (browsers ignore it there; see the https test below)
			assert.equal(pages[0][1].headers.get('strict-transport-security'), null, 'no HSTS over plain http');
		});

		attack('attack 40: Host and X-Forwarded-Host spoofing', async (x) => {
			const email = uniqueEmail('a40');
			const pw = x.secret(strongPassword());
			await mustApiRegister(h.server.url, email, pw);
			const spoof = {
				host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https',
				'x-forwarded-server': 'evil.example', forwarded: 'host=evil.example;proto=https', 'x-host': 'evil.example',
				'x-original-url': '//evil.example/', 'x-rewrite-url': '//evil.example/',
			};
			const seen = [];
			const req = async (path, opts = {}) => {
				const res = await httpFetch(new URL(path, h.server.url).toString(), { ...opts, headers: { ...spoof, ...(opts.headers || {}) } });
				const text = await res.text();
				const all = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
				seen.push([path, res.status, all, text]);
				return { res, text, json: () => JSON.parse(text) };
			};
			const a = await req('self-service/login/browser', { headers: { accept: HTML_ACCEPT } });
			assert.equal(a.res.status, 303);
			const f = await req('self-service/login/browser', { headers: { accept: JSON_ACCEPT } });
			const flow = f.json();
			const cookies = f.res.headers.getSetCookie().map((k) => k.split(';')[0]).join('; ');
			assert.equal(new URL(flow.ui.action).origin, new URL(h.server.url).origin, 'ui.action from the base URL');
			const s = await req(new URL(flow.ui.action).pathname + new URL(flow.ui.action).search, {
				method: 'POST', headers: { accept: JSON_ACCEPT, 'content-type': 'application/json', cookie: cookies },
				body: JSON.stringify({ method: 'password', identifier: email, password: pw, csrf_token: flow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value }),
			});
			assert.equal(s.res.status, 200, `sign-in with spoofed headers: ${s.res.status} ${s.text.slice(0, 200)}`);
			const sess = s.res.headers.getSetCookie().map((k) => k.split(';')[0]).join('; ');
			x.secret(sess);
			await req('self-service/logout/browser', { headers: { accept: JSON_ACCEPT, cookie: sess } });
			await req('self-service/settings/browser', { headers: { accept: HTML_ACCEPT, cookie: sess } });
			await req('login', { headers: { accept: HTML_ACCEPT } });
			await req('error', { headers: { accept: HTML_ACCEPT } });
			await req('', { headers: { accept: HTML_ACCEPT, cookie: sess } });
			const reg = await req('self-service/registration/api', { headers: { accept: JSON_ACCEPT } });
			assert.equal(new URL(reg.json().ui.action).origin, new URL(h.server.url).origin);
			for (const [path, status, headers, body] of seen) {
				assert.ok(status < 500, `${path}: ${status}`);
				assert.ok(!/evil\.example/i.test(headers), `${path}: a spoofed host in the headers:\n${headers.split('\n').filter((l) => /evil/.test(l)).join('\n')}`);
				assert.ok(!/evil\.example/i.test(body), `${path}: a spoofed host in the body: …${body.slice(Math.max(0, body.search(/evil/) - 80), body.search(/evil/) + 40)}…`);
				assert.ok(!/https:\/\/127\.0\.0\.1/.test(body + headers), `${path}: X-Forwarded-Proto turned links into https`);
			}
		});
	});

	describe('an https base URL', () => {
		const opts = { config: {} };
		before(async () => {
			opts.port = await freePort();
			opts.config['serve.public.base_url'] = `https://127.0.0.1:${opts.port}/`;
		});
		const h = useServer(opts);
		const attack = attackSuite(h);

		attack('attack 35: HSTS on every response of an https deployment', async (x) => {
			const c = x.client();
			const samples = {
				home: await c.get('', { accept: HTML_ACCEPT }),
				'login (303)': await c.get('self-service/login/browser', { accept: HTML_ACCEPT }),
				'flow JSON': await c.get('self-service/login/browser', { accept: JSON_ACCEPT }),
				'404': await c.get('no/such/page', { accept: HTML_ACCEPT }),
			};
			for (const [what, r] of Object.entries(samples)) {
				const v = r.headers.get('strict-transport-security') || '';
				const m = /max-age=(\d+)/i.exec(v);
				assert.ok(m && Number(m[1]) >= 31536000, `${what}: Strict-Transport-Security max-age ≥ 31536000 (got "${v}")`);
				assert.match(v, /includeSubDomains/i, `${what}: Strict-Transport-Security includeSubDomains (got "${v}")`);
				assert.equal(r.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
			}
		});
	});
});

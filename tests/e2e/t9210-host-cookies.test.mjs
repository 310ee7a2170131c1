// attack 34, hardened mode: with gatehouse.host_prefixed_cookies the CSRF
// and session cookies are named "__Host-…" -- which browsers accept only
// with Secure, Path=/ and no Domain, so a sibling subdomain can neither set
// nor overwrite them -- and the option is refused where it cannot work.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { suite, useServer, skipReason, PROG, ROOT } from './lib/server.mjs';

const execFileP = promisify(execFile);

suite('t9210 __Host- cookies (hardened mode)', { skip: skipReason() }, () => {
	// The public URL is https (TLS ends in front of the server); the test
	// talks to the plain-http back end directly.
	const h = useServer({ config: {
		'serve.public.base_url': 'https://id.example.test/',
		'selfservice.default_browser_return_url': 'https://id.example.test/',
		'selfservice.allowed_return_urls': ['https://id.example.test/'],
		'selfservice.flows.login.ui_url': 'https://id.example.test/login',
		'selfservice.flows.registration.ui_url': 'https://id.example.test/registration',
		'selfservice.flows.settings.ui_url': 'https://id.example.test/settings',
		'selfservice.flows.error.ui_url': 'https://id.example.test/error',
		'gatehouse.host_prefixed_cookies': true,
	} });

	it('attack 34: the CSRF cookie is __Host- prefixed, Secure, Path=/, without Domain', async () => {
		const res = await fetch(new URL('self-service/login/browser', h.server.url),
		    { redirect: 'manual', headers: { Accept: 'text/html' } });
		assert.equal(res.status, 303);
		const cookies = res.headers.getSetCookie();
		const csrf = cookies.find((c) => c.startsWith('__Host-csrf_token_'));
		assert.ok(csrf, `a __Host-csrf_token_ cookie in ${cookies}`);
		assert.match(csrf, /; Secure/, 'Secure');
		assert.match(csrf, /; Path=\/(;|$)/, 'Path=/');
		assert.doesNotMatch(csrf, /Domain=/i, 'no Domain');
		assert.match(csrf, /; HttpOnly/, 'HttpOnly');
		assert.match(res.headers.get('strict-transport-security') || '', /max-age=\d+; includeSubDomains/);
	});

	it('attack 34: a session minted by sign-up is a __Host- cookie too', async () => {
		const base = h.server.url;
		const flowRes = await fetch(new URL('self-service/registration/api', base));
		const flow = await flowRes.json();
		// A native flow answers with a token; check the browser path's cookie name
		// through a browser flow driven as JSON (the SPA way), keeping cookies.
		const b = await fetch(new URL('self-service/registration/browser', base),
		    { headers: { Accept: 'application/json' } });
		const bflow = await b.json();
		const jar = b.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
		const csrf = bflow.ui.nodes.find((n) => n.attributes.name === 'csrf_token').attributes.value;
		const email = `hostcookie-${process.pid}-${Date.now()}@example.com`;
		const res = await fetch(new URL(`self-service/registration?flow=${bflow.id}`, base), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: jar },
			body: JSON.stringify({ method: 'password', csrf_token: csrf, password: `Quartz-Lantern-${Date.now()}`,
			    traits: { email } }),
		});
		assert.equal(res.status, 200, `registration: ${res.status} ${await res.clone().text()}`);
		const session = res.headers.getSetCookie().find((c) => c.startsWith('__Host-ory_kratos_session='));
		assert.ok(session, `a __Host-ory_kratos_session cookie in ${res.headers.getSetCookie()}`);
		assert.match(session, /; Secure/);
		assert.match(session, /; Path=\/(;|$)/);
		assert.ok(flow.id, 'the api flow exists too');
	});

	it('attack 34: the option is refused for an http base URL or a subpath mount', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-hostcookie-'));
		try {
			for (const base of ['http://id.example.test/', 'https://id.example.test/account/']) {
				const cfg = path.join(dir, `c-${base.length}.yml`);
				await execFileP(PROG, ['init-config', cfg, '--base-url', base, '--state-dir',
				    path.join(dir, 'var'), '--templates-dir', path.join(ROOT, 'templates'),
				    '--schema', path.join(ROOT, 'etc/identity.schema.json')]);
				const text = await readFile(cfg, 'utf8');
				await writeFile(cfg, text.replace('gatehouse:\n', 'gatehouse:\n  host_prefixed_cookies: true\n'));
				const r = await execFileP(PROG, ['check-config', cfg]).then(() => null, (e) => e);
				assert.ok(r, `check-config accepted host_prefixed_cookies with ${base}`);
				assert.match(r.stderr, /host_prefixed_cookies: needs an https base URL mounted at \//);
			}
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});

// @ory/client against Gatehouse, as a server-side web app uses it: browser
// flows created and submitted by the app with the browser's Cookie header
// forwarded (and Set-Cookie passed back), csrf_token taken from the flow's
// nodes.  Includes the seed document's snippet (`sdk.toSession()` at aal1
// -> 403 session_aal2_required), browser step-up, logout and getFlowError.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, useServer } from './lib/server.mjs';
import { Client, HTML_ACCEPT, uniqueEmail, strongPassword, SESSION_COOKIE } from './lib/flows.mjs';
import { mfaSkipReason, useMfaServer } from './lib/mfa.mjs';
import {
	frontendApi, basePathOf, ok, failsWith, describe as show, node, csrfToken, messageIds, CookieJar,
	nextTotp, UUID_RE,
} from './lib/sdk.mjs';

suite('t5010 @ory/client: browser flows driven by a server-side app', { skip: skipReason() || mfaSkipReason() }, () => {
	const h = useServer();
	let fe;
	const email = uniqueEmail('sdk-browser');
	const password = strongPassword();
	let secret;
	let usedStep = -Infinity;

	before(() => {
		if (h.server) fe = frontendApi(h.server.url);
	});

	/* Password login in a fresh "browser"; returns { jar, res }. */
	async function browserLogin(identifier, pw) {
		const jar = new CookieJar();
		const flow = jar.update(await ok(fe.createBrowserLoginFlow(), 200, 'createBrowserLoginFlow')).data;
		const res = await fe.updateLoginFlow({
			flow: flow.id, cookie: jar.header(),
			updateLoginFlowBody: { method: 'password', identifier, password: pw, csrf_token: csrfToken(flow) },
		}).catch((e) => e.response || Promise.reject(e));
		jar.update(res);
		return { jar, res, flow };
	}

	it('createBrowserRegistrationFlow + updateRegistrationFlow with the cookie forwarded', async () => {
		const jar = new CookieJar();
		const created = await ok(fe.createBrowserRegistrationFlow(), 200, 'createBrowserRegistrationFlow');
		jar.update(created);
		const flow = created.data;
		assert.equal(flow.type, 'browser');
		assert.match(flow.id, UUID_RE);
		assert.ok(csrfToken(flow), 'csrf_token node');
		assert.ok(jar.names().some((n) => /^csrf_token_/.test(n)), `a csrf_token_* cookie: ${jar.names()}`);

		// the flow again, as the app's registration page fetches it
		const again = await ok(fe.getRegistrationFlow({ id: flow.id, cookie: jar.header() }), 200, 'getRegistrationFlow');
		assert.equal(again.data.id, flow.id);

		const res = await ok(fe.updateRegistrationFlow({
			flow: flow.id, cookie: jar.header(),
			updateRegistrationFlowBody: { method: 'password', password, traits: { email }, csrf_token: csrfToken(flow) },
		}), 200, 'updateRegistrationFlow');
		jar.update(res);
		assert.equal(res.data.identity?.traits?.email, email, 'identity');
		assert.equal(res.data.session?.identity?.id, res.data.identity.id, 'session');
		assert.equal(res.data.session_token, undefined, 'no session_token for a browser flow');
		assert.ok(jar.get(SESSION_COOKIE), `Set-Cookie ${SESSION_COOKIE}`);
		const s = await ok(fe.toSession({ cookie: jar.header() }), 200, 'toSession(cookie)');
		assert.equal(s.data.identity.traits.email, email);
	});

	it('a browser flow needs its CSRF cookie and token', async () => {
		const jar = new CookieJar();
		const flow = jar.update(await ok(fe.createBrowserLoginFlow(), 200)).data;
		await ok(fe.getLoginFlow({ id: flow.id, cookie: jar.header() }), 200, 'getLoginFlow with the cookie');
		await failsWith(fe.getLoginFlow({ id: flow.id }), { status: 403, id: 'security_csrf_violation' },
		    'getLoginFlow without the cookie');
		await failsWith(fe.updateLoginFlow({
			flow: flow.id, cookie: jar.header(),
			updateLoginFlowBody: { method: 'password', identifier: email, password, csrf_token: 'wrong' },
		}), { status: 403, id: 'security_csrf_violation' }, 'updateLoginFlow with a wrong csrf_token');
		await failsWith(fe.updateLoginFlow({
			flow: flow.id,
			updateLoginFlowBody: { method: 'password', identifier: email, password, csrf_token: csrfToken(flow) },
		}), { status: 403, id: 'security_csrf_violation' }, 'updateLoginFlow without the cookie');
		await failsWith(fe.getLoginFlow({ id: '00000000-0000-4000-8000-000000000000', cookie: jar.header() }),
		    { status: 404 }, 'getLoginFlow of an unknown id');
	});

	it('createBrowserLoginFlow + updateLoginFlow: 200 {session}, session cookie, no token', async () => {
		const { jar, res } = await browserLogin(email, password);
		assert.equal(res.status, 200, show(res));
		assert.equal(res.data.session?.identity?.traits?.email, email);
		assert.equal(res.data.session_token, undefined, 'no session_token for a browser flow');
		assert.ok(jar.get(SESSION_COOKIE), 'session cookie');
		const s = await ok(fe.toSession({ cookie: jar.header() }), 200, 'toSession(cookie)');
		assert.equal(s.data.id, res.data.session.id);

		// signed in: a new login flow is refused (Kratos: 400 session_already_available)
		await failsWith(fe.createBrowserLoginFlow({ cookie: jar.header() }), { status: 400, id: 'session_already_available' },
		    'createBrowserLoginFlow while signed in');
	});

	it('a wrong password: 400 with the flow (4000006)', async () => {
		const { res, flow } = await browserLogin(email, password + 'x');
		assert.equal(res.status, 400, show(res));
		assert.equal(res.data.id, flow.id);
		assert.ok(messageIds(res.data).includes(4000006), `4000006: ${messageIds(res.data)}`);
		assert.ok(csrfToken(res.data), 'the returned flow still has its csrf_token');
	});

	it('createBrowserSettingsFlow + updateSettingsFlow (profile), cookie forwarded', async () => {
		const { jar } = await browserLogin(email, password);
		const flow = jar.update(await ok(fe.createBrowserSettingsFlow({ cookie: jar.header() }), 200,
		    'createBrowserSettingsFlow')).data;
		assert.equal(flow.type, 'browser');
		assert.equal(flow.identity.traits.email, email);
		await ok(fe.getSettingsFlow({ id: flow.id, cookie: jar.header() }), 200, 'getSettingsFlow(cookie)');
		const res = await ok(fe.updateSettingsFlow({
			flow: flow.id, cookie: jar.header(),
			updateSettingsFlowBody: { method: 'profile', traits: { email, name: 'Grace Hopper' }, csrf_token: csrfToken(flow) },
		}), 200, 'updateSettingsFlow profile');
		assert.equal(res.data.state, 'success');
		assert.ok(messageIds(res.data).includes(1050001), `1050001: ${messageIds(res.data)}`);
		await failsWith(fe.createBrowserSettingsFlow(), { status: 401 }, 'createBrowserSettingsFlow without a session');
	});

	it('TOTP enrolment in a browser settings flow', async () => {
		const { jar } = await browserLogin(email, password);
		const flow = jar.update(await ok(fe.createBrowserSettingsFlow({ cookie: jar.header() }), 200)).data;
		secret = node(flow, 'totp_secret_key')?.attributes?.text?.text;
		assert.match(secret || '', /^[A-Z2-7]{16,}$/, 'totp_secret_key');
		const { code, step } = await nextTotp(secret);
		const res = await ok(fe.updateSettingsFlow({
			flow: flow.id, cookie: jar.header(),
			updateSettingsFlowBody: { method: 'totp', totp_code: code, csrf_token: csrfToken(flow) },
		}), 200, 'updateSettingsFlow totp');
		usedStep = step;
		assert.equal(res.data.state, 'success');
		assert.ok(node(res.data, 'totp_unlink'), 'totp_unlink');
	});

	it('the seed document\'s snippet: sdk.toSession() at aal1 -> 403 session_aal2_required, then step-up', async () => {
		assert.ok(secret, 'TOTP enrolled');
		// 1. password: Kratos answers a JSON browser login that needs a second factor with
		//    422 browser_location_change_required, the aal1 session cookie already set
		const { jar, res } = await browserLogin(email, password);
		assert.equal(res.status, 422, `password login of a TOTP user: ${show(res)}`);
		assert.equal(res.data.error?.id, 'browser_location_change_required', 'error.id');
		assert.match(res.data.redirect_browser_to || '', /\/self-service\/login\/browser\?aal=aal2/, 'redirect_browser_to');
		assert.ok(jar.get(SESSION_COOKIE), 'the aal1 session cookie is set');

		// 2. the snippet, verbatim, with an SDK bound to this browser's cookies
		const sdk = frontendApi(h.server.url, { headers: { Cookie: jar.header() } });
		const outcome = {};
		await sdk
			.toSession()
			.then(({ data: session }) => {
				outcome.session = session;	// User has completed all required authentication steps
			})
			.catch((error) => {
				if (error.response?.status === 403 && error.response?.data.error?.id === 'session_aal2_required') {
					outcome.aal2 = error.response.data;	// navigate("/login?aal=aal2")
					return;
				}
				outcome.other = error;
			});
		assert.equal(outcome.other, undefined, `unexpected error: ${show(outcome.other)}`);
		assert.equal(outcome.session, undefined, 'toSession must not succeed at aal1');
		assert.ok(outcome.aal2, 'the 403 session_aal2_required branch ran');
		assert.equal(outcome.aal2.error.code, 403);
		assert.match(outcome.aal2.redirect_browser_to, /\/self-service\/login\/browser\?aal=aal2/, 'redirect_browser_to');
		assert.ok(outcome.aal2.redirect_browser_to.startsWith(h.server.url), 'redirect_browser_to is on the public URL');

		// the same policy guards the session API (Kratos #3671)
		await failsWith(sdk.listMySessions(), { status: 403, id: 'session_aal2_required' }, 'listMySessions at aal1');
		await failsWith(sdk.disableMyOtherSessions(), { status: 403, id: 'session_aal2_required' }, 'disableMyOtherSessions at aal1');

		// 3. step-up: createBrowserLoginFlow({aal: aal2}) with the cookie, then the TOTP code
		const flow = jar.update(await ok(fe.createBrowserLoginFlow({ aal: 'aal2', cookie: jar.header() }), 200,
		    'createBrowserLoginFlow aal2')).data;
		assert.equal(flow.requested_aal, 'aal2');
		assert.ok(messageIds(flow).includes(1010004), `1010004: ${messageIds(flow)}`);
		const { code, step } = await nextTotp(secret, usedStep);
		const up = await ok(fe.updateLoginFlow({
			flow: flow.id, cookie: jar.header(),
			updateLoginFlowBody: { method: 'totp', totp_code: code, csrf_token: csrfToken(flow) },
		}), 200, 'updateLoginFlow totp');
		usedStep = step;
		jar.update(up);
		assert.equal(up.data.session.authenticator_assurance_level, 'aal2');

		// 4. the second snippet: the session's AAL and methods
		const sdk2 = frontendApi(h.server.url, { headers: { Cookie: jar.header() } });
		const { data: session } = await ok(sdk2.toSession(), 200, 'toSession at aal2');
		assert.equal(session.authenticator_assurance_level, 'aal2');
		assert.deepEqual(session.authentication_methods.map((m) => m.method), ['password', 'totp']);
		await ok(sdk2.listMySessions(), 200, 'listMySessions at aal2');
	});

	it('createBrowserLogoutFlow + updateLogoutFlow({token}): 204 for the SDK; the cookie is dead', async () => {
		const { jar, res } = await browserLogin(email, password);
		assert.equal(res.status, 422, show(res));	// TOTP user: aal1 is enough to sign out
		const cookie = jar.header();
		const lf = await ok(fe.createBrowserLogoutFlow({ cookie }), 200, 'createBrowserLogoutFlow');
		assert.match(lf.data.logout_token || '', /^ory_lo_/, 'logout_token');
		assert.equal(lf.data.logout_url, `${h.server.url}self-service/logout?token=${lf.data.logout_token}`, 'logout_url');
		const out = await ok(fe.updateLogoutFlow({ token: lf.data.logout_token, cookie }), 204, 'updateLogoutFlow');
		jar.update(out);
		assert.equal(jar.get(SESSION_COOKIE), undefined, 'the session cookie is removed');
		await failsWith(fe.toSession({ cookie }), { status: 401 }, 'toSession with the old cookie');
		await failsWith(fe.createBrowserLogoutFlow({ cookie }), { status: 401 }, 'createBrowserLogoutFlow without a session');
	});

	it('getFlowError returns a stored error ({id, error: {code, id, message}})', async () => {
		// An HTML form post without its CSRF cookie fails.  Kratos answers a
		// browser with 303 to selfservice.flows.error.ui_url?id=<error id>,
		// and the error UI reads it with getFlowError.  A server that renders
		// the error page itself must still expose that id on the page.
		const c = new Client(h.server.url);
		const r = await c.get('self-service/login/browser', { accept: HTML_ACCEPT });
		const flowId = new URL(r.location).searchParams.get('flow');
		const bare = new Client(h.server.url);
		const post = await bare.post(`self-service/login?flow=${flowId}`, {
			form: { method: 'password', identifier: email, password, csrf_token: 'x' }, accept: HTML_ACCEPT,
		});
		let id = null;
		if (post.status === 303) {
			id = new URL(post.location).searchParams.get('id');
		} else {
			assert.equal(post.status, 403, `CSRF failure: ${post.status} ${post.text.slice(0, 200)}`);
			const m = /data-error-id="([0-9a-f-]{36})"|[?&](?:amp;)?id=([0-9a-f-]{36})/i.exec(post.text);
			id = m && (m[1] || m[2]);
		}
		assert.match(id || '', UUID_RE, `the browser learns the stored error's id (Kratos: 303 to the error UI ` +
		    `with ?id=); got ${post.status} ${post.location || ''} and no id on the page`);
		const e = await ok(fe.getFlowError({ id }), 200, 'getFlowError');
		assert.equal(e.data.id, id);
		assert.equal(e.data.error?.code, 403, `error.code: ${show(e)}`);
		assert.equal(e.data.error?.id, 'security_csrf_violation');
		assert.equal(typeof e.data.error?.message, 'string');
	});

	it('getFlowError of an unknown id: 404 with the error envelope', async () => {
		await failsWith(fe.getFlowError({ id: '00000000-0000-4000-8000-000000000000' }), { status: 404 }, 'getFlowError of an unknown id');
	});
});

suite('t5010 @ory/client: browser registration with the generated hooks (session, show_mfa_setup)',
    { skip: skipReason() || mfaSkipReason() }, () => {
	const h = useMfaServer();

	it('updateRegistrationFlow: 200 {session, identity}, continue_with redirect_browser_to the second-factor setup', async () => {
		const fe = frontendApi(h.server.url);
		const jar = new CookieJar();
		const flow = jar.update(await ok(fe.createBrowserRegistrationFlow(), 200)).data;
		const email = uniqueEmail('sdk-spa-setup');
		const res = await ok(fe.updateRegistrationFlow({
			flow: flow.id, cookie: jar.header(),
			updateRegistrationFlowBody: { method: 'password', password: strongPassword(), traits: { email }, csrf_token: csrfToken(flow) },
		}), 200, 'updateRegistrationFlow');
		jar.update(res);
		assert.equal(res.data.identity?.traits?.email, email);
		assert.ok(jar.get(SESSION_COOKIE), 'signed in');
		const cw = res.data.continue_with || [];
		const go = cw.find((c) => c.action === 'redirect_browser_to');
		assert.ok(go, `continue_with redirect_browser_to: ${JSON.stringify(cw)}`);
		const u = new URL(go.redirect_browser_to);
		assert.equal(u.origin + u.pathname, `${basePathOf(h.server.url)}/self-service/settings/browser`, go.redirect_browser_to);
		// the app follows it: a settings flow for the new identity
		const settings = await ok(fe.createBrowserSettingsFlow({ cookie: jar.header() }), 200, 'createBrowserSettingsFlow');
		assert.ok(node(settings.data, 'totp_secret_key'), 'TOTP enrolment offered');
	});
});

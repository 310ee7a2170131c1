// @ory/client against Gatehouse, as a native app uses it: api flows and
// session tokens.  Registration (with the generated configuration's
// after-registration hooks, session + show_mfa_setup), login, settings
// (profile, password, TOTP enrolment, recovery codes), aal2 step-up with
// X-Session-Token, whoami, native logout, and the refusals: an api flow
// sent with a cookie, another identity's settings flow.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason } from './lib/server.mjs';
import { uniqueEmail, strongPassword } from './lib/flows.mjs';
import { useMfaServer, mfaSkipReason, decodeQr, parseOtpauth } from './lib/mfa.mjs';
import {
	frontendApi, ok, fails, failsWith, assertErrorEnvelope, describe as show, node, messageIds,
	registerNative, loginNative, enrolTotpNative, setupLookupNative, nextTotp, UUID_RE,
} from './lib/sdk.mjs';

suite('t5000 @ory/client: native (api) flows with session tokens', { skip: skipReason() || mfaSkipReason() }, () => {
	// keeps the generated after-registration hooks: session, show_mfa_setup
	const h = useMfaServer();
	let fe;
	const email = uniqueEmail('sdk-native');
	let password = strongPassword();
	let token;		// the registration's session token
	let identityId;
	let regBody;
	let secret;		// TOTP secret once enrolled
	let usedStep = -Infinity;
	let recovery = [];

	before(() => {
		if (h.server) fe = frontendApi(h.server.url);
	});

	it('createNativeRegistrationFlow + updateRegistrationFlow: session, session_token, no browser redirect', async () => {
		const flow = (await ok(fe.createNativeRegistrationFlow(), 200, 'createNativeRegistrationFlow')).data;
		assert.match(flow.id, UUID_RE, 'flow.id');
		assert.equal(flow.type, 'api', 'flow.type');
		assert.equal(node(flow, 'csrf_token'), undefined, 'an api flow has no csrf_token node');
		assert.ok(node(flow, 'traits.email') && node(flow, 'password'), 'traits.email and password nodes');
		assert.equal(flow.ui.action, `${h.server.url}self-service/registration?flow=${flow.id}`, 'ui.action');

		const res = await ok(fe.updateRegistrationFlow({
			flow: flow.id,
			updateRegistrationFlowBody: { method: 'password', password, traits: { email } },
		}), 200, 'updateRegistrationFlow');
		const body = res.data;
		regBody = body;
		token = body.session_token;
		identityId = body.identity?.id;
		assert.match(body.session_token || '', /^ory_st_/, `session_token: ${show(res)}`);
		assert.equal(body.session?.active, true, 'session.active');
		assert.equal(body.session.authenticator_assurance_level, 'aal1', 'aal1 after sign-up');
		assert.deepEqual(body.session.authentication_methods.map((m) => m.method), ['password']);
		assert.equal(body.identity?.traits?.email, email, 'identity.traits.email');
		assert.equal(body.session.identity?.id, body.identity.id, 'session.identity is the new identity');
		assert.equal(res.headers['set-cookie'], undefined, 'an api flow sets no cookie');
		// show_mfa_setup is for browsers: nothing sends a native app to a browser URL
		assert.ok(!(body.continue_with || []).some((c) => c.action === 'redirect_browser_to'),
		    `no redirect_browser_to for a native app: ${JSON.stringify(body.continue_with)}`);
	});

	it('native registration: continue_with [{action: set_ory_session_token, ory_session_token}] as Kratos\'s session hook', async () => {
		assert.ok(regBody, 'registration ran');
		const cw = regBody.continue_with;
		assert.ok(Array.isArray(cw), `continue_with is a list: ${JSON.stringify(Object.keys(regBody))}`);
		assert.ok(cw.some((c) => c.action === 'set_ory_session_token' && c.ory_session_token === regBody.session_token),
		    `continue_with has set_ory_session_token with the token: ${JSON.stringify(cw)}`);
	});

	it('toSession accepts the token as X-Session-Token and as Authorization: Bearer', async () => {
		assert.ok(token, 'registration ran');
		const a = await ok(fe.toSession({ xSessionToken: token }), 200, 'toSession(xSessionToken)');
		assert.equal(a.data.identity.id, identityId);
		assert.equal(a.data.identity.traits.email, email);
		assert.equal(a.headers['x-kratos-authenticated-identity-id'], identityId, 'X-Kratos-Authenticated-Identity-Id');
		assert.equal(a.data.identity.credentials, undefined, 'whoami carries no credentials');
		const b = await ok(fe.toSession({}, { headers: { Authorization: `Bearer ${token}` } }), 200, 'toSession(Bearer)');
		assert.equal(b.data.id, a.data.id, 'same session');
		await failsWith(fe.toSession({ xSessionToken: 'ory_st_' + 'x'.repeat(32) }), { status: 401 }, 'toSession(bogus token)');
		await failsWith(fe.toSession(), { status: 401 }, 'toSession() without credentials');
	});

	it('createNativeRegistrationFlow/updateLoginFlow on an api flow refuse a request that carries a cookie', async () => {
		const flow = (await ok(fe.createNativeLoginFlow(), 200, 'createNativeLoginFlow')).data;
		const res = await fails(fe.updateLoginFlow({
			flow: flow.id, cookie: 'ory_kratos_session=anything',
			updateLoginFlowBody: { method: 'password', identifier: email, password },
		}), 'updateLoginFlow(api flow, with Cookie)');
		assert.equal(res.status, 400, `api flow + cookie: ${show(res)}`);
		assert.equal(res.data?.session_token, undefined, 'no session token');
		assert.equal(res.headers['set-cookie'], undefined, 'no cookie set');

		const rflow = (await ok(fe.createNativeRegistrationFlow(), 200)).data;
		const r2 = await fails(fe.updateRegistrationFlow({
			flow: rflow.id, cookie: 'csrf_token_x=y',
			updateRegistrationFlowBody: { method: 'password', password: strongPassword(), traits: { email: uniqueEmail('sdk-cookie') } },
		}), 'updateRegistrationFlow(api flow, with Cookie)');
		assert.equal(r2.status, 400, `api registration flow + cookie: ${show(r2)}`);
	});

	it('native settings: profile traits', async () => {
		const flow = (await ok(fe.createNativeSettingsFlow({ xSessionToken: token }), 200, 'createNativeSettingsFlow')).data;
		assert.equal(flow.type, 'api');
		assert.equal(flow.identity.id, identityId, 'settings flow carries the identity');
		assert.equal(node(flow, 'traits.email').attributes.value, email, 'traits.email prefilled');
		const got = await ok(fe.getSettingsFlow({ id: flow.id, xSessionToken: token }), 200, 'getSettingsFlow');
		assert.equal(got.data.id, flow.id);
		const res = await ok(fe.updateSettingsFlow({
			flow: flow.id, xSessionToken: token,
			updateSettingsFlowBody: { method: 'profile', traits: { email, name: 'Ada Lovelace' } },
		}), 200, 'updateSettingsFlow profile');
		assert.equal(res.data.state, 'success', 'state success');
		assert.ok(messageIds(res.data).includes(1050001), `1050001: ${messageIds(res.data)}`);
		assert.equal(res.data.identity.traits.name, 'Ada Lovelace', 'identity in the flow updated');
		const s = await ok(fe.toSession({ xSessionToken: token }), 200);
		assert.equal(s.data.identity.traits.name, 'Ada Lovelace', 'whoami sees the new trait');
	});

	it('native settings: validation errors answer 400 with the flow', async () => {
		const flow = (await ok(fe.createNativeSettingsFlow({ xSessionToken: token }), 200)).data;
		const res = await fails(fe.updateSettingsFlow({
			flow: flow.id, xSessionToken: token,
			updateSettingsFlowBody: { method: 'password', password: 'short' },
		}), 'updateSettingsFlow with a 5-character password');
		assert.equal(res.status, 400, show(res));
		assert.equal(res.data.id, flow.id, 'the body is the flow');
		assert.ok(messageIds(res.data).includes(4000032), `4000032 too short: ${messageIds(res.data)}`);
	});

	it('native settings: password change; the new password signs in, the old one does not', async () => {
		const flow = (await ok(fe.createNativeSettingsFlow({ xSessionToken: token }), 200)).data;
		const next = strongPassword('n');
		const res = await ok(fe.updateSettingsFlow({
			flow: flow.id, xSessionToken: token,
			updateSettingsFlowBody: { method: 'password', password: next },
		}), 200, 'updateSettingsFlow password');
		assert.equal(res.data.state, 'success');
		const old = password;
		password = next;
		const lf = (await ok(fe.createNativeLoginFlow(), 200)).data;
		const bad = await fails(fe.updateLoginFlow({
			flow: lf.id, updateLoginFlowBody: { method: 'password', identifier: email, password: old },
		}), 'login with the old password');
		assert.equal(bad.status, 400, show(bad));
		assert.equal(bad.data.id, lf.id, 'the body is the login flow');
		assert.ok(messageIds(bad.data).includes(4000006), `4000006: ${messageIds(bad.data)}`);
		const good = await loginNative(fe, email, password);
		assert.match(good.session_token, /^ory_st_/);
		assert.notEqual(good.session_token, token, 'a new session');
		assert.equal(good.session.identity.id, identityId, 'identity included (no second factor yet)');
	});

	it('native settings: TOTP enrolment from totp_secret_key / totp_qr, then {method: totp, totp_code}', async () => {
		const r = await enrolTotpNative(fe, token);
		secret = r.secret;
		usedStep = r.step;
		const qr = node(r.before, 'totp_qr');
		assert.equal(qr?.type, 'img', 'totp_qr is an img node');
		assert.match(qr.attributes.src, /^data:image\/png;base64,/, 'totp_qr src is a PNG data URI');
		const uri = parseOtpauth(await decodeQr(qr.attributes.src));
		assert.equal(uri.params.secret, secret, 'the QR code holds the same secret');
		assert.equal(node(r.before, 'totp_secret_key').attributes.text.id, 1050006, 'totp_secret_key text id');
		assert.equal(r.flow.state, 'success', `state after enrolment: ${JSON.stringify(r.flow.ui.messages)}`);
		assert.ok(messageIds(r.flow).includes(1050001), `1050001: ${messageIds(r.flow)}`);
		assert.ok(node(r.flow, 'totp_unlink'), 'totp_unlink offered after enrolment');
		assert.equal(node(r.flow, 'totp_secret_key'), undefined, 'the secret is no longer shown');
		const s = await ok(fe.toSession({ xSessionToken: token }), 200, 'toSession after enrolment');
		assert.equal(s.data.authenticator_assurance_level, 'aal2', 'enrolling TOTP raises the session to aal2');
		assert.deepEqual(s.data.authentication_methods.map((m) => m.method), ['password', 'totp']);
	});

	it('native settings: recovery codes (lookup_secret_regenerate, then lookup_secret_confirm)', async () => {
		assert.ok(secret, 'TOTP enrolled');
		const r = await setupLookupNative(fe, token);
		assert.equal(r.codes.length, 12, `12 codes: ${r.codes}`);
		assert.ok(r.codes.every((c) => typeof c === 'string' && c.length >= 8), `codes: ${r.codes}`);
		assert.ok(node(r.generated, 'lookup_secret_confirm'), 'lookup_secret_confirm offered with the codes');
		assert.equal(node(r.generated, 'lookup_secret_codes').attributes.text.id, 1050015, 'codes text id');
		assert.ok(messageIds(r.flow).includes(1050001), `1050001 after confirm: ${messageIds(r.flow)}`);
		assert.ok(node(r.flow, 'lookup_secret_reveal'), 'lookup_secret_reveal offered once confirmed');
		recovery = r.codes;
	});

	it('password login of a TOTP user: aal1 session without identity; toSession 403 session_aal2_required', async () => {
		assert.ok(secret, 'TOTP enrolled');
		const body = await loginNative(fe, email, password);
		assert.equal(body.session.authenticator_assurance_level, 'aal1');
		assert.ok(body.session.identity == null, `the aal1 session of a TOTP user omits the identity: ${JSON.stringify(body.session.identity)}`);
		const res = await failsWith(fe.toSession({ xSessionToken: body.session_token }),
		    { status: 403, id: 'session_aal2_required' }, 'toSession at aal1');
		assert.match(res.data.redirect_browser_to || '', /\/self-service\/login\/browser\?aal=aal2/, 'redirect_browser_to');
		await failsWith(fe.listMySessions({ xSessionToken: body.session_token }),
		    { status: 403, id: 'session_aal2_required' }, 'listMySessions at aal1');
		await failsWith(fe.createNativeSettingsFlow({ xSessionToken: body.session_token }),
		    { status: 403, id: 'session_aal2_required' }, 'createNativeSettingsFlow at aal1');
	});

	it('aal2 step-up: createNativeLoginFlow({aal: aal2, xSessionToken}) then {method: totp}', async () => {
		const first = await loginNative(fe, email, password);
		const t = first.session_token;
		const flow = (await ok(fe.createNativeLoginFlow({ aal: 'aal2', xSessionToken: t }), 200, 'createNativeLoginFlow aal2')).data;
		assert.equal(flow.requested_aal, 'aal2', 'requested_aal');
		assert.ok(messageIds(flow).includes(1010004), `1010004: ${messageIds(flow)}`);
		assert.ok(node(flow, 'totp_code'), 'totp_code node');
		assert.ok(node(flow, 'lookup_secret'), 'lookup_secret node');
		assert.equal(node(flow, 'password'), undefined, 'no password node at aal2');

		// a wrong code: 400 with the flow and 4000008
		const bad = await fails(fe.updateLoginFlow({
			flow: flow.id, xSessionToken: t, updateLoginFlowBody: { method: 'totp', totp_code: '000000' },
		}), 'wrong TOTP code');
		assert.equal(bad.status, 400, show(bad));
		assert.ok(messageIds(bad.data).includes(4000008), `4000008: ${messageIds(bad.data)}`);

		const { code, step } = await nextTotp(secret, usedStep);
		const res = await ok(fe.updateLoginFlow({
			flow: flow.id, xSessionToken: t, updateLoginFlowBody: { method: 'totp', totp_code: code },
		}), 200, 'updateLoginFlow totp');
		usedStep = step;
		assert.equal(res.data.session.authenticator_assurance_level, 'aal2');
		assert.equal(res.data.session_token, t, 'the step-up keeps the session token');
		assert.equal(res.data.session.id, first.session.id, 'same session');
		const s = await ok(fe.toSession({ xSessionToken: t }), 200, 'toSession after step-up');
		assert.equal(s.data.authenticator_assurance_level, 'aal2');
		assert.deepEqual(s.data.authentication_methods.map((m) => m.method), ['password', 'totp']);
		await ok(fe.listMySessions({ xSessionToken: t }), 200, 'listMySessions at aal2');
	});

	it('aal2 step-up with a recovery code; a used code is refused (4000012)', async () => {
		assert.equal(recovery.length, 12, 'recovery codes set up');
		const first = await loginNative(fe, email, password);
		const t = first.session_token;
		const flow = (await ok(fe.createNativeLoginFlow({ aal: 'aal2', xSessionToken: t }), 200)).data;
		const res = await ok(fe.updateLoginFlow({
			flow: flow.id, xSessionToken: t,
			updateLoginFlowBody: { method: 'lookup_secret', lookup_secret: recovery[0] },
		}), 200, 'updateLoginFlow lookup_secret');
		assert.equal(res.data.session.authenticator_assurance_level, 'aal2');
		assert.deepEqual(res.data.session.authentication_methods.map((m) => m.method), ['password', 'lookup_secret']);

		const again = await loginNative(fe, email, password);
		const f2 = (await ok(fe.createNativeLoginFlow({ aal: 'aal2', xSessionToken: again.session_token }), 200)).data;
		const used = await fails(fe.updateLoginFlow({
			flow: f2.id, xSessionToken: again.session_token,
			updateLoginFlowBody: { method: 'lookup_secret', lookup_secret: recovery[0] },
		}), 'a used recovery code');
		assert.equal(used.status, 400, show(used));
		assert.ok(messageIds(used.data).includes(4000012), `4000012: ${messageIds(used.data)}`);
	});

	it('aal2 login flow without a session: 401 session_aal1_required', async () => {
		await failsWith(fe.createNativeLoginFlow({ aal: 'aal2' }), { status: 401, id: 'session_aal1_required' },
		    'createNativeLoginFlow aal2 without a token');
	});

	it('another identity\'s settings flow id: 403 (security_identity_mismatch)', async () => {
		const other = await registerNative(fe, uniqueEmail('sdk-other'), strongPassword());
		const flow = (await ok(fe.createNativeSettingsFlow({ xSessionToken: token }), 200)).data;
		await failsWith(fe.getSettingsFlow({ id: flow.id, xSessionToken: other.session_token }),
		    { status: 403, id: 'security_identity_mismatch' }, 'getSettingsFlow with another identity\'s token');
		const res = await failsWith(fe.updateSettingsFlow({
			flow: flow.id, xSessionToken: other.session_token,
			updateSettingsFlowBody: { method: 'profile', traits: { email: uniqueEmail('hijack') } },
		}), { status: 403, id: 'security_identity_mismatch' }, 'updateSettingsFlow with another identity\'s token');
		assert.equal(res.data.identity, undefined, 'the other identity is not disclosed');
		const s = await ok(fe.toSession({ xSessionToken: token }), 200);
		assert.equal(s.data.identity.traits.email, email, 'traits unchanged');
	});

	it('performNativeLogout({session_token}): 204; the token is dead; an unknown token is 403', async () => {
		const t = token;	// the registration's session, aal2 since the TOTP enrolment
		await ok(fe.toSession({ xSessionToken: t }), 200, 'toSession before logout');
		const res = await ok(fe.performNativeLogout({ performNativeLogoutBody: { session_token: t } }), 204, 'performNativeLogout');
		assert.ok(res.data === '' || res.data === undefined || res.data === null, `empty body: ${show(res)}`);
		await failsWith(fe.toSession({ xSessionToken: t }), { status: 401 }, 'toSession after logout');
		await failsWith(fe.performNativeLogout({ performNativeLogoutBody: { session_token: t } }), { status: 403 },
		    'performNativeLogout with a dead token');
		const missing = await fails(fe.performNativeLogout({ performNativeLogoutBody: {} }), 'performNativeLogout without a token');
		assert.equal(missing.status, 400, show(missing));
		assertErrorEnvelope(missing, { status: 400 }, 'performNativeLogout without a token');
	});
});

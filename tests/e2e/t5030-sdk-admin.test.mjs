// @ory/client's IdentityApi against Gatehouse's admin API (same origin,
// under /admin, Authorization: Bearer <gatehouse.admin.api_key> -- the SDK
// sends Configuration.accessToken that way).  Identities: create, list
// (paged), get, update, delete, delete second-factor credentials; sessions:
// list/delete an identity's, get (expand identity), disable.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, useServer } from './lib/server.mjs';
import { uniqueEmail, strongPassword } from './lib/flows.mjs';
import { mfaSkipReason } from './lib/mfa.mjs';
import {
	ADMIN_CONFIG, frontendApi, identityApi, ok, fails, failsWith, describe as show, messageIds,
	loginNative, identityBody, UUID_RE,
} from './lib/sdk.mjs';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const TOTP_URL = (email) => `otpauth://totp/Gatehouse:${encodeURIComponent(email)}?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Gatehouse`;

suite('t5030 @ory/client IdentityApi: the admin API', { skip: skipReason() || mfaSkipReason() }, () => {
	const h = useServer({ config: ADMIN_CONFIG });
	let fe;
	let admin;

	before(() => {
		if (!h.server) return;
		fe = frontendApi(h.server.url);
		admin = identityApi(h.server.url);
	});

	/* createIdentity with a plain password; returns the identity. */
	async function create(email, password, extra = {}) {
		const res = await ok(admin.createIdentity({
			createIdentityBody: identityBody(email, {
				credentials: { password: { config: { password } } }, ...extra,
			}),
		}), 201, `createIdentity ${email}`);
		return res.data;
	}

	it('createIdentity: 201 with the identity; credentials summarised without config', async () => {
		const email = uniqueEmail('adm-create');
		const res = await ok(admin.createIdentity({
			createIdentityBody: identityBody(email, { credentials: { password: { config: { password: strongPassword() } } } }),
		}), 201, 'createIdentity');
		const ident = res.data;
		assert.match(ident.id, UUID_RE);
		assert.equal(ident.schema_id, 'default');
		assert.equal(ident.state, 'active');
		assert.deepEqual(ident.traits, { email });
		assert.equal(ident.credentials?.password?.type, 'password');
		assert.deepEqual(ident.credentials.password.identifiers, [email]);
		assert.equal(ident.credentials.password.config, undefined, 'no config (no hash) in the answer');
		if (res.headers.location) assert.ok(res.headers.location.endsWith(`/admin/identities/${ident.id}`), 'Location');

		// without credentials: an identity that cannot sign in yet
		const bare = await ok(admin.createIdentity({ createIdentityBody: identityBody(uniqueEmail('adm-bare')) }), 201);
		assert.equal(bare.data.credentials?.password, undefined, 'no password credential');
		// inactive from the start
		const off = await ok(admin.createIdentity({ createIdentityBody: identityBody(uniqueEmail('adm-off'), { state: 'inactive' }) }), 201);
		assert.equal(off.data.state, 'inactive');
	});

	it('createIdentity refusals: 409 for a taken identifier, 400 for bad traits or schema', async () => {
		const email = uniqueEmail('adm-dup');
		await create(email, strongPassword());
		await failsWith(admin.createIdentity({ createIdentityBody: identityBody(email) }), { status: 409 }, 'duplicate');
		await failsWith(admin.createIdentity({ createIdentityBody: identityBody(email.toUpperCase()) }), { status: 409 },
		    'duplicate in another case');
		await failsWith(admin.createIdentity({ createIdentityBody: { schema_id: 'default', traits: {} } }), { status: 400 },
		    'missing email');
		await failsWith(admin.createIdentity({ createIdentityBody: identityBody('not-an-email') }), { status: 400 }, 'bad email');
		await failsWith(admin.createIdentity({ createIdentityBody: { schema_id: 'nope', traits: { email: uniqueEmail('adm-x') } } }),
		    { status: 400 }, 'unknown schema');
		await failsWith(admin.createIdentity({
			createIdentityBody: identityBody(uniqueEmail('adm-hash'), { credentials: { password: { config: { hashed_password: 'plain-text' } } } }),
		}), { status: 400 }, 'an unrecognised hash');
	});

	it('an identity created by the admin signs in with its password (native login)', async () => {
		const email = uniqueEmail('adm-login');
		const pw = strongPassword();
		const ident = await create(email, pw);
		const body = await loginNative(fe, email, pw);
		assert.equal(body.session.identity.id, ident.id);
	});

	it('listIdentities: page_size/page_token with a Link header; credentials_identifier filter', async () => {
		const made = [];
		for (let i = 0; i < 5; i++) made.push((await create(uniqueEmail('adm-list'), strongPassword())).id);
		const seen = [];
		let pageToken;
		for (let n = 0; n < 100; n++) {
			const res = await ok(admin.listIdentities({ pageSize: 2, pageToken }), 200, 'listIdentities');
			assert.ok(res.data.length <= 2, `page size respected: ${res.data.length}`);
			for (const i of res.data) {
				assert.equal(i.credentials?.password?.config, undefined, 'no credential config in lists');
				seen.push(i.id);
			}
			const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.link || '');
			if (!next) break;
			pageToken = new URL(next[1], h.server.url).searchParams.get('page_token');
			assert.ok(pageToken, `page_token in ${res.headers.link}`);
		}
		assert.equal(new Set(seen).size, seen.length, 'no identity listed twice');
		for (const id of made) assert.ok(seen.includes(id), `identity ${id} listed`);
		const all = await ok(admin.listIdentities(), 200);
		assert.equal(seen.length, all.data.length, 'paging visits every identity once');

		const email = uniqueEmail('adm-filter');
		const one = await create(email, strongPassword());
		const f = await ok(admin.listIdentities({ credentialsIdentifier: email }), 200, 'credentials_identifier');
		assert.deepEqual(f.data.map((i) => i.id), [one.id]);
		const none = await ok(admin.listIdentities({ credentialsIdentifier: uniqueEmail('nobody') }), 200);
		assert.deepEqual(none.data, []);
	});

	it('getIdentity: 200 with credentials (type, identifiers, version, dates; no config); 404 for an unknown id', async () => {
		const email = uniqueEmail('adm-get');
		const made = await create(email, strongPassword(), {
			credentials: {
				password: { config: { password: strongPassword() } },
				totp: { config: { totp_url: TOTP_URL(email) } },
				lookup_secret: { config: { codes: [{ code: 'code-one-1' }, { code: 'code-two-2' }] } },
			},
		});
		const res = await ok(admin.getIdentity({ id: made.id }), 200, 'getIdentity');
		assert.equal(res.data.traits.email, email);
		assert.deepEqual(Object.keys(res.data.credentials).sort(), ['lookup_secret', 'password', 'totp']);
		for (const [type, c] of Object.entries(res.data.credentials)) {
			assert.equal(c.type, type);
			assert.ok(Array.isArray(c.identifiers), `${type}.identifiers`);
			assert.ok(c.created_at && c.updated_at, `${type} dates`);
			assert.equal(c.config, undefined, `${type}: no config`);
		}
		const text = JSON.stringify(res.data);
		assert.ok(!/JBSWY3DPEHPK3PXP|code-one-1|\$argon2/.test(text), 'no secret anywhere in the answer');
		await failsWith(admin.getIdentity({ id: NO_SUCH_ID }), { status: 404 }, 'getIdentity(unknown)');
	});

	/* An identity with a live session, then PUT to inactive; returns { ident, live, email2, pw }. */
	async function deactivated() {
		const email = uniqueEmail('adm-put');
		const pw = strongPassword();
		const ident = await create(email, pw);
		const live = await loginNative(fe, email, pw);
		const email2 = uniqueEmail('adm-put2');
		const res = await ok(admin.updateIdentity({
			id: ident.id,
			updateIdentityBody: { schema_id: 'default', traits: { email: email2, name: 'Renamed' }, state: 'inactive' },
		}), 200, 'updateIdentity');
		assert.equal(res.data.state, 'inactive');
		assert.deepEqual(res.data.traits, { email: email2, name: 'Renamed' });
		assert.deepEqual(res.data.credentials.password.identifiers, [email2], 'the identifier follows the trait');
		return { ident, live, email2, pw };
	}

	it('updateIdentity (PUT traits + state): 200; an inactive identity cannot sign in; reactivated it can', async () => {
		const { ident, email2, pw } = await deactivated();
		const lf = (await ok(fe.createNativeLoginFlow(), 200)).data;
		const refused = await fails(fe.updateLoginFlow({
			flow: lf.id, updateLoginFlowBody: { method: 'password', identifier: email2, password: pw },
		}), 'login of an inactive identity');
		assert.ok(refused.status === 400 || refused.status === 401 || refused.status === 403, show(refused));
		assert.equal(refused.data.session_token, undefined, 'no session');
		assert.ok(messageIds(refused.data).includes(4010011) || refused.data.error?.id === 'identity_disabled',
		    `Kratos: message 4010011 / identity_disabled: ${show(refused)}`);

		await ok(admin.updateIdentity({
			id: ident.id, updateIdentityBody: { schema_id: 'default', traits: { email: email2 }, state: 'active' },
		}), 200, 'reactivate');
		const back = await loginNative(fe, email2, pw);
		assert.equal(back.session.identity.id, ident.id);
	});

	it('updateIdentity to inactive: the identity\'s existing sessions stop working (Kratos: session inactive -> 401)', async () => {
		const { live } = await deactivated();
		await failsWith(fe.toSession({ xSessionToken: live.session_token }), { status: 401 }, 'whoami for a session of an inactive identity');
		await failsWith(fe.listMySessions({ xSessionToken: live.session_token }), { status: 401 }, 'listMySessions likewise');
	});

	it('updateIdentity refusals: 409 taken identifier, 400 bad state, 404 unknown id', async () => {
		const email2 = uniqueEmail('adm-put-taken');
		await create(email2, strongPassword());
		const other = await create(uniqueEmail('adm-put3'), strongPassword());
		await failsWith(admin.updateIdentity({
			id: other.id, updateIdentityBody: { schema_id: 'default', traits: { email: email2 }, state: 'active' },
		}), { status: 409 }, 'updateIdentity to a taken identifier');
		await failsWith(admin.updateIdentity({
			id: other.id, updateIdentityBody: { schema_id: 'default', traits: { email: uniqueEmail('adm-ok') }, state: 'bogus' },
		}), { status: 400 }, 'updateIdentity with a bad state');
		await failsWith(admin.updateIdentity({
			id: NO_SUCH_ID, updateIdentityBody: { schema_id: 'default', traits: { email: uniqueEmail('x') }, state: 'active' },
		}), { status: 404 }, 'updateIdentity(unknown)');
	});

	it('deleteIdentityCredentials: totp and lookup_secret 204 then 404; password 400', async () => {
		const email = uniqueEmail('adm-creds');
		const ident = await create(email, strongPassword(), {
			credentials: {
				password: { config: { password: strongPassword() } },
				totp: { config: { totp_url: TOTP_URL(email) } },
				lookup_secret: { config: { codes: [{ code: 'abcd-1234' }] } },
			},
		});
		await ok(admin.deleteIdentityCredentials({ id: ident.id, type: 'totp' }), 204, 'delete totp');
		await failsWith(admin.deleteIdentityCredentials({ id: ident.id, type: 'totp' }), { status: 404 }, 'delete totp again');
		await ok(admin.deleteIdentityCredentials({ id: ident.id, type: 'lookup_secret' }), 204, 'delete lookup_secret');
		await failsWith(admin.deleteIdentityCredentials({ id: ident.id, type: 'lookup_secret' }), { status: 404 },
		    'delete lookup_secret again');
		await failsWith(admin.deleteIdentityCredentials({ id: ident.id, type: 'password' }), { status: 400 },
		    'delete the only password');
		await failsWith(admin.deleteIdentityCredentials({ id: NO_SUCH_ID, type: 'totp' }), { status: 404 }, 'unknown identity');
		const got = await ok(admin.getIdentity({ id: ident.id }), 200);
		assert.deepEqual(Object.keys(got.data.credentials), ['password'], 'only the password is left');
	});

	it('a user whose authenticator was reset by the admin signs in with the password alone (aal1 is enough again)', async () => {
		const email = uniqueEmail('adm-reset');
		const pw = strongPassword();
		const ident = await create(email, pw, {
			credentials: { password: { config: { password: pw } }, totp: { config: { totp_url: TOTP_URL(email) } } },
		});
		const before = await loginNative(fe, email, pw);
		await failsWith(fe.toSession({ xSessionToken: before.session_token }), { status: 403, id: 'session_aal2_required' });
		await ok(admin.deleteIdentityCredentials({ id: ident.id, type: 'totp' }), 204);
		await ok(fe.toSession({ xSessionToken: before.session_token }), 200, 'aal1 suffices without a second factor');
	});

	it('listIdentitySessions / deleteIdentitySessions', async () => {
		const email = uniqueEmail('adm-sess');
		const pw = strongPassword();
		const ident = await create(email, pw);
		const a = await loginNative(fe, email, pw);
		const b = await loginNative(fe, email, pw);
		const list = await ok(admin.listIdentitySessions({ id: ident.id }), 200, 'listIdentitySessions');
		assert.deepEqual(list.data.map((s) => s.id).sort(), [a.session.id, b.session.id].sort());
		for (const s of list.data) assert.equal(s.active, true);
		await ok(admin.deleteIdentitySessions({ id: ident.id }), 204, 'deleteIdentitySessions');
		await failsWith(fe.toSession({ xSessionToken: a.session_token }), { status: 401 });
		await failsWith(fe.toSession({ xSessionToken: b.session_token }), { status: 401 });
		const after = await ok(admin.listIdentitySessions({ id: ident.id, active: true }), 200);
		assert.deepEqual(after.data, [], 'no active sessions left');
		await failsWith(admin.listIdentitySessions({ id: NO_SUCH_ID }), { status: 404 }, 'listIdentitySessions(unknown)');
	});

	it('getSession({id, expand: [identity]}) and disableSession({id})', async () => {
		const email = uniqueEmail('adm-getsess');
		const pw = strongPassword();
		const ident = await create(email, pw);
		const s = await loginNative(fe, email, pw);
		const got = await ok(admin.getSession({ id: s.session.id, expand: ['identity'] }), 200, 'getSession expand identity');
		assert.equal(got.data.id, s.session.id);
		assert.equal(got.data.active, true);
		assert.equal(got.data.identity?.id, ident.id, 'identity expanded');
		assert.equal(got.data.identity.traits.email, email);
		const plain = await ok(admin.getSession({ id: s.session.id }), 200, 'getSession');
		assert.equal(plain.data.id, s.session.id);

		await ok(admin.disableSession({ id: s.session.id }), 204, 'disableSession');
		await failsWith(fe.toSession({ xSessionToken: s.session_token }), { status: 401 }, 'a disabled session');
		await failsWith(admin.getSession({ id: NO_SUCH_ID }), { status: 404 }, 'getSession(unknown)');
		await failsWith(admin.disableSession({ id: NO_SUCH_ID }), { status: 404 }, 'disableSession(unknown)');
	});

	it('a disabled session is kept and shown inactive (Kratos: getSession -> 200 {active: false})', async () => {
		const email = uniqueEmail('adm-disabled');
		const pw = strongPassword();
		await create(email, pw);
		const s = await loginNative(fe, email, pw);
		await ok(admin.disableSession({ id: s.session.id }), 204, 'disableSession');
		const gone = await ok(admin.getSession({ id: s.session.id }), 200, 'getSession of a disabled session');
		assert.equal(gone.data.active, false, 'active: false');
	});

	it('deleteIdentity: 204; gone (404) with its sessions; its identifier is free again', async () => {
		const email = uniqueEmail('adm-del');
		const pw = strongPassword();
		const ident = await create(email, pw);
		const s = await loginNative(fe, email, pw);
		await ok(admin.deleteIdentity({ id: ident.id }), 204, 'deleteIdentity');
		await failsWith(admin.getIdentity({ id: ident.id }), { status: 404 }, 'getIdentity after delete');
		await failsWith(fe.toSession({ xSessionToken: s.session_token }), { status: 401 }, 'its session');
		await failsWith(admin.deleteIdentity({ id: ident.id }), { status: 404 }, 'deleteIdentity again');
		const again = await create(email, pw);
		assert.notEqual(again.id, ident.id, 'the address can be used again');
	});
});

// Importing users with @ory/client's IdentityApi.createIdentity: password
// hashes from other systems (bcrypt, pbkdf2-sha256/sha512, argon2id,
// argon2i) verified at the first sign-in and then re-hashed with the
// configured hasher (argon2id); TOTP secrets (otpauth URI) and recovery
// codes that work for the second factor straight away.

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, useServer } from './lib/server.mjs';
import { uniqueEmail, strongPassword } from './lib/flows.mjs';
import { mfaSkipReason } from './lib/mfa.mjs';
import {
	ADMIN_CONFIG, IMPORTED, DB_DUMP, frontendApi, identityApi, ok, fails, failsWith, describe as show, node,
	messageIds, loginNative, stepUpTotpNative, pbkdf2Phc, storedPasswordHash, identityBody,
} from './lib/sdk.mjs';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';	// base32 of "12345678901234567890"

suite('t5040 @ory/client IdentityApi: importing password hashes, TOTP and recovery codes',
    { skip: skipReason() || mfaSkipReason() || (!DB_DUMP && 'db5.3_dump is not installed (apt-get install db5.3-util)') }, () => {
	const h = useServer({ config: ADMIN_CONFIG });
	let fe;
	let admin;

	before(() => {
		if (!h.server) return;
		fe = frontendApi(h.server.url);
		admin = identityApi(h.server.url);
	});

	async function importHash(email, hashed) {
		return (await ok(admin.createIdentity({
			createIdentityBody: identityBody(email, { credentials: { password: { config: { hashed_password: hashed } } } }),
		}), 201, `createIdentity with ${hashed.slice(0, 16)}…`)).data;
	}

	/* Import, sign in, check the upgrade to the configured argon2id; sign in again. */
	async function importSignInRehash(tag, hashed, password) {
		const email = uniqueEmail(`imp-${tag}`);
		const ident = await importHash(email, hashed);
		assert.equal(await storedPasswordHash(h.server.varDir, email), hashed, 'stored as imported until the first sign-in');

		// a wrong password is an ordinary 4000006, and leaves the hash alone
		const lf = (await ok(fe.createNativeLoginFlow(), 200)).data;
		const bad = await fails(fe.updateLoginFlow({
			flow: lf.id, updateLoginFlowBody: { method: 'password', identifier: email, password: password + 'x' },
		}), `${tag}: wrong password`);
		assert.equal(bad.status, 400, show(bad));
		assert.ok(messageIds(bad.data).includes(4000006), `4000006: ${messageIds(bad.data)}`);
		assert.equal(await storedPasswordHash(h.server.varDir, email), hashed, 'a failed sign-in does not re-hash');

		const body = await loginNative(fe, email, password);
		assert.equal(body.session.identity.id, ident.id, `${tag}: signed in as the imported identity`);
		const after = await storedPasswordHash(h.server.varDir, email);
		assert.match(after, /^\$argon2id\$v=19\$m=8192,t=1,p=\d+\$/, `${tag}: re-hashed with the configured argon2id (8MB, 1 iteration)`);
		assert.notEqual(after, hashed);

		const again = await loginNative(fe, email, password);
		assert.equal(again.session.identity.id, ident.id, `${tag}: the upgraded hash verifies`);
		assert.equal(await storedPasswordHash(h.server.varDir, email), after, 'no further re-hash');
		return { email, ident };
	}

	it('bcrypt ($2b$, cost 10): signs in, then stored as argon2id', async () => {
		await importSignInRehash('bcrypt', IMPORTED.bcrypt.hash, IMPORTED.bcrypt.password);
	});

	it('bcrypt written as $2a$ and $2y$ (PHP, Go) is accepted too', async () => {
		for (const prefix of ['$2a$', '$2y$']) {
			const hashed = prefix + IMPORTED.bcrypt.hash.slice(4);
			const email = uniqueEmail('imp-bcrypt-variant');
			await importHash(email, hashed);
			await loginNative(fe, email, IMPORTED.bcrypt.password);
		}
	});

	it('pbkdf2-sha256 ($pbkdf2-sha256$i=1000,l=32$salt$hash, unpadded base64)', async () => {
		const pw = strongPassword('p');
		await importSignInRehash('pbkdf2-sha256', pbkdf2Phc(pw, { alg: 'sha256', iterations: 1000, keyLength: 32 }), pw);
	});

	it('pbkdf2-sha512', async () => {
		const pw = strongPassword('q');
		await importSignInRehash('pbkdf2-sha512', pbkdf2Phc(pw, { alg: 'sha512', iterations: 1000, keyLength: 64 }), pw);
	});

	it('argon2id with other parameters (m=4096, t=2): signs in, then re-hashed with the configured ones', async () => {
		await importSignInRehash('argon2id', IMPORTED.argon2id.hash, IMPORTED.argon2id.password);
	});

	it('argon2i', async () => {
		await importSignInRehash('argon2i', IMPORTED.argon2i.hash, IMPORTED.argon2i.password);
	});

	it('a plain password in credentials.password.config.password is hashed on import', async () => {
		const email = uniqueEmail('imp-plain');
		const pw = strongPassword();
		await ok(admin.createIdentity({
			createIdentityBody: identityBody(email, { credentials: { password: { config: { password: pw } } } }),
		}), 201);
		assert.match(await storedPasswordHash(h.server.varDir, email), /^\$argon2id\$/, 'stored hashed');
		await loginNative(fe, email, pw);
	});

	it('a bcrypt hash beyond the limits (cost 31) is refused at import or fails sign-in at once', async () => {
		const hashed = '$2b$31$' + IMPORTED.bcrypt.hash.slice(7);
		const email = uniqueEmail('imp-cost');
		const res = await admin.createIdentity({
			createIdentityBody: identityBody(email, { credentials: { password: { config: { hashed_password: hashed } } } }),
		}).catch((e) => e.response || Promise.reject(e));
		if (res.status === 400) return;
		assert.equal(res.status, 201, show(res));
		const lf = (await ok(fe.createNativeLoginFlow(), 200)).data;
		const t0 = Date.now();
		const r = await fails(fe.updateLoginFlow({
			flow: lf.id, updateLoginFlowBody: { method: 'password', identifier: email, password: IMPORTED.bcrypt.password },
		}), 'sign-in against a cost-31 bcrypt hash');
		assert.ok(Date.now() - t0 < 3000, `refused without computing 2^31 rounds (${Date.now() - t0} ms)`);
		assert.ok(r.status === 400 || r.status >= 500, show(r));
	});

	it('TOTP import (credentials.totp.config.totp_url): password gives aal1, the imported secret gives aal2', async () => {
		const email = uniqueEmail('imp-totp');
		const pw = strongPassword();
		const ident = (await ok(admin.createIdentity({
			createIdentityBody: identityBody(email, {
				credentials: {
					password: { config: { password: pw } },
					totp: { config: { totp_url: `otpauth://totp/Legacy:${encodeURIComponent(email)}?secret=${SECRET}&issuer=Legacy` } },
				},
			}),
		}), 201, 'createIdentity with totp')).data;
		assert.ok(ident.credentials.totp, 'a totp credential');
		assert.equal(ident.credentials.totp.config, undefined, 'its secret is not echoed');

		const first = await loginNative(fe, email, pw);
		assert.equal(first.session.authenticator_assurance_level, 'aal1');
		await failsWith(fe.toSession({ xSessionToken: first.session_token }), { status: 403, id: 'session_aal2_required' },
		    'an imported TOTP makes the identity aal2-capable');
		const { body } = await stepUpTotpNative(fe, first.session_token, SECRET);
		assert.equal(body.session.authenticator_assurance_level, 'aal2');
		const s = await ok(fe.toSession({ xSessionToken: first.session_token }), 200);
		assert.deepEqual(s.data.authentication_methods.map((m) => m.method), ['password', 'totp']);
	});

	it('TOTP import refuses a URI without a base32 secret', async () => {
		await failsWith(admin.createIdentity({
			createIdentityBody: identityBody(uniqueEmail('imp-totp-bad'), {
				credentials: { totp: { config: { totp_url: 'otpauth://totp/x?issuer=y' } } },
			}),
		}), { status: 400 }, 'totp_url without secret');
	});

	it('recovery codes import (credentials.lookup_secret.config.codes): each works once; used_at ones never', async () => {
		const email = uniqueEmail('imp-lookup');
		const pw = strongPassword();
		await ok(admin.createIdentity({
			createIdentityBody: identityBody(email, {
				credentials: {
					password: { config: { password: pw } },
					lookup_secret: {
						config: {
							codes: [
								{ code: 'k8p2xq7m' },
								{ code: 'z3n9w4rt' },
								{ code: 'u5v6b7c8', used_at: '2024-01-01T00:00:00Z' },
							],
						},
					},
				},
			}),
		}), 201, 'createIdentity with lookup_secret');

		async function stepUp(code) {
			const first = await loginNative(fe, email, pw);
			const flow = (await ok(fe.createNativeLoginFlow({ aal: 'aal2', xSessionToken: first.session_token }), 200)).data;
			assert.ok(node(flow, 'lookup_secret'), 'lookup_secret node offered');
			assert.equal(node(flow, 'totp_code'), undefined, 'no totp_code node without TOTP');
			return fe.updateLoginFlow({
				flow: flow.id, xSessionToken: first.session_token,
				updateLoginFlowBody: { method: 'lookup_secret', lookup_secret: code },
			}).catch((e) => e.response || Promise.reject(e));
		}

		const good = await stepUp('k8p2xq7m');
		assert.equal(good.status, 200, show(good));
		assert.equal(good.data.session.authenticator_assurance_level, 'aal2');
		assert.deepEqual(good.data.session.authentication_methods.map((m) => m.method), ['password', 'lookup_secret']);

		const reused = await stepUp('k8p2xq7m');
		assert.equal(reused.status, 400, show(reused));
		assert.ok(messageIds(reused.data).includes(4000012), `4000012 used: ${messageIds(reused.data)}`);

		const preUsed = await stepUp('u5v6b7c8');
		assert.equal(preUsed.status, 400, show(preUsed));
		assert.ok(messageIds(preUsed.data).includes(4000012), `4000012 imported as used: ${messageIds(preUsed.data)}`);

		const wrong = await stepUp('nope1234');
		assert.equal(wrong.status, 400, show(wrong));
		assert.ok(messageIds(wrong.data).includes(4000016), `4000016 invalid: ${messageIds(wrong.data)}`);

		const second = await stepUp('z3n9w4rt');
		assert.equal(second.status, 200, show(second));
	});
});

// The admin API is off unless gatehouse.admin.api_key is configured (404,
// as if nothing were there), and with a key it wants exactly that key as
// Authorization: Bearer (401 otherwise) -- which is what @ory/client's
// IdentityApi sends for Configuration.accessToken.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { suite, skipReason, useServer } from './lib/server.mjs';
import { uniqueEmail } from './lib/flows.mjs';
import { ADMIN_KEY, ADMIN_CONFIG, identityApi, ok, failsWith, identityBody } from './lib/sdk.mjs';

const ID = '00000000-0000-4000-8000-000000000000';

/* One call of every IdentityApi method the admin API serves. */
function everyCall(admin) {
	return [
		['listIdentities', () => admin.listIdentities()],
		['createIdentity', () => admin.createIdentity({ createIdentityBody: identityBody(uniqueEmail('adm-auth')) })],
		['getIdentity', () => admin.getIdentity({ id: ID })],
		['updateIdentity', () => admin.updateIdentity({ id: ID, updateIdentityBody: { schema_id: 'default', traits: { email: uniqueEmail('x') }, state: 'active' } })],
		['deleteIdentity', () => admin.deleteIdentity({ id: ID })],
		['deleteIdentityCredentials', () => admin.deleteIdentityCredentials({ id: ID, type: 'totp' })],
		['listIdentitySessions', () => admin.listIdentitySessions({ id: ID })],
		['deleteIdentitySessions', () => admin.deleteIdentitySessions({ id: ID })],
		['getSession', () => admin.getSession({ id: ID })],
		['disableSession', () => admin.disableSession({ id: ID })],
	];
}

suite('t5050 admin API without a configured key: 404 everywhere', { skip: skipReason() }, () => {
	const h = useServer();

	it('every IdentityApi call answers 404 with the error envelope, with or without a key', async () => {
		for (const key of [ADMIN_KEY, null]) {
			for (const [name, call] of everyCall(identityApi(h.server.url, key))) {
				await failsWith(call(), { status: 404 }, `${name} (${key ? 'with' : 'without'} a key)`);
			}
		}
	});
});

suite('t5050 admin API with a key: Bearer <key> or 401', { skip: skipReason() }, () => {
	const h = useServer({ config: ADMIN_CONFIG });

	it('the SDK sends accessToken as Authorization: Bearer, and the key opens the API', async () => {
		let seen;
		const admin = identityApi(h.server.url, ADMIN_KEY);
		admin.axios.interceptors.request.use((cfg) => {
			seen = cfg.headers.Authorization ?? cfg.headers.get?.('Authorization');
			return cfg;
		});
		await ok(admin.listIdentities(), 200, 'listIdentities with the key');
		assert.equal(seen, `Bearer ${ADMIN_KEY}`, 'IdentityApi sends Configuration.accessToken as a bearer token');
	});

	it('no key, a wrong key, a prefix of the key, or another scheme: 401 for every call', async () => {
		const variants = [
			['no Authorization', identityApi(h.server.url, null)],
			['a wrong key', identityApi(h.server.url, 'x'.repeat(ADMIN_KEY.length))],
			['a prefix of the key', identityApi(h.server.url, ADMIN_KEY.slice(0, -1))],
			['the key plus one character', identityApi(h.server.url, ADMIN_KEY + 'x')],
			['Basic instead of Bearer', identityApi(h.server.url, null, { headers: { Authorization: `Basic ${ADMIN_KEY}` } })],
			['the key without a scheme', identityApi(h.server.url, null, { headers: { Authorization: ADMIN_KEY } })],
		];
		for (const [what, admin] of variants) {
			for (const [name, call] of everyCall(admin)) {
				await failsWith(call(), { status: 401 }, `${name} with ${what}`);
			}
		}
	});

	it('a session token is not an admin key', async () => {
		const admin = identityApi(h.server.url, 'ory_st_' + 'a'.repeat(32));
		await failsWith(admin.listIdentities(), { status: 401 }, 'listIdentities with a session token');
	});
});

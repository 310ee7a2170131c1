// Helpers for the t5xxx tests, which drive Gatehouse with Ory's own SDK,
// @ory/client (FrontendApi, IdentityApi), the way an app written against
// Ory Kratos would: native apps with session tokens, server-side apps that
// forward the browser's Cookie header, and admin tools with a bearer key.
//
// The SDK is axios-based.  Every client made here has maxRedirects: 0, so
// an unexpected 3xx surfaces as a rejected call instead of being followed
// to an HTML page; a Kratos-compatible server answers the SDK's
// `Accept: application/json, text/plain, */*` with JSON and never redirects.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Configuration, FrontendApi, IdentityApi } from '@ory/client';
import { parseSetCookie, cookieDeletes, UUID_RE } from './client.mjs';
import { sleep } from './server.mjs';
import { totpAt, stepNow, msLeftInStep } from './mfa.mjs';

const execFileP = promisify(execFile);

export const ADMIN_KEY = 'gh-admin-' + 'k7Qz'.repeat(10);	// 49 characters
export const ADMIN_CONFIG = { 'gatehouse.admin.api_key': ADMIN_KEY };

/* "http://127.0.0.1:1234/" -> "http://127.0.0.1:1234" (the SDK appends "/self-service/..."). */
export function basePathOf(url) {
	return url.replace(/\/+$/, '');
}

/*
 * A FrontendApi for the server at `url`.  opts.headers are sent with every
 * call (axios baseOptions), e.g. { Cookie } to make `sdk.toSession()` work
 * with no arguments, as it does in a browser.
 */
export function frontendApi(url, { headers, ...axios } = {}) {
	return new FrontendApi(new Configuration({
		basePath: basePathOf(url),
		baseOptions: { maxRedirects: 0, ...(headers ? { headers } : {}), ...axios },
	}));
}

/* An IdentityApi (admin) authenticated with `key` as the SDK does it: accessToken -> Bearer. */
export function identityApi(url, key = ADMIN_KEY, { headers, ...axios } = {}) {
	return new IdentityApi(new Configuration({
		basePath: basePathOf(url),
		...(key === null ? {} : { accessToken: key }),
		baseOptions: { maxRedirects: 0, ...(headers ? { headers } : {}), ...axios },
	}));
}

/* A short description of an axios response or error, for assertion messages. */
export function describe(x) {
	const res = x?.response ?? x;
	if (!res || res.status === undefined) return String(x?.stack || x);
	const body = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
	return `${res.config?.method?.toUpperCase() || ''} ${res.config?.url || ''} -> ${res.status}: ${(body || '').slice(0, 600)}`;
}

/* Await an SDK call that must succeed with `status` (default 2xx); returns the axios response. */
export async function ok(promise, status, what = 'SDK call') {
	let res;
	try {
		res = await promise;
	} catch (e) {
		assert.fail(`${what} failed: ${describe(e)}`);
	}
	if (status !== undefined) assert.equal(res.status, status, `${what}: ${describe(res)}`);
	return res;
}

/* Await an SDK call that must fail with an HTTP response; returns that response ({status, data, headers}). */
export async function fails(promise, what = 'SDK call') {
	let res;
	try {
		res = await promise;
	} catch (e) {
		assert.ok(e.response, `${what}: rejected without an HTTP response: ${e.stack || e}`);
		return e.response;
	}
	assert.fail(`${what}: expected an error, got ${describe(res)}`);
}

/*
 * Kratos's (herodot's) error envelope: {error: {code, status, message,
 * reason?, id?, ...}}; code equals the HTTP status, status is its text.
 */
export function assertErrorEnvelope(res, { status, id } = {}, what = '') {
	const pre = what ? `${what}: ` : '';
	if (status !== undefined) assert.equal(res.status, status, `${pre}${describe(res)}`);
	assert.match(String(res.headers?.['content-type'] || ''), /^application\/json/, `${pre}content-type`);
	const err = res.data?.error;
	assert.ok(err && typeof err === 'object', `${pre}no "error" object: ${describe(res)}`);
	assert.equal(err.code, res.status, `${pre}error.code equals the HTTP status`);
	assert.equal(typeof err.status, 'string', `${pre}error.status is the status text`);
	assert.ok(err.status.length > 0, `${pre}error.status is not empty`);
	assert.equal(typeof err.message, 'string', `${pre}error.message`);
	if (err.reason !== undefined) assert.equal(typeof err.reason, 'string', `${pre}error.reason`);
	if (id !== undefined) assert.equal(err.id, id, `${pre}error.id: ${describe(res)}`);
	return err;
}

/* An SDK call that must fail with Kratos's error envelope; returns the response. */
export async function failsWith(promise, { status, id }, what = 'SDK call') {
	const res = await fails(promise, what);
	assertErrorEnvelope(res, { status, id }, what);
	return res;
}

/* ---- UI nodes ------------------------------------------------------------ */

/* Input nodes are keyed by attributes.name, text/img/a nodes by attributes.id. */
export function node(flow, key) {
	return flow?.ui?.nodes?.find((n) => n.attributes?.name === key || (n.attributes?.name === undefined && n.attributes?.id === key));
}

export function csrfToken(flow) {
	return node(flow, 'csrf_token')?.attributes?.value;
}

/* Every message id on a flow: ui.messages and the nodes' messages. */
export function messageIds(flow) {
	const ids = (flow?.ui?.messages || []).map((m) => m.id);
	for (const n of flow?.ui?.nodes || []) for (const m of n.messages || []) ids.push(m.id);
	return ids;
}

/* ---- cookies, as a server-side app forwards them ----------------------------- */

/*
 * What a server-side app does with Set-Cookie from the SDK's responses: it
 * passes them on to the browser, and the browser sends them back, so the
 * next SDK call gets them in its `cookie` parameter.
 */
export class CookieJar {
	constructor() {
		this.map = new Map();
	}

	/* Take the Set-Cookie headers of an axios response (or error response). */
	update(res) {
		const r = res?.response ?? res;
		let lines = r?.headers?.['set-cookie'] || [];
		if (!Array.isArray(lines)) lines = [lines];
		for (const line of lines) {
			const c = parseSetCookie(line);
			if (cookieDeletes(c)) this.map.delete(c.name);
			else this.map.set(c.name, c.value);
		}
		return res;
	}

	get(name) {
		return this.map.get(name);
	}

	names() {
		return [...this.map.keys()];
	}

	/* The Cookie header a browser would send; undefined when empty. */
	header() {
		return this.map.size ? [...this.map].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
	}
}

/* ---- TOTP --------------------------------------------------------------- */

/*
 * A code for `secret` that the server accepts next: the current step, or
 * the one after `usedStep` (Gatehouse refuses a step it has seen before,
 * which Kratos does not).  Waits when that would be too far ahead.
 * Returns { code, step }.
 */
export async function nextTotp(secret, usedStep = -Infinity) {
	for (;;) {
		const now = stepNow();
		const step = Math.max(now, usedStep + 1);
		if (step <= now + 1 && msLeftInStep() > 1500) return { code: await totpAt(secret, step), step };
		await sleep(msLeftInStep() + 100);
	}
}

/* ---- native (api) journeys --------------------------------------------- */

/* Native registration with the password method; returns the response body. */
export async function registerNative(fe, email, password, traits = {}) {
	const flow = (await ok(fe.createNativeRegistrationFlow(), 200, 'createNativeRegistrationFlow')).data;
	const res = await ok(fe.updateRegistrationFlow({
		flow: flow.id,
		updateRegistrationFlowBody: { method: 'password', password, traits: { email, ...traits } },
	}), 200, `updateRegistrationFlow (${email})`);
	return res.data;
}

/* Native login with the password method; returns the response body {session, session_token}. */
export async function loginNative(fe, identifier, password) {
	const flow = (await ok(fe.createNativeLoginFlow(), 200, 'createNativeLoginFlow')).data;
	const res = await ok(fe.updateLoginFlow({
		flow: flow.id,
		updateLoginFlowBody: { method: 'password', identifier, password },
	}), 200, `updateLoginFlow password (${identifier})`);
	return res.data;
}

/* aal2 step-up of a native session with TOTP; returns { body, step }. */
export async function stepUpTotpNative(fe, token, secret, usedStep) {
	const flow = (await ok(fe.createNativeLoginFlow({ aal: 'aal2', xSessionToken: token }), 200,
	    'createNativeLoginFlow aal2')).data;
	const { code, step } = await nextTotp(secret, usedStep);
	const res = await ok(fe.updateLoginFlow({
		flow: flow.id, xSessionToken: token,
		updateLoginFlowBody: { method: 'totp', totp_code: code },
	}), 200, 'updateLoginFlow totp');
	return { body: res.data, step, flow };
}

/* Enrol TOTP in a native settings flow; returns { secret, step, flow (after) }. */
export async function enrolTotpNative(fe, token) {
	const flow = (await ok(fe.createNativeSettingsFlow({ xSessionToken: token }), 200, 'createNativeSettingsFlow')).data;
	const secretNode = node(flow, 'totp_secret_key');
	assert.ok(secretNode, `no totp_secret_key node: ${JSON.stringify(flow.ui.nodes.map((n) => n.attributes.name || n.attributes.id))}`);
	const secret = secretNode.attributes.text.text;
	assert.match(secret, /^[A-Z2-7]{16,}$/, 'totp_secret_key text is a base32 secret');
	const { code, step } = await nextTotp(secret);
	const res = await ok(fe.updateSettingsFlow({
		flow: flow.id, xSessionToken: token,
		updateSettingsFlowBody: { method: 'totp', totp_code: code },
	}), 200, 'updateSettingsFlow totp');
	return { secret, step, before: flow, flow: res.data };
}

/* Generate and confirm recovery codes in a native settings flow; returns { codes, flow }. */
export async function setupLookupNative(fe, token) {
	const flow = (await ok(fe.createNativeSettingsFlow({ xSessionToken: token }), 200, 'createNativeSettingsFlow')).data;
	const gen = await ok(fe.updateSettingsFlow({
		flow: flow.id, xSessionToken: token,
		updateSettingsFlowBody: { method: 'lookup_secret', lookup_secret_regenerate: true },
	}), 200, 'updateSettingsFlow lookup_secret_regenerate');
	const codesNode = node(gen.data, 'lookup_secret_codes');
	assert.ok(codesNode, `no lookup_secret_codes node after regenerate: ${describe(gen)}`);
	const secrets = codesNode.attributes.text?.context?.secrets;
	assert.ok(Array.isArray(secrets), `lookup_secret_codes text.context.secrets: ${JSON.stringify(codesNode)}`);
	const codes = secrets.map((s) => s.context?.secret);
	const conf = await ok(fe.updateSettingsFlow({
		flow: flow.id, xSessionToken: token,
		updateSettingsFlowBody: { method: 'lookup_secret', lookup_secret_confirm: true },
	}), 200, 'updateSettingsFlow lookup_secret_confirm');
	return { codes, generated: gen.data, flow: conf.data };
}

/* ---- imported password hashes --------------------------------------------- */

/*
 * Fixed hashes for import tests (password -> PHC string).  Made with
 *   python3 -c "import crypt; print(crypt.crypt(PW, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1<<10)))"
 *   echo -n PW | argon2 gatehouse-salt-1 -id -t 2 -m 12 -p 1 -e
 *   echo -n PW | argon2 gatehouse-salt-2 -i -t 2 -m 12 -p 1 -e
 */
export const IMPORTED = {
	bcrypt: {
		password: 'Imported-Bcrypt-Lantern-42',
		hash: '$2b$10$VtQoxEt38naszODuDWRAsO.sTdbrzO55rgYuEpH9jTDPfkdc/M6z2',
	},
	argon2id: {
		password: 'Imported-Argon2id-Lantern-42',
		hash: '$argon2id$v=19$m=4096,t=2,p=1$Z2F0ZWhvdXNlLXNhbHQtMQ$Lu2/BJscSwmGIJM+uASDJfDXZOeRQxEu93wIXCyyPUs',
	},
	argon2i: {
		password: 'Imported-Argon2i-Lantern-42',
		hash: '$argon2i$v=19$m=4096,t=2,p=1$Z2F0ZWhvdXNlLXNhbHQtMg$flUhBZGqDsgjxIhZDFYcrb1/bXKmbpz6Rbkdr/JU51o',
	},
};

const b64u = (b) => b.toString('base64').replace(/=+$/, '');

/* Kratos's pbkdf2 format: $pbkdf2-<alg>$i=<iter>,l=<len>$<salt b64, unpadded>$<hash b64, unpadded>. */
export function pbkdf2Phc(password, { alg = 'sha256', iterations = 1000, keyLength = 32, salt = randomBytes(16) } = {}) {
	const hash = pbkdf2Sync(password, salt, iterations, keyLength, alg);
	return `$pbkdf2-${alg}$i=${iterations},l=${keyLength}$${b64u(salt)}$${b64u(hash)}`;
}

/* ---- black-box look at the store ------------------------------------------ */

export const DB_DUMP = ['db5.3_dump', 'db_dump'].map((c) => ['/usr/bin', '/usr/local/bin'].map((d) => path.join(d, c)))
	.flat().find((p) => existsSync(p)) || null;

/*
 * The stored hashed_password of the identity whose record mentions `email`,
 * read with db_dump from the live environment (the server keeps running).
 */
export async function storedPasswordHash(varDir, email) {
	assert.ok(DB_DUMP, 'db5.3_dump is not installed (apt-get install db5.3-util)');
	const { stdout } = await execFileP(DB_DUMP, ['-p', '-h', varDir, 'identities.db'], { maxBuffer: 64 << 20 });
	const lines = stdout.split('\n').filter((l) => l.includes(`"${email}"`) && l.includes('hashed_password'));
	assert.equal(lines.length, 1, `one identity record for ${email} in identities.db (found ${lines.length})`);
	const m = /"hashed_password":\s*"([^"]+)"/.exec(lines[0].replace(/\\\\/g, '\\'));
	assert.ok(m, `no hashed_password in the record of ${email}`);
	return m[1];
}

/* A CreateIdentityBody for the default schema. */
export function identityBody(email, extra = {}) {
	return { schema_id: 'default', traits: { email }, ...extra };
}

export { UUID_RE };

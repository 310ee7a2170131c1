// Helpers for the multi-factor tests (t31xx, t32xx): TOTP codes from
// oathtool, QR codes read with zbarimg, the MFA setup page, enrolment,
// recovery codes and the second-factor step of sign-in.
//
// Time steps are computed here from Date.now() (the server runs on the
// same machine and reads the same clock), so a test can ask for "the code
// of step T+1" instead of "the code 30 s from now".

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sleep, useServer } from './server.mjs';
import { HTML_ACCEPT, JSON_ACCEPT, UUID_RE, toPage, parseForms } from './client.mjs';
import { openFlowPage, loginHtml, logoutBrowser, whoami } from './flows.mjs';

const execFileP = promisify(execFile);

export const PERIOD_MS = 30000;

function which(cmd) {
	for (const dir of (process.env.PATH || '').split(':').concat(['/usr/bin', '/usr/local/bin'])) {
		const p = path.join(dir || '.', cmd);
		if (existsSync(p)) return p;
	}
	return null;
}

export const OATHTOOL = which('oathtool');
export const ZBARIMG = which('zbarimg');

/* Why the MFA tests cannot run here, or false. */
export function mfaSkipReason() {
	if (!OATHTOOL) return 'oathtool is not installed (apt-get install oathtool)';
	if (!ZBARIMG) return 'zbarimg is not installed (apt-get install zbar-tools)';
	return false;
}

/*
 * useServer() for the MFA tests: the generated configuration's
 * after-registration hooks (session, show_mfa_setup) are kept, so a sign-up
 * ends on the second-factor setup page as it does out of the box.
 */
export const REGISTRATION_HOOKS = 'selfservice.flows.registration.after.password.hooks';

export function useMfaServer(opts = {}) {
	return useServer({ ...opts, keepGeneratedConfig: [REGISTRATION_HOOKS, ...(opts.keepGeneratedConfig || [])] });
}

/* ---- TOTP time steps ------------------------------------------------- */

export const stepAt = (ms) => Math.floor(ms / PERIOD_MS);
export const stepNow = () => stepAt(Date.now());
export const msLeftInStep = (ms = Date.now()) => PERIOD_MS - (ms % PERIOD_MS);

/* "YYYY-MM-DD HH:MM:SS UTC", one second into the given step. */
export function oathTime(step) {
	return new Date(step * PERIOD_MS + 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/* The six-digit code of `secret` (base32) for time step `step`. */
export async function totpAt(secret, step) {
	const { stdout } = await execFileP(OATHTOOL, ['--totp', '-b', secret, '--now', oathTime(step)]);
	const code = stdout.trim();
	assert.match(code, /^\d{6}$/, `oathtool output ${JSON.stringify(stdout)}`);
	return code;
}

/*
 * The code a user would type next, given that step `lastStep` was the last
 * one accepted for this secret (replay protection refuses it and all before
 * it): the current step, or the next one (inside the server's ±1 window),
 * waiting for the clock when both are used up.  Returns { code, step }.
 */
export async function nextTotp(secret, lastStep) {
	for (;;) {
		const now = stepNow();
		const step = Math.max(now, lastStep + 1);
		if (step <= now + 1) return { code: await totpAt(secret, step), step };
		await sleep(msLeftInStep() + 50);
	}
}

/*
 * Wait until the current step is at least minStep and at least minLeftMs of
 * it remain, so that T-1, T and T+1 mean the same thing to the test and to
 * the server for the next few requests.  Returns the step T.
 */
export async function freshStep({ minLeftMs = 12000, minStep = 0 } = {}) {
	for (;;) {
		const now = Date.now();
		const s = stepAt(now);
		if (s >= minStep && msLeftInStep(now) >= minLeftMs) return s;
		await sleep(msLeftInStep(now) + 50);
	}
}

/* Assert that `work` ran inside step T (the server saw the same step). */
export function assertStillInStep(T, what = 'the requests') {
	assert.equal(stepNow(), T, `${what} crossed a TOTP step boundary; the time-sensitive assertions are void`);
}

/* ---- QR codes --------------------------------------------------------- */

/* Decode a data:image/png;base64 URL (or PNG bytes) with zbarimg. */
export async function decodeQr(dataUrlOrBuffer) {
	let png = dataUrlOrBuffer;
	if (typeof png === 'string') {
		const m = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(png);
		assert.ok(m, `not a PNG data URL: ${png.slice(0, 60)}…`);
		png = Buffer.from(m[1], 'base64');
	}
	const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-qr-'));
	try {
		const file = path.join(dir, 'qr.png');
		await writeFile(file, png);
		const { stdout } = await execFileP(ZBARIMG, ['-q', '--raw', file]);
		return stdout.trim();
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/* Parse otpauth://totp/<label>?<params>. */
export function parseOtpauth(uri) {
	const u = new URL(uri);
	assert.equal(u.protocol, 'otpauth:', `otpauth URI: ${uri}`);
	// WHATWG URL puts "totp" in host for otpauth://totp/...
	const type = u.host || u.pathname.replace(/^\/\//, '').split('/')[0];
	const label = decodeURIComponent(u.pathname.replace(/^\/+/, '').replace(/^totp\//, ''));
	return { type, label, params: Object.fromEntries(u.searchParams), raw: uri };
}

/* ---- page parsing ----------------------------------------------------- */

/* The base32 secret shown as text on the settings page (node totp_secret_key). */
export function secretText(html) {
	const m = /id="totp-totp_secret_key"[\s\S]*?<code>\s*([A-Z2-7]+)\s*<\/code>/.exec(html);
	return m ? m[1] : null;
}

/* The src of the TOTP QR code image. */
export function qrSrc(html) {
	const m = /<img\b[^>]*\bid="totp-totp_qr"[^>]*>/.exec(html);
	if (!m) return null;
	const src = /\bsrc="([^"]*)"/.exec(m[0]);
	return src ? src[1] : null;
}

export const RECOVERY_CODE_RE = /\b[A-Z0-9]-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b/g;

/* Recovery codes shown in plain text (after "generate"). */
export function recoveryCodes(html) {
	const m = /id="lookup_secret-lookup_secret_codes"[\s\S]*?<\/div>/.exec(html);
	const region = m ? m[0] : html;
	return [...new Set(region.match(RECOVERY_CODE_RE) || [])];
}

/* The text of the element carrying data-msg="<id>" (tags stripped). */
export function msgText(html, id) {
	const m = new RegExp(`<([a-z0-9]+)\\b[^>]*data-msg="${id}"[^>]*>([\\s\\S]*?)</\\1>`, 'i').exec(html);
	return m ? m[2].replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim() : null;
}

/*
 * Submit the form that holds the submit button `name` (with `value`, when
 * given), sending that button and the form's other fields (overridden by
 * `fields`).  Returns the raw response (no redirects followed).
 */
export async function clickButton(client, page, name, { value, fields = {} } = {}) {
	const forms = page.forms || parseForms(page.html);
	const form = forms.find((f) => f.buttons.some((b) => b.name === name && (value === undefined || b.value === value)));
	assert.ok(form, `no form with a ${name}${value === undefined ? '' : `=${value}`} button on ${page.url}; buttons: ` +
	    JSON.stringify(forms.map((f) => f.buttons.map((b) => `${b.name}=${b.value}`))));
	const button = form.buttons.find((b) => b.name === name && (value === undefined || b.value === value));
	assert.equal(form.method, 'POST', `form method on ${page.url}`);
	const params = new URLSearchParams();
	const rest = { ...fields };
	for (const f of form.fields) {
		if (!f.name) continue;
		if (Object.hasOwn(rest, f.name)) {
			params.append(f.name, rest[f.name]);
			delete rest[f.name];
		} else {
			params.append(f.name, f.value ?? '');
		}
	}
	params.append(button.name, button.value ?? '');
	for (const [k, v] of Object.entries(rest)) params.append(k, v);
	const action = new URL(form.action || page.url, page.url).toString();
	const res = await client.post(action, { form: params, accept: HTML_ACCEPT });
	res.sent = Object.fromEntries(params);
	return res;
}

/* Assert res is a 303 back to the settings page of flow `flowId`; GET it. */
export async function backOnSettings(client, res, flowId, what = '') {
	assert.equal(res.status, 303, `${what}: expected a 303 back to the settings page, got ${res.status} ${res.location || ''} ${res.text.slice(0, 300)}`);
	const loc = new URL(res.location);
	assert.equal(loc.origin + loc.pathname, client.abs('/settings'), `${what}: redirect target ${res.location}`);
	if (flowId) assert.equal(loc.searchParams.get('flow'), flowId, `${what}: same settings flow`);
	const page = await client.page(res.location);
	assert.equal(page.status, 200, `${what}: GET ${res.location}: ${page.status}`);
	return page;
}

/* Assert res is a 303 back to the login page of flow `flowId`; GET it. */
export async function backOnLogin(client, res, flowId, what = '') {
	assert.equal(res.status, 303, `${what}: expected a 303 back to the login page, got ${res.status} ${res.location || ''} ${res.text.slice(0, 300)}`);
	const loc = new URL(res.location);
	assert.equal(loc.origin + loc.pathname, client.abs('/login'), `${what}: redirect target ${res.location}`);
	if (flowId) assert.equal(loc.searchParams.get('flow'), flowId, `${what}: same login flow`);
	const page = await client.page(res.location);
	assert.equal(page.status, 200, `${what}: GET ${res.location}: ${page.status}`);
	return page;
}

/* ---- journeys --------------------------------------------------------- */

/*
 * Register over the HTML form; with the default show_mfa_setup hook this
 * ends on the settings page with the MFA setup prompt.  Returns
 * { res, page } (page: the settings page after the redirects).
 */
export async function registerToSetup(client, email, password) {
	const reg = await openFlowPage(client, 'registration');
	const res = await client.submitForm(reg, { group: 'password', fields: { 'traits.email': email, password } });
	assert.equal(res.status, 303, `registration of ${email}: ${res.status} ${res.text.slice(0, 300)}`);
	const setupUrl = new URL(res.location);
	assert.equal(setupUrl.origin + setupUrl.pathname, client.abs('/self-service/settings/browser'),
	    `registration goes on to the settings flow: ${res.location}`);
	assert.equal(setupUrl.searchParams.get('setup'), 'mfa', `?setup=mfa in ${res.location}`);
	assert.equal(setupUrl.searchParams.get('return_to'), client.base, `return_to in ${res.location}`);
	const r2 = await client.get(res.location, { accept: HTML_ACCEPT });
	assert.equal(r2.status, 303, `GET ${res.location}: ${r2.status} ${r2.text.slice(0, 300)}`);
	const loc = new URL(r2.location);
	assert.equal(loc.origin + loc.pathname, client.abs('/settings'), `setup redirect target ${r2.location}`);
	assert.match(loc.searchParams.get('flow') || '', UUID_RE, `flow id in ${r2.location}`);
	assert.equal(loc.hash, '#totp', `the setup page opens at #totp: ${r2.location}`);
	const page = await client.page(r2.location);
	assert.equal(page.status, 200, `GET ${r2.location}: ${page.status}`);
	return { res, setupRes: r2, page };
}

/*
 * Enrol the authenticator shown on settings page `page` with the code of
 * step `step` (default: the current one).  Returns { secret, step, code,
 * res, page } where page is the settings page after the change.
 */
export async function enrolTotp(client, page, { step } = {}) {
	const secret = secretText(page.html);
	assert.ok(secret, `no TOTP secret on ${page.url}`);
	const s = step ?? stepNow();
	const code = await totpAt(secret, s);
	const res = await client.submitForm(page, { group: 'totp', fields: { totp_code: code } });
	const after = await backOnSettings(client, res, page.flowId, 'TOTP enrolment');
	assert.ok(after.messages.includes(1050001), `1050001 after enrolment: ${after.messages}`);
	assert.ok(after.hasField('totp_unlink'), 'a totp_unlink button after enrolment');
	return { secret, step: s, code, res, page: after };
}

/* GET /self-service/settings/browser and the settings page it leads to. */
export async function settingsPage(client, query = '') {
	return await openFlowPage(client, 'settings', query);
}

/*
 * Generate recovery codes on a settings page and confirm them.  Returns
 * { codes, page } (page: after the confirmation).
 */
export async function setupRecoveryCodes(client, page) {
	const gen = await clickButton(client, page, 'lookup_secret_regenerate', { value: 'true' });
	const shown = await backOnSettings(client, gen, page.flowId, 'lookup_secret_regenerate');
	const codes = recoveryCodes(shown.html);
	assert.equal(codes.length, 12, `12 recovery codes shown: ${codes}`);
	const conf = await clickButton(client, shown, 'lookup_secret_confirm', { value: 'true' });
	const after = await backOnSettings(client, conf, page.flowId, 'lookup_secret_confirm');
	assert.ok(after.messages.includes(1050001), `1050001 after confirming: ${after.messages}`);
	return { codes, shown, page: after };
}

/*
 * Sign in with the password; for an identity with a second factor this
 * ends on the second-factor login page.  Returns { res, page }.
 */
export async function passwordToSecondFactor(client, email, password) {
	const { res } = await loginHtml(client, email, password);
	assert.equal(res.status, 303, `password sign-in: ${res.status} ${res.text.slice(0, 300)}`);
	assert.equal(res.location, client.abs('/self-service/login/browser?aal=aal2'),
	    `password sign-in of a TOTP user goes on to the second factor`);
	const r2 = await client.get(res.location, { accept: HTML_ACCEPT });
	assert.equal(r2.status, 303, `GET ${res.location}: ${r2.status} ${r2.text.slice(0, 300)}`);
	const loc = new URL(r2.location);
	assert.equal(loc.origin + loc.pathname, client.abs('/login'), `second-factor redirect ${r2.location}`);
	const page = await client.page(r2.location);
	assert.equal(page.status, 200, `GET ${r2.location}: ${page.status}`);
	assert.ok(page.messages.includes(1010004), `1010004 on the second-factor page: ${page.messages}`);
	return { res, page };
}

/* Submit a TOTP code on a login (second-factor) page. */
export async function submitTotp(client, page, code) {
	return await client.submitForm(page, { group: 'totp', fields: { totp_code: code } });
}

/* Submit a recovery code on a login (second-factor) page. */
export async function submitRecoveryCode(client, page, code) {
	return await client.submitForm(page, { group: 'lookup_secret', fields: { lookup_secret: code } });
}

/*
 * whoami must be 200 at aal2 with exactly these methods (or, with
 * { tail: true }, ending with them: a refreshed session appends entries
 * as Kratos does).
 */
export async function assertAal2(client, methods, email, { tail = false } = {}) {
	const r = await whoami(client);
	assert.equal(r.status, 200, `whoami: ${r.status} ${r.text.slice(0, 300)}`);
	const s = r.json;
	assert.equal(s.active, true, 'session.active');
	assert.equal(s.authenticator_assurance_level, 'aal2', 'authenticator_assurance_level');
	const got = s.authentication_methods.map((m) => m.method);
	assert.deepEqual(tail ? got.slice(-methods.length) : got, methods, `authentication_methods ${JSON.stringify(got)}`);
	if (email) assert.equal(s.identity.traits.email, email, 'identity');
	return s;
}

/* whoami must be 403 session_aal2_required, pointing at the aal2 login. */
export async function assertAal2Required(client) {
	const res = await whoami(client);
	const body = res.json;
	assert.ok(res.status === 403 && body.error.id === 'session_aal2_required',
	    `whoami at aal1: expected 403 session_aal2_required, got ${res.status} ${res.text.slice(0, 300)}`);
	assert.equal(body.error.code, 403, 'error.code');
	assert.equal(typeof body.redirect_browser_to, 'string', `redirect_browser_to: ${res.text.slice(0, 300)}`);
	assert.ok(body.redirect_browser_to.startsWith(client.abs('/self-service/login/browser?aal=aal2')),
	    `redirect_browser_to ${body.redirect_browser_to}`);
	return body;
}

export async function signOut(client) {
	const { res } = await logoutBrowser(client);
	assert.equal(res.status, 303, `logout: ${res.status} ${res.text.slice(0, 200)}`);
	const r = await whoami(client);
	assert.equal(r.status, 401, `whoami after logout: ${r.status}`);
}

export { HTML_ACCEPT, JSON_ACCEPT, UUID_RE, toPage };

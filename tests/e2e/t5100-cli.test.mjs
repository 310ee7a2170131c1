// The command-line admin tool (the same cgi-bin/gatehouse.fcgi binary) on
// a running server's state directory: identities import (a JSON file with
// two identities, one with a bcrypt hash) -> the imported users sign in over
// HTTP; identities list/get/delete; sessions list/revoke/revoke-all; db
// backup (a directory with identities.db that verifies and reads back).

import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { suite, skipReason, useServer, PROG } from './lib/server.mjs';
import {
	Client, uniqueEmail, strongPassword, mustLoginHtml, assertSignedIn, assertSignedOut, loginAnyJson, whoami,
} from './lib/flows.mjs';
import { IMPORTED, DB_DUMP, storedPasswordHash, UUID_RE } from './lib/sdk.mjs';

const execFileP = promisify(execFile);

/* Run the CLI; never throws: { code, stdout, stderr }. */
async function cli(args, { env } = {}) {
	try {
		const { stdout, stderr } = await execFileP(PROG, args, {
			timeout: 30000, env: { ...process.env, ...(env || {}) }, maxBuffer: 16 << 20,
		});
		return { code: 0, stdout, stderr };
	} catch (e) {
		if (typeof e.code !== 'number') throw e;
		return { code: e.code, stdout: e.stdout || '', stderr: e.stderr || '' };
	}
}

function mustSucceed(r, what) {
	assert.equal(r.code, 0, `${what}: exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
	return r;
}

/* Concatenated pretty-printed JSON objects (sessions list) -> array. */
function jsonStream(text) {
	const out = [];
	let depth = 0;
	let start = -1;
	let inStr = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (inStr) {
			if (ch === '\\') i++;
			else if (ch === '"') inStr = false;
		} else if (ch === '"') inStr = true;
		else if (ch === '{') {
			if (depth++ === 0) start = i;
		} else if (ch === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
	}
	return out;
}

suite('t5100 command-line tool: identities, sessions, db', { skip: skipReason() }, () => {
	const h = useServer();
	let cfg;
	const bcryptEmail = uniqueEmail('cli-bcrypt');
	const plainEmail = uniqueEmail('cli-plain');
	const plainPassword = strongPassword();
	const imported = {};	// email -> id

	before(() => {
		if (h.server) cfg = ['--config', h.server.configPath];
	});

	it('identities import FILE: a list of two CreateIdentityBody objects, one with a bcrypt hash', async () => {
		const file = path.join(h.server.dir, 'import.json');
		await writeFile(file, JSON.stringify([
			{
				schema_id: 'default', traits: { email: bcryptEmail, name: 'Imported With Bcrypt' },
				credentials: { password: { config: { hashed_password: IMPORTED.bcrypt.hash } } },
			},
			{
				schema_id: 'default', traits: { email: plainEmail },
				credentials: { password: { config: { password: plainPassword } } },
			},
		], null, 2));
		const r = mustSucceed(await cli(['identities', 'import', file, ...cfg]), 'identities import');
		const lines = r.stdout.trim().split('\n');
		assert.equal(lines.length, 2, `one line per identity: ${r.stdout}`);
		for (const line of lines) {
			const [id, email] = line.split('\t');
			assert.match(id, UUID_RE, `id in ${JSON.stringify(line)}`);
			imported[email] = id;
		}
		assert.ok(imported[bcryptEmail] && imported[plainEmail], `both imported: ${r.stdout}`);
	});

	it('the bcrypt-imported user signs in over HTTP (browser form and api flow), then the hash is argon2id', async () => {
		assert.ok(imported[bcryptEmail], 'imported');
		const c = new Client(h.server.url);
		await mustLoginHtml(c, bcryptEmail, IMPORTED.bcrypt.password);
		const s = await assertSignedIn(c, bcryptEmail);
		assert.equal(s.identity.id, imported[bcryptEmail]);
		const api = await loginAnyJson(h.server.url, bcryptEmail, IMPORTED.bcrypt.password);
		assert.equal(api.status, 200, `api login after the upgrade: ${api.status} ${api.res.text.slice(0, 200)}`);
		if (DB_DUMP) assert.match(await storedPasswordHash(h.server.varDir, bcryptEmail), /^\$argon2id\$/, 're-hashed');

		const other = new Client(h.server.url);
		await mustLoginHtml(other, plainEmail, plainPassword);
		await assertSignedIn(other, plainEmail);
	});

	it('identities list and get (by email and by id; credentials without secrets)', async () => {
		const list = mustSucceed(await cli(['identities', 'list', ...cfg]), 'identities list');
		for (const [email, id] of Object.entries(imported)) {
			assert.ok(list.stdout.split('\n').some((l) => l.startsWith(`${id}\t${email}`)), `${email} listed: ${list.stdout}`);
		}
		// --config may come first; GATEHOUSE_CONFIG works as well
		const byEmail = mustSucceed(await cli(['identities', ...cfg, 'get', bcryptEmail]), 'identities get EMAIL');
		const ident = JSON.parse(byEmail.stdout);
		assert.equal(ident.id, imported[bcryptEmail]);
		assert.equal(ident.traits.name, 'Imported With Bcrypt');
		assert.deepEqual(ident.credentials.password.identifiers, [bcryptEmail]);
		assert.equal(ident.credentials.password.config, undefined, 'no config');
		assert.ok(!/\$2b\$|\$argon2/.test(byEmail.stdout), 'no hash printed');
		const byId = mustSucceed(await cli(['identities', 'get', imported[bcryptEmail]],
		    { env: { GATEHOUSE_CONFIG: h.server.configPath } }), 'identities get ID (GATEHOUSE_CONFIG)');
		assert.equal(JSON.parse(byId.stdout).id, imported[bcryptEmail]);
		const missing = await cli(['identities', 'get', uniqueEmail('cli-nobody'), ...cfg]);
		assert.notEqual(missing.code, 0, 'an unknown identity is an error');
	});

	it('identities import refuses duplicates (naming the entry) and broken files with a non-zero exit', async () => {
		const dup = path.join(h.server.dir, 'dup.json');
		const fresh = uniqueEmail('cli-fresh');
		await writeFile(dup, JSON.stringify([
			{ schema_id: 'default', traits: { email: bcryptEmail } },
			{ schema_id: 'default', traits: { email: fresh } },
		]));
		const r = await cli(['identities', 'import', dup, ...cfg]);
		assert.notEqual(r.code, 0, `a duplicate fails the import: ${r.stdout} ${r.stderr}`);
		assert.match(r.stderr, /entry 0/, `stderr names the entry: ${r.stderr}`);
		const bad = path.join(h.server.dir, 'bad.json');
		await writeFile(bad, '[{"schema_id": "default", ');
		const b = await cli(['identities', 'import', bad, ...cfg]);
		assert.notEqual(b.code, 0, 'broken JSON fails');
		const get = JSON.parse(mustSucceed(await cli(['identities', 'get', bcryptEmail, ...cfg]), 'get').stdout);
		assert.equal(get.id, imported[bcryptEmail], 'the existing identity is untouched');
	});

	it('sessions list / revoke / revoke-all: revoked users are signed out (whoami 401)', async () => {
		const a = new Client(h.server.url);
		await mustLoginHtml(a, bcryptEmail, IMPORTED.bcrypt.password);
		const b = new Client(h.server.url);
		await mustLoginHtml(b, bcryptEmail, IMPORTED.bcrypt.password);
		const token = await loginAnyJson(h.server.url, bcryptEmail, IMPORTED.bcrypt.password);
		assert.equal(token.status, 200);
		const sa = (await whoami(a)).json;
		const sb = (await whoami(b)).json;

		const list = mustSucceed(await cli(['sessions', 'list', bcryptEmail, ...cfg]), 'sessions list');
		const sessions = jsonStream(list.stdout);
		const ids = sessions.map((s) => s.id);
		assert.ok(ids.includes(sa.id) && ids.includes(sb.id), `both browser sessions listed: ${ids}`);
		assert.ok(!/ory_st_|ory_lo_/.test(list.stdout), 'no tokens printed');

		mustSucceed(await cli(['sessions', 'revoke', sa.id, ...cfg]), 'sessions revoke');
		await assertSignedOut(a);
		await assertSignedIn(b, bcryptEmail);

		const all = mustSucceed(await cli(['sessions', 'revoke-all', bcryptEmail, ...cfg]), 'sessions revoke-all');
		assert.match(all.stdout, /revoked \d+ sessions/, all.stdout);
		await assertSignedOut(b);
		const t = token.body?.session_token;
		if (t) {
			const w = await new Client(h.server.url, { cookies: false }).get('sessions/whoami',
			    { accept: 'application/json', headers: { 'x-session-token': t } });
			assert.equal(w.status, 401, 'the api session is revoked too');
		}
		const other = new Client(h.server.url);
		await mustLoginHtml(other, plainEmail, plainPassword);
		mustSucceed(await cli(['sessions', 'revoke-all', bcryptEmail, ...cfg]), 'revoke-all again');
		await assertSignedIn(other, plainEmail);	// another identity is untouched
	});

	it('db backup DIR: a directory with identities.db that verifies and holds the identities', async () => {
		const dir = path.join(h.server.dir, 'backup');
		mustSucceed(await cli(['db', 'backup', dir, ...cfg]), 'db backup');
		assert.ok(existsSync(path.join(dir, 'identities.db')), 'identities.db in the backup');

		// the backup opens as a state directory of its own
		const text = await readFile(h.server.configPath, 'utf8');
		const copy = path.join(h.server.dir, 'backup.yml');
		assert.ok(text.includes(h.server.varDir), 'the config names the state directory');
		await writeFile(copy, text.split(h.server.varDir).join(dir));
		const v = mustSucceed(await cli(['db', 'verify', '--config', copy]), 'db verify on the backup');
		assert.match(v.stdout, /identities\.db: ok/, v.stdout);
		const list = mustSucceed(await cli(['identities', 'list', '--config', copy]), 'identities list on the backup');
		for (const email of [bcryptEmail, plainEmail]) assert.ok(list.stdout.includes(email), `${email} in the backup`);
	});

	it('identities delete: the user can no longer sign in', async () => {
		const r = mustSucceed(await cli(['identities', 'delete', plainEmail, ...cfg]), 'identities delete');
		assert.match(r.stdout, new RegExp(imported[plainEmail]), r.stdout);
		const res = await loginAnyJson(h.server.url, plainEmail, plainPassword);
		assert.equal(res.status, 400, `login of a deleted identity: ${res.status}`);
		const again = await cli(['identities', 'delete', plainEmail, ...cfg]);
		assert.notEqual(again.code, 0, 'deleting it twice fails');
	});

	it('usage errors exit non-zero with the usage text', async () => {
		const r = await cli(['identities', 'frobnicate', ...cfg]);
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /usage:/);
		const noCfg = await cli(['identities', 'list'], { env: { GATEHOUSE_CONFIG: '' } });
		assert.notEqual(noCfg.code, 0, 'no configuration is an error');
	});
});

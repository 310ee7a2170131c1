// New passwords: too similar to the identifier (4000031), among the most
// common passwords (4000005), found in breaches (4000034) through the Have
// I Been Pwned range API -- here a local mirror, which also proves that
// only the first five hex digits of the SHA-1 leave the host -- and what
// happens when that API is unreachable.

import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { suite, useServer, skipReason } from './lib/server.mjs';
import { Client, uniqueEmail, strongPassword, openFlowPage, assertRedirectToFlow } from './lib/flows.mjs';

const BREACHED = 'Kangaroo-Thermostat-1987';

/* A fake range API: knows BREACHED (seen 42 times) and records paths. */
function startMirror() {
	const sha = createHash('sha1').update(BREACHED).digest('hex').toUpperCase();
	const mirror = { paths: [], failing: false, server: null, url: null };
	mirror.server = http.createServer((req, res) => {
		mirror.paths.push(req.url);
		if (mirror.failing) {
			res.writeHead(503);
			res.end();
			return;
		}
		const prefix = req.url.replace(/^\/range\//, '');
		let body = '0000000000000000000000000000000000A:3\r\n';
		if (prefix === sha.slice(0, 5))
			body += `${sha.slice(5)}:42\r\n`;
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end(body);
	});
	return new Promise((resolve) => mirror.server.listen(0, '127.0.0.1', () => {
		mirror.url = `http://127.0.0.1:${mirror.server.address().port}`;
		resolve(mirror);
	}));
}

async function register(h, email, password) {
	const c = new Client(h.server.url);
	const page = await openFlowPage(c, 'registration');
	const res = await c.submitForm(page, { group: 'password', fields: { 'traits.email': email, password } });
	if (res.status === 303 && new URL(res.location).pathname === '/registration') {
		const after = await c.page(res.location);
		return { ok: false, messages: after.messages };
	}
	return { ok: res.status === 303, messages: [] };
}

function policySuite(name, { ignoreErrors }) {
	suite(name, { skip: skipReason() }, () => {
		let mirror;
		const opts = { config: {} };

		before(async () => {
			mirror = await startMirror();
			Object.assign(opts.config, {
				'selfservice.methods.password.config.haveibeenpwned_enabled': true,
				'selfservice.methods.password.config.haveibeenpwned_host': mirror.url,
				'selfservice.methods.password.config.ignore_network_errors': ignoreErrors,
			});
		});
		after(() => new Promise((r) => mirror.server.close(r)));
		const h = useServer(opts);

		it('a password like the e-mail address gives 4000031', async () => {
			const email = uniqueEmail('similar');
			const r = await register(h, email, `${email}1`);
			assert.ok(!r.ok && r.messages.includes(4000031), `4000031 in ${r.messages}`);
		});

		it('one of the most common passwords gives 4000005, with no network needed', async () => {
			const before = mirror.paths.length;
			const r = await register(h, uniqueEmail('common'), 'iloveyou1');
			assert.ok(!r.ok && r.messages.includes(4000005), `4000005 in ${r.messages}`);
			assert.equal(mirror.paths.length, before, 'the built-in list answers without asking the API');
		});

		it('a breached password gives 4000034; only a 5-digit prefix is sent', async () => {
			const r = await register(h, uniqueEmail('breached'), BREACHED);
			assert.ok(!r.ok && r.messages.includes(4000034), `4000034 in ${r.messages}`);
			const last = mirror.paths.at(-1);
			assert.match(last, /^\/range\/[0-9A-F]{5}$/, `request path ${last}`);
		});

		it('a password nobody has seen is accepted', async () => {
			const r = await register(h, uniqueEmail('fresh'), strongPassword());
			assert.ok(r.ok, `registration refused: ${r.messages}`);
		});

		it(`when the API is down the password is ${ignoreErrors ? 'accepted' : 'refused (4000005)'}`, async () => {
			mirror.failing = true;
			try {
				const r = await register(h, uniqueEmail('down'), strongPassword());
				if (ignoreErrors)
					assert.ok(r.ok, `refused: ${r.messages}`);
				else
					assert.ok(!r.ok && r.messages.includes(4000005), `4000005 in ${r.messages}`);
			} finally {
				mirror.failing = false;
			}
		});
	});
}

policySuite('t9400 password policy (API errors ignored)', { ignoreErrors: true });
policySuite('t9401 password policy (API errors refuse the password)', { ignoreErrors: false });

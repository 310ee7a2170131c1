// A small cookie-jar HTTP client over the global fetch (redirect: 'manual'),
// plus a DOM-less HTML form parser good enough for Gatehouse's pages.

export const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
export const JSON_ACCEPT = 'application/json';
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/* ---- HTML helpers ---------------------------------------------------- */

export function decodeEntities(s) {
	if (s == null) return s;
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
		if (e[0] === '#') {
			const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
			return Number.isFinite(cp) ? String.fromCodePoint(cp) : m;
		}
		const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
		return Object.hasOwn(named, e.toLowerCase()) ? named[e.toLowerCase()] : m;
	});
}

/* Attributes of one start tag's attribute text: { name: value|true }. */
export function parseAttrs(s) {
	const attrs = {};
	const re = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
	let m;
	while ((m = re.exec(s))) {
		const v = m[2] ?? m[3] ?? m[4];
		attrs[m[1].toLowerCase()] = v === undefined ? true : decodeEntities(v);
	}
	return attrs;
}

/*
 * Every <form> of a page: { attrs, action, method, fields, buttons, html }.
 * fields: [{ tag, name, type, value, attrs }] for input/textarea/select;
 * buttons: submit controls ({ name, value, text, attrs }).
 */
export function parseForms(html) {
	const forms = [];
	const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
	let m;
	while ((m = formRe.exec(html))) {
		const attrs = parseAttrs(m[1]);
		const body = m[2];
		const fields = [];
		const buttons = [];
		const ctlRe = /<(input|button|textarea|select)\b([^>]*)>(?:([\s\S]*?)<\/\1\s*>)?/gi;
		let c;
		while ((c = ctlRe.exec(body))) {
			const tag = c[1].toLowerCase();
			const a = parseAttrs(c[2]);
			if (tag === 'input') {
				// an <input> has no end tag: give back what the regex swallowed
				if (c[3] !== undefined) ctlRe.lastIndex = c.index + c[0].indexOf('>') + 1;
				const type = (a.type || 'text').toLowerCase();
				const ctl = { tag, name: a.name, type, value: a.value === true ? '' : a.value, attrs: a };
				if (type === 'submit' || type === 'image') buttons.push({ ...ctl, text: a.value || '' });
				else fields.push(ctl);
			} else if (tag === 'button') {
				const type = (a.type || 'submit').toLowerCase();
				const text = decodeEntities((c[3] || '').replace(/<[^>]*>/g, '')).trim();
				if (type === 'submit') buttons.push({ tag, name: a.name, type, value: a.value === true ? '' : a.value, text, attrs: a });
			} else if (tag === 'textarea') {
				fields.push({ tag, name: a.name, type: 'textarea', value: decodeEntities(c[3] || ''), attrs: a });
			} else {
				const opt = /<option\b([^>]*\bselected\b[^>]*)>/i.exec(c[3] || '') || /<option\b([^>]*)>/i.exec(c[3] || '');
				fields.push({ tag, name: a.name, type: 'select', value: opt ? parseAttrs(opt[1]).value : '', attrs: a });
			}
		}
		forms.push({
			attrs,
			action: attrs.action === true ? '' : (attrs.action ?? ''),
			method: String(attrs.method || 'GET').toUpperCase(),
			fields, buttons, html: m[0],
		});
	}
	return forms;
}

/* Message ids rendered as data-msg="<id>", in page order. */
export function messageIds(html) {
	return [...html.matchAll(/data-msg\s*=\s*["']?(\d+)/gi)].map((m) => Number(m[1]));
}

/* Links: [{ href, text, attrs }]. */
export function parseLinks(html) {
	return [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)].map((m) => {
		const attrs = parseAttrs(m[1]);
		return { href: attrs.href, text: decodeEntities(m[2].replace(/<[^>]*>/g, '')).trim(), attrs };
	});
}

/* ---- JSON flow helpers ------------------------------------------------ */

export function findNode(flow, name) {
	return flow?.ui?.nodes?.find((n) => n.attributes?.name === name);
}

export function flowMessageIds(flow) {
	const ids = (flow?.ui?.messages || []).map((m) => m.id);
	for (const n of flow?.ui?.nodes || []) for (const m of n.messages || []) ids.push(m.id);
	return ids;
}

export function csrfOf(flow) {
	return findNode(flow, 'csrf_token')?.attributes?.value;
}

/* ---- cookies ----------------------------------------------------------- */

export function parseSetCookie(line) {
	const parts = line.split(';');
	const first = parts.shift();
	const eq = first.indexOf('=');
	const cookie = {
		name: first.slice(0, eq).trim(),
		value: first.slice(eq + 1).trim(),
		attrs: {},
		raw: line,
	};
	for (const p of parts) {
		const i = p.indexOf('=');
		const k = (i < 0 ? p : p.slice(0, i)).trim().toLowerCase();
		if (!k) continue;
		cookie.attrs[k] = i < 0 ? true : p.slice(i + 1).trim();
	}
	return cookie;
}

export function cookieDeletes(c) {
	if (c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0) return true;
	if (c.attrs.expires && Date.parse(c.attrs.expires) <= Date.now()) return true;
	return false;
}

/* ---- the client -------------------------------------------------------- */

export class Client {
	constructor(baseUrl, { cookies = true } = {}) {
		this.base = baseUrl;
		this.jar = new Map();
		this.useCookies = cookies;
		this.log = [];		// every response: { method, url, status, type }
		this.htmlPages = [];	// every text/html body: { url, status, html, headers }
	}

	abs(u) {
		return new URL(u, this.base).toString();
	}

	cookie(name) {
		return this.jar.get(name);
	}

	cookieNames() {
		return [...this.jar.keys()];
	}

	setCookie(name, value) {
		this.jar.set(name, value);
	}

	deleteCookie(name) {
		this.jar.delete(name);
	}

	csrfCookieName() {
		return this.cookieNames().find((n) => /^csrf_token_/.test(n));
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	/*
	 * One request, no redirect following.  opts: { headers, accept, form,
	 * json, body, contentType, cookies (false: send none), timeoutMs }.
	 * Returns a plain response: { status, headers, url, location, text,
	 * json, setCookies, contentType, isHtml }.
	 */
	/*
	 * Send one request (no redirect following) and return fetch's
	 * Response; errors name the method and URL.  Subclasses change how
	 * (e.g. from which local address).
	 */
	async send(u, { method, headers, body, timeoutMs }) {
		try {
			return await fetch(u, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
		} catch (e) {
			const err = new Error(`${method} ${u}: ${e.cause?.code || e.cause?.message || e.message}`);
			err.cause = e;
			throw err;
		}
	}

	async request(method, url, opts = {}) {
		const u = this.abs(url);
		const headers = { ...(this.defaultHeaders || {}), ...(opts.headers || {}) };
		if (opts.accept) headers.accept = opts.accept;
		let body = opts.body;
		if (opts.form !== undefined) {
			body = opts.form instanceof URLSearchParams ? opts.form.toString() : new URLSearchParams(opts.form).toString();
			headers['content-type'] = 'application/x-www-form-urlencoded';
		} else if (opts.json !== undefined) {
			body = JSON.stringify(opts.json);
			headers['content-type'] = 'application/json';
		}
		if (opts.contentType) headers['content-type'] = opts.contentType;
		const sendCookies = this.useCookies && opts.cookies !== false;
		if (sendCookies && this.jar.size && !Object.keys(headers).some((h) => h.toLowerCase() === 'cookie')) {
			headers.cookie = this.cookieHeader();
		}
		const res = await this.send(u, { method, headers, body, timeoutMs: opts.timeoutMs || 30000 });
		const text = await res.text();
		const setCookies = (res.headers.getSetCookie?.() || []).map(parseSetCookie);
		if (sendCookies) {
			for (const c of setCookies) {
				if (cookieDeletes(c)) this.jar.delete(c.name);
				else this.jar.set(c.name, c.value);
			}
		}
		const contentType = res.headers.get('content-type') || '';
		const out = {
			method, url: u, status: res.status, headers: res.headers, text, setCookies, contentType,
			location: res.headers.get('location') ? new URL(res.headers.get('location'), u).toString() : null,
			isHtml: /^text\/html/i.test(contentType),
		};
		Object.defineProperty(out, 'json', {
			get() {
				try {
					return JSON.parse(text);
				} catch {
					throw new Error(`${method} ${u}: expected JSON, got ${res.status} ${contentType}: ${text.slice(0, 300)}`);
				}
			},
		});
		this.log.push({ method, url: u, status: res.status, type: contentType });
		if (out.isHtml) this.htmlPages.push({ url: u, status: res.status, html: text, headers: res.headers });
		return out;
	}

	get(url, opts = {}) {
		return this.request('GET', url, opts);
	}

	post(url, opts = {}) {
		return this.request('POST', url, opts);
	}

	/* Follow 3xx Location headers with GET, keeping cookies; res.chain lists the hops. */
	async follow(res, { max = 10, accept = HTML_ACCEPT } = {}) {
		const chain = [res];
		while (res.status >= 300 && res.status < 400 && res.location) {
			if (chain.length > max) throw new Error(`too many redirects: ${chain.map((r) => r.url).join(' -> ')}`);
			res = await this.get(res.location, { accept });
			chain.push(res);
		}
		res.chain = chain;
		return res;
	}

	/* GET an HTML page following redirects and parse it. */
	async page(url, opts = {}) {
		const first = await this.get(url, { accept: HTML_ACCEPT, ...opts });
		const res = await this.follow(first);
		return toPage(res);
	}

	/* GET JSON (no redirect following). */
	async getJson(url, opts = {}) {
		return await this.get(url, { accept: JSON_ACCEPT, ...opts });
	}

	/*
	 * Submit one of the page's forms the way a browser would.  opts:
	 * { group: 'password'|'profile'|..., fields: {name: value},
	 *   omit: [names], follow: false, accept }.
	 * The form is chosen by its submit button method=<group> (else the
	 * first form); the clicked button's name/value is sent.
	 */
	async submitForm(page, opts = {}) {
		const form = pickForm(page, opts.group);
		const params = new URLSearchParams();
		const fields = { ...(opts.fields || {}) };
		const omit = new Set(opts.omit || []);
		for (const f of form.fields) {
			if (!f.name || omit.has(f.name)) continue;
			if ((f.type === 'checkbox' || f.type === 'radio') && !f.attrs.checked) continue;
			if (Object.hasOwn(fields, f.name)) {
				params.append(f.name, fields[f.name]);
				delete fields[f.name];
			} else {
				params.append(f.name, f.value ?? '');
			}
		}
		const btn = form.button;
		if (btn?.name && !omit.has(btn.name) && !Object.hasOwn(fields, btn.name)) params.append(btn.name, btn.value ?? '');
		for (const [k, v] of Object.entries(fields)) params.append(k, v);
		const action = this.absFrom(page.url, form.action || page.url);
		if (form.method !== 'POST') throw new Error(`form on ${page.url} has method ${form.method}, expected POST`);
		const res = await this.post(action, { form: params, accept: opts.accept || HTML_ACCEPT });
		res.sent = Object.fromEntries(params);
		if (opts.follow) {
			const end = await this.follow(res);
			return toPage(end);
		}
		return res;
	}

	absFrom(pageUrl, u) {
		return new URL(u, pageUrl).toString();
	}
}

function pickForm(page, group) {
	if (!page.forms.length) {
		throw new Error(`no <form> on ${page.url} (HTTP ${page.status}): ${page.html.slice(0, 400)}`);
	}
	let form;
	let button;
	if (group) {
		for (const f of page.forms) {
			button = f.buttons.find((b) => b.name === 'method' && b.value === group);
			if (button) {
				form = f;
				break;
			}
		}
		if (!form) {
			form = page.forms.find((f) => f.attrs['data-group'] === group || f.attrs.id === group ||
			    (typeof f.attrs.id === 'string' && f.attrs.id.includes(group)));
		}
		if (!form) {
			throw new Error(`no form with a method=${group} submit button on ${page.url}; buttons: ` +
			    JSON.stringify(page.forms.map((f) => f.buttons.map((b) => `${b.name}=${b.value}`))));
		}
	} else {
		form = page.forms.find((f) => f.buttons.length) || page.forms[0];
	}
	form.button = button || form.buttons.find((b) => b.name === 'method') || form.buttons[0];
	return form;
}

export function toPage(res) {
	const html = res.text;
	const u = new URL(res.url);
	return {
		...res,
		res,
		url: res.url,
		path: u.pathname,
		query: u.searchParams,
		flowId: u.searchParams.get('flow'),
		html,
		forms: res.isHtml ? parseForms(html) : [],
		messages: res.isHtml ? messageIds(html) : [],
		links: res.isHtml ? parseLinks(html) : [],
		field(name, group) {
			const forms = group ? [pickForm(this, group)] : this.forms;
			for (const f of forms) {
				const x = f.fields.find((c) => c.name === name);
				if (x) return x;
			}
			return undefined;
		},
		hasField(name) {
			return this.forms.some((f) => f.fields.some((c) => c.name === name) || f.buttons.some((b) => b.name === name));
		},
	};
}

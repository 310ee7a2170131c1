-- A self-service submission over the native (api) flows, the way an app
-- or a test client does it; one connection per thread, alternating:
--   GET  /self-service/<kind>/api            -> a new flow (JSON)
--   POST /self-service/<kind>?flow=<id>      -> the submission (JSON)
-- args: kind (login | registration | totp), accounts file, run tag,
-- number of threads, offset into the accounts (totp).
--   login:        identifier load-<n>@example.com, the shared password
--   registration: a new e-mail address each time
--   totp:         the step-up of an aal1 session (X-Session-Token) with
--                 the current code of its TOTP secret (accounts file:
--                 cookie TAB token TAB email TAB base32 secret), each
--                 account used once per run (codes are one-time)
-- An operation is one successful POST; lat holds the POST's latency.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local ffi = require("ffi")
local kind, accounts, tag, flow, t0, n, nthreads, token, offset
local PASSWORD = "Quartz-Lantern-benchmark"

ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha1(void);
unsigned char *HMAC(const EVP_MD *md, const void *key, int key_len,
    const unsigned char *d, size_t n, unsigned char *out,
    unsigned int *out_len);
]]

local function base32(s)
	local alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	local bits, val, out = 0, 0, {}
	for c in s:upper():gmatch("[A-Z2-7]") do
		val = val * 32 + (alpha:find(c, 1, true) - 1)
		bits = bits + 5
		if bits >= 8 then
			bits = bits - 8
			local b = math.floor(val / 2 ^ bits)
			out[#out + 1] = string.char(b)
			val = val - b * 2 ^ bits
		end
	end
	return table.concat(out)
end

-- RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits.
local function totp(secret, t)
	local step = math.floor(t / 30)
	local msg = {}
	for i = 7, 0, -1 do
		msg[#msg + 1] = string.char(math.floor(step / 2 ^ (8 * i)) % 256)
	end
	local m = table.concat(msg)
	local out = ffi.new("unsigned char[20]")
	local len = ffi.new("unsigned int[1]")
	ffi.C.HMAC(ffi.C.EVP_sha1(), secret, #secret, m, #m, out, len)
	local o = out[19] % 16
	local code = ((out[o] % 128) * 2 ^ 24 + out[o + 1] * 2 ^ 16 +
	    out[o + 2] * 2 ^ 8 + out[o + 3]) % 1000000
	return string.format("%06d", code)
end

function init(args)
	kind, tag = args[1], args[3] or "x"
	accounts = (args[2] and args[2] ~= "-") and read_lines(args[2]) or {}
	ok, n = 0, 0
	nthreads = tonumber(args[4] or "1")
	offset = tonumber(args[5] or "0")
end

local function account(i)
	local line = accounts[(i % #accounts) + 1]
	local cookie, tok, email, secret = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)")
	return tok, email, secret
end

function request()
	local hdr = { ["Accept"] = "application/json" }
	if kind == "totp" then
		if not flow then
			-- each thread walks its own slice of the accounts
			token = account(offset + tid + n * nthreads)
		end
		hdr["X-Session-Token"] = token
	end
	if not flow then
		local q = kind == "totp" and "/self-service/login/api?aal=aal2"
		    or "/self-service/" .. kind .. "/api"
		return wrk.format("GET", q, hdr)
	end
	local body
	hdr["Content-Type"] = "application/json"
	if kind == "login" then
		local _, email = account(tid * 7919 + n)
		body = '{"method":"password","identifier":"' .. email ..
		    '","password":"' .. PASSWORD .. '"}'
	elseif kind == "registration" then
		body = '{"method":"password","password":"' .. PASSWORD ..
		    '","traits":{"email":"reg-' .. tag .. '-' .. tid .. '-' ..
		    n .. '@example.com"}}'
	else
		local _, _, secret = account(offset + tid + n * nthreads)
		body = '{"method":"totp","totp_code":"' ..
		    totp(base32(secret), os.time()) .. '"}'
	end
	local f = flow
	flow = nil
	t0 = now_us()
	local path = "/self-service/" .. (kind == "totp" and "login" or kind) ..
	    "?flow=" .. f
	return wrk.format("POST", path, hdr, body)
end

function response(status, headers, body)
	if t0 == nil then
		-- the flow
		if status == 200 then
			flow = body:match('"id":"([0-9a-f%-]+)"')
		end
		if not flow then note_bad(status, body) end
		return
	end
	lat[#lat + 1] = now_us() - t0
	t0 = nil
	n = n + 1
	if status == 200 and body:find('"session', 1, true) then
		ok = ok + 1
	else
		note_bad(status, body)
	end
end

-- Shared by the benchmark's wrk scripts: per-thread counters, a wall
-- clock, and done(), which prints one line "BENCH {json}" for run.sh.
--
-- A script counts what it calls an operation (a page served, a sign-in
-- completed) in the global `ok` and unexpected answers in `bad`; scripts
-- that time their own operations append microseconds to `lat`.  Scripts
-- that define no response() (plain GETs) leave ok at -1: then every
-- request with a 2xx/3xx status is an operation.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")

function now_us()
	ffi.C.clock_gettime(1, ts)
	return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

ok, bad, lat, badinfo = -1, 0, {}, ""
local threads, ntid = {}, 0

function setup(thread)
	thread:set("tid", ntid)
	ntid = ntid + 1
	table.insert(threads, thread)
end

function note_bad(status, body)
	bad = bad + 1
	if #badinfo < 300 then
		badinfo = badinfo .. status .. ":" .. string.sub(body or "", 1, 120):gsub('[%c"\\]', " ") .. " | "
	end
end

-- Lines of a file, for the scripts that rotate over cookies or accounts.
function read_lines(path)
	local t = {}
	for line in io.lines(path) do
		if line ~= "" then t[#t + 1] = line end
	end
	return t
end

local function pct(sorted, p)
	if #sorted == 0 then return 0 end
	local i = math.ceil(#sorted * p / 100)
	if i < 1 then i = 1 end
	return sorted[i]
end

function done(summary, latency, requests)
	local oks, bads, all, info, st = 0, 0, {}, "", {}
	local counted = false
	for _, t in ipairs(threads) do
		local o = t:get("ok")
		if o ~= nil and o >= 0 then
			oks = oks + o
			counted = true
		end
		bads = bads + (t:get("bad") or 0)
		for _, v in ipairs(t:get("lat") or {}) do all[#all + 1] = v end
		info = info .. (t:get("badinfo") or "")
		for _, v in ipairs(t:get("stalls") or {}) do st[#st + 1] = '"' .. v .. '"' end
	end
	table.sort(st)
	local e = summary.errors
	local errs = e.connect + e.read + e.write + e.timeout
	if not counted then
		oks = summary.requests - e.status
		bads = e.status
	end
	local secs = summary.duration / 1e6
	local p50, p90, p99, p999, max
	if #all > 0 then
		-- The script timed its own operations.
		table.sort(all)
		p50, p90, p99, p999, max = pct(all, 50), pct(all, 90),
		    pct(all, 99), pct(all, 99.9), all[#all]
	else
		p50, p90, p99, p999, max = latency:percentile(50),
		    latency:percentile(90), latency:percentile(99),
		    latency:percentile(99.9), latency.max
	end
	io.write(string.format('BENCH {"requests":%d,"ops":%d,"seconds":%.3f,' ..
	    '"ops_per_s":%.2f,"req_per_s":%.2f,"p50_us":%.0f,"p90_us":%.0f,' ..
	    '"p99_us":%.0f,"p999_us":%.0f,"max_us":%.0f,"bad":%d,' ..
	    '"socket_errors":%d,"bad_info":"%s","stalls":[%s]}\n',
	    summary.requests, oks, secs, oks / secs, summary.requests / secs,
	    p50, p90, p99, p999, max, bads, errs, info:sub(1, 300),
	    table.concat(st, ",", 1, math.min(#st, 2000))))
end

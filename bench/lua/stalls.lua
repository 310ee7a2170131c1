-- Like get.lua, but every request is timed here (one connection per
-- thread: run with -t N -c N) so that slow ones can be dated: each request
-- over 100 ms is kept as "<unix second>:<ms>" in `stalls`, printed by
-- done() to match against the database's checkpoint times.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local t0
stalls = {}

function init(args)
	ok = 0
end

function request()
	t0 = now_us()
	return wrk.request()
end

function response(status, headers, body)
	local d = now_us() - t0
	lat[#lat + 1] = d
	if d > 100000 then
		stalls[#stalls + 1] = string.format("%d:%d", os.time(), d / 1000)
	end
	if status >= 200 and status < 400 then ok = ok + 1 else note_bad(status, body) end
end

-- GET /sessions/whoami with a valid session cookie, rotating over the
-- sampled sessions (args: cookie file, one "name=value<TAB>..." a line) so
-- the lookups spread over the whole database.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local cookies, i, path

function init(args)
	path = args[1]
	cookies = {}
	for _, line in ipairs(read_lines(args[2])) do
		cookies[#cookies + 1] = line:match("^([^\t]+)")
	end
	i = tid * 7919
end

function request()
	i = i + 1
	return wrk.format("GET", path, { ["Accept"] = "application/json",
	    ["Cookie"] = cookies[i % #cookies + 1] })
end

-- The HTML login page as a browser gets it, a new flow each time:
--   GET /self-service/login/browser (303 to /login?flow=..., CSRF cookie)
--   GET /login?flow=... with that cookie (the rendered page, 200).
-- One connection per thread, so the two alternate.  An operation is one
-- page view (both requests); lat holds the time of the pair.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local pending, cookie, t0

function init(args)
	ok = 0
end

function request()
	if pending then
		local p = pending
		pending = nil
		return wrk.format("GET", p, { ["Accept"] = "text/html",
		    ["Cookie"] = cookie })
	end
	t0 = now_us()
	return wrk.format("GET", "/self-service/login/browser",
	    { ["Accept"] = "text/html" })
end

function response(status, headers, body)
	if status == 303 and headers["Location"] then
		pending = headers["Location"]:gsub("^https?://[^/]+", "")
		cookie = (headers["Set-Cookie"] or ""):match("^([^;]*)")
	elseif status == 200 and body:find("csrf_token", 1, true) then
		ok = ok + 1
		lat[#lat + 1] = now_us() - t0
	else
		note_bad(status, body)
	end
end

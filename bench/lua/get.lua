-- A plain GET with the headers given on wrk's command line; wrk's own
-- latency histogram, every 2xx/3xx an operation.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

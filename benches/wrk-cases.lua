-- wrk posts the peer cases, one per request, to the floor or to `asylon serve`:
-- a light client beside benches/serve_load.rs's, whose 64 threads cost about as much CPU
-- per request as the service. Answers are not checked here (serve_load checks them).
--
--   CASES=/tmp/peers/cases-100000.jsonl wrk -t2 -c64 -d10s --latency \
--     -s benches/wrk-cases.lua http://127.0.0.1:8080/v1/policies/us-mexico-border/evaluate
--
-- Each of wrk's threads (`-t`, and THREADS below, 2 by default) posts every THREADS-th case.
local cases, n, at, step = {}, 0, 0, 1
local threads = 0

function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("CASES")) do
    if line:match("%S") then
      n = n + 1
      cases[n] = '{"facts":' .. line .. ',"as_of":"2024-06-17"}'
    end
  end
  step = tonumber(os.getenv("THREADS") or "2")
  at = first + 1 - step
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  at = at + step
  if at > n then at = at - n end
  return wrk.format(nil, nil, nil, cases[at])
end

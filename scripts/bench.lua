-- wrk request for scripts/bench: method, JSON body and bearer token come from
-- BENCH_METHOD, BENCH_BODY and BENCH_AUTH, so a new case needs no new script.
--   BENCH_INM     If-None-Match value (conditional reads)
--   BENCH_UNIQUE  a query parameter the route reads ("q", "from") that gets a value of
--                 its own per request (from: a time <thread>.<n> seconds ahead); the
--                 catalogue cache key includes the query, so every request misses
--                 (an unknown parameter would be a 400)
--   BENCH_GZIP    1: send Accept-Encoding: gzip (as browsers do)
--   BENCH_COUNT   1: count status codes and X-Cache values in response() and
--                 print them on one "BENCHLUA ..." line at the end
-- Without BENCH_UNIQUE and BENCH_COUNT the request is static (no Lua per
-- request), as for the no-op ceiling.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local token = os.getenv("BENCH_AUTH")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local inm = os.getenv("BENCH_INM")
if inm ~= nil and inm ~= "" then
  wrk.headers["If-None-Match"] = inm
end

-- BENCH_GZIP=1: Accept-Encoding: gzip, as every browser sends.
if os.getenv("BENCH_GZIP") == "1" then
  wrk.headers["Accept-Encoding"] = "gzip"
end

local threads = {}
local nthreads = 0
local unique = os.getenv("BENCH_UNIQUE") or ""
if unique ~= "" or os.getenv("BENCH_COUNT") == "1" then
  function setup(thread)
    nthreads = nthreads + 1
    thread:set("tid", nthreads)
    threads[nthreads] = thread
  end
end

if unique ~= "" then
  local n = 0
  local start = os.time()
  function request()
    n = n + 1
    local sep = wrk.path:find("?", 1, true) and "&" or "?"
    local value
    if unique == "from" then
      value = os.date("!%Y-%m-%dT%H:%M:%SZ", start + tid * 1000000 + n)
    else
      value = "u" .. tid .. "x" .. n
    end
    return wrk.format(nil, wrk.path .. sep .. unique .. "=" .. value)
  end
end

if os.getenv("BENCH_COUNT") == "1" then
  counts = {}
  function response(status, headers, body)
    local k = tostring(status)
    counts[k] = (counts[k] or 0) + 1
    local xc = headers["X-Cache"]
    if xc then
      k = "cache_" .. xc
      counts[k] = (counts[k] or 0) + 1
    end
  end

  function done(summary, latency, requests)
    local total, keys, parts = {}, {}, {}
    for _, t in ipairs(threads) do
      for k, v in pairs(t:get("counts") or {}) do total[k] = (total[k] or 0) + v end
    end
    for k, _ in pairs(total) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. total[k] end
    io.write("BENCHLUA " .. table.concat(parts, " ") .. "\n")
  end
end

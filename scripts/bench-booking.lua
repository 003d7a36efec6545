-- wrk script for the booking cases of scripts/bench; BENCH_MODE picks the case:
--   hold     customer u holds one seat of its own slice of the hot show (seats
--            u, u+N, u+2N, ... in turn); each hold replaces u's previous one,
--            so the seat asked for is always free and no two customers collide
--   contend  every customer races for the same few seats; a winner releases
--            its hold (DELETE) with its next request, so the race goes on
--   best     {"count":2,"together":true} on a fresh large show
--   prehold  customer u holds its seat in every confirm show (setup, not
--            measured); "u show hold_id" lines go to BENCH_OUT/prehold-<thread>.txt
--   confirm  each of those holds is confirmed once, by its customer
-- BENCH_DATA is the data file written by scripts/bench-data.
--
-- Each wrk thread has its own Lua state: thread t drives the customers u with
-- (u - 1) % BENCH_THREADS == t - 1, and has as many connections as customers.
-- Requests carry X-Request-Id "b<u>x<seq>", which nginx echoes as
-- X-Client-Request-Id, so response()
-- knows whose answer it is. In hold/contend/best a customer has at most one
-- request in flight (request() takes it from a free list, response() gives it
-- back): each connection is, in effect, its own customer. prehold and confirm
-- work through a list of (customer, show) jobs, interleaved by show; a
-- customer may then have requests on different shows in flight, which is
-- fine. When a thread's list is used up it touches BENCH_OUT/done-<mode>-<t>
-- and stops (confirm at once; prehold once its last answers are in), and
-- scripts/bench ends wrk (SIGINT) when every thread is done.
-- done() prints one "BENCHLUA key=value ..." line with the status counts and
-- the rate and latency percentiles measured here (by customer request).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_s()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local data = dofile(os.getenv("BENCH_DATA"))
local mode = os.getenv("BENCH_MODE") or "hold"
local out_dir = os.getenv("BENCH_OUT") or "."
local finite = (mode == "prehold" or mode == "confirm")

-- ---------------------------------------------------------------- setup (main state)
local nthreads_seen = 0
local thread_list = {}
function setup(thread)
  nthreads_seen = nthreads_seen + 1
  thread:set("tid", nthreads_seen)
  thread_list[nthreads_seen] = thread
end

-- ---------------------------------------------------------------- running (thread states)
local tokens = data.tokens
local free, head, tail          -- hold/contend/best: FIFO of idle customers
local busy, kind, issued        -- per customer: seq in flight, request kind, issue time
local won, pos, rr              -- contend: a customer's winning hold; hold: seat cursor; seat rotation
local queue, qi, pending        -- prehold/confirm: jobs {u, show, hold}, cursor, seq -> job
local lat_n, seq, phantom, finished, prehold_file
-- globals, so that done() can read them with thread:get()
counts, lat, t_first, t_last = nil, nil, nil, nil

local function bump(key) counts[key] = (counts[key] or 0) + 1 end
local function push(u) free[tail] = u; tail = tail + 1 end
local function pop()
  if head == tail then return nil end
  local u = free[head]; free[head] = nil; head = head + 1
  return u
end

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  free, head, tail = {}, 1, 1
  busy, kind, issued, won, pos, rr = {}, {}, {}, {}, {}, tid
  queue, qi, pending = {}, 0, {}
  counts, lat, lat_n, seq, finished = {}, {}, 0, 0, false
  -- wrk calls request() once in the first thread's state to check the request
  -- format before anything is sent: answer that call without using any state.
  phantom = (tid == 1)
  local mine = {}
  for u = tid, #tokens, nthreads do
    mine[#mine + 1] = u
    push(u)
    pos[u] = 0
  end
  if mode == "prehold" then
    for _, show in ipairs(data.confirm_shows) do
      for _, u in ipairs(mine) do queue[#queue + 1] = { u, show } end
    end
    prehold_file = io.open(out_dir .. "/prehold-" .. tid .. ".txt", "w")
  elseif mode == "confirm" then
    local by_show, shows = {}, {}
    local is_mine = {}
    for _, u in ipairs(mine) do is_mine[u] = true end
    for line in io.lines(out_dir .. "/prehold.txt") do
      local u, show, hold = line:match("^(%d+) (%d+) (%d+)$")
      u, show, hold = tonumber(u), tonumber(show), tonumber(hold)
      if u and is_mine[u] then
        if not by_show[show] then by_show[show] = {}; shows[#shows + 1] = show end
        table.insert(by_show[show], { u, show, hold })
      end
    end
    for _, show in ipairs(shows) do
      for _, job in ipairs(by_show[show]) do queue[#queue + 1] = job end
    end
  end
end

local function headers_for(u, s)
  return {
    ["Authorization"] = "Bearer " .. tokens[u],
    ["Content-Type"] = "application/json",
    ["X-Request-Id"] = "b" .. u .. "x" .. s,
  }
end

local function idle_request()
  return wrk.format("GET", "/v1/_noop", { ["X-Request-Id"] = "idle" })
end

local function finish()
  if finished then return end
  finished = true
  if prehold_file then prehold_file:close(); prehold_file = nil end
  local f = io.open(out_dir .. "/done-" .. mode .. "-" .. tid, "w")
  if f then f:close() end
  wrk.thread:stop()
end

local function job_request()
  qi = qi + 1
  local job = queue[qi]
  if not job then
    -- confirm stops at once (the few answers still in flight are not counted);
    -- prehold waits for them (idle requests meanwhile), as it needs the hold ids
    if mode == "confirm" or next(pending) == nil then finish() end
    return idle_request()
  end
  seq = seq + 1
  pending[seq] = job
  local t = now_s()
  issued[seq] = t
  if not t_first then t_first = t end
  local u = job[1]
  if mode == "prehold" then
    return wrk.format("POST", "/v1/shows/" .. job[2] .. "/hold", headers_for(u, seq),
      '{"seat_ids":[' .. data.confirm_seats[u] .. ']}')
  end
  return wrk.format("POST", "/v1/shows/" .. job[2] .. "/confirm", headers_for(u, seq),
    '{"hold_id":' .. job[3] .. '}')
end

function request()
  if phantom then
    phantom = false
    return wrk.format("GET", "/v1/_noop")
  end
  if finite then return job_request() end
  local u = pop()
  if not u then
    -- Only after lost responses (socket errors): reuse the longest-waiting customer.
    for c, s in pairs(busy) do if not u or s < busy[u] then u = c end end
    if not u then return idle_request() end
    bump("reused")
  end
  seq = seq + 1
  busy[u] = seq
  local t = now_s()
  issued[u] = t
  if not t_first then t_first = t end
  local h = headers_for(u, seq)
  if mode == "hold" then
    local seats, n = data.hot_seats, #tokens
    local count = math.floor((#seats - u) / n) + 1 -- seats u, u+n, ... of the list
    local seat = seats[u + (pos[u] % count) * n]
    pos[u] = pos[u] + 1
    kind[u] = "hold"
    return wrk.format("POST", "/v1/shows/" .. data.hot_show .. "/hold", h,
      '{"seat_ids":[' .. seat .. ']}')
  elseif mode == "contend" then
    local path = "/v1/shows/" .. data.contend_show .. "/hold"
    if won[u] then
      kind[u] = "release"
      return wrk.format("DELETE", path, h, '{"hold_id":' .. won[u] .. '}')
    end
    rr = rr + 1
    local seat = data.contend_seats[rr % #data.contend_seats + 1]
    kind[u] = "hold"
    return wrk.format("POST", path, h, '{"seat_ids":[' .. seat .. ']}')
  else -- best
    kind[u] = "hold"
    return wrk.format("POST", "/v1/shows/" .. data.best_show .. "/hold", h,
      '{"count":2,"together":true}')
  end
end

local function job_response(s, status, body)
  local job = pending[s]
  if not job then bump("unmatched"); return end
  pending[s] = nil
  local t = now_s()
  lat_n = lat_n + 1
  lat[lat_n] = (t - issued[s]) * 1000
  issued[s] = nil
  t_last = t
  bump((mode == "prehold" and "hold_" or "confirm_") .. status)
  if status >= 500 then bump("5xx") end
  if mode == "prehold" then
    if status == 201 then
      prehold_file:write(job[1], " ", job[2], " ", body:match('"hold_id":(%d+)'), "\n")
    end
    if qi >= #queue and next(pending) == nil then finish() end
  end
end

function response(status, headers, body)
  local rid = headers["X-Client-Request-Id"] or ""
  if rid == "idle" then return end
  local u, s = rid:match("^b(%d+)x(%d+)$")
  u, s = tonumber(u), tonumber(s)
  if finite then return job_response(s, status, body) end
  if not u or busy[u] ~= s then bump("unmatched"); return end
  local t = now_s()
  lat_n = lat_n + 1
  lat[lat_n] = (t - issued[u]) * 1000
  t_last = t
  busy[u] = nil
  local k = kind[u]
  bump(k .. "_" .. status)
  if status >= 500 then bump("5xx") end
  if mode == "contend" then
    if k == "hold" and status == 201 then
      won[u] = tonumber(body:match('"hold_id":(%d+)'))
    elseif k == "release" and status < 500 then
      won[u] = nil
    end
  end
  push(u)
end

-- ---------------------------------------------------------------- done (main state)
function done(summary, latency, requests)
  local total, all, first, last = {}, {}, nil, nil
  for _, t in ipairs(thread_list) do
    for k, v in pairs(t:get("counts") or {}) do total[k] = (total[k] or 0) + v end
    for _, v in ipairs(t:get("lat") or {}) do all[#all + 1] = v end
    local a, b = t:get("t_first"), t:get("t_last")
    if a and (not first or a < first) then first = a end
    if b and (not last or b > last) then last = b end
  end
  table.sort(all)
  local function pct(p)
    if #all == 0 then return 0 end
    return all[math.max(1, math.ceil(#all * p / 100))]
  end
  local keys = {}
  for k, _ in pairs(total) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. total[k] end
  local span = (first and last and last > first) and (last - first) or 0
  io.write(string.format("BENCHLUA mode=%s n=%d rps=%.1f p50=%.2f p99=%.2f span_s=%.2f %s\n",
    mode, #all, span > 0 and #all / span or 0, pct(50), pct(99), span, table.concat(parts, " ")))
end

-- wrk request for scripts/bench: method, JSON body and bearer token come from
-- BENCH_METHOD, BENCH_BODY and BENCH_AUTH, so a new case needs no new script.
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

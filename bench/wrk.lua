-- wrk script for the load test (bench/load.py): signed-in requests with many users' sessions.
--
-- Usage: wrk ... -s bench/wrk.lua URL -- COOKIE_FILE
-- COOKIE_FILE holds one "Cookie:" header value a line (a session of one user each). Each
-- request takes the next cookie round-robin; the two wrk threads start half-way apart, so
-- at any moment the 32 connections carry a mix of users. Any status but 200 (a redirect
-- means the session was not accepted) is counted, and done() prints machine-readable lines:
--   BENCH requests=N duration_us=N bytes=N non200=N connect=N read=N write=N status=N timeout=N
--   BENCH_LATENCY p50_us=N p95_us=N p99_us=N max_us=N mean_us=N
--   BENCH_STATUS code=N count=N   (one a status code that was not 200)

local cookies = {}
local threads = {}
local counter = 0

local function read_cookies(path)
  local list = {}
  local file = assert(io.open(path, "r"), "cannot open cookie file " .. tostring(path))
  for line in file:lines() do
    if line ~= "" then
      list[#list + 1] = line
    end
  end
  file:close()
  assert(#list > 0, "no cookies in " .. path)
  return list
end

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  cookies = read_cookies(args[1])
  counter = math.floor(#cookies / 2) * (id or 0)
  non200 = 0
  statuses = {}
end

function request()
  counter = counter + 1
  local cookie = cookies[(counter % #cookies) + 1]
  return wrk.format("GET", nil, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non200_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non200_total = non200_total + (thread:get("non200") or 0)
    local counts = thread:get("statuses") or {}
    for code, count in pairs(counts) do
      by_status[code] = (by_status[code] or 0) + count
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d non200=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, non200_total,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
  io.write(string.format(
    "BENCH_LATENCY p50_us=%d p95_us=%d p99_us=%d max_us=%d mean_us=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
  for code, count in pairs(by_status) do
    io.write(string.format("BENCH_STATUS code=%d count=%d\n", code, count))
  end
end

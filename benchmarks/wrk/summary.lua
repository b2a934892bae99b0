-- Appended to every load-test script: one line that benchmarks/loadtest.py reads.
-- wrk's own report is for people; this line gives the same figures (and the form's
-- counts, added up over the threads) in a form a program can read without guessing.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function over_threads(name)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get(name) or 0)
  end
  return total
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "LOADTEST requests=%d duration_us=%d p50_us=%.0f p95_us=%.0f p99_us=%.0f max_us=%.0f"
      .. " connect=%d read=%d write=%d status=%d timeout=%d"
      .. " accepted=%d refused=%d unexpected=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    over_threads("accepted"), over_threads("refused"), over_threads("unexpected")))
end

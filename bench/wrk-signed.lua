-- wrk script: POSTs pre-signed Stripe events, each exactly once per run.
-- Usage: wrk -t T -c C -d LIMIT -s bench/wrk-signed.lua URL -- EVENTS_FILE T DONE_DIR
-- EVENTS_FILE lines: "<Stripe-Signature header>\t<body>" (from bench/gen_events.py).
-- Thread k of T sends lines k, k+T, k+2T, ...; once all its answers are in it writes
-- DONE_DIR/done.k and stops (bench/load.sh then ends wrk with SIGINT, so the run lasts as long as
-- the work, not the -d limit). Connections of a thread that has sent its share wait (delay) rather
-- than send anything else.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

function init(args)
  events = {}
  local all = 0
  for line in io.lines(args[1]) do
    all = all + 1
    local tab = line:find("\t", 1, true)
    events[#events + 1] = { sig = line:sub(1, tab - 1), body = line:sub(tab + 1) }
  end
  stride = tonumber(args[2])
  done_file = args[3] .. "/done." .. index
  next_i = index
  share = 0
  for i = index, #events, stride do share = share + 1 end
  sent = 0
  answered = 0
  statuses = {}
  -- wrk calls request() once in the first thread's state before the run, to check the request
  -- it builds; that call must not consume an event.
  verified = index ~= 1
end

-- wrk asks delay() before it calls request() for the same send: hold back a connection only
-- once this thread's share is out.
function delay()
  if events[next_i] == nil then return 60000 end
  return 0
end

function request()
  if not verified then
    verified = true
    return wrk.format("GET", "/healthz")
  end
  local e = events[next_i]
  if e == nil then
    return wrk.format("GET", "/healthz")
  end
  next_i = next_i + stride
  sent = sent + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Stripe-Signature"] = e.sig,
  }, e.body)
end

function response(status, headers, body)
  -- A connection asked for a request after its thread's share was out got GET /healthz: its
  -- answer (200, no "outcome") is not a webhook's.
  if status == 200 and not body:find('"outcome"', 1, true) then return end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  answered = answered + 1
  if answered == share then
    local f = io.open(done_file, "w")
    f:write(tostring(answered))
    f:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local merged = {}
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("answered") or 0)
    for code, n in pairs(t:get("statuses") or {}) do
      merged[code] = (merged[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(merged) do parts[#parts + 1] = code .. "=" .. n end
  table.sort(parts)
  io.write(string.format("answered: %d; statuses: %s\n", total, table.concat(parts, " ")))
  io.write(string.format("latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

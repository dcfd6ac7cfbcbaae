-- Saves a new visit with every request: PUT /api/visits/<new UUID> with a new
-- Idempotency-Key, the body in the file named by the first script argument (written once
-- by bench/visits.py), and the Cookie, Content-Type and X-CSRFToken headers given with -H.
-- Counts the answers by status, so bench/load.py can check that every save was a 201.

-- done() and the "bench-result" line come from the report script beside this one.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local threads = {}

setup = function(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Seeded from the kernel, so two threads (or two runs) never make the same UUIDs.
local function seed()
  local random = io.open("/dev/urandom", "rb")
  local bytes = random:read(4)
  random:close()
  local a, b, c, d = bytes:byte(1, 4)
  return ((a * 256 + b) * 256 + c) * 256 + d + (thread_number or 0)
end

init = function(args)
  local file = assert(io.open(args[1], "rb"), "pass the body's file after --")
  wrk.method = "PUT"
  wrk.body = file:read("*a")
  file:close()
  math.randomseed(seed())
  statuses = {}
end

-- A version 4 UUID (random; the variant nibble is 8, 9, a or b).
local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    return string.format("%x", c == "x" and math.random(0, 15) or math.random(8, 11))
  end))
end

request = function()
  wrk.headers["Idempotency-Key"] = uuid4()
  return wrk.format(nil, "/api/visits/" .. uuid4())
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local report_done = done
done = function(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write("bench-statuses {" .. table.concat(parts, ", ") .. "}\n")
  report_done(summary, latency, requests)
end

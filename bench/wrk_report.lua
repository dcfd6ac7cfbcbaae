-- Called once by wrk at the end of a run: one line of JSON that bench/load.py reads.
-- wrk's own --latency table stops at 50/75/90/99%, and the benchmark reports p95.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'bench-result {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end

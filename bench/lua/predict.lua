-- wrk script: POST the image in $IMAGE to the URL as multipart/form-data (field "file").
-- Prints one RESULT line that bench scripts parse.
local f = assert(io.open(os.getenv("IMAGE"), "rb"))
local image = f:read("*all")
f:close()
local boundary = "argus-bench-boundary"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.jpg\"\r\n"
  .. "Content-Type: application/octet-stream\r\n\r\n" .. image .. "\r\n--" .. boundary .. "--\r\n"

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors, summary.errors.status, summary.requests))
end

-- wrk script for bench/load.sh: POSTs the images listed in $IMAGES (colon-separated) in turn as
-- multipart/form-data (field "file") to the URL, and prints rate, errors and latency percentiles.
local boundary = "argus-load-boundary"
local bodies = {}
for path in string.gmatch(os.getenv("IMAGES"), "[^:]+") do
  local f = assert(io.open(path, "rb"))
  local image = f:read("*all")
  f:close()
  bodies[#bodies + 1] = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.jpg\"\r\n"
    .. "Content-Type: application/octet-stream\r\n\r\n" .. image .. "\r\n--" .. boundary .. "--\r\n"
end
local headers = { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }
local n = 0

request = function()
  n = n + 1
  return wrk.format("POST", nil, headers, bodies[(n % #bodies) + 1])
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests      %d in %.1f s: %.1f per second\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("non-2xx       %d\n", summary.errors.status))
  io.write(string.format("socket errors %d (connect %d, read %d, write %d, timeout %d)\n", errors,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write("latency ms   ")
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    io.write(string.format(" p%s %.2f", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("  max %.2f\n", latency.max / 1000))
end

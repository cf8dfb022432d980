-- wrk script: POST the file $BODY as is; with $HEADER_LENGTH set, as an Open Inference Protocol
-- binary request (Inference-Header-Content-Length), else as JSON. Prints one RESULT line.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*all")
f:close()
wrk.method = "POST"
local header_length = os.getenv("HEADER_LENGTH")
if header_length and header_length ~= "" then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = header_length
else
  wrk.headers["Content-Type"] = "application/json"
end

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

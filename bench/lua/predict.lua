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

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

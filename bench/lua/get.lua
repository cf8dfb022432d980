-- wrk script: GET the URL; prints one RESULT line.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

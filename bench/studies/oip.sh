#!/usr/bin/env bash
# Open Inference Protocol cost: parsing an [8,3,224,224] FP32 request in process (streaming into a
# float[] vs data binding into boxed numbers vs the binary extension), and image-triage throughput
# over HTTP with that input sent as JSON vs as binary tensor data.
# Writes bench/results/oip.md and .json.                 bench/studies/oip.sh [SECONDS_PER_RUN] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
secs="${1:-10}"
runs="${2:-3}"
port="${ARGUS_BENCH_PORT:-18184}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
. "$root/bench/lib.sh"
build_bench
parse="$(bench_java dev.argus.bench.oip.OipParseStudy 20)"
echo "$parse" >&2

# The two bodies: the same seeded tensor as JSON and as binary data after a JSON header.
header_length="$(python3 - "$work" <<'PY'
import array, json, random, sys
work = sys.argv[1]
random.seed(1)
n = 8 * 3 * 224 * 224
values = [round(random.gauss(0, 1), 3) for _ in range(n)]
shape = [8, 3, 224, 224]
with open(f"{work}/json.body", "w") as f:
    f.write('{"inputs":[{"name":"input","shape":[8,3,224,224],"datatype":"FP32","data":[')
    f.write(",".join(map(str, values)))
    f.write("]}]}")
header = json.dumps({"inputs": [{"name": "input", "shape": shape, "datatype": "FP32",
                                 "parameters": {"binary_data_size": n * 4}}],
                     "outputs": [{"name": "logits", "parameters": {"binary_data": True}}]},
                    separators=(",", ":")).encode()
data = array.array("f", values)
if sys.byteorder != "little":
    data.byteswap()
with open(f"{work}/binary.body", "wb") as f:
    f.write(header)
    f.write(data.tobytes())
print(len(header))
PY
)"
jar="$(ls -t "$root"/target/argus-*-all.jar | head -n 1)"
ARGUS_LOGGING_LEVEL=WARN ARGUS_LIMITS_MAX_REQUEST_BYTES=64MiB "$java_bin" --enable-native-access=ALL-UNNAMED \
  -jar "$jar" serve --host 127.0.0.1 --port "$port" --model-repository "$root/models" > "$work/server.log" 2>&1 &
server_pid=$!
wait_ready "$port"
url="http://127.0.0.1:$port/v2/models/image-triage/infer"
run() { BODY="$work/$1.body" HEADER_LENGTH="$2" wrk -t2 -c4 -d"${secs}s" --timeout 20s -s "$root/bench/lua/body.lua" "$url" | grep '^RESULT'; }
run json "" >/dev/null   # warm-up
lines=()
for i in $(seq 1 "$runs"); do
  lines+=("json $(run json "")")
  lines+=("binary $(run binary "$header_length")")
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

{ echo "$parse"; printf '%s\n' "${lines[@]}"; } | python3 -c '
import sys, json, statistics, os, datetime, subprocess
out, secs, runs, java = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
parse, load = {}, {"json": [], "binary": []}
for line in sys.stdin:
    parts = line.split()
    if parts and parts[0] in load:
        kv = dict(p.split("=") for p in parts[2:])
        assert kv["errors"] == "0" and kv["non2xx"] == "0", line
        load[parts[0]].append((float(kv["rps"]), float(kv["p99_ms"])))
    elif parts and parts[0] == "PARSE":
        parse = {k: float(v) for k, v in (p.split("=") for p in parts[1:])}
med = {k: (statistics.median(r for r, _ in v), statistics.median(p for _, p in v)) for k, v in load.items()}
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
machine = f"{os.cpu_count()} cores, {cpu}, {jdk}"
when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
res = {"scenario": "oip", "when": when, "machine": machine, "parse": parse, "load": {
  "json_rps": round(med["json"][0], 2), "binary_rps": round(med["binary"][0], 2),
  "json_p99_ms": round(med["json"][1], 1), "binary_p99_ms": round(med["binary"][1], 1),
  "binary_vs_json_throughput_ratio": round(med["binary"][0] / med["json"][0], 3),
  "binary_vs_json_p99_ratio": round(med["binary"][1] / med["json"][1], 3)},
  "seconds_per_run": secs, "runs": runs}
json.dump(res, open(out + ".json", "w"), indent=2)
L = res["load"]
md = f"""# Open Inference Protocol: JSON vs binary tensors

{when} on {machine}. `bench/studies/oip.sh {secs} {runs}`: medians of {runs} runs.

## Parsing one [8,3,224,224] FP32 request in process ({parse["body_mb"]:.1f} MB of JSON)

| way | time (median) | allocated per request |
|---|---|---|
| Argus streaming parse into a float[] | {parse["streaming_ms"]:.1f} ms | {parse["streaming_alloc_mb"]:.1f} MB |
| data binding into boxed numbers, then a float[] | {parse["boxed_ms"]:.1f} ms | {parse["boxed_alloc_mb"]:.1f} MB |
| binary tensor extension | {parse["binary_ms"]:.2f} ms | {parse["binary_alloc_mb"]:.1f} MB |

streaming ÷ boxed: time x{parse["streaming_vs_boxed_time_ratio"]:.3f}, allocation x{parse["streaming_vs_boxed_alloc_ratio"]:.3f};
binary ÷ streaming JSON: time x{parse["binary_vs_streaming_time_ratio"]:.4f}. The float[] itself is 4.8 MB.

## image-triage over HTTP, [8,3,224,224] FP32 input, 4 connections, {secs} s per run

| body | requests/s | p99 |
|---|---|---|
| JSON | {L["json_rps"]} | {L["json_p99_ms"]} ms |
| binary | {L["binary_rps"]} | {L["binary_p99_ms"]} ms |

binary ÷ JSON: throughput x{L["binary_vs_json_throughput_ratio"]}, p99 x{L["binary_vs_json_p99_ratio"]}.
"""
open(out + ".md", "w").write(md)
print(md)
' "$root/bench/results/oip" "$secs" "$runs" "$java_bin"

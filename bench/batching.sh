#!/usr/bin/env bash
# Batching on vs off for image-triage at 1, 8 and 32 requests in flight, and /health p99 under
# saturation vs idle. Starts Argus on loopback, drives it with wrk, stops it, and writes
# bench/results/batching.md and .json. Every comparison is a ratio of two runs made here, now.
#
#   bench/batching.sh [SECONDS_PER_RUN] [RUNS]      (defaults 10 and 3; the median of RUNS is kept)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
secs="${1:-10}"
runs="${2:-3}"
port="${ARGUS_BENCH_PORT:-18181}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
"$root/argus" --version >/dev/null   # builds the jar if needed and checks for a JDK
. "$root/bench/lib.sh"
java_bin="$(find_java)"
jar="$(ls -t "$root"/target/argus-*-all.jar | head -n 1)"
image="$work/image.jpg"
"$java_bin" "$root/bench/ResizeJpeg.java" "$root/models/image-triage/test-images/meal_1.jpg" "$image" 224

start_server() { # $1 = max_batch_size, $2 = max_queue_delay
  rm -rf "$work/repo"; mkdir -p "$work/repo"
  cp -r "$root/models/image-triage" "$work/repo/"
  sed -i '/^batching:/,$d' "$work/repo/image-triage/model.yaml"
  printf 'batching:\n  max_batch_size: %s\n  max_queue_delay: %s\n  queue_capacity: 256\n' "$1" "$2" \
    >> "$work/repo/image-triage/model.yaml"
  ARGUS_LOGGING_LEVEL=WARN "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" serve \
    --host 127.0.0.1 --port "$port" --model-repository "$work/repo" > "$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$port"
  IMAGE="$image" wrk -t1 -c4 -d3s -s "$root/bench/lua/predict.lua" "http://127.0.0.1:$port/predict" >/dev/null  # warm-up
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }

# Runs wrk $runs times; prints "rps p50 p99" medians and fails on any error.
measure() { # $1 = connections, $2 = script, $3 = path
  local i out all=()
  for i in $(seq 1 "$runs"); do
    out="$(IMAGE="$image" wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"${secs}s" --timeout 10s -s "$root/bench/lua/$2" "http://127.0.0.1:$port$3" | grep '^RESULT')"
    if ! grep -q 'errors=0 non2xx=0' <<<"$out"; then echo "bench: errors in run: $out" >&2; exit 1; fi
    all+=("$out")
  done
  printf '%s\n' "${all[@]}" | python3 -c '
import sys, statistics, re
rows=[dict(kv.split("=") for kv in l.split()[1:]) for l in sys.stdin if l.strip()]
print(" ".join(str(round(statistics.median(float(r[k]) for r in rows), 2)) for k in ("rps","p50_ms","p99_ms")))'
}

declare -A R
for mode in off on; do
  if [[ $mode == off ]]; then start_server 1 0us; else start_server 8 2ms; fi
  for c in 1 8 32; do
    R[$mode,$c]="$(measure "$c" predict.lua /predict)"
    echo "batching $mode, $c in flight: rps p50 p99 = ${R[$mode,$c]}" >&2
  done
  if [[ $mode == on ]]; then
    R[health,idle]="$(measure 1 get.lua /health)"
    IMAGE="$image" wrk -t1 -c32 -d"$(( secs * runs + 5 ))s" -s "$root/bench/lua/predict.lua" "http://127.0.0.1:$port/predict" >/dev/null &
    load_pid=$!
    sleep 2
    R[health,busy]="$(measure 1 get.lua /health)"
    wait "$load_pid"
    echo "health idle / busy: ${R[health,idle]} / ${R[health,busy]}" >&2
  fi
  stop_server
done

python3 - "$root/bench/results" "$secs" "$runs" <<PY
import json, sys, platform, subprocess, datetime, os
out, secs, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
R = {k: list(map(float, v.split())) for k, v in {
$(for k in "${!R[@]}"; do printf '  "%s": "%s",\n' "$k" "${R[$k]}"; done)
}.items()}
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
jdk = subprocess.run(["$java_bin", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
machine = f"{os.cpu_count()} cores, {cpu}, {jdk}"
res = {"scenario": "batching", "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "machine": machine, "seconds_per_run": secs, "runs": runs, "model": "image-triage", "input": "224x224 JPEG, multipart",
       "batching_on": {"max_batch_size": 8, "max_queue_delay": "2ms"}, "figures": {}}
lines = ["# Benchmark: batching", "", f"Run {res['when']} on {machine}.", "",
         f"image-triage, a 224x224 JPEG posted as multipart to /predict by wrk on the same machine; {secs} s per run, median of {runs} runs.",
         "Batching on = max_batch_size 8, max_queue_delay 2ms; off = max_batch_size 1.", "",
         "| in flight | off rps | on rps | throughput ratio (on/off) | off p50 ms | on p50 ms | p50 ratio | off p99 ms | on p99 ms | p99 ratio |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for c in ("1", "8", "32"):
    off, on = R[f"off,{c}"], R[f"on,{c}"]
    f = {"off_rps": off[0], "on_rps": on[0], "throughput_ratio": round(on[0]/off[0], 3),
         "off_p50_ms": off[1], "on_p50_ms": on[1], "p50_ratio": round(on[1]/off[1], 3),
         "off_p99_ms": off[2], "on_p99_ms": on[2], "p99_ratio": round(on[2]/off[2], 3)}
    res["figures"][f"in_flight_{c}"] = f
    lines.append(f"| {c} | {off[0]} | {on[0]} | {f['throughput_ratio']} | {off[1]} | {on[1]} | {f['p50_ratio']} | {off[2]} | {on[2]} | {f['p99_ratio']} |")
h = {"idle_p99_ms": R["health,idle"][2], "saturated_p99_ms": R["health,busy"][2],
     "p99_ratio": round(R["health,busy"][2] / R["health,idle"][2], 3)}
res["figures"]["health"] = h
lines += ["", "/health with one connection, idle vs while 32 connections saturate /predict (batching on):", "",
          "| idle p99 ms | saturated p99 ms | p99 ratio (saturated/idle) |", "|---|---|---|",
          f"| {h['idle_p99_ms']} | {h['saturated_p99_ms']} | {h['p99_ratio']} |", "",
          "Reproduce: bench/batching.sh [SECONDS_PER_RUN] [RUNS]. wrk shares the machine's cores with the server."]
open(f"{out}/batching.json", "w").write(json.dumps(res, indent=2) + "\n")
open(f"{out}/batching.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY

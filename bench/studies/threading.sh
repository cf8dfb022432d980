#!/usr/bin/env bash
# ONNX Runtime threading for image-triage on this machine: intra-op threads 1 vs all cores, and
# spinning on vs off. For each, /predict throughput and p99 at 8 in flight, and /health p99 while
# /predict is saturated (spinning threads starve the HTTP threads on small machines).
# Writes bench/results/threading.md and .json.   bench/studies/threading.sh [SECONDS_PER_RUN] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
secs="${1:-8}"
runs="${2:-3}"
port="${ARGUS_BENCH_PORT:-18182}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
. "$root/bench/lib.sh"
build_bench
image="$work/image.jpg"
bench_java dev.argus.bench.ResizeJpeg "$root/models/image-triage/test-images/meal_1.jpg" "$image" 224
cores="$(nproc)"

run_wrk() { # $1 connections, $2 script, $3 path -> RESULT line
  IMAGE="$image" wrk -t1 -c"$1" -d"${secs}s" --timeout 10s -s "$root/bench/lua/$2" "http://127.0.0.1:$port$3" | grep '^RESULT'
}
median() { python3 -c '
import sys, statistics
rows=[dict(kv.split("=") for kv in l.split()[1:]) for l in sys.stdin if l.strip()]
assert all(r["errors"]=="0" and r["non2xx"]=="0" for r in rows), rows
print(" ".join(str(round(statistics.median(float(r[k]) for r in rows), 2)) for k in ("rps","p50_ms","p99_ms")))'; }

results=()
for setting in "1 false" "$cores false" "$cores true"; do
  read -r threads spin <<<"$setting"
  ARGUS_LOGGING_LEVEL=WARN ARGUS_BATCHING_INTRA_OP_THREADS="$threads" ARGUS_BATCHING_ALLOW_SPINNING="$spin" \
    "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" serve --host 127.0.0.1 --port "$port" \
    --model-repository "$root/models" > "$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$port"
  run_wrk 4 predict.lua /predict >/dev/null
  predict="$(for _ in $(seq 1 "$runs"); do run_wrk 8 predict.lua /predict; done | median)"
  IMAGE="$image" wrk -t1 -c8 -d"$(( secs * runs + 4 ))s" -s "$root/bench/lua/predict.lua" "http://127.0.0.1:$port/predict" >/dev/null &
  load=$!
  sleep 2
  health="$(for _ in $(seq 1 "$runs"); do run_wrk 1 get.lua /health; done | median)"
  wait "$load"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  echo "intra_op_threads=$threads allow_spinning=$spin: predict rps p50 p99 = $predict; /health under load rps p50 p99 = $health" >&2
  results+=("$threads $spin $predict $health")
done

printf '%s\n' "${results[@]}" | python3 -c '
import sys, json, os, datetime, subprocess
out, secs, runs, java = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = [l.split() for l in sys.stdin if l.strip()]
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
machine = f"{os.cpu_count()} cores, {cpu}, {jdk}"
when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
base = rows[0]
res = {"scenario": "threading", "when": when, "machine": machine, "seconds_per_run": secs, "runs": runs, "settings": []}
lines = ["# Benchmark: ONNX Runtime threading", "", f"Run {when} on {machine}.", "",
  f"image-triage (bundled settings: batching 8 / 2ms), 224x224 JPEG, wrk on the same machine; {secs} s per run, median of {runs}.",
  "Ratios are against intra_op_threads 1, spinning off.", "",
  "| intra_op_threads | allow_spinning | /predict rps (8 in flight) | throughput ratio | /predict p99 ms | /health p99 ms under load | /health p99 ratio |",
  "|---|---|---|---|---|---|---|"]
for r in rows:
    t, s, rps, p50, p99, hrps, hp50, hp99 = r
    f = {"intra_op_threads": int(t), "allow_spinning": s == "true", "predict_rps": float(rps), "predict_p99_ms": float(p99),
         "health_p99_under_load_ms": float(hp99), "throughput_ratio": round(float(rps)/float(base[2]), 3),
         "health_p99_ratio": round(float(hp99)/float(base[7]), 3)}
    res["settings"].append(f)
    tr, hr = f["throughput_ratio"], f["health_p99_ratio"]
    lines.append(f"| {t} | {s} | {rps} | {tr} | {p99} | {hp99} | {hr} |")
lines += ["", "Reproduce: bench/studies/threading.sh [SECONDS_PER_RUN] [RUNS]."]
open(f"{out}/threading.json", "w").write(json.dumps(res, indent=2) + "\n")
open(f"{out}/threading.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
' "$root/bench/results" "$secs" "$runs" "$java_bin"

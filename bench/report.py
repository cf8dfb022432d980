#!/usr/bin/env python3
"""Writes bench results: OUT_DIR/<scenario>.md and .json from the samples a bench/run.sh scenario
recorded, one line each:

  FIG key value            one run's measurement (several lines per key: the runs)
  RATIO key num den        key (ending in "ratio") = median(num) / median(den)
  DIFF key a b             key = median(a) - median(b)
  TEXT markdown            a line of prose for the .md (what was measured, how)

Every figure is the median of its runs; every ratio and difference is computed from medians taken in
this one run. usage: report.py SCENARIO SAMPLES OUT_DIR JAVA RUNS SECONDS SMOKE(0|1)
"""
import datetime
import json
import os
import statistics
import subprocess
import sys


def machine(java):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return {"cores": os.cpu_count(), "cpu": cpu, "jdk": jdk,
            "line": f"{os.cpu_count()} cores, {cpu}, {jdk}"}


def fmt(x):
    if abs(x) >= 100:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.3g}" if abs(x) < 10 else f"{x:.2f}"
    return f"{x:.3g}"


def main():
    scenario, samples_file, out_dir, java, runs, secs, smoke = sys.argv[1:8]
    samples, ratios, diffs, text = {}, [], [], []
    with open(samples_file) as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 1)
            if len(parts) < 2:
                continue
            kind, rest = parts
            if kind == "FIG":
                key, value = rest.split()
                samples.setdefault(key, []).append(float(value))
            elif kind == "RATIO":
                key, num, den = rest.split()
                if not key.endswith("ratio"):
                    raise SystemExit(f"report: ratio key {key} must end in 'ratio'")
                ratios.append((key, num, den))
            elif kind == "DIFF":
                diffs.append(tuple(rest.split()))
            elif kind == "TEXT":
                text.append(rest)
    med = {k: statistics.median(v) for k, v in samples.items()}
    m = machine(java)
    when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    result = {
        "scenario": scenario, "when": when, "machine": m, "runs": int(runs),
        "seconds_per_run": float(secs), "smoke": smoke == "1",
        "figures": {k: {"median": round(med[k], 4), "samples": [round(x, 4) for x in v]}
                    for k, v in samples.items()},
        "ratios": {}, "differences": {},
    }
    for key, num, den in ratios:
        result["ratios"][key] = {"value": round(med[num] / med[den], 4), "numerator": num,
                                 "denominator": den}
    for key, a, b in diffs:
        result["differences"][key] = {"value": round(med[a] - med[b], 4), "minuend": a,
                                      "subtrahend": b}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, scenario + ".json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    md = [f"# Benchmark: {scenario}", "",
          f"Run {when} on {m['line']}." + (" **Smoke run: not a measurement.**" if smoke == "1" else ""),
          f"`bench/run.sh {scenario}`: {runs} run(s) of {secs} s per figure, medians kept.", ""]
    md += text
    if ratios:
        md += ["", "| ratio | value | numerator / denominator (medians) |", "|---|---|---|"]
        for key, num, den in ratios:
            md.append(f"| `{key}` | **{result['ratios'][key]['value']:.3f}** | "
                      f"`{num}` {fmt(med[num])} / `{den}` {fmt(med[den])} |")
    if diffs:
        md += ["", "| difference | value | minuend - subtrahend (medians) |", "|---|---|---|"]
        for key, a, b in diffs:
            md.append(f"| `{key}` | **{fmt(result['differences'][key]['value'])}** | "
                      f"`{a}` {fmt(med[a])} - `{b}` {fmt(med[b])} |")
    md += ["", "| figure | median | runs |", "|---|---|---|"]
    for key, values in samples.items():
        md.append(f"| `{key}` | {fmt(med[key])} | {', '.join(fmt(v) for v in values)} |")
    with open(os.path.join(out_dir, scenario + ".md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()

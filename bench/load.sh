#!/usr/bin/env bash
# Drives a running Argus with real photos and prints rate, errors and latency percentiles.
#
#   bench/load.sh [-u URL] [-d SECONDS] [-c CONNECTIONS] [-t THREADS] [-m MODEL] [IMAGE...]
#
# Defaults: http://127.0.0.1:8080, 30 s, 8 connections, 2 threads, the default model, the six
# photos in models/image-triage/test-images (posted in turn as multipart/form-data). Needs wrk
# (apt-get install wrk). Exits non-zero when any request failed or was answered with a non-2xx.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
url="http://127.0.0.1:8080" secs=30 conns=8 threads=2 model=""
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while getopts "u:d:c:t:m:h" opt; do
  case "$opt" in
    u) url="${OPTARG%/}" ;; d) secs="$OPTARG" ;; c) conns="$OPTARG" ;; t) threads="$OPTARG" ;;
    m) model="$OPTARG" ;; h) usage 0 ;; *) usage 2 ;;
  esac
done
shift $((OPTIND - 1))
command -v wrk >/dev/null || { echo "load: wrk is missing (apt-get install wrk)" >&2; exit 1; }
images=("$@")
((${#images[@]})) || images=("$root"/models/image-triage/test-images/*.jpg)
for i in "${images[@]}"; do [[ -f "$i" ]] || { echo "load: no such image: $i" >&2; exit 2; }; done
(( threads > conns )) && threads="$conns"
target="$url/predict${model:+/$model}"
curl -sf "$url/readyz" >/dev/null || { echo "load: $url/readyz is not 200: is Argus up and ready?" >&2; exit 1; }

echo "load: $target, ${secs}s, $conns connections, ${#images[@]} images"
out="$(IMAGES="$(IFS=:; echo "${images[*]}")" wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s \
  -s "$root/bench/lua/load.lua" "$target")"
sed -n '/^requests /,$p' <<< "$out"
grep -q '^non-2xx       0$' <<< "$out" && grep -q '^socket errors 0 ' <<< "$out"

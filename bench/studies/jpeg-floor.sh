#!/usr/bin/env bash
# How fast libjpeg-turbo itself decodes the bundled photos on this machine, at full size and with
# DCT scaling (1/2, 1/4, 1/8), one thread, with tjbench (Debian: libjpeg-turbo-progs). This is the
# floor under the /predict path's decode: Argus calls the same library (TurboJpeg), so no decoder
# change can make a photo cheaper than this row says. Writes bench/results/jpeg-floor.md.
#   bench/studies/jpeg-floor.sh [SECONDS_PER_FIGURE]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
secs="${1:-3}"
command -v tjbench >/dev/null || { echo "bench: tjbench is missing (apt-get install libjpeg-turbo-progs)" >&2; exit 1; }
out="$root/bench/results/jpeg-floor.md"
{
  echo "# Study: libjpeg-turbo's own decode time for the bundled photos"
  echo
  echo "Run $(date -Iseconds) on $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)," \
    "$(dpkg-query -W -f='libjpeg-turbo ${Version}' libjpeg-turbo-progs 2>/dev/null || echo 'libjpeg-turbo')."
  echo "\`bench/studies/jpeg-floor.sh\`: tjbench, decompression to RGB, one thread, ${secs} s per figure"
  echo "after 1 s of warm-up; ms per image from its Mpixels/s over the source image's pixels."
  echo
  echo "| photo | size | full | 1/2 | 1/4 | 1/8 | full, fast upsampling |"
  echo "|---|---|---|---|---|---|---|"
  for photo in "$root"/models/image-triage/test-images/*.jpg; do
    size="$(python3 - "$photo" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
i = 2
while i < len(data):
    marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
    if marker in (0xC0, 0xC1, 0xC2):
        h, w = struct.unpack(">HH", data[i + 5:i + 9])
        print(f"{w}x{h}")
        break
    i += 2 + length
PY
)"
    row="| $(basename "$photo") | $size"
    for opts in "-scale 1/1" "-scale 1/2" "-scale 1/4" "-scale 1/8" "-scale 1/1 -fastupsample"; do
      # shellcheck disable=SC2086  # opts is a list of flags
      line="$(tjbench "$photo" $opts -rgb -benchtime "$secs" -warmup 1 -nowrite -quiet 2>&1 | awk '$1 == "RGB" { l = $0 } END { print l }')"
      mpix="$(awk '{ print $NF }' <<< "$line")"
      row+=" | $(python3 -c "w, h = map(int, '$size'.split('x')); print(f'{w * h / 1e6 / $mpix * 1000:.2f} ms')")"
    done
    echo "$row |"
  done
} > "$out"
cat "$out"

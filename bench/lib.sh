# Shared helpers for the bench scripts; source it: . "$root/bench/lib.sh"

# Prints the path of a java binary >= 21 ($JAVA_HOME first, then /usr/lib/jvm/*), or fails.
find_java() {
  local j v
  for j in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java; do
    [[ -x "$j" ]] || continue
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
    if [[ -n "$v" && "$v" -ge 21 ]]; then
      echo "$j"
      return 0
    fi
  done
  echo "bench: no JDK 21+ found (JAVA_HOME, /usr/lib/jvm)" >&2
  return 1
}

# Waits up to 60 s for Argus on 127.0.0.1:$1 to report ready.
wait_ready() {
  local _
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "bench: Argus on port $1 did not become ready" >&2
  return 1
}

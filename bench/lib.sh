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

# Builds what benchmarks run: the server's shaded jar, the Argus artifact the bench module depends
# on (installed from target/, not rebuilt), and the bench module's classes. Sets java_bin,
# JAVA_HOME, jar (the server) and bench_cp (bench classes and their dependencies); bench_java runs a
# bench class. $root must be the repository.
build_bench() {
  java_bin="$(find_java)"
  export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
  echo "bench: building" >&2
  (
    cd "$root"
    ./mvnw -B -q -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true package
    local version
    version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)"
    ./mvnw -B -q install:install-file -Dfile="target/argus-$version.jar" -DpomFile=pom.xml
    ./mvnw -B -q -f bench/pom.xml compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dargus.version="$version"
  ) >&2
  jar="$(ls -t "$root"/target/argus-*-all.jar | head -n 1)"
  bench_cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
}
bench_java() { "$java_bin" --enable-native-access=ALL-UNNAMED -cp "$bench_cp" "$@"; }

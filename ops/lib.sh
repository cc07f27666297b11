# Shared by the ops/ scripts: paths, JVM settings, building jars on first use.
# shellcheck shell=bash
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRAINER_JAR="$root/trainer/target/trainer.jar"
STREAMS_JAR="$root/streams-app/target/streams-app.jar"
KAFKA_JAR="$root/ops/local-kafka/target/local-kafka.jar"
LOCAL_REGISTRY_JAR="$root/ops/local-registry/target/local-registry.jar"
# The user tools (produce, tail, feedback, count) and the benchmark, outside the service's jar.
TOOLS_JAR="$root/ops/tools/target/modstream-tools.jar"
BENCH_JAR="$root/ops/benchmark/target/benchmark.jar"
# Heap, GC and off-heap bounds for the streams app (docs/operations.md, "JVM settings"): 1 GiB heap, ParallelGC,
# ND4J/JavaCPP off-heap at most 512 MiB (with the default onnx engine ND4J only reads the weights),
# NIO direct buffers at most 256 MiB. Override with MODSTREAM_JAVA_OPTS.
MODEL_JAVA_OPTS=${MODSTREAM_JAVA_OPTS:--Xmx1g -XX:+UseParallelGC -XX:MaxDirectMemorySize=256m -Dorg.bytedeco.javacpp.maxbytes=512m}
# Training also fits the linear model, whose training matrix on the full Jigsaw rows needs a larger
# heap than the app's (docs/operations.md).
TRAINER_JAVA_OPTS=${MODSTREAM_TRAINER_JAVA_OPTS:--Xmx3g -XX:+UseParallelGC}
TOOL_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# Prints a property of the parent pom (a pinned version), e.g. pom_property onnxruntime.version.
pom_property() {
  sed -n "s:.*<$1>\\(.*\\)</$1>.*:\\1:p" "$root/pom.xml" | head -1
}

# Prints the path of async-profiler's agent library (Linux x64): $MODSTREAM_ASYNC_PROFILER_LIB when
# set (the GPU kit's copy), else tools.profiler:async-profiler at the parent pom's
# async-profiler.version, fetched from Maven Central into .local/async-profiler on first use.
async_profiler_lib() {
  if [ -n "${MODSTREAM_ASYNC_PROFILER_LIB:-}" ]; then
    echo "$MODSTREAM_ASYNC_PROFILER_LIB"
    return
  fi
  local version dir
  version=$(pom_property async-profiler.version)
  dir="$root/.local/async-profiler/$version"
  if [ ! -f "$dir/libasyncProfiler.so" ]; then
    mkdir -p "$dir"
    (cd "$root" && mvn -q -B -N dependency:copy -Dartifact="tools.profiler:async-profiler:$version:jar:linux-x64" \
      -DoutputDirectory="$dir") >&2 || { echo "could not fetch async-profiler $version from Maven" >&2; return 1; }
    (cd "$dir" && jar xf "async-profiler-$version-linux-x64.jar" linux-x64/libasyncProfiler.so \
      && mv linux-x64/libasyncProfiler.so . && rmdir linux-x64)
  fi
  echo "$dir/libasyncProfiler.so"
}

# A pom or main source file changed since the oldest jar was built (a pull, an edit), or nothing.
# (Maven leaves local-kafka.jar as it is when its classes did not change: ensure_built touches the
# jars after each build, so the oldest jar's time is the last build's.)
changed_since_build() {
  local oldest
  oldest=$(ls -tr "$TRAINER_JAR" "$STREAMS_JAR" "$KAFKA_JAR" "$LOCAL_REGISTRY_JAR" "$TOOLS_JAR" "$BENCH_JAR" | head -1)
  find "$root" \( -name .git -o -name .local -o -name .gpukit -o -name target \) -prune -o -type f \
    \( -name pom.xml -o -path '*/src/main/*' \) -newer "$oldest" -print -quit
}

build_jars() {
  if ! (cd "$root" && mvn -q -B -DskipTests package) >&2; then
    echo "==> the build failed (above); the jars were not updated" >&2
    exit 1
  fi
  touch "$TRAINER_JAR" "$STREAMS_JAR" "$KAFKA_JAR" "$LOCAL_REGISTRY_JAR" "$TOOLS_JAR" "$BENCH_JAR"
}

# Builds the jars if they are missing, and again if a source changed since, unless a process runs
# them now (a jar replaced under a running JVM can break it): then it says so and uses them as they are.
ensure_built() {
  if [ ! -f "$TRAINER_JAR" ] || [ ! -f "$STREAMS_JAR" ] || [ ! -f "$KAFKA_JAR" ] || [ ! -f "$TOOLS_JAR" ] \
    || [ ! -f "$BENCH_JAR" ] || [ ! -f "$LOCAL_REGISTRY_JAR" ]; then
    echo "==> building modstream (mvn -DskipTests package; the first build downloads dependencies)" >&2
    build_jars
    return
  fi
  local changed running
  changed=$(changed_since_build)
  [ -n "$changed" ] || return 0
  running=$(pgrep -f -- "$TRAINER_JAR|$STREAMS_JAR|$KAFKA_JAR|$LOCAL_REGISTRY_JAR|$TOOLS_JAR|$BENCH_JAR" | paste -sd ' ' || true)
  if [ -n "$running" ]; then
    echo "==> warning: ${changed#"$root"/} changed since the jars were built, but processes run them (pids $running); using the jars as they are (stop those, then run this again to rebuild)" >&2
  elif ! command -v mvn > /dev/null; then
    echo "==> warning: ${changed#"$root"/} changed since the jars were built, and there is no mvn here to rebuild them; using the jars as they are" >&2
  else
    echo "==> rebuilding modstream: ${changed#"$root"/} changed since the jars were built (mvn -DskipTests package)" >&2
    build_jars
  fi
}

# Holds an exclusive lock on FILE (flock, fd 9) while this script and its children run, or stops
# with a message naming the holder: two stacks in one state directory share the broker's data, and
# the second one's start breaks the first. WHAT names the script, ADVICE what to do instead.
hold_lock() {
  local file="$1" what="$2" advice="$3"
  command -v flock > /dev/null || return 0
  mkdir -p "$(dirname "$file")"
  exec 9<> "$file"
  if ! flock -n 9; then
    echo "$what: another $what (pid $(cat "$file" 2>/dev/null || echo unknown)) is running in $(dirname "$file"); $advice" >&2
    exit 1
  fi
  echo "$$" > "$file"
}

# The comments the benchmarks and the GPU kit use by default: the shared Jigsaw rows (real comment
# lengths) when present, else the committed sample.
default_data() {
  local shared="$root/../shared/data/jigsaw/train.csv.gz"
  if [ -f "$shared" ]; then echo "$shared"; else echo "$root/data/sample/jigsaw-sample.csv.gz"; fi
}

# Runs a streams-app admin command (create-topics) quietly.
streams_tool() {
  # shellcheck disable=SC2086
  java $TOOL_JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$STREAMS_JAR" "$@"
}

# Runs a user tool of modstream-tools.jar (produce, tail, feedback, count) quietly. Without
# --bootstrap a tool follows the local stack's broker, named in stack.properties in ops/run-local's
# state directory, which it learns from -Dmodstream.local.dir.
modstream_tool() {
  # shellcheck disable=SC2086
  java $TOOL_JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dmodstream.local.dir="${MODSTREAM_LOCAL_DIR:-$root/.local}" -jar "$TOOLS_JAR" "$@"
}

# For a tool run in the background (`modstream_tool_exec ARGS &`): the job replaces itself with the
# JVM, so killing $! stops the tool rather than only the subshell around it.
modstream_tool_exec() {
  # shellcheck disable=SC2086
  exec java $TOOL_JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dmodstream.local.dir="${MODSTREAM_LOCAL_DIR:-$root/.local}" -jar "$TOOLS_JAR" "$@"
}

# The CPU, for benchmark headers: figures from different hosts differ (e.g. with and without
# AVX-512, which the scoring's native code uses when present).
cpu_model() {
  local model vector
  model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then vector="AVX-512"
  elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then vector="AVX2, no AVX-512"
  else vector="no AVX2"; fi
  echo "${model:-unknown CPU} ($vector)"
}

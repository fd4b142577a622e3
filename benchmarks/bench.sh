#!/usr/bin/env bash
# ./cx bench [options]          the whole end-to-end suite (full profile: ~1.5-2 h on 2 cores; see benchmarks/README.md)
# ./cx bench --quick            a small profile, under 3 minutes
# ./cx bench --jmh [JMH opts]   only the JMH microbenchmarks (e.g. ./cx bench --jmh -f 1 -wi 1 -i 3 JourneyFunction)
# ./cx bench --soak 10m [...]   only the soak test (steady load, short state TTL, state/heap/RSS over time)
# Builds the benchmarks module (and what it needs), then runs io.cxstream.bench.BenchMain from the
# repository root. Results: benchmarks/results/cx-bench-<time>.{json,md} (cx-soak-... for the soak).
# Logs: .cx/logs/cx-local.log. JVM flags: CX_JAVA_OPTS (default -Xmx3g).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
args=("$@")
if [ "${1:-}" = "--jmh" ]; then
  shift
  out=()
  jmh=()
  while [ $# -gt 0 ]; do  # --out DIR is ours; everything else goes to JMH
    if [ "$1" = "--out" ] && [ $# -gt 1 ]; then out=(--out "$2"); shift 2; else jmh+=("$1"); shift; fi
  done
  args=(--phases jmh --jmh-args "${jmh[*]:-}" "${out[@]}")
fi
if [ -z "${CX_BENCH_NO_BUILD:-}" ]; then
  echo "cx bench: building ..." >&2
  mvn -B -q -DskipTests package -pl benchmarks -am >&2
fi
mkdir -p .cx/logs
exec java ${CX_JAVA_OPTS:--Xmx3g -XX:+UseParallelGC} \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro \
  -Dlog4j.configurationFile=cx-local-log4j2.properties -Dcx.log.dir="$ROOT/.cx/logs" \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt)" io.cxstream.bench.BenchMain "${args[@]}"

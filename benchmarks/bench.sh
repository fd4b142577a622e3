#!/usr/bin/env bash
# ./cx bench [--quick] [--customers N] [--events N] [--duration 2min] [--warmup 15s] [--rates 1000,5000]
#            [--parallelism 1] [--out benchmarks/results]
# Builds the benchmarks module (and what it needs), then runs io.cxstream.bench.BenchMain from the
# repository root. Results: benchmarks/results/cx-bench-<time>.{json,md}. Logs: .cx/logs/cx-local.log
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
echo "cx bench: building ..." >&2
mvn -B -q -DskipTests package -pl benchmarks -am >&2
mkdir -p .cx/logs
exec java ${CX_JAVA_OPTS:--Xmx3g} \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro \
  -Dlog4j.configurationFile=cx-local-log4j2.properties -Dcx.log.dir="$ROOT/.cx/logs" \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt)" io.cxstream.bench.BenchMain "$@"

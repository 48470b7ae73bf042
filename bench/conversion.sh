#!/usr/bin/env bash
# Conversion benchmark: LinuxForHealth in its own JVM, then Harbour's translator, the ceiling and
# the validity of both outputs; figures appended to docs/BENCHMARKS.md. Run from bench/:
#   ./conversion.sh [seconds per figure, default 20]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-20}"
corpus="$(cd ../.. && pwd)/shared/corpus/ms-fhir-converter-hl7v2"
results="$(pwd)/lfh-runner/target/lfh-results.properties"
../mvnw -q -Pbench -DskipTests -f ../pom.xml install
../mvnw -q -f lfh-runner/pom.xml package exec:exec -Dbench.seconds="$seconds" -Dbench.corpus="$corpus" -Dbench.out="$results"
../mvnw -q exec:exec -Dbench.main=org.harbour.bench.ConversionBenchmark -Dbench.seconds="$seconds" \
  -Dbench.hubArgs="$corpus $results"

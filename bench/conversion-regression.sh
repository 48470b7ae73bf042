#!/usr/bin/env bash
# Conversion speed before and after a change, in the same run on the same machine: builds the
# mappings module of REV (default: the commit before HEAD) in a temporary worktree, then measures
# that build and the working tree's with the same harness (ConversionRate: translation plus JSON),
# in separate JVMs, alternating old and new (ROUNDS, default 3). Run from bench/:
#   ./conversion-regression.sh [REV] [seconds per figure, default 15]
set -euo pipefail
cd "$(dirname "$0")"
rev="${1:-HEAD~1}"
seconds="${2:-15}"
corpus="$(cd ../.. && pwd)/shared/corpus/ms-fhir-converter-hl7v2"
old="$(mktemp -d)"
trap 'git -C .. worktree remove --force "$old" >/dev/null 2>&1 || true' EXIT
git -C .. worktree add --detach "$old" "$rev" >/dev/null
(cd "$old" && ./mvnw -o -q -pl mappings -am -DskipTests package)
../mvnw -o -q -Pbench -f ../pom.xml -pl bench -am -DskipTests package
# the dependencies without any installed harbour-mappings: the build measured is the one named below
deps="$(../mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout 2>/dev/null | tr : "\n" | grep -v harbour-mappings | paste -sd:)"
new_jar="$(ls ../mappings/target/harbour-mappings-*.jar | grep -v -- -tests | head -1)"
old_jar="$(ls "$old"/mappings/target/harbour-mappings-*.jar | grep -v -- -tests | head -1)"
run() {
  java -Xmx2g -Dbench.seconds="$seconds" -cp "target/classes:$1:$deps" org.harbour.bench.ConversionRate "$corpus"
}
# alternated, so a drift of the machine falls on both
for round in $(seq "${ROUNDS:-3}"); do
  echo "round $round old ($rev): $(run "$old_jar" | grep all=)"
  echo "round $round new (working tree): $(run "$new_jar" | grep all=)"
done

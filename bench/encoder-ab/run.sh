#!/usr/bin/env bash
# Interleaved A/B of the encoder benchmark (issue 8): the model classes of git revision BASE against this worktree's,
# run one after another ROUNDS times (EncoderBenchmark --steps 3 --memory-steps 0, the code `sparkcl bench encoder`
# runs; STEPS sets --steps), each line with the load average beside it. BASE's model sources are compiled into a temporary directory that
# goes first on the class path, so both runs use the same dependencies, resources and JVM.
#
#   bench/encoder-ab/run.sh BASE [ROUNDS]      (e.g. bench/encoder-ab/run.sh main 3; default 3 rounds)
#   STEPS=10 bench/encoder-ab/run.sh BASE 2    (timed steps per run: default 3, which includes the JIT's warm-up)
#   PROFILE=1 ...                              (also print the per-block and per-kernel profile lines)
#
# Needs `mvn -o -pl model -am -Dsparkcl.shade.phase=none -DskipTests compile` done in this worktree first.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BASE="${1:?usage: run.sh BASE_REVISION [ROUNDS]}"
ROUNDS="${2:-3}"
cd "$ROOT"
[[ -d model/target/classes && -d losses/target/classes ]] || {
  echo "run.sh: compile first: mvn -o -pl model -am -Dsparkcl.shade.phase=none -DskipTests compile" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd model && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt") >&2
CP="$(cat "$WORK/cp.txt")"
git archive "$BASE" model/src/main/java | tar -x -C "$WORK"
mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "losses/target/classes:$CP" $(find "$WORK/model/src/main/java" -name '*.java') \
    2>&1 | grep -v '^Note:' >&2 || true

# as deploy/bin/sparkcl sets it (both sides alike)
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
for round in $(seq 1 "$ROUNDS"); do
  for run in base new; do
    classes="model/target/classes"
    [[ "$run" == base ]] && classes="$WORK/classes:model/target/classes"
    echo "== $run ($BASE vs worktree) round $round, start $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
    java -Xmx4g -cp "$classes:losses/target/classes:$CP" io.sparkcl.model.bench.EncoderBenchmark --steps "${STEPS:-3}" \
        --memory-steps 0 2>&1 | grep -E "^(onnxruntime|SparkCL|SGEMM|memory|inference_|train_step_|  optimizer${PROFILE:+|  (forward|backward))}" || true
    echo "   end load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done

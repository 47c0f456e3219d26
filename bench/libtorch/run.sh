#!/usr/bin/env bash
# The libtorch yardstick side by side with SparkCL's encoder benchmark (issue 8): builds this separate Maven project
# (DJL + PyTorch CPU natives from Maven Central; not part of the SparkCL reactor), runs a libtorch training step and
# forward of the MiniLM shape, then `sparkcl bench encoder` of the same shape, and prints SparkCL step / libtorch step.
#
#   bench/libtorch/run.sh [--steps N]          (default 3; SPARKCL_NO_BUILD / SPARKCL_JAR are passed to sparkcl)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STEPS=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) STEPS="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1 (known: --steps N)" >&2; exit 2 ;;
  esac
done

echo "== building the libtorch benchmark (first run downloads ~250 MB of DJL/PyTorch jars)" >&2
(cd "$HERE" && mvn -B -q -Dstyle.color=never package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt) >&2

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
echo "== libtorch (DJL PyTorch engine, CPU)"
java -cp "$HERE/target/classes:$(cat "$HERE/target/classpath.txt")" io.sparkcl.bench.libtorch.LibtorchEncoderBench \
    --steps "$STEPS" --batch 32 --length 64 2>&1 | grep -v ' INFO \| WARN ' | tee "$OUT/libtorch.txt"
echo "== SparkCL (sparkcl bench encoder)"
"$ROOT/deploy/bin/sparkcl" bench encoder --batch 32 --length 64 --steps "$STEPS" --memory-steps 0 2>&1 \
    | tee "$OUT/sparkcl.txt"

# value KEY FILE: the first decimal number after the fixed string KEY on its first line in FILE.
value() {
  grep -m1 -F "$1" "$2" | awk -v k="$1" '{ rest = substr($0, index($0, k) + length(k));
    if (match(rest, /[0-9]+\.[0-9]+/)) print substr(rest, RSTART, RLENGTH) }'
}
LT_STEP="$(value 'libtorch_train_step_seconds:' "$OUT/libtorch.txt")"
LT_FWD="$(value 'libtorch_forward_seconds:' "$OUT/libtorch.txt")"
SC_STEP="$(value 'SparkCL train step (fwd+bwd+AdamW):' "$OUT/sparkcl.txt")"
SC_FWD="$(value 'SparkCL forward (inference):' "$OUT/sparkcl.txt")"
[[ -n "$LT_STEP" && -n "$SC_STEP" ]] || { echo "run.sh: a benchmark did not print its figures (output above)" >&2; exit 1; }
echo
echo "libtorch step ${LT_STEP} s, forward ${LT_FWD} s; SparkCL step ${SC_STEP} s, inference forward ${SC_FWD} s"
awk -v s="$SC_STEP" -v l="$LT_STEP" 'BEGIN { printf "sparkcl_step_vs_libtorch_step: %.3f\n", s / l }'
awk -v s="$SC_FWD" -v l="$LT_FWD" 'BEGIN { printf "sparkcl_forward_vs_libtorch_forward: %.3f\n", s / l }'

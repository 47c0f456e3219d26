#!/usr/bin/env bash
# Scheduled retraining: fine-tune on the latest labelled data, evaluate, and promote the new model only if
# its test accuracy is not worse than the current one's. Meant for cron (see crontab.example).
#
# Environment (all optional):
#   SPARKCL_HOME      repository root (default: two folders up from this script)
#   TRAIN_FILE        labelled data to train on (default: $DATA_ROOT/incoming/train.jsonl)
#   TEST_FILE         labelled hold-out data (default: $DATA_ROOT/incoming/test.jsonl)
#   RUNS              where run folders go (default: $SPARKCL_HOME/runs/retrain)
#   CURRENT           symlink to the promoted run (default: $RUNS/current)
#   SPARK_OPTS        spark-submit options, e.g. "--master spark://host:7077 --executor-memory 8g"
#   TRAIN_OPTS        extra train options (default: "--method dualcl --epochs 3")
set -euo pipefail
SPARKCL_HOME="${SPARKCL_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DATA_ROOT="${SPARKCL_DATA_DIR:-$HOME/.cache/sparkcl/data}"
TRAIN_FILE="${TRAIN_FILE:-$DATA_ROOT/incoming/train.jsonl}"
TEST_FILE="${TEST_FILE:-$DATA_ROOT/incoming/test.jsonl}"
RUNS="${RUNS:-$SPARKCL_HOME/runs/retrain}"
CURRENT="${CURRENT:-$RUNS/current}"
# shellcheck disable=SC2206
SPARK_OPTS_ARR=(${SPARK_OPTS:-})
# shellcheck disable=SC2206
TRAIN_OPTS_ARR=(${TRAIN_OPTS:---method dualcl --epochs 3})
SPARKCL="$SPARKCL_HOME/deploy/bin/sparkcl"

mkdir -p "$RUNS"
exec 9>"$RUNS/.lock"
if ! flock -n 9; then
  echo "$(date -Is) retrain: another retraining is still running; skipping" >&2
  exit 0
fi

RUN="$RUNS/$(date +%Y%m%d-%H%M%S)"
echo "$(date -Is) retrain: training into $RUN"
"$SPARKCL" "${SPARK_OPTS_ARR[@]}" train --train-file "$TRAIN_FILE" --test-file "$TEST_FILE" \
  "${TRAIN_OPTS_ARR[@]}" --output "$RUN"

accuracy() { # run folder -> test accuracy from its summary.json (empty if none)
  python3 - "$1/summary.json" <<'PY' 2>/dev/null || true
import json, sys
s = json.load(open(sys.argv[1]))
print(s["final_eval"]["test"]["accuracy"])
PY
}

NEW="$(accuracy "$RUN")"
OLD=""
[[ -L "$CURRENT" ]] && OLD="$(accuracy "$(readlink -f "$CURRENT")")"
echo "$(date -Is) retrain: new test accuracy ${NEW:-?}, current ${OLD:-none}"
if [[ -z "$OLD" ]] || { [[ -n "$NEW" ]] && python3 -c "import sys; sys.exit(0 if float('$NEW') >= float('$OLD') else 1)"; }; then
  ln -sfn "$RUN" "$CURRENT"
  echo "$(date -Is) retrain: promoted $RUN"
else
  echo "$(date -Is) retrain: kept $(readlink -f "$CURRENT") (new model is worse)"
fi

#!/usr/bin/env bash
# Scheduled retraining: fine-tune on the latest labelled data, then `sparkcl promote` compares the new model with
# the model in service on the same, current dev data (test data reported) and installs it only if it is better
# by more than MARGIN. JVM only (no Python). Meant for cron (crontab.example) or an Airflow DAG (airflow_dag.py).
#
# Environment (all optional):
#   SPARKCL_HOME   repository root (default: two folders up from this script)
#   DATA           folder of the current labelled data, a Hadoop path on a cluster (default: $SPARKCL_DATA_DIR/incoming)
#   TRAIN_FILE     training data  (default: $DATA/train.jsonl)
#   DEV_FILE       dev data that decides the promotion (default: $DATA/dev.jsonl)
#   TEST_FILE      test data, reported only (default: $DATA/test.jsonl)
#   RUNS           where run folders go (default: $SPARKCL_HOME/runs/retrain; hdfs://... on a cluster)
#   CURRENT        folder of the model in service (default: $RUNS/current); the previous one is kept as CURRENT.previous
#   MARGIN         the candidate's dev accuracy must beat the current one's by more than this (default: 0.005)
#   METRIC         accuracy or macro-f1 (default: accuracy)
#   SPARK_OPTS     spark-submit options, e.g. "--master spark://host:7077 --executor-memory 8g"
#   TRAIN_OPTS     extra train options (default: "--method dualcl --epochs 3")
#
# Exit codes: 0 promoted (or first model), 3 current model kept, 1 failure (training or evaluation), 2 bad options,
# 4 another retraining still running.
set -euo pipefail
SPARKCL_HOME="${SPARKCL_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
DATA="${DATA:-${SPARKCL_DATA_DIR:-$HOME/.cache/sparkcl/data}/incoming}"
TRAIN_FILE="${TRAIN_FILE:-$DATA/train.jsonl}"
DEV_FILE="${DEV_FILE:-$DATA/dev.jsonl}"
TEST_FILE="${TEST_FILE:-$DATA/test.jsonl}"
RUNS="${RUNS:-$SPARKCL_HOME/runs/retrain}"
CURRENT="${CURRENT:-$RUNS/current}"
MARGIN="${MARGIN:-0.005}"
METRIC="${METRIC:-accuracy}"
# shellcheck disable=SC2206
SPARK_OPTS_ARR=(${SPARK_OPTS:-})
# shellcheck disable=SC2206
TRAIN_OPTS_ARR=(${TRAIN_OPTS:---method dualcl --epochs 3})
SPARKCL="$SPARKCL_HOME/deploy/bin/sparkcl"
log() { echo "$(date -Is) retrain: $*"; }

# One retraining at a time on this host (the lock is local: schedule retraining from one place).
LOCK_DIR="${LOCK_DIR:-${TMPDIR:-/tmp}}"
exec 9>"$LOCK_DIR/sparkcl-retrain.lock"
if ! flock -n 9; then
  log "another retraining is still running; skipping"
  exit 4
fi

RUN="$RUNS/$(date +%Y%m%d-%H%M%S)"
log "training into $RUN"
if ! "$SPARKCL" "${SPARK_OPTS_ARR[@]}" train --train-file "$TRAIN_FILE" --dev-file "$DEV_FILE" \
    --test-file "$TEST_FILE" "${TRAIN_OPTS_ARR[@]}" --output "$RUN"; then
  log "FAILED: training into $RUN failed; $CURRENT unchanged"
  exit 1
fi

set +e
"$SPARKCL" "${SPARK_OPTS_ARR[@]}" promote --candidate "$RUN" --current "$CURRENT" --dev-file "$DEV_FILE" \
  --test-file "$TEST_FILE" --margin "$MARGIN" --metric "$METRIC" --output "$RUN/promotion"
code=$?
set -e
case $code in
  0) log "PROMOTED: $RUN is now $CURRENT (details in $RUN/promotion/promotion.json)" ;;
  3) log "KEPT_CURRENT: $RUN is not better than $CURRENT by more than $MARGIN ($METRIC)" ;;
  *) log "FAILED: promote exited with $code; $CURRENT unchanged" ;;
esac
exit $code

#!/usr/bin/env bash
# Spark in local mode through spark-submit (same JVM flags as on a cluster; handy to test a submit line).
# Without any spark-submit option, deploy/bin/sparkcl runs embedded local[*] Spark directly instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

"$ROOT/deploy/bin/sparkcl" \
  --master 'local[4]' \
  --driver-memory 8g \
  train --dataset sst2 --method dualcl --global-batch 64 --micro-batch 16 --epochs 1 \
  --output "$ROOT/runs/sst2-dualcl-local"

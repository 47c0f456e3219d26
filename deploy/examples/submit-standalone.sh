#!/usr/bin/env bash
# A Spark standalone cluster. For a try-out on one machine, start one from the sparkcl jar:
#   deploy/bin/local-cluster start --workers 2 --cores 2 --memory 6g
# and pass MASTER=$(deploy/bin/local-cluster url). On a real cluster, MASTER=spark://host:7077 and the
# run folder must be on a file system every node sees (hdfs://, s3a://, or a shared mount).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MASTER="${MASTER:-$("$ROOT/deploy/bin/local-cluster" url)}"
OUTPUT="${OUTPUT:-file://$ROOT/runs/sst2-dualcl-standalone}"

# One executor per worker here; total-executor-cores caps the application's share of the cluster.
"$ROOT/deploy/bin/sparkcl" \
  --master "$MASTER" \
  --deploy-mode client \
  --executor-memory 4g \
  --total-executor-cores 4 \
  --conf spark.task.maxFailures=4 \
  train --dataset sst2 --method dualcl --global-batch 256 --micro-batch 16 --epochs 1 \
  --partitions 4 --output "$OUTPUT"

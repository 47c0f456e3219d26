#!/usr/bin/env bash
# YARN (Hadoop) cluster mode. Needs HADOOP_CONF_DIR (or YARN_CONF_DIR) pointing at the cluster's configuration.
# Data and run folder on HDFS (or s3a://): copy the data root once, e.g.
#   hdfs dfs -mkdir -p /data/sparkcl && hdfs dfs -put ../shared/data/* /data/sparkcl/
# With SPARK_HOME set (a YARN gateway normally has a Spark 3.5 client), the launcher runs that Spark's
# spark-submit with the cluster jar (Spark provided); without it, SparkSubmit from the -all jar, which
# then also serves as spark.yarn.jars (uploaded to the staging folder for every application).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the Hadoop configuration folder of the cluster}"
RUN_ID="$(date +%Y%m%d-%H%M%S)"

# 8 executors x 4 cores = 32 task slots: global batch 512 over 32 partitions = 16 rows per task, one wave.
# Memory: 12g heap; ND4J's off-heap arrays capped at 4g, + 2g for natives -> 6g overhead per container.
"$ROOT/deploy/bin/sparkcl" \
  --master yarn --deploy-mode cluster \
  --num-executors 8 --executor-cores 4 --executor-memory 12g --driver-memory 8g \
  --conf spark.executor.memoryOverhead=6g \
  --conf spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=4G \
  --conf spark.yarn.maxAppAttempts=1 \
  train --dataset sst2 --method dualcl --global-batch 512 --micro-batch 16 --partitions 32 --epochs 3 \
  --data-dir "${DATA_DIR:-hdfs:///data/sparkcl}" \
  --output "${OUTPUT:-hdfs:///user/${USER:-spark}/sparkcl/runs/sst2-dualcl-$RUN_ID}"

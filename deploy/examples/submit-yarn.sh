#!/usr/bin/env bash
# YARN (Hadoop) cluster. Needs HADOOP_CONF_DIR / YARN_CONF_DIR pointing at the cluster's configuration.
# Data and run folder on HDFS: copy the data root once, e.g.
#   hdfs dfs -mkdir -p /data/sparkcl && hdfs dfs -put ../shared/data/* /data/sparkcl/
# Uses Spark's own spark-submit if SPARK_HOME is set (a YARN cluster normally has a Spark client installed),
# else the sparkcl launcher (spark-submit from the sparkcl jar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the cluster's Hadoop configuration folder}"
JAR="$(ls "$ROOT"/spark-job/target/sparkcl-spark-job-*-all.jar | head -n 1)"
OPENS="$(sed -n 's:.*<sparkcl.addOpens>\(.*\)</sparkcl.addOpens>.*:\1:p' "$ROOT/pom.xml")"

ARGS=(train --dataset sst2 --method dualcl --global-batch 512 --micro-batch 16 --epochs 3
      --data-dir hdfs:///data/sparkcl --output "hdfs:///user/$USER/sparkcl/runs/sst2-dualcl-$(date +%Y%m%d-%H%M%S)")

if [[ -n "${SPARK_HOME:-}" ]]; then
  "$SPARK_HOME/bin/spark-submit" \
    --master yarn --deploy-mode cluster \
    --class io.sparkcl.job.SparkClMain \
    --num-executors 8 --executor-cores 4 --executor-memory 12g --driver-memory 8g \
    --conf "spark.driver.extraJavaOptions=$OPENS" \
    --conf "spark.executor.extraJavaOptions=$OPENS" \
    --conf spark.yarn.maxAppAttempts=1 \
    "$JAR" "${ARGS[@]}"
else
  "$ROOT/deploy/bin/sparkcl" \
    --master yarn --deploy-mode cluster \
    --num-executors 8 --executor-cores 4 --executor-memory 12g --driver-memory 8g \
    "${ARGS[@]}"
fi

"""Nightly SparkCL retraining as an Airflow DAG: train, then promote only if better on the same dev data.

`sparkcl promote` exits 0 when the candidate was installed, 3 when the current model was kept (the task is then
marked *skipped*, not failed), 1 on failure and 2 on bad options. Everything runs on the JVM (the sparkcl jar);
the Airflow worker needs JDK 17 and the SparkCL checkout (or only its jar and deploy/bin/sparkcl).

Paths are on HDFS because the Spark executors of a spark:// master run on other hosts: data, run folders and the
served model must be on storage every node sees (hdfs://, s3a://, or a shared mount).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

SPARKCL = "/opt/sparkcl/deploy/bin/sparkcl"
SPARK_OPTS = ("--master spark://spark-master:7077 --executor-memory 8g "
              "--conf spark.hadoop.fs.defaultFS=hdfs://namenode:8020")
DATA = "hdfs://namenode:8020/sparkcl/data/incoming"
RUN = "hdfs://namenode:8020/sparkcl/runs/retrain/{{ ts_nodash }}"
CURRENT = "hdfs://namenode:8020/sparkcl/models/sentiment/current"
ENV = {"JAVA_HOME": "/usr/lib/jvm/java-17-openjdk-amd64", "PATH": "/usr/local/bin:/usr/bin:/bin",
       "SPARKCL_NO_BUILD": "1"}

with DAG(
    dag_id="sparkcl_retrain",
    schedule="30 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
) as dag:
    train = BashOperator(
        task_id="train",
        bash_command=(f"{SPARKCL} {SPARK_OPTS} train --train-file {DATA}/train.jsonl --dev-file {DATA}/dev.jsonl "
                      f"--test-file {DATA}/test.jsonl --method dualcl --epochs 3 --output {RUN}"),
        env=ENV,
    )
    promote = BashOperator(
        task_id="promote",
        bash_command=(f"{SPARKCL} {SPARK_OPTS} promote --candidate {RUN} --current {CURRENT} "
                      f"--dev-file {DATA}/dev.jsonl --test-file {DATA}/test.jsonl --margin 0.005 "
                      f"--output {RUN}/promotion"),
        env=ENV,
        skip_on_exit_code=3,  # KEPT_CURRENT: not an error
        retries=0,
    )
    train >> promote

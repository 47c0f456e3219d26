#!/usr/bin/env bash
# Entrypoint of the sparkcl images (run under tini, which reaps zombies and forwards signals; this script
# execs its command so that tini runs once and Spark gets the signals).
#
#   driver ARGS...            Spark on Kubernetes driver pod (spark-submit in client mode inside the pod)
#   executor                  Spark on Kubernetes executor pod (settings from the SPARK_* env Spark sets)
#   worker MASTER_URL [ARGS]  standalone worker; SPARKCL_WORKER_GPUS=N announces N GPUs through
#                             /opt/sparkcl/gpu-discovery.sh
#   master [ARGS]             standalone master
#   anything else             run as given (e.g. bash, spark-submit ...)
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"
SPARKCL_HOME="${SPARKCL_HOME:-/opt/sparkcl}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Kubernetes may run the image under an arbitrary uid (OpenShift): give it a passwd entry, as Hadoop's
# user lookup needs one.
if ! getent passwd "$(id -u)" >/dev/null 2>&1 && [[ -w /etc/passwd ]]; then
  echo "$(id -u):x:$(id -u):$(id -g):${SPARK_USER_NAME:-anonymous uid}:$SPARK_HOME:/bin/false" >>/etc/passwd
fi

# Executor classpath: Spark's configuration, Hadoop's, extra entries, Spark's jars (the sparkcl jar is the
# application jar and reaches the executors through Spark).
classpath() {
  local cp="${SPARK_CONF_DIR:-$SPARK_HOME/conf}"
  [[ -n "${HADOOP_CONF_DIR:-}" ]] && cp="$cp:$HADOOP_CONF_DIR"
  [[ -n "${SPARK_CLASSPATH:-}" ]] && cp="$cp:$SPARK_CLASSPATH"
  cp="$cp:$SPARK_HOME/jars/*"
  [[ -n "${SPARK_EXTRA_CLASSPATH:-}" ]] && cp="$cp:$SPARK_EXTRA_CLASSPATH"
  echo "$cp"
}

case "${1:-}" in
  driver)
    shift
    exec "$SPARK_HOME/bin/spark-submit" \
      --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS:?Spark on Kubernetes sets SPARK_DRIVER_BIND_ADDRESS}" \
      --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=$SPARK_DRIVER_BIND_ADDRESS" \
      --deploy-mode client "$@"
    ;;
  executor)
    shift
    # Spark passes spark.executor.extraJavaOptions (the Java 17 flags among them) as SPARK_JAVA_OPT_0, _1, ...
    opts=()
    while IFS= read -r name; do opts+=("${!name}"); done < <(compgen -e | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n)
    exec "$JAVA" "${opts[@]}" \
      -Xms"${SPARK_EXECUTOR_MEMORY:?}" -Xmx"$SPARK_EXECUTOR_MEMORY" \
      -cp "$(classpath)" \
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "${SPARK_DRIVER_URL:?}" --executor-id "${SPARK_EXECUTOR_ID:?}" \
      --cores "${SPARK_EXECUTOR_CORES:?}" --app-id "${SPARK_APPLICATION_ID:?}" \
      --hostname "${SPARK_EXECUTOR_POD_IP:?}" --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}" \
      --podName "${SPARK_EXECUTOR_POD_NAME:-}"
    ;;
  worker)
    shift
    [[ $# -ge 1 ]] || { echo "entrypoint: worker needs the master URL, e.g. worker spark://master:7077" >&2; exit 2; }
    # Spark 3.5's Worker takes no --conf: its properties go in SPARK_WORKER_OPTS.
    if [[ "${SPARKCL_WORKER_GPUS:-0}" -gt 0 ]]; then
      export SPARK_WORKER_OPTS="${SPARK_WORKER_OPTS:-} -Dspark.worker.resource.gpu.amount=$SPARKCL_WORKER_GPUS -Dspark.worker.resource.gpu.discoveryScript=$SPARKCL_HOME/gpu-discovery.sh"
    fi
    exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "$@"
    ;;
  master)
    shift
    exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master "$@"
    ;;
  *)
    exec "$@"
    ;;
esac

#!/usr/bin/env bash
# Kubernetes. Needs a container image holding the sparkcl jar (see docker/README.md; for CPU executors
# the same Dockerfile works with a JDK base image), a service account allowed to create pods, and a run
# folder on shared storage (s3a://, hdfs://, or a mounted volume).
#   IMAGE=registry.example.com/sparkcl:0.1.0-gpu K8S_API=https://my-cluster:6443 deploy/examples/submit-kubernetes.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${IMAGE:?set IMAGE to the sparkcl container image}"
: "${K8S_API:?set K8S_API to the Kubernetes API server URL}"
NAMESPACE="${NAMESPACE:-default}"
OPENS="$(sed -n 's:.*<sparkcl.addOpens>\(.*\)</sparkcl.addOpens>.*:\1:p' "$ROOT/pom.xml")"
JAR_IN_IMAGE="local:///opt/sparkcl/sparkcl.jar"

"$ROOT/deploy/bin/sparkcl" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --num-executors 4 --executor-cores 4 --executor-memory 12g --driver-memory 8g \
  --conf "spark.kubernetes.namespace=$NAMESPACE" \
  --conf "spark.kubernetes.container.image=$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf "spark.kubernetes.file.upload.path=${UPLOAD_PATH:-s3a://my-bucket/spark-uploads}" \
  --conf "spark.driver.extraJavaOptions=$OPENS" \
  --conf "spark.executor.extraJavaOptions=$OPENS" \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.executor.resource.gpu.discoveryScript=/opt/sparkcl/gpu-discovery.sh \
  --conf spark.task.resource.gpu.amount=1 \
  train --dataset sst2 --method dualcl --global-batch 1024 --micro-batch 32 --epochs 3 \
  --data-dir "${DATA_DIR:-s3a://my-bucket/sparkcl/data}" \
  --output "${OUTPUT:-s3a://my-bucket/sparkcl/runs/sst2-dualcl}"
# Note: the launcher runs SparkSubmit from the local sparkcl jar; the driver pod then runs the jar baked
# into the image. Drop the four gpu lines for CPU executors.

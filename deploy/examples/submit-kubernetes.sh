#!/usr/bin/env bash
# Kubernetes cluster mode: driver and executors run the image built from docker/ (Dockerfile.gpu, or
# Dockerfile.cpu with GPUS=0), whose jar is local:///opt/sparkcl/sparkcl.jar (the launcher passes that URI
# for k8s cluster mode). Needs a service account allowed to create pods and a data root and run folder
# every pod can reach (s3a://, hdfs://).
#   IMAGE=registry.example.com/sparkcl:0.1.0-gpu K8S_API=https://my-cluster:6443 deploy/examples/submit-kubernetes.sh
#   GPUS=0 IMAGE=registry.example.com/sparkcl:0.1.0-cpu K8S_API=... deploy/examples/submit-kubernetes.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${IMAGE:?set IMAGE to the sparkcl container image}"
: "${K8S_API:?set K8S_API to the Kubernetes API server URL}"
NAMESPACE="${NAMESPACE:-default}"
GPUS="${GPUS:-1}"

RESOURCES=()
if [[ "$GPUS" -gt 0 ]]; then
  # One GPU per executor and per task; the pod template adds the GPU node toleration and selector.
  RESOURCES=(
    --conf "spark.executor.resource.gpu.amount=$GPUS"
    --conf spark.executor.resource.gpu.vendor=nvidia.com
    --conf spark.executor.resource.gpu.discoveryScript=/opt/sparkcl/gpu-discovery.sh
    --conf spark.task.resource.gpu.amount=1
    --conf "spark.kubernetes.executor.podTemplateFile=$ROOT/deploy/examples/k8s/gpu-executor-pod-template.yaml"
  )
fi

# GPU: 4 executors, one GPU each -> 4 tasks per step (--partitions 4), 256 rows per task in micro-batches of 64.
# Memory: 12g heap; ND4J's off-heap arrays capped at 6g, + 2g for natives -> 8g overhead per executor pod.
"$ROOT/deploy/bin/sparkcl" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --num-executors 4 --executor-cores 4 --executor-memory 12g --driver-memory 8g \
  --conf "spark.kubernetes.namespace=$NAMESPACE" \
  --conf "spark.kubernetes.container.image=$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.executor.memoryOverhead=8g \
  --conf spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=6G \
  "${RESOURCES[@]}" \
  train --dataset sst2 --method dualcl --global-batch 1024 --micro-batch 64 --partitions 4 --epochs 3 \
  --data-dir "${DATA_DIR:-s3a://my-bucket/sparkcl/data}" \
  --output "${OUTPUT:-s3a://my-bucket/sparkcl/runs/sst2-dualcl}"

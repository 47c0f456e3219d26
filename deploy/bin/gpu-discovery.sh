#!/usr/bin/env bash
# Spark GPU resource discovery script (spark.{driver,executor}.resource.gpu.discoveryScript, and
# spark.worker.resource.gpu.discoveryScript on standalone workers).
# Prints the GPUs of this host as Spark expects: {"name":"gpu","addresses":["0","1",...]}.
# No nvidia-smi or no GPU: an empty address list (Spark then refuses to start GPU executors on this host).
set -euo pipefail
addresses=()
if command -v nvidia-smi >/dev/null 2>&1; then
  while IFS= read -r idx; do
    idx="${idx//[[:space:]]/}"
    [[ -n "$idx" ]] && addresses+=("\"$idx\"")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
joined="$(IFS=,; echo "${addresses[*]:-}")"
echo "{\"name\":\"gpu\",\"addresses\":[${joined}]}"

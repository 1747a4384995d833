#!/usr/bin/env bash
# Two nodes, 8 GPUs each (e.g. 2x 8xH100 80 GB, where one node cannot hold the FP8 weights): --tp 16.
# Run on both nodes with NODE_RANK=0 (leader) and NODE_RANK=1; LEADER_ADDR is the leader's reachable address.
# Usage: LEADER_ADDR=10.0.0.1 NODE_RANK=0 ./launch-two-node.sh
set -euo pipefail
MODEL="${MODEL:-deepseek-ai/DeepSeek-V3}"
REASONING_PARSER="${REASONING_PARSER:-deepseek-r1}"
: "${LEADER_ADDR:?set LEADER_ADDR to the rank-0 node address}"
: "${NODE_RANK:?set NODE_RANK to 0 on the leader and 1 on the worker}"
exec python3 -m sglang.launch_server \
  --model-path "$MODEL" \
  --served-model-name "$MODEL" \
  --tp 16 \
  --nnodes 2 \
  --node-rank "$NODE_RANK" \
  --dist-init-addr "${LEADER_ADDR}:${DIST_PORT:-5000}" \
  --trust-remote-code \
  --host 0.0.0.0 --port "${PORT:-30000}" \
  --reasoning-parser "$REASONING_PARSER" \
  --tool-call-parser deepseekv3 \
  --enable-metrics \
  ${API_KEY:+--api-key "$API_KEY"}

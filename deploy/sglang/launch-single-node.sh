#!/usr/bin/env bash
# One node, 8x H200 (141 GB each): DeepSeek-V3 or R1 (671B MoE, FP8 weights ~700 GB) with tensor parallel 8.
# Usage: MODEL=deepseek-ai/DeepSeek-R1 REASONING_PARSER=deepseek-r1 ./launch-single-node.sh
set -euo pipefail
MODEL="${MODEL:-deepseek-ai/DeepSeek-V3}"
# deepseek-r1 for R1 (always thinks); deepseek-v3 for V3.1+ (thinking switchable). V3-0324 emits no reasoning.
REASONING_PARSER="${REASONING_PARSER:-deepseek-r1}"
PORT="${PORT:-30000}"
exec python3 -m sglang.launch_server \
  --model-path "$MODEL" \
  --served-model-name "$MODEL" \
  --tp 8 \
  --trust-remote-code \
  --host 0.0.0.0 --port "$PORT" \
  --reasoning-parser "$REASONING_PARSER" \
  --tool-call-parser deepseekv3 \
  --enable-metrics \
  --mem-fraction-static "${MEM_FRACTION:-0.85}" \
  ${API_KEY:+--api-key "$API_KEY"}

#!/usr/bin/env bash
# One GPU: a distilled reasoning model for review tasks (triage review, compliance check of a draft).
# 7B fits any 24 GB+ GPU in BF16; 14B wants 40 GB+; 32B wants an 80 GB GPU (or --tp 2).
set -euo pipefail
MODEL="${MODEL:-deepseek-ai/DeepSeek-R1-Distill-Qwen-7B}"
exec python3 -m sglang.launch_server \
  --model-path "$MODEL" \
  --served-model-name "$MODEL" \
  --tp 1 \
  --host 0.0.0.0 --port "${PORT:-30000}" \
  --reasoning-parser deepseek-r1 \
  --tool-call-parser deepseekv3 \
  --enable-metrics \
  --context-length "${CONTEXT_LENGTH:-32768}" \
  ${API_KEY:+--api-key "$API_KEY"}

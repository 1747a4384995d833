#!/usr/bin/env bash
# Check an SGLang endpoint the way the gateway uses it: health, the model list, one chat call with usage.
# Usage: ./check-endpoint.sh http://sglang-v3:30000 [model]
set -euo pipefail
BASE="${1:?usage: check-endpoint.sh BASE_URL [MODEL]}"
MODEL="${2:-deepseek-ai/DeepSeek-V3}"
AUTH=()
[ -n "${API_KEY:-}" ] && AUTH=(-H "Authorization: Bearer $API_KEY")
echo "== /health";     curl -fsS "${AUTH[@]}" "$BASE/health" -o /dev/null -w "HTTP %{http_code}\n"
echo "== /v1/models";  curl -fsS "${AUTH[@]}" "$BASE/v1/models"; echo
echo "== chat";        curl -fsS "${AUTH[@]}" "$BASE/v1/chat/completions" -H 'Content-Type: application/json' -d "{
  \"model\": \"$MODEL\", \"max_tokens\": 64,
  \"messages\": [{\"role\": \"user\", \"content\": \"用一句话说明什么是等额本息。\"}]
}"; echo
echo "== metrics";     curl -fsS "${AUTH[@]}" "$BASE/metrics" | grep -m3 -E '^sglang:(num_running_reqs|cache_hit_rate|token_usage)' || true

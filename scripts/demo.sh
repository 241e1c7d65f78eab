#!/usr/bin/env bash
# Logs the seed's example finding into a fresh git checkout with the local
# store (no account needed), then lists, digests, checks an item off and
# checks the log. Usage: npm run demo [-- DIR]
set -euo pipefail
cli="node $(cd "$(dirname "$0")/.." && pwd)/dist/src/cli/main.js"
dir=${1:-$(mktemp -d -t research-log-demo-XXXXXX)}
mkdir -p "$dir" && cd "$dir"
[ -d .git ] || git init -q -b main .
# A machine without a git identity still gets a working demo.
git config user.name >/dev/null || git config user.name "research-log demo"
git config user.email >/dev/null || git config user.email "demo@research-log.invalid"

$cli add --date 2026-01-20 --title "AMP Breaks Complex Number Operations" \
  --category Training --status Workaround \
  --related "experiments/train.py, MLflow run abc123" \
  --finding "Automatic Mixed Precision (AMP) causes NaN gradients when used with
complex-valued tensors. The \`torch.amp.autocast\` context manager
casts intermediate results to float16, which loses precision in
complex magnitude calculations." \
  --impact "Cannot use AMP for training speedup. Training is ~2x slower than
comparable real-valued models." \
  --action "Investigate selective AMP (only for real-valued layers)" \
  --action "Test with bfloat16 instead of float16" \
  --action "[x] Disable AMP as workaround (--amp flag removed from defaults)"
echo; $cli list
echo; $cli digest
echo; $cli resolve 2026-01-20-amp-breaks-complex-number-operations --item 2
echo; $cli check
echo; git log --format='%h %s'
echo; echo "--- $dir/docs/research_log.md"; cat docs/research_log.md

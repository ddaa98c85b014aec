#!/usr/bin/env bash
# Score the guide's public gold (seed + dev) as ../shared/hooks/before-stop does (development aid).
set -e
top=$(cd "$(dirname "$0")/.." && pwd); shared="$top/../shared"
tmp=$(mktemp -d); mkdir -p "$tmp/corpus"
cp "$shared"/corpus/*.txt "$shared"/eval/dev/*.txt "$tmp/corpus/"
"$top/.venv/bin/annotator" extract "$tmp/corpus" --db "$tmp/claims.db" >/dev/null
"$top/.venv/bin/annotator" export --db "$tmp/claims.db" --format csv -o "$tmp/claims.csv" >/dev/null
cat "$shared"/eval/gold-seed.jsonl "$shared"/eval/dev/gold.jsonl > "$tmp/gold.jsonl"
python3 "$shared/eval/score.py" "$tmp/gold.jsonl" "$tmp/claims.csv"
rm -rf "$tmp"

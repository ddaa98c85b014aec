"""Print the gold claims of a guide-format set whose source, cue or stance the annotator misses.

    python dev/guide_diff.py tests/fixtures/extra-eval-4      (development aid)
"""
import json
import sys
from pathlib import Path

from annotator import corpus, pipeline

folder = Path(sys.argv[1])
gold_file = Path(sys.argv[2]) if len(sys.argv) > 2 else folder / "gold.jsonl"
gold = [json.loads(line) for line in gold_file.open(encoding="utf-8") if line.strip()]
nlp = pipeline.build_nlp()
docs = [corpus.read_document(f, f.name) for f in sorted(folder.glob("*.txt"))]
rows = {}
for res in pipeline.process(nlp, docs):
    rows[res.document.path] = res.claims
for g in gold:
    preds = rows.get(g["doc"], [])
    best = max(preds, key=lambda p: min(p["end"], g["end"]) - max(p["start"], g["start"]), default=None)
    if best is None:
        continue
    got = (best["source"] or "", best["cue"] or "", best["stance"])
    want = (g.get("source") or "", g.get("cue") or "", g.get("stance"))
    if got != want:
        print(f"{g['doc']}: gold {want} got {got}{' (optional)' if g.get('optional') else ''}\n    {g['text'][:200]!r}")

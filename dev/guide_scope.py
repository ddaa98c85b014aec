"""How much of PolNeAR's recall a guide-faithful annotator can reach (development aid; PolNeAR
texts stay in ../shared, and this prints counts only, unless --show asks for a class's sentences).

    python dev/guide_scope.py dev
    python dev/guide_scope.py train --heldout [--show "in scope: wrong source / head"]

Every scored gold attribution (a report or statement cue, as polnear_score.py scores) is a hit
(a claim covers its content and names its source) or a miss. A miss is outside the guide's scheme
when a claim as GUIDE.md defines it cannot carry PolNeAR's attribution:

  relative pronoun source   PolNeAR's source is `who`, `which`, `that`: the guide names the speaker
  request or plan           `called on X to …`, `urged`, `asked X to`, `vowed to …`: not a statement
                            of the speaker's, the claim stays in the document's voice
  part of a sentence        the cue is not the claim's head (a relative clause, a participle, a
                            clause under another word) and the content is under 60 % of the claim:
                            a claim is a sentence or independent clause with its main statement's
                            source, and here that statement is the document's or another speaker's
  nested speaker            the claim's source and cue stand inside PolNeAR's content: PolNeAR
                            scores the outer speaker (`X said Y denied Z`: X; `…, according to X`),
                            the guide gives the innermost (Y; `The Post quoted an official as
                            saying …`: the official)
  several sentences         the content runs over sentences before the one holding the cue, which
                            has its source (`A. B. C, X said.`): a sentence that only continues a
                            reported topic with no cue of its own is in the document's voice
  not a claim               the content is in no paragraph (a headline or heading) or in a question

The rest are in scope: misses of the rules and the model, sorted by kind and by where the gold
cue stands in the claim (dev/miss_categories.py's categories).
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import embedded_misses as em
import miss_categories as mc
import polnear_loop as loop
import polnear_score as ps

from annotator import pipeline


def outside(g, kind, best, verb, claim, docs, rows, text) -> str | None:
    """Why the guide's scheme cannot give ``g`` (None: in scope)."""
    if g["source"].strip().lower() in em.RELATIVE_PRONOUNS:
        return "relative pronoun source"
    if mc.category(verb, g["cue"]) in ("request", "pledge"):
        return "request or plan"
    if kind == "no claim covers":
        para = next((d for s, d, _ in docs if s <= g["start"] < s + len(d.text)), None)
        if para is None:
            return "not a claim (headline or heading)"
        start = next(s for s, d, _ in docs if d is para)
        off = g["start"] - start
        sent = next((t.sent for t in para if t.idx <= off < t.idx + len(t.text_with_ws)), None)
        if sent is not None and sent.text.rstrip().rstrip("\"”’'").endswith("?"):
            return "not a claim (question)"
        return None
    share = (min(best["end"], g["end"]) - max(best["start"], g["start"])) / max(1, best["end"] - best["start"])
    head = verb is not None and claim is not None and verb == claim.root
    if not head and verb is not None and share < 0.6:
        return "part of a sentence"
    tag = next((r for r in rows if r["start"] <= g["cue_start"] < r["end"]), None)
    if tag is not None and tag is not best and ps.names(tag, g):
        return "several sentences"
    if kind == "wrong source":
        content = text[g["start"]:g["end"]]
        src, cue = best["source"].strip(), best["cue"].strip()
        if src and cue and src[:20] in content and cue in content \
                or cue.startswith("quoted") and cue.endswith("as saying"):  # the guide's own example
            return "nested speaker"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--model")
    ap.add_argument("--show", help="a class ('outside: nested speaker', 'in scope: no source / head')")
    ap.add_argument("--n", type=int, default=20)
    a = ap.parse_args()
    nlp = loop.with_model(pipeline.build_nlp(), a.rules_only, a.model)
    items = loop.parsed(nlp, a.split, loop.sample_files(a.split, None, a.heldout))
    texts = {d.path: d.text for d, _, _ in items}
    table: Counter = Counter()
    n = hits = 0
    examples: dict[str, list] = {}
    for document, docs, rows in loop.annotated(nlp, items):
        text = texts[document.path]
        for g in em.gold_with_cue_offsets(loop.SHARED / "polnear" / a.split / (document.path[:-4] + ".ann")):
            if not ps.tokens(g["cue"]) & ps.SPEECH:
                continue
            n += 1
            best = max(rows, key=lambda p: min(p["end"], g["end"]) - max(p["start"], g["start"]), default=None)
            if best is not None and ps.covers(best, g) and ps.names(best, g):
                hits += 1
                continue
            if best is None or not ps.covers(best, g):
                kind = "no claim covers"
            else:
                kind = "no source" if not best["source"].strip() else "wrong source"
            verb, claim = em.cue_verb(docs, g)
            why = outside(g, kind, best, verb, claim, docs, rows, text)
            key = f"outside: {why}" if why else f"in scope: {kind} / {mc.position(verb, claim, g['source'])}"
            table[key] += 1
            examples.setdefault(key, []).append(
                f"gold {g['source']!r} {g['cue']!r} | claim {best['source'] if best else ''!r} "
                f"{best['cue'] if best else ''!r} | {(verb.sent.text if verb is not None else text[g['start']:g['end']])[:240]!r}")
    out = sum(v for k, v in table.items() if k.startswith("outside"))
    print(f"{a.split}{' held-out' if a.heldout else ''}: {n} scored gold attributions, {hits} hits "
          f"(recall {hits / n:.3f}), {n - hits} misses: {out} outside the guide, {n - hits - out} in scope")
    print(f"highest recall a guide-faithful annotator can reach here: {(n - out) / n:.3f}")
    for k, v in sorted(table.items(), key=lambda kv: (not kv[0].startswith("outside"), -kv[1])):
        print(f"  {v:5d}  {k}")
    for line in examples.get(a.show, [])[:a.n] if a.show else []:
        print("   ", line)


if __name__ == "__main__":
    main()

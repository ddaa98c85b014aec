"""The PolNeAR misses (no source, wrong source, right source with another cue, no claim covering
the content) sorted by what the gold cue does and where it stands (development aid; PolNeAR texts
stay in ../shared, and this prints counts only, unless --show asks for a category's sentences).

    python dev/miss_categories.py train --heldout
    python dev/miss_categories.py dev [--rules-only] [--show "characterisation / participle"]

What the cue does (``category``), read from the gold cue's words and the cue word's parse:
  request          call for / on / upon, urge, ask or appeal to someone to do something
  pledge           promise, vow, pledge to do something
  characterisation call, describe, label, brand, term, dub: a name or description given to a thing
  accusation       accuse, charge, blame, criticize, fault, condemn, attack
  statement        any other scored cue (say, tell, report, show, …)
Where the cue word stands in the claim that covers the content (``position``): the claim's head,
a participle after the head (``…, calling it …``), a relative clause, a conjunct, inside another
cue's content, elsewhere; ``relative pronoun`` when PolNeAR's source is ``who``/``which``/``that``.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import embedded_misses as em
import polnear_loop as loop
import polnear_score as ps

from annotator import pipeline
from annotator.cues import lookup

CHARACTERISE = {"call", "describe", "label", "brand", "term", "dub"}
ACCUSE = {"accuse", "charge", "blame", "criticize", "criticise", "fault", "condemn", "attack"}
PLEDGE = {"promise", "vow", "pledge"}
REQUEST_VERBS = {"urge", "ask", "appeal", "implore", "press"}


def category(verb, cue_text: str) -> str:
    words = ps.tokens(cue_text)
    lemma = verb.lemma_.lower() if verb is not None else ""
    kids = list(verb.children) if verb is not None else []
    to_do = any(c.dep_ in ("xcomp", "ccomp") and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
                for c in kids) or any(c.dep_ == "dobj" and any(g.dep_ in ("xcomp", "acl", "relcl") and any(
                    h.lower_ == "to" for h in g.children) for g in c.children) for c in kids)
    if lemma == "call" and (words & {"for", "on", "upon"} or any(
            c.dep_ == "prep" and c.lower_ in ("for", "on", "upon") for c in kids)):
        return "request"
    if lemma in REQUEST_VERBS and (to_do or lemma == "urge"):
        return "request"
    if lemma in PLEDGE and to_do:
        return "pledge"
    if lemma in CHARACTERISE:
        return "characterisation"
    if lemma in ACCUSE:
        return "accusation"
    return "statement"


def position(verb, claim, source: str) -> str:
    if source.strip().lower() in em.RELATIVE_PRONOUNS:
        return "relative pronoun"
    if verb is None or claim is None:
        return "cue outside the claim"
    if verb == claim.root:
        return "head"
    if any(lookup(a) is not None and a != verb for a in verb.ancestors if claim.start <= a.i < claim.end) \
            and verb.dep_ not in ("advcl", "conj"):
        return "inside another cue's content"
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "acl", "conj", "pcomp"):
        return "participle"
    if verb.dep_ == "relcl":
        return "relative clause"
    if verb.dep_ == "conj":
        return "conjunct"
    return f"elsewhere ({verb.dep_})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--sample", type=int)
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--model")
    ap.add_argument("--show", help="a 'category / position' to print sentences of")
    ap.add_argument("--kind", help="only this kind of miss")
    ap.add_argument("--n", type=int, default=20)
    a = ap.parse_args()
    nlp = loop.with_model(pipeline.build_nlp(), a.rules_only, a.model)
    items = loop.parsed(nlp, a.split, loop.sample_files(a.split, a.sample, a.heldout))
    table: Counter = Counter()
    examples: dict[str, list] = {}
    for document, docs, rows in loop.annotated(nlp, items):
        for g in em.gold_with_cue_offsets(loop.SHARED / "polnear" / a.split / (document.path[:-4] + ".ann")):
            if not ps.tokens(g["cue"]) & ps.SPEECH:
                continue
            best = max(rows, key=lambda p: min(p["end"], g["end"]) - max(p["start"], g["start"]), default=None)
            if best is None or not ps.covers(best, g):
                kind = "no claim covers"
            elif ps.names(best, g):
                if ps.overlap_ok(ps.tokens(best["cue"]), ps.tokens(g["cue"])):
                    continue
                kind = "right source, other cue"
            else:
                kind = "no source" if not best["source"].strip() else "wrong source"
            verb, claim = em.cue_verb(docs, g)
            key = f"{category(verb, g['cue'])} / {position(verb, claim, g['source'])}"
            table[(kind, key)] += 1
            if (not a.kind or a.kind == kind) and verb is not None:
                examples.setdefault(key, []).append(f"[{kind}] gold {g['source']!r} {g['cue']!r} | "
                                                    f"claim {best['source'] if best else ''!r} "
                                                    f"{best['cue'] if best else ''!r} | {verb.sent.text[:240]!r}")
    kinds = sorted({k for k, _ in table})
    keys = sorted({c for _, c in table}, key=lambda c: -sum(table[(k, c)] for k in kinds))
    print(f"{'category / position':48}" + "".join(f"{k[:16]:>18}" for k in kinds) + f"{'all':>8}")
    for c in keys:
        print(f"{c:48}" + "".join(f"{table[(k, c)]:18d}" for k in kinds) + f"{sum(table[(k, c)] for k in kinds):8d}")
    print(f"{'all':48}" + "".join(f"{sum(v for (k, _), v in table.items() if k == kk):18d}" for kk in kinds)
          + f"{sum(table.values()):8d}")
    by_category = Counter()
    for (kind, key), n in table.items():
        by_category[(kind, key.split(" / ")[0])] += n
    print("by category:", {c: {k: by_category[(k, c)] for k in kinds if by_category[(k, c)]}
                           for c in sorted({c for _, c in by_category})})
    for text in examples.get(a.show, [])[:a.n] if a.show else []:
        print("   ", text)


if __name__ == "__main__":
    main()

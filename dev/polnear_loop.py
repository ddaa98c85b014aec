"""Development loop for attribution on PolNeAR (not shipped; PolNeAR texts stay in ../shared).

    python dev/polnear_loop.py train --sample 200          # a fixed sample of train
    python dev/polnear_loop.py dev                          # the whole dev split (check now and then)
    python dev/polnear_loop.py train --sample 200 --show "wrong source" --n 30
    python dev/polnear_loop.py train --heldout              # the articles train attribution holds out
    python dev/polnear_loop.py dev --rules-only             # without the learned model
    python dev/polnear_loop.py dev --model /tmp/attribution.npz   # another model file

The base parse (spaCy's model, no annotator components) of each split is cached in
dev/cache/ (ignored by git), so a loop reruns only the annotator's own components. Scores with
../shared/eval/polnear_score.py's definitions and sorts the misses into kinds.
"""

import argparse
import hashlib
import pickle
import csv
import os
import random
import sys
from collections import Counter
from pathlib import Path

from spacy.tokens import DocBin

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(SHARED))
sys.path.insert(0, str(ROOT))

import polnear_score as ps  # noqa: E402

from annotator import attribution_model, corpus, pipeline, train_attribution  # noqa: E402
from annotator.quotations import quotation_spans  # noqa: E402

CACHE = ROOT / "dev" / "cache"


def sample_files(split: str, n: int | None, heldout: bool = False) -> list[str]:
    names = sorted(f[:-4] for f in os.listdir(SHARED / "polnear" / split) if f.endswith(".txt"))
    if heldout:  # the fifth annotator/train_attribution.py holds out
        ann = sorted(f[:-4] for f in os.listdir(SHARED / "polnear" / split) if f.endswith(".ann"))
        return sorted(random.Random(train_attribution.ATTRIBUTION_SEED).sample(ann, len(ann) // 5))
    if n:
        names = sorted(random.Random(13).sample(names, n))
    return names


def parsed(nlp, split: str, names: list[str]):
    """(document, blocks, [(block, doc)]) per article, the base parse cached."""
    folder = SHARED / "polnear" / split
    docs = []
    for name in names:
        d = corpus.read_document(folder / f"{name}.txt", f"{name}.txt")
        if isinstance(d, corpus.Document):  # the CLI refuses the few with a control character too
            docs.append(d)
    base = [p for p in nlp.pipe_names if p not in pipeline.COMPONENTS]
    CACHE.mkdir(parents=True, exist_ok=True)
    # the segmentation decides which texts are parsed: a cache made by other code would misalign
    key = chr(0).join(names).encode() + (ROOT / "annotator" / "structure.py").read_bytes()
    path = CACHE / f"{split}-{len(names)}-{hashlib.sha1(key).hexdigest()[:8]}.spacy"
    seg = path.with_suffix(".blocks")
    if seg.exists():
        blocks_all = pickle.loads(seg.read_bytes())
    else:
        blocks_all = pipeline.segment_many([d.text for d in docs], pipeline.finite_verb_checker(nlp))
        seg.write_bytes(pickle.dumps(blocks_all))
    paragraphs = [[b for b in blocks if b.kind == "paragraph"] for blocks in blocks_all]
    flat = [b.text for ps_ in paragraphs for b in ps_]
    if path.exists():
        parsed_docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        with nlp.select_pipes(enable=base):
            parsed_docs = list(nlp.pipe(flat, batch_size=64))
        DocBin(docs=parsed_docs).to_disk(path)
    it = iter(parsed_docs)
    return [(d, blocks, [(b, next(it)) for b in ps_]) for d, blocks, ps_ in zip(docs, blocks_all, paragraphs)]


def annotated(nlp, items):
    """Each parsed document of ``items`` through the annotator's components: (document, its
    paragraphs as (start, doc, claims), its claim rows with '' for no source, cue or canonical)."""
    comps = [nlp.get_pipe(n) for n in pipeline.COMPONENTS]
    for document, blocks, pairs in items:
        state = pipeline._Parsing(pipeline.DocumentResult(document, blocks), len(pairs))
        docs = []
        for b, doc in pairs:
            doc = doc.copy()
            for c in comps:
                doc = c(doc)
            docs.append((b.start, doc, list(doc.spans["annotator_claims"])))
            state.add(b, doc)
        rows = [{**r, "source": r.get("source") or "", "cue": r.get("cue") or "",
                 "source_canonical": r.get("source_canonical") or ""}
                for r in pipeline.finish(state.result, state.entities).claims]
        yield document, docs, rows


def run(nlp, items):
    return [{"doc": document.path, **r} for document, _, rows in annotated(nlp, items) for r in rows]


def with_model(nlp, rules_only: bool, model: str | None):
    """``nlp`` with its attribution model left out (``rules_only``) or read from ``model``."""
    if rules_only:
        nlp.get_pipe("annotator_attribution").model = None
    elif model:
        nlp.get_pipe("annotator_attribution").model = attribution_model.read_model(model)
    return nlp


def write_csv(rows, path):
    keys = ["doc", "start", "end", "text", "source", "source_canonical", "cue"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, keys, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r[k]) for k in keys})


def analyse(split, rows, show, n, texts, cue=None):
    by_doc = {}
    for r in rows:
        r = {**r, "source": r.get("source") or "", "cue": r.get("cue") or "",
             "source_canonical": r.get("source_canonical") or ""}
        by_doc.setdefault(r["doc"], []).append(r)
    kinds = Counter()
    examples: dict[str, list] = {}
    fp = []
    cues = Counter()
    sub = Counter()
    for doc, claims in by_doc.items():
        gold = [g for g in ps.read_ann(SHARED / "polnear" / split / (doc[:-4] + ".ann")) if g["source"]]
        scored = [g for g in gold if ps.tokens(g["cue"]) & ps.SPEECH]
        text = texts[doc]
        for g in scored:
            best = max(claims, key=lambda p: min(p["end"], g["end"]) - max(p["start"], g["start"]), default=None)
            if best is None or not ps.covers(best, g):
                k = "no claim covers"
            elif ps.names(best, g):
                k = "ok" if ps.overlap_ok(ps.tokens(best["cue"]), ps.tokens(g["cue"])) else "ok, cue mismatch"
            elif not best["source"].strip():
                k = "no source"
                q = quotation_spans(text)
                inq = any(a <= best["start"] + 1 and best["end"] - 1 <= b for a, b in q)
                sub[("in quotation" if inq else "has quote" if any(ch in best["text"] for ch in '"“”') else "plain")] += 1
            else:
                k = "wrong source"
            kinds[k] += 1
            if k in ("no source", "wrong source", "no claim covers"):
                cues[sorted(ps.tokens(g["cue"]) & ps.SPEECH)[0]] += 1
            examples.setdefault(k, []).append((doc, g, best, text))
        for p in claims:
            if p["source"].strip() and not any(ps.covers(p, g) and ps.names(p, g) for g in gold):
                fp.append((doc, p, [g for g in gold if ps.covers(p, g)]))
    print(dict(kinds), "false positives:", len(fp))
    print("no source:", sub)
    print("misses by cue:", cues.most_common(40))
    if show == "fp":
        random.Random(1).shuffle(fp)
        for doc, p, gs in fp[:n]:
            print(f"- {doc[:40]}: src={p['source']!r} canon={p['source_canonical']!r} cue={p['cue']!r} "
                  f"gold={[(g['source'], g['cue']) for g in gs]}\n    {p['text'][:300]!r}")
    elif show:
        ex = [e for e in examples.get(show, []) if not cue or cue in ps.tokens(e[1]["cue"])
              or cue == "quote" and any(ch in e[2]["text"] for ch in '"“”')
              or cue == "plain" and not any(ch in e[2]["text"] for ch in '"“”')]
        random.Random(1).shuffle(ex)
        for doc, g, p, text in ex[:n]:
            ctx = text[g["start"]:g["end"]]
            print(f"- {doc[:40]}: gold src={g['source']!r} cue={g['cue']!r} content={ctx[:100]!r}")
            if p is not None:
                print(f"    claim src={p['source']!r} cue={p['cue']!r}: {p['text'][:300]!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("--sample", type=int)
    ap.add_argument("--heldout", action="store_true", help="train's held-out fifth")
    ap.add_argument("--show")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--cue")
    ap.add_argument("--csv", default="/tmp/i13_polnear.csv")
    ap.add_argument("--rules-only", action="store_true", help="without the learned model")
    ap.add_argument("--model", help="an attribution model file other than the shipped one")
    a = ap.parse_args()
    nlp = with_model(pipeline.build_nlp(), a.rules_only, a.model)
    names = sample_files(a.split, a.sample, a.heldout)
    items = parsed(nlp, a.split, names)
    rows = run(nlp, items)
    write_csv(rows, a.csv)
    res, kinds, _ = ps.score(str(SHARED / "polnear" / a.split), a.csv)
    print(res, dict(kinds))
    analyse(a.split, rows, a.show, a.n, {d.path: d.text for d, _, _ in items}, a.cue)


if __name__ == "__main__":
    main()

"""The PolNeAR misses whose cue is a word heading a relative, adverbial or added clause inside the
claim (``where experts say …``, ``…, adding that …``), sorted by why annotator/embedded_claims.py
does not split the sentence there (development aid; PolNeAR texts stay in ../shared).

    python dev/embedded_misses.py train --heldout [--show "size limit"]
    python dev/embedded_misses.py dev
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear_loop as loop
import polnear_score as ps

from annotator import embedded_claims as E
from annotator import pipeline
from annotator.cues import cue_match, lookup

RELATIVE_PRONOUNS = ("who", "which", "that")


def gold_with_cue_offsets(path):
    """Attributions with a source, their cue's start and text, their content's offsets."""
    spans, out = {}, []
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if line.startswith("T") and len(parts) >= 3:
            _label, *rng = parts[1].split(" ")
            pieces = [tuple(map(int, r.split())) for r in " ".join(rng).split(";")]
            spans[parts[0]] = (pieces[0][0], pieces[-1][1], parts[2])
        elif line.startswith("E") and len(parts) >= 2:
            roles = {k.rstrip("0123456789"): spans.get(v) for k, v in
                     (r.split(":", 1) for r in parts[1].split() if ":" in r)}
            if roles.get("Content") and roles.get("Source") and roles.get("Cue"):
                out.append({"source": roles["Source"][2], "cue": roles["Cue"][2], "cue_start": roles["Cue"][0],
                            "start": roles["Content"][0], "end": roles["Content"][1]})
    return out


def why(verb, claim):
    """Why the sentence is not split at ``verb`` (the checks of embedded_claims, in order)."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return "passive"
    ok, _content = E._says_a_clause(verb)
    if not ok:
        return "an act with an object, a request, a fragment (no clause or quotation said)"
    if E._in_statement(verb):
        return "inside what another cue introduces"
    subj = E._own_subject(verb) if verb.dep_ != "conj" else None
    if subj is None and verb.dep_ != "conj" and any(c.dep_ == "nsubj" for c in verb.children):
        return "a relative pronoun subject (X, who said …)"
    if subj is not None and verb.dep_ == "relcl" and not E._relative_opener(verb, subj):
        return "the relative word is part of what is said (a gap)"
    if subj is None and verb.dep_ != "relcl" and cue_match(verb.head) is None:
        return "a participle or conjunct after a clause with no cue of its own"
    if E.embedded_cue(verb) is None:
        return "other"
    if E._quoted_word(verb):
        return "inside a quotation"
    if verb.i > claim.root.i and not E._ends_at(verb, claim.end):
        return "a clause in the middle of the sentence"
    return "size limit (the clause is longer than the main clause) or the model"


def cue_verb(docs, g):
    """The speech word of gold attribution ``g``'s cue in its paragraph's parse (``docs``: (start,
    doc, claims)), and the claim holding it: (None, None) where the cue is in no parsed paragraph."""
    start, doc, claims = next(((s, d, c) for s, d, c in docs if s <= g["cue_start"] < s + len(d.text)),
                              (None, None, None))
    if doc is None:
        return None, None
    span = doc.char_span(g["cue_start"] - start, g["cue_start"] - start + len(g["cue"]), alignment_mode="expand")
    words = [t for t in span if t.lower_ in ps.SPEECH] if span is not None else []
    verb = words[0] if words else None
    return verb, next((c for c in claims if verb is not None and c.start <= verb.i < c.end), None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--sample", type=int)
    ap.add_argument("--show")
    a = ap.parse_args()
    nlp = pipeline.build_nlp()
    items = loop.parsed(nlp, a.split, loop.sample_files(a.split, a.sample, a.heldout))
    reasons, examples = Counter(), {}
    for document, docs, rows in loop.annotated(nlp, items):
        for g in gold_with_cue_offsets(loop.SHARED / "polnear" / a.split / (document.path[:-4] + ".ann")):
            if not ps.tokens(g["cue"]) & ps.SPEECH:
                continue
            best = max(rows, key=lambda p: min(p["end"], g["end"]) - max(p["start"], g["start"]), default=None)
            if best is None or not ps.covers(best, g) or ps.names(best, g) and ps.overlap_ok(
                    ps.tokens(best["cue"]), ps.tokens(g["cue"])):
                continue
            verb, claim = cue_verb(docs, g)
            if verb is None or claim is None or lookup(verb) is None or verb.dep_ not in ("relcl", "advcl", "conj"):
                continue
            reason = ("PolNeAR's source is a relative pronoun" if g["source"].strip().lower() in RELATIVE_PRONOUNS
                      else why(verb, claim))
            reasons[reason] += 1
            examples.setdefault(reason, []).append(verb.sent.text[:200])
    print(sum(reasons.values()), "misses with the cue heading a clause inside the claim")
    for reason, n in reasons.most_common():
        print(f"{n:5d}  {reason}")
    for text in examples.get(a.show, [])[:20] if a.show else []:
        print("   ", repr(text))


if __name__ == "__main__":
    main()

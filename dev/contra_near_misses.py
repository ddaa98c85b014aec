"""List the contradictions the matcher predicts over a database, and its near misses: pairs it
compared whose words agree on one subject (word agreement at least
:data:`matching.CONTRADICTS_THRESHOLD`, no named subject apart) and that differ in polarity or
in a value (a predicate both assert, denied in one only; a negation of one bearing on words the
other says; a figure of one unit with incompatible values; a year or month apart), which a rule
of :func:`matching.compare` or :mod:`annotator.contradictions` refused. Each row says which rule
refused it (``reason``), so that a blind judgement of a sample of them (``dev/match_sample.py
--near-misses``) tells which rules refuse real contradictions and which let wrong ones through.

    python dev/contra_near_misses.py /tmp/w16/all.db ../shared/eval/polnear --out /tmp/w16/near.tsv
"""

import argparse
import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

from annotator import contradictions, figures, matching
from annotator.store import relations


def kind(a: matching.Features, b: matching.Features) -> str | None:
    """How two claims differ in polarity or value, if they do: ``denial`` (a predicate both assert,
    denied in one only), ``negation`` (a negation of one bears on words the other says),
    ``figure`` (incompatible values of one unit), ``date`` (a year or a month apart)."""
    shared = (a.mains | a.clauses) & (b.mains | b.clauses)
    if any((p in a.denied) != (p in b.denied) for p in shared):
        return "denial"
    if matching._polarity_conflict(a, b) or contradictions._denies_what_other_says(a, b) \
            or contradictions._denies_what_other_says(b, a):
        return "negation"
    if figures.conflict(a.quantities, b.quantities):
        return "figure"
    if figures.dates_conflict(a.dates, b.dates):
        return "date"
    return None


def reason(a: matching.Features, b: matching.Features, weight: matching.Weight, score: float) -> str:
    """The first rule that keeps a pair that differs (:func:`kind`) from being a contradiction."""
    subject = matching._shared_subject(a, b)
    if subject is None:
        return "no-named-subject"
    if figures.dates_conflict(a.dates, b.dates):
        return "dates-apart"
    agree = matching._predicates_agree(a.predicate, b.predicate, weight, score >= matching.NEAR_VERBATIM)
    if not agree:
        return "predicates-disagree"
    if matching._polarity_conflict(a, b) and not contradictions.denial(a, b):
        if not a.parsed or not b.parsed:
            return "denial-unparsed"
        return "denial-other-subject"
    if contradictions.is_poll(a) or contradictions.is_poll(b):
        return "poll"
    if a.hedged or b.hedged:
        return "hedged"
    if not contradictions._anchor(a, b):
        return "no-anchor"
    if contradictions.disputes(a) or contradictions.disputes(b):
        return "disputed"
    if not figures.conflict(*contradictions._measured_apart(a, b)):
        return "measured-apart"
    return "properties-disagree"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("db")
    p.add_argument("articles", type=Path)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    db = sqlite3.connect(args.db)
    claims = {cid: (doc, start, end, text) for cid, doc, start, end, text in
              db.execute("select id, doc, start, end, text from claims where superseded = 0")}
    total = db.execute("select coalesce(max(id), 0) from claim_match_keys").fetchone()[0]
    documents = [d for (d,) in db.execute("select distinct document_id from claim_match_keys order by 1")]
    rows, seen = [], set()
    for document in documents:
        found = {cid: matching.Features.from_json(json.loads(data)) for cid, data in db.execute(
            "select claim_id, features from claim_match_keys where document_id = ?", [document])}
        df = relations._document_frequencies(db, {k for f in found.values() for k in f.keys()})  # noqa: SIM118
        weight = matching.idf(df, total)
        for cid, cands in relations.candidates(
                db, found, document, df, weight, Counter(k for f in found.values() for k in f.keys())).items():  # noqa: SIM118 -- Features.keys()
            df.update(relations._document_frequencies(db, set().union(*(g.words for _o, g, _c in cands)) - df.keys()))
            for other, g, _canonical in cands:
                pair = (min(cid, other), max(cid, other))
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = found[cid], g
                relation, score = matching.compare(a, b, weight)
                if score < matching.CONTRADICTS_THRESHOLD:
                    continue
                differs = kind(a, b) if relation != "same" else None
                if relation is None and (differs is None or matching._shared_subject(a, b) is False):
                    differs, why = None, "refused"  # a decoy: compared, words agreeing, no difference found
                else:
                    why = "predicted" if relation else reason(a, b, weight, score)
                rows.append((pair, relation or "none", differs or "", why, round(score, 4)))
    with args.out.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, delimiter="\t")
        w.writerow(["claim_a", "claim_b", "predicted", "kind", "reason", "score",
                    "article_a", "start_a", "end_a", "article_b", "start_b", "end_b", "text_a", "text_b"])
        for (x, y), rel, differs, why, score in rows:
            (da, sa, ea, ta), (dbb, sb, eb, tb) = claims[x], claims[y]
            w.writerow([x, y, rel, differs, why, score, da, sa, ea, dbb, sb, eb,
                        " ".join(ta.split()), " ".join(tb.split())])
    counts: dict[tuple[str, str], int] = {}
    for _pair, rel, differs, why, _s in rows:
        if why == "refused":
            continue
        counts[(differs, why)] = counts.get((differs, why), 0) + 1
    for (differs, why), n in sorted(counts.items(), key=lambda x: -x[1]):
        print(f"{n:6d}  {differs or '-':9s} {why}")


if __name__ == "__main__":
    main()

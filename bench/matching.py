"""Benchmark matching: extract with matching against bare spaCy, and the time matching takes per new
document as the database grows to 10x and 100x the claims.

    python bench/matching.py            # about ten minutes on two cores
    python bench/matching.py --docs 60  # a quicker look

1. ``annotator extract --match`` (which matches every stored document against the database)
   and ``annotator extract`` over the bench corpus of ``--docs`` documents, against bare
   ``nlp.pipe`` over the same texts: the ratio of their speeds (best of two runs each), as
   bench/run.py measures it, and by CPU time (which the load of a shared machine disturbs less);
   and the CPU time of matching itself inside ``extract --match``, by the writer thread's clock.
2. The database of that run is grown to 10x and 100x its claims with SQL: copy k of every
   document and claim gets new ids, and every word of its match keys that fewer than 1 % of the
   claims hold gets a suffix of its own (``senat`` -> ``senatx7``), so the copies are distinct
   claims (a larger vocabulary, as a larger corpus has) while the common words grow with the
   database. Then ``relations.update_document`` (the step ``extract`` runs for each new document)
   is timed for the same 20 new documents against each size.

Writes bench/out/matching/ (ignored by git); prints the figures as a Markdown table.
"""

import argparse
import json
import math
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # bench/run.py: corpus, measuring, bare spaCy

N_NEW = 20  # new documents matched at each size
COMMON_SHARE = 0.01  # words in at least this share of the claims stay shared across copies


def grow(source: Path, dest: Path, factor: int) -> int:
    """A copy of ``source`` with ``factor`` times its claims (see the module docstring)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    conn = sqlite3.connect(dest, isolation_level=None)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    n = conn.execute("select count(*) from claim_match_keys").fetchone()[0]
    common = {w for w, d in conn.execute("select word, n from claim_match_words") if d >= COMMON_SHARE * n}
    keys = conn.execute("select claim_id, document_id, keys, features from claim_match_keys").fetchall()
    conn.execute("begin")
    for table in ("documents", "claims"):
        conn.execute(f"create temp table base_{table} as select * from {table}")
    doc_cols = [r[1] for r in conn.execute("pragma table_info(documents)")]
    claim_cols = [r[1] for r in conn.execute("pragma table_info(claims)")]
    new_id = "substr({0}, 1, 11) || 'x' || printf('%04x', :k)"
    docs_sql = ("insert into documents select " + ", ".join(
        {"id": new_id.format("id"), "path": "printf('copy%03d/', :k) || path"}.get(c, f"[{c}]")
        for c in doc_cols) + " from base_documents")
    claims_sql = ("insert into claims select " + ", ".join(
        {"id": new_id.format("id"), "document_id": new_id.format("document_id"),
         "doc": "printf('copy%03d/', :k) || doc", "source_id": "null"}.get(c, f"[{c}]")
        for c in claim_cols) + " from base_claims")
    for k in range(1, factor):
        conn.execute(docs_sql, {"k": k})
        conn.execute(claims_sql, {"k": k})
        rows = []
        for claim_id, doc_id, words, features in keys:
            f = json.loads(features)
            f["t"] = [t if t in common else f"{t}x{k}" for t in f["t"]]
            renamed = sorted(w if w in common or not w.isalpha() else f"{w}x{k}" for w in json.loads(words))
            rows.append((f"{claim_id[:11]}x{k:04x}", f"{doc_id[:11]}x{k:04x}", json.dumps(renamed),
                         json.dumps(f)))
        conn.executemany("insert into claim_match_keys (claim_id, document_id, keys, features) "
                         "values (?, ?, ?, ?)", rows)
    conn.execute("commit")
    total = conn.execute("select count(*) from claim_match_keys").fetchone()[0]
    conn.close()
    return total


def time_matching(db_path: Path, new_db: Path) -> tuple[list[float], list[float]]:
    """Seconds of ``relations.update_document`` for each document of ``new_db``, stored into a
    copy of ``db_path`` as extract would store it, one transaction each, rolled back after: wall
    clock, and this process's CPU time (which other jobs on a shared machine disturb less)."""
    from annotator import match_structure, store
    from annotator.store import relations

    db = store.connect(db_path)
    db.execute(f"attach database '{new_db}' as new")
    docs = [r[0] for r in db.execute("select id from new.documents order by path limit ?", [N_NEW])]
    took, cpu = [], []
    for doc in docs:
        db.execute("begin immediate")
        db.execute("insert or ignore into runs select * from new.runs")
        db.execute("insert or ignore into sources select * from new.sources")
        db.execute("insert or ignore into entities select * from new.entities")
        db.execute("insert or ignore into documents select * from new.documents where id = ?", [doc])
        db.execute("insert or ignore into claims select * from new.claims where document_id = ?", [doc])
        db.execute("insert or ignore into claim_entities select * from new.claim_entities where "
                   "claim_id in (select id from new.claims where document_id = ?)", [doc])
        claims = db.execute("select id, text from new.claims where document_id = ?", [doc]).fetchall()
        parsed = dict(zip([c for c, _ in claims], match_structure.parse([t for _, t in claims])))  # extract has them
        began, began_cpu = time.perf_counter(), time.process_time()
        relations.update_document(db, doc, structures=parsed)
        took.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        db.execute("rollback")  # leave the database as it was: every size sees the same
    db.close()
    return took, cpu


def matching_in_extract(corpus: Path, db_path: Path) -> float:
    """Milliseconds of CPU that matching takes per document inside ``annotator extract --match``
    (``relations.update_document`` on the writer thread, timed by that thread's own clock: the
    figure that the load of a shared machine disturbs least), extracting ``corpus`` afresh."""
    from annotator import extract
    from annotator.store import relations

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    spent = [0.0, 0]
    update = relations.update_document

    def timed(*args, **kwargs):
        began = time.thread_time()
        try:
            return update(*args, **kwargs)
        finally:
            spent[0] += time.thread_time() - began
            spent[1] += 1

    relations.update_document = timed
    try:
        extract.run([str(corpus)], str(db_path), progress=False, match=True)
    finally:
        relations.update_document = update
    return 1000 * spent[0] / max(spent[1], 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=600, help="documents in the 1x corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "matching")
    args = parser.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    from annotator.pipeline import resolve_model

    model = resolve_model()
    corpus = bench.build_corpus(out / f"corpus-{args.docs}", args.docs)
    bare_runs, plain_runs, runs = [], [], []
    for _ in range(2):  # interleaved, so that the load of a shared machine falls on each alike
        bare_runs.append(bench.measure([sys.executable, ROOT / "bench" / "bare.py", model,
                                        bench.BATCH_SIZE, corpus], out / "bare"))
        plain_runs.append(bench.extract(corpus, out / "plain.db", out / "extract-plain"))
        runs.append(bench.extract(corpus, out / "base.db", out / "extract", "--match"))
    bare, plain, one = bench.best(bare_runs), bench.best(plain_runs), bench.best(runs)
    cpu = {name: min(r.cpu for r in rs) for name, rs in
           (("bare", bare_runs), ("plain", plain_runs), ("match", runs))}
    words = json.loads(bare.stdout)["words"]
    rows = [("bare nlp.pipe", f"{words / bare.seconds:,.0f} words/s; CPU {cpu['bare']:.1f} s", "reference"),
            ("annotator extract, matching off", f"{words / plain.seconds:,.0f} words/s; CPU {cpu['plain']:.1f} s", ""),
            ("annotator extract, matching on", f"{words / one.seconds:,.0f} words/s; CPU {cpu['match']:.1f} s", ""),
            ("  ratio to bare nlp.pipe, matching off",
             f"{bare.seconds / plain.seconds:.2f}x; by CPU {cpu['bare'] / cpu['plain']:.2f}x", ">= 0.85x"),
            ("  ratio to bare nlp.pipe, matching on",
             f"{bare.seconds / one.seconds:.2f}x; by CPU {cpu['bare'] / cpu['match']:.2f}x", ">= 0.85x"),
            ("  CPU per document, matching on less off", f"{1000 * (cpu['match'] - cpu['plain']) / args.docs:.1f} ms", ""),
            ("  matching's CPU per document in extract's writer thread",
             f"{min(matching_in_extract(corpus, out / 'timed.db') for _ in range(2)):.1f} ms", "")]
    print(rows, flush=True)
    # new documents: the next N_NEW of the same recombined corpus, extracted on their own
    more = bench.build_corpus(out / "corpus-more", args.docs + N_NEW)
    for path in sorted(more.glob("*.txt"))[:args.docs]:
        path.unlink()
    bench.extract(more, out / "new.db", out / "extract-new", "--match")
    base_claims = None
    medians, cpu_medians = {}, {}
    for factor in (1, 10, 100):
        db = out / f"x{factor}.db"
        n = grow(out / "base.db", db, factor)
        base_claims = base_claims or n
        took, cpu = time_matching(db, out / "new.db")
        medians[factor], cpu_medians[factor] = statistics.median(took), statistics.median(cpu)
        rows.append((f"matching one new document, {n:,} claims ({factor}x)",
                     (f"{1000 * medians[factor]:.1f} ms median, {1000 * max(took):.1f} ms max; "
                      f"CPU {1000 * cpu_medians[factor]:.1f} ms median"), ""))
    bound = f"log(100n)/log(n) = {math.log(100 * base_claims) / math.log(base_claims):.2f}x"
    rows.append(("  growth 1x -> 100x", f"{medians[100] / medians[1]:.2f}x", bound))
    rows.append(("  growth 1x -> 100x, CPU time", f"{cpu_medians[100] / cpu_medians[1]:.2f}x", bound))
    print("| figure | measured | target |\n|---|---|---|")
    for figure, measured, target in rows:
        print(f"| {figure} | {measured} | {target} |")


if __name__ == "__main__":
    main()

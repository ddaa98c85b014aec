"""Does ``annotator learn`` help on documents nobody reviewed? A fair before/after, with the CLI.

Three gold sets of news and encyclopedia texts (tests/fixtures/extra-eval-2, -3, -4: 18
documents, 232 claims) play the user's corpus. The "shipped" model is one trained without them
(``annotator train checkworthy`` with the other gold sets, written to LOO_MODEL), installed in a
copy of the package at PACKAGE (``PYTHONPATH=PACKAGE python dev/learn_experiment.py``), so no
part of these texts is in its training data. In each of three folds, a third of each set's
documents is "nobody's": the other two thirds are extracted into a fresh database and reviewed
in a spreadsheet by the gold (a matched claim gets verdict ``unverifiable`` and the gold
check-worthiness as ``corrected_checkworthy``, an extracted claim no gold claim covers
``not_a_claim``), ``annotator learn`` runs, and the next ``annotator extract`` stores the unreviewed
documents. Those documents are scored before (a copy of the database extracted before learning)
and after, with ``annotator eval GOLD`` (matched claims, as extracted) and on their gold claims'
texts (each parsed alone), pooled over the folds.

Usage: PYTHONPATH=/tmp/pkg python dev/learn_experiment.py WORKDIR [--force]
"""

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np

import annotator
from annotator import checkworthy, checkworthy_features, evaluate, learn, pipeline

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "tests" / "fixtures" / f"extra-eval-{n}" for n in (2, 3, 4)]
OTHER_GOLD = [ROOT.parent / "shared" / "eval" / "gold-seed.jsonl",
              ROOT.parent / "shared" / "eval" / "dev" / "gold.jsonl",
              ROOT / "tests" / "fixtures" / "extra-eval" / "gold.jsonl"]
FOLDS = 3


def cli(*args: object) -> str:
    done = subprocess.run([Path(sys.executable).parent / "annotator", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or (done.returncode == 1 and "learn" not in args):
        raise SystemExit(f"annotator {' '.join(map(str, args))} failed:\n{done.stderr}{done.stdout}")
    return done.stdout + done.stderr


def gold_rows(docs: list[str]) -> list[dict]:
    rows = [g for s in SETS for g in evaluate.load_gold(s / "gold.jsonl")]
    return [g for g in rows if g["doc"] in docs]


def review_sheet(db: Path, gold: list[dict], out: Path) -> int:
    """The export, with the gold's verdicts and check-worthiness filled in as a reviewer would."""
    export = out.with_suffix(".export.csv")
    cli("export", "--db", db, "--format", "csv", "-o", export)
    with open(export, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        start, end = int(r["start"]), int(r["end"])
        overlaps = [(min(end, g["end"]) - max(start, g["start"]), g) for g in gold if g["doc"] == r["doc"]]
        most, nearest = max(overlaps, key=lambda x: x[0], default=(0, None))
        matched = nearest is not None and most >= 0.5 * max(1, end - start)
        r["verdict"] = "unverifiable" if matched else "not_a_claim"
        r["corrected_checkworthy"] = nearest["checkworthy"] if matched else ""
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[*rows[0].keys()])
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def main(work: Path, force: bool) -> None:
    print(f"annotator from {Path(annotator.__file__).parent}; shipped model: "
          f"{checkworthy.load_model().meta.get('trained_on')}")
    docs = {s: sorted(p.name for p in s.glob("*.txt")) for s in SETS}
    nlp = pipeline.build_nlp()
    shipped = checkworthy.load_model()
    pooled: dict = {"gold": [], "before": ([], []), "after": ([], []), "eval_before": [], "eval_after": []}
    for fold in range(FOLDS):
        nobody = [d for s in SETS for i, d in enumerate(docs[s]) if i % FOLDS == fold]
        folder = work / f"fold{fold}"
        shutil.rmtree(folder, ignore_errors=True)
        reviewed_dir, nobody_dir = folder / "reviewed", folder / "nobody"
        for s in SETS:
            for d in docs[s]:
                target = nobody_dir if d in nobody else reviewed_dir
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(s / d, target / d)
        db = folder / "claims.db"
        cli("extract", reviewed_dir, "--db", db)
        sheet = folder / "review.csv"
        n = review_sheet(db, gold_rows([d for s in SETS for d in docs[s] if d not in nobody]), sheet)
        print(f"\nfold {fold}: nobody reviews {', '.join(nobody)}; {n} claims reviewed")
        print(cli("import-reviews", sheet, "--db", db, "--reviewer", "gold").strip())
        before_db = folder / "before.db"
        shutil.copy(db, before_db)
        cli("extract", nobody_dir, "--db", before_db)
        args = ["learn", "--db", db, *[a for g in OTHER_GOLD for a in ("--gold", g)]]
        out = cli(*args, *(["--force"] if force else []))
        print(out.strip())
        cli("extract", nobody_dir, "--db", db)  # the next extract: scored by the model in use
        conn = sqlite3.connect(db)
        config = json.loads(conn.execute("select config from runs order by started desc limit 1")
                            .fetchone()[0])
        conn.close()
        print(f"next extract's runs.config checkworthy_model: {config.get('checkworthy_model')}")
        gold = gold_rows(nobody)
        gold_file = folder / "nobody.jsonl"
        gold_file.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
        for which, path in (("eval_before", before_db), ("eval_after", db)):
            pooled[which].append(json.loads(cli("eval", gold_file, "--db", path, "--json"))["(all)"])
        model_path = folder / "claims.models" / "checkworthy-learned-1.npz"
        after = checkworthy.read_model(model_path) if "in use" in out else shipped
        features = [checkworthy_features.feature_ids(s)
                    for s in checkworthy.sentence_spans(nlp, [g["text"] for g in gold])]
        pooled["gold"] += [g["checkworthy"] for g in gold]
        for which, model in (("before", shipped), ("after", after)):
            classes, scores = learn.predict(model, features)
            pooled[which][0].extend(classes)
            pooled[which][1].extend(scores)

    print("\ndocuments nobody reviewed, pooled over the folds:")
    for which in ("eval_before", "eval_after"):
        e = pooled[which]
        matched = sum(x["matched"] for x in e)
        f1 = sum(x["checkworthy_macro_f1"] * x["matched"] for x in e) / matched
        print(f"  {which}: checkworthy macro-F1 of the extracted claims matching gold {f1:.3f} "
              f"(per fold {[x['checkworthy_macro_f1'] for x in e]}, {matched} claims)")
    c = learn.compare(pooled["gold"], (pooled["before"][0], np.array(pooled["before"][1])),
                      (pooled["after"][0], np.array(pooled["after"][1])))
    print(f"  gold claims' texts ({c['items']}): before macro-F1 {c['before']['macro_f1']:.3f} cfs AP "
          f"{c['before']['cfs_average_precision']:.3f}; after macro-F1 {c['after']['macro_f1']:.3f} "
          f"cfs AP {c['after']['cfs_average_precision']:.3f}")
    for m in ("macro_f1", "cfs_average_precision"):
        print(f"  {m} difference {c[m]['difference']:+.3f} (95% interval {c[m]['low']:+.3f} to "
              f"{c[m]['high']:+.3f})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--force" in sys.argv)

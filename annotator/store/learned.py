"""The check-worthiness models ``annotator learn`` trained on this database's reviews: each a
weights file beside the database (``DB.models/checkworthy-learned-N.npz``) and a row of
``learned_models``; the latest one in use is the one extract and re-scoring use."""

import json
from collections.abc import Sequence
from pathlib import Path

import sqlite_utils

from ..ids import now

PREFIX = "checkworthy-learned-"


def model_path(db_path: str | Path, version: int) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}.models" / f"{PREFIX}{version}.npz"


def next_version(db: sqlite_utils.Database) -> int:
    return db.execute("select coalesce(max(version), 0) + 1 from learned_models").fetchone()[0]


def record(db: sqlite_utils.Database, db_path: str | Path, version: int, path: Path,
           figures: dict) -> str:
    """Store a new model version (its path relative to the database's folder); its name."""
    name = f"{PREFIX}{version}"
    with db.atomic():
        db.execute("insert into learned_models (version, name, kind, path, created, figures)"
                   " values (?, ?, 'checkworthy', ?, ?, ?)",
                   [version, name, str(path.relative_to(Path(db_path).parent)), now(),
                    json.dumps(figures)])
    return name


def current(db: sqlite_utils.Database, db_path: str | Path, features: int) -> dict | None:
    """The latest learned model in use (``annotator learn`` keeps one that was worse, unused,
    with ``"active": false`` in its figures): ``name``, ``path`` (absolute) and ``figures``; None
    without one (or when its weights file is gone, or it was learned on another layout of the
    features than ``features``, the one this version reads: then the shipped model is used, as
    before learning, until ``annotator learn`` runs again)."""
    row = db.execute("select name, path, figures from learned_models where kind = 'checkworthy'"
                     " and coalesce(json_extract(figures, '$.active'), 1)"
                     " order by version desc limit 1").fetchone()
    if row is None:
        return None
    path = Path(db_path).parent / row[1]
    figures = json.loads(row[2])
    if not path.is_file() or figures.get("features", 1) != features:
        return None
    return {"name": row[0], "path": path, "figures": figures}


def set_scores(db: sqlite_utils.Database, scores: Sequence[tuple[str, float, str]]) -> None:
    """(class, score, claim id) of re-scored claims, in one transaction."""
    from .connection import writing
    from .documents import refresh_facet_counts

    with writing(db):
        db.conn.executemany("update claims set checkworthy = ?, checkworthy_score = ? where id = ?",
                            [(c, round(float(s), 3), cid) for c, s, cid in scores])
    refresh_facet_counts(db)

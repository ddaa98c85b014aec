"""One extraction run: read the corpus, skip unchanged documents, parse the rest, store each.

Documents are read, hashed and parsed as a stream, so memory does not grow with the corpus. The
parsing runs on an engine (:mod:`annotator.engines`); this process is always the single writer.
"""

import itertools
import json
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version

import sqlite_utils
from tqdm import tqdm

from . import BATCH_SIZE, __version__, corpus, matching, store
from .store import learned, relations

ENGINES = ("local", "dask")


@dataclass
class Summary:
    run_id: str = ""
    n_documents: int = 0
    n_extracted: int = 0
    n_unchanged: int = 0
    refused: list[corpus.Refusal] = field(default_factory=list)
    n_claims: int = 0
    n_words: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.n_words / self.seconds if self.seconds else 0.0
        return (
            f"{self.n_documents} documents: {self.n_extracted} extracted, {self.n_unchanged} unchanged, "
            f"{len(self.refused)} refused; {self.n_claims} claims, {self.n_words} words "
            f"in {self.seconds:.1f}s ({rate:,.0f} words/s); run {self.run_id}"
        )


def _changed(
    db: sqlite_utils.Database,
    files: list,
    encoding: str | None,
    summary: Summary,
    on_refusal: Callable[[corpus.Refusal], None] | None,
    bar: tqdm,
    on_warning: Callable[[corpus.Document, str], None] | None = None,
) -> Iterator[corpus.Document]:
    """Read each file (or fetch each page); count and skip the refused and the unchanged; yield
    the rest."""
    for found in files:
        found = corpus.read(found, encoding)
        if isinstance(found, corpus.Refusal):
            summary.refused.append(found)
            if on_refusal:
                on_refusal(found)
            continue
        summary.n_documents += 1
        if on_warning:
            for warning in found.warnings:
                on_warning(found, warning)
        if store.stored_hash(db, found.path) == found.sha256:
            summary.n_unchanged += 1
            bar.update(1)
        else:
            yield found


def run(
    paths: Iterable[str],
    db_path: str,
    model: str | None = None,
    encoding: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
    on_refusal: Callable[[corpus.Refusal], None] | None = None,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    urls: Iterable[str] = (),
    on_warning: Callable[[corpus.Document, str], None] | None = None,
    match: bool | None = None,
) -> Summary:
    """Extract every new or changed document under ``paths``, and the pages at ``urls``, into the
    database at ``db_path``.

    ``engine="local"`` parses here (``workers=1``) or in ``workers`` local processes;
    ``engine="dask"`` on the Dask cluster at ``scheduler``, or on a ``LocalCluster`` of
    ``workers`` processes when it is None.

    ``match`` keeps the cross-document matches of the stored documents up to date; None (the
    default) does so only in a database where matching is already on (``annotator match`` or an
    earlier ``match=True`` stored match keys).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    began = time.perf_counter()
    summary = Summary()
    db = store.connect(db_path)
    store.relaxed_sync(db)
    files = [*corpus.find_files(paths), *(corpus.WebPage(url) for url in urls)]
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=sum(1 for f in files if not isinstance(f, corpus.Refusal)), unit="doc",
               disable=not show, file=sys.stderr, dynamic_ncols=True)
    todo = _changed(db, files, encoding, summary, on_refusal, bar, on_warning)
    first = next(todo, None)  # load the model only when there is something to parse

    info: dict = {"annotator_version": __version__, "spacy_version": version("spacy")}
    nlp = None
    checkworthy_model: str | None = None
    if first is not None:
        from . import pipeline
        from .attribution import RULES
        from .checkworthy import FEATURES

        learned_model = learned.current(db, db_path, FEATURES)  # annotator learn's, if any: it scores
        checkworthy_model = str(learned_model["path"]) if learned_model else None
        nlp = pipeline.build_nlp(model, checkworthy_model)
        meta = pipeline.model_info(nlp)
        info.update(model=meta["model"], model_version=meta["model_version"],
                    config=json.dumps({"pipeline": meta["pipeline"], "batch_size": batch_size,
                                       "rules": RULES,
                                       **({"checkworthy_model": learned_model["name"]}
                                          if learned_model else {})}))
    else:
        info.update(model=model or "", config=json.dumps({"batch_size": batch_size}))
    summary.run_id = store.start_run(db, info)

    status = "failed"
    try:
        if nlp is not None and first is not None:
            documents = itertools.chain([first], todo)
            if match is None:
                match = relations.enabled(db)
            if match and relations.stale(db):  # matched by an older annotator: redo it first
                relations.match_all(db)
            with _Writer(db_path, summary.run_id, match) as writer:
                for result in _parse(nlp, model, checkworthy_model, documents, batch_size, engine,
                                     workers, scheduler, match):
                    writer.save(result)
                    summary.n_extracted += 1
                    summary.n_claims += len(result.claims)
                    summary.n_words += result.n_words
                    _count_unstored(writer, summary, on_refusal)
                    elapsed = time.perf_counter() - began
                    bar.set_postfix(words_s=f"{summary.n_words / elapsed:,.0f}", claims=summary.n_claims)
                    bar.update(1)
            _count_unstored(writer, summary, on_refusal)
        store.refresh_counts(db)  # even with nothing new: a killed run may have stored, not counted
        status = "done"
    finally:
        bar.close()
        summary.seconds = time.perf_counter() - began
        try:
            store.finish_run(
                db,
                summary.run_id,
                {
                    "n_documents": summary.n_documents, "n_extracted": summary.n_extracted,
                    "n_unchanged": summary.n_unchanged, "n_refused": len(summary.refused),
                    "n_claims": summary.n_claims, "n_words": summary.n_words,
                    "refused": json.dumps([str(r) for r in summary.refused], ensure_ascii=False),
                },
                status=status,
            )
        except sqlite3.OperationalError:
            # Writing failed already (a full disk): that error is the one to report. The run
            # stays 'running' until the next run on this machine marks it interrupted.
            if status == "done":
                raise
        finally:
            db.close()
    return summary


def _count_unstored(writer: "_Writer", summary: Summary,
                    on_refusal: Callable[[corpus.Refusal], None] | None) -> None:
    """Move the documents the writer could not store from the extracted to the refused."""
    while not writer.unstored.empty():
        result, error = writer.unstored.get()
        summary.n_extracted -= 1
        summary.n_claims -= len(result.claims)
        summary.n_words -= result.n_words
        refusal = corpus.Refusal(result.document.path, f"could not be stored ({error}); the "
                                 "database holds what it held before for this file")
        summary.refused.append(refusal)
        if on_refusal:
            on_refusal(refusal)


# What one document's rows can make the database refuse (a value too big, a constraint), as
# opposed to what stops every write (sqlite3.OperationalError: a full disk, a lost lock).
DOCUMENT_ERRORS = (sqlite3.DataError, sqlite3.IntegrityError, ValueError, OverflowError)


class _Writer:
    """Stores parsed documents on a thread of its own, while the next ones are parsed.

    SQLite's work runs outside the GIL, so writing overlaps with parsing. It is still the one
    writer, on its own connection, one transaction a document, in order. Documents finish in
    bursts (a batch of paragraphs completes several at once), so the queue holds up to
    ``DEPTH`` of them: with four, the parser waited on the writer for 3 % of a run. Their rows
    are small (tens of kilobytes), so memory stays bounded. A document whose rows the database
    refuses is rolled back and reported, and the others are stored; a failure of the database
    itself (a full disk) stops the run with that error.
    """

    DEPTH = 64

    def __init__(self, db_path: str, run_id: str, match: bool):
        self.db_path, self.run_id, self.match = db_path, run_id, match
        self.queue: queue.Queue = queue.Queue(maxsize=self.DEPTH)
        self.error: Exception | None = None
        self.unstored: queue.SimpleQueue = queue.SimpleQueue()  # (result, error) of refused rows
        self.thread = threading.Thread(target=self._run, name="annotator-writer", daemon=True)

    def __enter__(self) -> "_Writer":  # noqa: PYI034 (typing.Self needs Python 3.11)
        self.thread.start()
        return self

    def _run(self) -> None:
        db = None
        try:
            db = store.connect(self.db_path)
            store.relaxed_sync(db)
            while (result := self.queue.get()) is not None:
                try:
                    with store.writing(db):  # the claims and their matches land together
                        grouped = relations.forget_document(db, result.document.id)
                        store.save_document(db, result, self.run_id)
                        if self.match:
                            relations.update_document(db, result.document.id, grouped, {
                                c["id"]: c.get(matching.MATCH_STRUCTURE) for c in result.claims})
                except DOCUMENT_ERRORS as e:
                    self.unstored.put((result, e))
        except Exception as e:  # noqa: BLE001 -- re-raised in the parsing thread, which stops
            self.error = e
            while self.queue.get() is not None:  # let the parsing thread finish putting
                pass
        finally:
            if db is not None:
                db.close()

    def save(self, result) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(result)

    def __exit__(self, *exc) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


def _parse(nlp, model, checkworthy_model, documents, batch_size, engine, workers, scheduler, match):
    """The parsed documents, in order, from the chosen engine (every worker's pipeline built
    with ``checkworthy_model``, as ``nlp`` is; each claim's predicates read when it ``match``es)."""
    from . import engines, pipeline

    name = pipeline.resolve_model(model)
    if engine == "dask":
        return engines.dask(name, documents, scheduler=scheduler, workers=workers or None,
                            batch_size=batch_size, checkworthy_model=checkworthy_model, predicates=match)
    if workers > 1:
        return engines.processes(nlp, name, documents, workers, batch_size=batch_size,
                                 checkworthy_model=checkworthy_model, predicates=match)
    return engines.in_process(nlp, documents, batch_size=batch_size, predicates=match)

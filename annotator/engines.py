"""Where the parsing runs: in this process, in local worker processes, or on a Dask cluster.

Every engine takes documents and yields one :class:`~annotator.pipeline.DocumentResult` of plain
rows per document, in input order. Workers load the model once and return rows, never Doc
objects; the caller stays the single SQLite writer, so the database and its incremental
behaviour do not depend on the engine.
"""

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Protocol

from spacy.language import Language

from . import pipeline
from .corpus import Document
from .errors import AnnotatorError

ENGINES = ("local", "dask")
# Documents travel to workers in chunks of about this many characters (a second or so of parsing):
# small enough to balance two workers on a small corpus, large enough to fill nlp.pipe batches.
CHUNK_CHARS = 20_000
# Chunks in flight per worker: keeps workers busy while the writer catches up, and memory bounded.
WINDOW_PER_WORKER = 3


class EngineUnavailable(AnnotatorError):
    pass


def chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Group documents, in order, into lists of ``size`` characters or more (the last may be less)."""
    chunk: list[Document] = []
    n = 0
    for document in documents:
        chunk.append(document)
        n += len(document.text)
        if n >= size:
            yield chunk
            chunk, n = [], 0
    if chunk:
        yield chunk


# --- the worker side: one model per process, loaded on first use ------------------------------

_models: dict[tuple[str, str | None], Language] = {}
_lock = threading.Lock()


def parse_chunk(
    model: str, batch_size: int, documents: list[Document], checkworthy_model: str | None = None,
    predicates: bool = False,
) -> list[pipeline.DocumentResult]:
    """Parse ``documents`` with this process's copy of ``model`` (scoring check-worthiness with
    the weights file ``checkworthy_model``, when given); return their rows."""
    with _lock:  # a Language is not shared between threads; one chunk at a time per process
        key = (model, checkworthy_model)
        nlp = _models.get(key)
        if nlp is None:
            nlp = _models[key] = pipeline.build_nlp(model, checkworthy_model)
        return list(pipeline.process(nlp, documents, batch_size=batch_size, predicates=predicates))


def _leave_with(parent: int) -> None:
    """In a worker process: exit as soon as ``parent`` is gone, even killed outright."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="annotator-parent-watch", daemon=True).start()


class _Pending(Protocol):
    """A submitted chunk: a concurrent.futures or a Dask future."""

    def result(self) -> list[pipeline.DocumentResult]: ...

    def cancel(self) -> object: ...


def _ordered(
    submit: Callable[[list[Document]], _Pending], documents: Iterable[Document], window: int
) -> Iterator[pipeline.DocumentResult]:
    """Submit chunks keeping ``window`` in flight; yield their results in submission order."""
    pending: deque = deque()
    try:
        for chunk in chunks(documents, CHUNK_CHARS):
            pending.append(submit(chunk))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


# --- the engines -------------------------------------------------------------------------------


def in_process(
    nlp: Language, documents: Iterable[Document], batch_size: int = pipeline.BATCH_SIZE,
    predicates: bool = False,
) -> Iterator[pipeline.DocumentResult]:
    """Parse everything here, in one stream of ``nlp.pipe`` batches."""
    return pipeline.process(nlp, documents, batch_size=batch_size, predicates=predicates)


def processes(
    nlp: Language,
    model: str,
    documents: Iterable[Document],
    workers: int,
    batch_size: int = pipeline.BATCH_SIZE,
    checkworthy_model: str | None = None,
    predicates: bool = False,
) -> Iterator[pipeline.DocumentResult]:
    """Parse in ``workers`` local processes.

    Where the platform can fork, workers inherit ``nlp`` already loaded; elsewhere each loads
    ``model`` (and ``checkworthy_model``, the weights ``nlp`` was built with) once when it gets
    its first chunk.
    """
    context: BaseContext
    key = (model, checkworthy_model)
    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        _models[key] = nlp
    else:
        context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_leave_with, initargs=(os.getpid(),)) as pool:
            yield from _ordered(
                lambda chunk: pool.submit(parse_chunk, model, batch_size, chunk, checkworthy_model, predicates),
                documents,
                window=WINDOW_PER_WORKER * workers,
            )
    finally:
        _models.pop(key, None)  # the workers have their copies; this process keeps none


def dask(
    model: str,
    documents: Iterable[Document],
    scheduler: str | None = None,
    workers: int | None = None,
    batch_size: int = pipeline.BATCH_SIZE,
    checkworthy_model: str | None = None,
    predicates: bool = False,
) -> Iterator[pipeline.DocumentResult]:
    """Parse on a Dask cluster: the one at ``scheduler``, or a ``LocalCluster`` of ``workers``.

    The workers need annotator and the model package installed (and ``checkworthy_model``, a
    weights file, at the same path); each loads the model once.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineUnavailable(
            "the dask engine needs Dask's distributed scheduler: pip install 'annotator[dask]'"
        ) from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except OSError as e:
        if cluster is not None:
            cluster.close()
        raise EngineUnavailable(f"cannot reach the Dask scheduler {scheduler}: {e}") from None
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _ordered(
            lambda chunk: client.submit(parse_chunk, model, batch_size, chunk, checkworthy_model, predicates,
                                        pure=False),
            documents,
            window=WINDOW_PER_WORKER * n,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

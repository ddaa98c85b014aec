"""One extraction run: read the corpus, skip unchanged documents, parse the rest, store each."""

import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import spacy
from tqdm import tqdm

from . import __version__, corpus, pipeline, store


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


def run(
    paths: Iterable[str],
    db_path: str,
    model: str | None = None,
    encoding: str | None = None,
    batch_size: int = pipeline.BATCH_SIZE,
    progress: bool | None = None,
    on_refusal: Callable[[corpus.Refusal], None] | None = None,
) -> Summary:
    """Extract every new or changed document under ``paths`` into the database at ``db_path``."""
    began = time.perf_counter()
    summary = Summary()
    db = store.connect(db_path)
    todo: list[corpus.Document] = []
    for found in corpus.read_corpus(paths, encoding):
        if isinstance(found, corpus.Refusal):
            summary.refused.append(found)
            if on_refusal:
                on_refusal(found)
            continue
        summary.n_documents += 1
        if store.stored_hash(db, found.path) == found.sha256:
            summary.n_unchanged += 1
        else:
            todo.append(found)

    info: dict = {"annotator_version": __version__, "spacy_version": spacy.__version__}
    nlp = None
    if todo:
        nlp = pipeline.build_nlp(model)
        meta = pipeline.model_info(nlp)
        info.update(model=meta["model"], model_version=meta["model_version"],
                    config=json.dumps({"pipeline": meta["pipeline"], "batch_size": batch_size,
                                       "rules": "annotator.attribution_rules.v1"}))
    else:
        info.update(model=model or "", config=json.dumps({"batch_size": batch_size}))
    summary.run_id = store.start_run(db, info)

    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(todo), unit="doc", disable=not show, file=sys.stderr, dynamic_ncols=True)
    status = "failed"
    try:
        if nlp is not None:
            for result in pipeline.process(nlp, todo, batch_size=batch_size):
                store.save_document(db, result, summary.run_id)
                summary.n_extracted += 1
                summary.n_claims += len(result.claims)
                summary.n_words += result.n_words
                elapsed = time.perf_counter() - began
                bar.set_postfix(words_s=f"{summary.n_words / elapsed:,.0f}", claims=summary.n_claims)
                bar.update(1)
        store.refresh_counts(db)  # even with nothing new: a killed run may have stored, not counted
        status = "done"
    finally:
        bar.close()
        summary.seconds = time.perf_counter() - began
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
        db.close()
    return summary

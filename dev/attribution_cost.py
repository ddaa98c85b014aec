"""CPU time of the attribution component, rules alone and with the learned model, over the quick
bench corpus (120 documents of bench/run.py; development aid, not shipped).

    python dev/attribution_cost.py [--model PATH] [--repeat 3]

Parses the corpus once with spaCy's model and the claims component, then times (time.thread_time)
the attribution component over the parsed paragraphs, alternating rules alone and rules + model.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import run as bench  # noqa: E402

from annotator import attribution_model, pipeline  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    nlp = pipeline.build_nlp()
    pipe = nlp.get_pipe("annotator_attribution")
    model = attribution_model.read_model(a.model) if a.model else pipe.model
    with tempfile.TemporaryDirectory() as tmp:
        corpus = bench.build_corpus(Path(tmp) / "corpus", 120)
        texts = [p for f in sorted(corpus.glob("*.txt")) for p in f.read_text(encoding="utf-8").splitlines() if p]
    t = time.thread_time()
    with nlp.select_pipes(enable=[p for p in nlp.pipe_names if p not in pipeline.COMPONENTS[1:]]):
        docs = list(nlp.pipe(texts, batch_size=64))
    parse = time.thread_time() - t
    print(f"{len(texts)} paragraphs; parse and claims: {parse:.2f} s CPU")
    for _ in range(a.repeat):
        for name, m in (("rules alone", None), ("rules + model", model)):
            pipe.model = m
            t = time.thread_time()
            for doc in docs:
                pipe(doc)
            print(f"  {name:14} {time.thread_time() - t:.3f} s CPU")


if __name__ == "__main__":
    main()

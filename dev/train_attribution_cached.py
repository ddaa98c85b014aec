"""Train the attribution model from the cached parse of PolNeAR train (dev/cache, as
dev/polnear_loop.py makes it): the same training as ``annotator train attribution``, without
parsing the 840 articles again (not shipped).

    python dev/train_attribution_cached.py [-o annotator/models/attribution.npz]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear_loop as loop

from annotator import attribution_model, pipeline, train_attribution


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--output", default=str(Path(attribution_model.__file__).parent / "models"
                                                  / attribution_model.MODEL_FILE))
    a = ap.parse_args()
    nlp = pipeline.build_nlp()
    nlp.get_pipe("annotator_attribution").model = None
    folder = loop.SHARED / "polnear" / "train"
    items = loop.parsed(nlp, "train", loop.sample_files("train", None))
    comps = [nlp.get_pipe("annotator_claims"), nlp.get_pipe("annotator_attribution")]

    def articles():
        for document, _blocks, pairs in items:
            name = document.path[:-4]
            paragraphs = []
            for b, doc in pairs:
                doc = doc.copy()
                for c in comps:
                    doc = c(doc)
                paragraphs.append((b.start, doc))
            yield name, train_attribution.read_brat(folder / f"{name}.ann"), paragraphs

    train_attribution.train_attribution(nlp, folder, Path(a.output), articles=articles())


if __name__ == "__main__":
    main()

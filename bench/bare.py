"""The reference for bench/run.py: bare spaCy, nlp.pipe over the paragraphs of a corpus, no more.

Every non-blank line of every .txt file under FOLDER is a paragraph, as it is for the annotator.
Prints the counts as JSON. Run in its own process, so its time includes what an ``annotator
extract`` run's includes: start-up, loading the model, reading the files.

    python bench/bare.py en_core_web_sm 64 bench/out/corpus-120
    python bench/bare.py en_core_web_sm 64 bench/out/corpus-120 --stand-ins

With ``--stand-ins`` the model's attribute ruler and lemmatizer are the annotator's table
stand-ins (annotator/fast_pipes.py, the same annotations): the reference for the annotator's own
cost, apart from the model made cheaper.
"""

import json
import sys
from pathlib import Path

import spacy


def paragraphs(folder: Path):
    for file in sorted(folder.rglob("*.txt")):
        for line in file.read_bytes().decode("utf-8").splitlines():
            if line.strip():
                yield line.strip()


def main(model: str, batch_size: int, folder: str, stand_ins: bool = False) -> None:
    nlp = spacy.load(model)
    if stand_ins:
        from annotator import fast_pipes

        fast_pipes.speed_up(nlp)
    n_paragraphs = n_words = 0
    for doc in nlp.pipe(paragraphs(Path(folder)), batch_size=batch_size):
        n_paragraphs += 1
        n_words += sum(1 for t in doc if not (t.is_punct or t.is_space))
    print(json.dumps({"paragraphs": n_paragraphs, "words": n_words, "pipeline": nlp.pipe_names}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], stand_ins="--stand-ins" in sys.argv[4:])

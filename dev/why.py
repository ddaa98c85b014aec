"""Print the parse and the attribution of sentences given as arguments (development aid)."""
import sys

from annotator import pipeline

nlp = pipeline.build_nlp()
for text in sys.argv[1:]:
    doc = nlp(text)
    for t in doc:
        print(f"{t.i:3} {t.text:15} {t.lemma_:12} {t.pos_:6} {t.tag_:5} {t.dep_:10} {t.head.i}")
    for c in doc.spans["annotator_claims"]:
        print(repr(c.text), "| source:", c._.annotator_source, "| cue:", c._.annotator_cue,
              "|", c._.annotator_stance)

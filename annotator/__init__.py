"""annotator: turn source texts into reviewable, exportable claims."""

__version__ = "0.1.0"
# Paragraphs per nlp.pipe batch (extract's --batch-size): here, so that the command line and an
# unchanged re-run, which parses nothing, read it without importing spaCy.
BATCH_SIZE = 64

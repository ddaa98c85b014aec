"""annotator: turn source texts into reviewable, exportable claims."""

__version__ = "0.1.0"

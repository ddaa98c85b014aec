"""The base of the errors a person can act on: bad input, a missing database, an unknown label.

Each says what is wrong and where (a file, a line, a value and the values allowed); the command
line shows the message alone (one handler, on the ``annotator`` group), never a traceback.
"""


class AnnotatorError(Exception):
    """An error whose message is meant for the person who ran the command."""


class NoDatabase(AnnotatorError, FileNotFoundError):
    """The database file named does not exist."""

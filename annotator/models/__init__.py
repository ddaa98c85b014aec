"""The shipped weights (package data) and the one way of reading them."""

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

M = TypeVar("M")


def load(path: str | None, file_name: str, read: Callable[[Path], M]) -> M:
    """``read`` of the file at ``path``, or of ``file_name`` shipped in ``annotator/models``."""
    if path is not None:
        return read(Path(path))
    with resources.as_file(resources.files(__name__).joinpath(file_name)) as p:
        return read(p)

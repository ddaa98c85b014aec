"""Whether a person's name can be what a pronoun source stands for: ``she`` is not ``Bernie Sanders``.

A name shows its bearer's gender by its first name (``lexicons/first_names.tsv``: only names
nearly always given to one sex) or, for a surname alone, by the titles the document gives it
(``Mrs. Clinton`` and never ``Mr. Clinton``). A name that shows nothing agrees with any pronoun.
"""

import re

from . import lexicon

PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_TITLE_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
# Answers already worked out, by name and the text's hash: not the text itself, which a cache
# would keep alive (thousands of documents' texts); cleared when full.
_KNOWN: dict[tuple[str, int], str | None] = {}
_KNOWN_LIMIT = 4096


def of_name(name: str, text: str = "") -> str | None:
    """``"m"``, ``"f"`` or None (not known) for a person's name as written in ``text``."""
    key = (name, hash(text))
    if key not in _KNOWN:
        if len(_KNOWN) >= _KNOWN_LIMIT:
            _KNOWN.clear()
        _KNOWN[key] = _of_name(name, text)
    return _KNOWN[key]


def _of_name(name: str, text: str) -> str | None:
    words = name.split()
    if not words:
        return None
    if len(words) > 1:
        found = lexicon.table("first_names.tsv").get(words[0].lower().rstrip("."))
        if found:
            return found
    titles = {_TITLE_GENDER[m.group(1).lower()]
              for m in re.finditer(rf"\b(Mr|Mrs|Ms|Miss)\.?\s+{re.escape(words[-1])}\b", text)}
    return titles.pop() if len(titles) == 1 else None


def agrees(pronoun: str, name: str, text: str = "") -> bool:
    """Whether ``pronoun`` (he, she, him, her) can stand for the person ``name``."""
    want = PRONOUN_GENDER.get(pronoun.lower())
    found = of_name(name, text) if want else None
    return want is None or found is None or found == want

"""The review page's forms checked: a review (verdict, note, corrections), an evidence link, a
claim set choice. Bad input is an :class:`InvalidInput` whose message the reviewer sees."""

import functools
import unicodedata
from collections.abc import Mapping
from urllib.parse import urlsplit

from ..errors import AnnotatorError
from ..labels import CHECKWORTHY, CLAIM_TYPES, CORRECTABLE, STANCES, VERDICTS
from ..store import UNCHANGED

RELATIONS = ("supports", "refutes", "context")
MAX_NOTE = 10_000
MAX_FIELD = 1_000


@functools.cache
def choices() -> dict[str, tuple[str, ...]]:
    """The labels a reviewer may pick for stance, check-worthiness and claim type."""
    return {"stance": STANCES, "checkworthy": CHECKWORTHY, "claim_type": CLAIM_TYPES}


class InvalidInput(AnnotatorError, ValueError):
    """A form value a reviewer must fix; its message is shown with a 400."""


def _clean(value: object, limit: int = MAX_FIELD) -> str:
    text = "" if value is None else str(value).replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InvalidInput(f"a field is longer than {limit} characters")
    return text


def shown_values(claim: Mapping, shown: Mapping | None) -> dict[str, str]:
    """What the review form shows for a claim whose current review was ``shown``: its note, and
    for each correctable field the reviewer's correction or else the machine's value."""
    values = {"note": (shown or {}).get("note") or ""}
    for field in CORRECTABLE:
        corrected = (shown or {}).get(field)
        values[field] = corrected if corrected is not None else claim.get(field) or ""
    return values


def parse_review(form: Mapping[str, str], claim: Mapping, shown: Mapping | None = None) -> dict:
    """The review row a form asks for: verdict, note and the corrected fields.

    ``shown`` is the review the form was showing (its ``shown_review`` id), None when it showed
    none. What the reviewer left as shown is :data:`UNCHANGED`, so the new review carries it
    forward from the current review, even one another reviewer saved meanwhile; so is an empty
    verdict (the "save" button). An emptied note clears it (the form showed one, so emptying it
    is the reviewer's act). A correction is stored only where the reviewer's value differs from the
    machine's; set back to the machine's value it is cleared (None); an emptied ``source`` or
    ``cue`` is stored as ``""``, meaning "there is none". Raises :class:`InvalidInput` for an
    unknown verdict or label, or a form that changes nothing.
    """
    verdict = _clean(form.get("verdict")) or UNCHANGED
    if verdict is not UNCHANGED and verdict not in VERDICTS:
        raise InvalidInput(f"unknown verdict {verdict!r}; use one of: {', '.join(VERDICTS)}")
    before = shown_values(claim, shown)
    row: dict = {"verdict": verdict, "note": UNCHANGED}
    if "note" in form:
        note = _clean(form.get("note"), MAX_NOTE)
        if note != before["note"]:
            row["note"] = note or None
    labels = choices()
    for field in CORRECTABLE:
        row[field] = UNCHANGED
        if field not in form:
            continue
        value = _clean(form.get(field))
        if field in labels and value and value not in labels[field]:
            raise InvalidInput(f"unknown {field} {value!r}; use one of: {', '.join(labels[field])}")
        if value == before[field]:
            continue
        machine = claim.get(field) or ""
        if field in labels and not value:
            row[field] = None
        else:
            row[field] = value if value != machine else None
    if all(v is UNCHANGED for v in row.values()):
        raise InvalidInput("nothing to record: choose a verdict, write a note or correct a field")
    return row


def _invisible(text: str) -> str | None:
    """The first character of ``text`` that is not shown as itself: a control or format character
    (U+202E RIGHT-TO-LEFT OVERRIDE and the other bidi controls, zero-width spaces), or a space
    other than U+0020."""
    for c in text:
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (
                c.isspace() and c != " "):
            return c
    return None


def saved_message(row: Mapping) -> str:
    """What a review form saved, for the message on the page it returns to."""
    saved = []
    if row["verdict"] is not UNCHANGED:
        saved.append(f"verdict “{row['verdict'].replace('_', ' ')}”")
    if row["note"] is not UNCHANGED:
        saved.append("the note" if row["note"] else "an empty note (the note is cleared)")
    saved += [f"the corrected {f.replace('_', ' ')}" for f in CORRECTABLE if row[f] is not UNCHANGED]
    kept = any(v is UNCHANGED for v in row.values())
    return "Saved " + ", ".join(saved) + ("; the rest of the review is kept." if kept else ".")


def parse_evidence(form: Mapping[str, str]) -> dict:
    """An evidence row from a form: an http(s) URL, an optional quoted passage and its relation.

    A URL with a character that would not show as itself (a right-to-left override can make
    ``…/exe.pdf`` read as ``…/fdp.exe``) or a space is refused: a link must read as what it is."""
    url = _clean(form.get("url"), 2_000)
    hidden = _invisible(url) or (" " if " " in url else None)
    if hidden:
        name = unicodedata.name(hidden, "a control character")
        raise InvalidInput(f"the web address holds U+{ord(hidden):04X} ({name}), which would not "
                           "show as itself; type the address again or paste it from the address bar")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput("evidence needs a web address starting with http:// or https://")
    relation = _clean(form.get("relation")) or "supports"
    if relation not in RELATIONS:
        raise InvalidInput(f"unknown relation {relation!r}; use one of: {', '.join(RELATIONS)}")
    return {"url": url, "quote": _clean(form.get("quote"), MAX_NOTE) or None, "relation": relation}


def parse_set_form(form: Mapping[str, str]) -> dict:
    """Which set the "add to set" form names: an existing one (``set``) or a new one (``new_set``,
    with an optional ``description``); or, from a set's "remove" button, the set to take the
    claim out of (``remove``). Returns ``name``, ``new``, ``description`` and ``remove``."""
    existing = _clean(form.get("set"))
    new = _clean(form.get("new_set"))
    remove = _clean(form.get("remove"))
    if remove:
        if existing or new:
            raise InvalidInput("add to a claim set or remove from one, not both")
        return {"name": remove, "new": False, "description": None, "remove": True}
    if existing and new:
        raise InvalidInput("choose an existing claim set or name a new one, not both")
    if not (existing or new):
        raise InvalidInput("choose a claim set, or name a new one")
    description = _clean(form.get("description"), MAX_NOTE) or None
    if existing and description:
        raise InvalidInput("a description is for a new claim set; this one has its own")
    return {"name": new or existing, "new": bool(new), "description": description, "remove": False}

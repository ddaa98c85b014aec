"""Pure helpers of the review plugin: passages, form checking, queue and export filters, who may
write.

Nothing here needs a server or a database connection, so each is tested alone.
"""

import difflib
import functools
import hashlib
import hmac
import ipaddress
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from markupsafe import Markup, escape

from ..filters import FilterError, Filters
from ..labels import CHECKWORTHY, CLAIM_TYPES, CORRECTABLE, STANCES, VERDICTS
from ..store import UNCHANGED

RELATIONS = ("supports", "refutes", "context")
# The queue's filters: the export's (by their names there), and whether a match was checked.
AS_EXPORT_FILTER = {"doc": "docs", "section": "sections", "source": "sources", "stance": "stances",
                    "checkworthy": "checkworthy", "set": "sets"}
QUEUE_FILTERS = (*AS_EXPORT_FILTER, "prior")
MAX_NOTE = 10_000
MAX_FIELD = 1_000


@functools.cache
def choices() -> dict[str, tuple[str, ...]]:
    """The labels a reviewer may pick for stance, check-worthiness and claim type."""
    return {"stance": STANCES, "checkworthy": CHECKWORTHY, "claim_type": CLAIM_TYPES}


class InvalidInput(ValueError):
    """A form value a reviewer must fix; its message is shown with a 400."""


# --- passages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # "claim", "source" or "cue"


def passage_html(text: str, offset: int, marks: Iterable[Mark]) -> Markup:
    """``text`` (which starts at document offset ``offset``) as HTML with the marks highlighted.

    The claim becomes one ``<mark class="annotator-claim">``; source and cue become
    ``<span class="annotator-source">`` / ``annotator-cue`` inside or around it, split where they
    cross the claim's edge. Every character of ``text`` is escaped.
    """
    spans = [
        (max(m.start - offset, 0), min(m.end - offset, len(text)), m.kind)
        for m in marks
        if m.start is not None and m.end is not None and m.end > m.start
    ]
    spans = [s for s in spans if s[0] < s[1]]
    cuts = sorted({0, len(text), *(p for s in spans for p in s[:2])})
    out: list[str] = []
    in_claim = False
    for a, b in itertools.pairwise(cuts):
        kinds = {k for s, e, k in spans if s <= a and b <= e}
        claim = "claim" in kinds
        if claim and not in_claim:
            out.append('<mark class="annotator-claim">')
        elif in_claim and not claim:
            out.append("</mark>")
        in_claim = claim
        piece = str(escape(text[a:b]))
        inner = sorted(kinds - {"claim"})
        if inner:
            classes = " ".join(f"annotator-{k}" for k in inner)
            title = " and ".join(inner)
            piece = f'<span class="{classes}" title="{title}">{piece}</span>'
        out.append(piece)
    if in_claim:
        out.append("</mark>")
    return Markup("".join(out))


def _reach(claim: Mapping) -> tuple[int, int]:
    """The range the claim, its source and its cue cover."""
    points = [claim["start"], claim["end"]]
    for key in ("source", "cue"):
        s, e = claim.get(f"{key}_start"), claim.get(f"{key}_end")
        if s is not None and e is not None:
            points += [s, e]
    return min(points), max(points)


def line_window(claim: Mapping, text: str) -> tuple[int, int]:
    """The range of the lines of ``text`` holding the claim, its source and its cue (for an
    earlier version of a document, whose blocks are not stored)."""
    lo, hi = _reach(claim)
    start = max(text.rfind("\n", 0, lo), text.rfind("\r", 0, lo)) + 1
    ends = [i for i in (text.find("\n", hi), text.find("\r", hi)) if i >= 0]
    return start, min(ends, default=len(text))


def passage_window(claim: Mapping, blocks: Iterable[Mapping]) -> tuple[int, int]:
    """The document range to show: the blocks holding the claim, its source and its cue."""
    lo, hi = _reach(claim)
    starts, ends = [lo], [hi]
    for b in blocks:
        if b["start"] < hi and b["end"] > lo:
            starts.append(b["start"])
            ends.append(b["end"])
    return min(starts), max(ends)


def claim_marks(claim: Mapping) -> list[Mark]:
    marks = [Mark(claim["start"], claim["end"], "claim")]
    for key in ("source", "cue"):
        s, e = claim.get(f"{key}_start"), claim.get(f"{key}_end")
        if s is not None and e is not None:
            marks.append(Mark(s, e, key))
    return marks


def claim_link(document: Mapping, claim: Mapping) -> str | None:
    """Where a claim of a web page can be read: the page's canonical URL (or the address it was
    fetched from), with a text fragment (``#:~:text=``) that browsers scroll to and highlight."""
    url = next((u for u in (document.get("canonical_url"), document.get("url"))
                if u and urlsplit(u).scheme in ("http", "https")), None)
    if url is None:
        return None
    words = claim["text"].split()
    if len(words) > 8:  # text fragments match across elements; start and end words suffice
        directive = f"{_fragment(' '.join(words[:4]))},{_fragment(' '.join(words[-4:]))}"
    else:
        directive = _fragment(" ".join(words))
    return f"{url.split('#')[0]}#:~:text={directive}"


def _fragment(text: str) -> str:
    # "-", "," and "&" have meanings in a text directive, so they are escaped as well.
    return quote(text, safe="").replace("-", "%2D")


def similar_claims(claim: Mapping, others: Iterable[Mapping], threshold: float = 0.6) -> list[dict]:
    """Which of ``others`` (claims of the same document) look like other wordings of ``claim``.

    Used to find a claim's earlier, superseded versions, whose reviews belong to its history, and
    a superseded claim's current versions.
    """
    found = []
    for other in others:
        if other["id"] == claim["id"]:
            continue
        ratio = difflib.SequenceMatcher(None, other["text"], claim["text"], autojunk=False).ratio()
        if ratio >= threshold:
            found.append({**other, "similarity": round(ratio, 2)})
    return sorted(found, key=lambda o: -o["similarity"])


# --- forms -------------------------------------------------------------------------------------


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


# --- the queue ---------------------------------------------------------------------------------


def queue_filters(args: Mapping[str, str], allow_sets: bool = False) -> dict[str, str]:
    """The queue filters present in a query string (``set`` only when claim sets exist)."""
    names = QUEUE_FILTERS if allow_sets else tuple(f for f in QUEUE_FILTERS if f != "set")
    return {k: str(args[k]).strip() for k in names if args.get(k) and str(args[k]).strip()}


def queue_export_filters(filters: Mapping[str, str]) -> Filters:
    """The export's :class:`Filters` for a queue's filters (all but ``prior``): the queue shows
    the claims its "download as CSV" link exports."""
    try:
        return Filters.from_dict({AS_EXPORT_FILTER[k]: v for k, v in filters.items()
                                  if k in AS_EXPORT_FILTER})
    except FilterError as e:
        raise InvalidInput(str(e)) from None


TABLE_ARGS = {"doc": "doc", "section_path": "section", "source_canonical": "source",
              "stance": "stance", "checkworthy": "checkworthy"}


def filters_from_table_args(args: Mapping[str, str]) -> dict[str, str]:
    """Queue filters from a Datasette table page's exact-match filters (``stance=alleged``)."""
    found = {}
    for column, name in TABLE_ARGS.items():
        for key in (column, f"{column}__exact"):
            if args.get(key):
                found[name] = str(args[key])
    return found


def query_string(filters: Mapping[str, str], **extra: str) -> str:
    """``?doc=…&stance=…`` for links that keep a reviewer inside the same queue."""
    pairs = {**filters, **{k: v for k, v in extra.items() if v}}
    return "?" + urlencode(pairs) if pairs else ""


# --- claim sets and CSV downloads ---------------------------------------------------------------


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


# Query-string name -> Filters field: the options of ``annotator export``, without dashes.
EXPORT_ARGS = {"set": "sets", "doc": "docs", "section": "sections", "source": "sources",
               "stance": "stances", "checkworthy": "checkworthy", "claim_type": "claim_types",
               "verdict": "verdicts", "entity": "entities", "search": "search",
               "min_score": "min_score"}
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(name: str, values: Sequence[str]) -> bool | None:
    given = {v.strip().lower() for v in values if v.strip()}
    if not given:
        return None
    if given <= set(_YES):
        return True
    if given <= set(_NO):
        return False
    raise InvalidInput(f"{name} is 1 or 0, not {', '.join(sorted(given))!r}")


def export_filters(args: Mapping[str, Sequence[str]]) -> Filters:
    """The :class:`Filters` in a download's query string (every name with all its values).

    The names are ``annotator export``'s options with underscores (``claim_type``, ``min_score``)
    and singular; repeating one gives alternatives. ``reviewed=1`` or ``unreviewed=1`` stand for
    ``--reviewed``/``--unreviewed``. Empty values are ignored, other names too.
    """
    data: dict[str, object] = {}
    for arg, field in EXPORT_ARGS.items():
        values = [v.strip() for v in args.get(arg, ()) if v.strip()]
        if not values:
            continue
        if field in ("search", "min_score"):
            if len(values) > 1:
                raise InvalidInput(f"give {arg} once")
            data[field] = values[0]
        else:
            data[field] = values
    reviewed = _flag("reviewed", args.get("reviewed", ()))
    unreviewed = _flag("unreviewed", args.get("unreviewed", ()))
    if unreviewed is not None:
        if reviewed is not None and reviewed == unreviewed:
            raise InvalidInput("ask for reviewed or unreviewed claims, not both")
        reviewed = not unreviewed
    if reviewed is not None:
        data["reviewed"] = reviewed
    try:
        return Filters.from_dict(data)
    except FilterError as e:
        raise InvalidInput(str(e)) from None


def export_options(args: Mapping[str, Sequence[str]]) -> dict[str, bool]:
    """The CSV switches of ``annotator export``: ``excel=1`` (a BOM) and ``no_formula_guard=1``."""
    return {"excel": bool(_flag("excel", args.get("excel", ()))),
            "formula_guard": not _flag("no_formula_guard", args.get("no_formula_guard", ()))}


def export_filename(filters: Filters) -> str:
    """``claims.csv``, or ``claims-<set>.csv`` for the download of one claim set."""
    if filters.sets and len(filters.sets) == 1 and filters == Filters(sets=filters.sets):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", filters.sets[0]).strip("-.")[:80]
        if slug:
            return f"claims-{slug}.csv"
    return "claims.csv"


# Datasette table filter -> download argument. Both select the same claims, except that a section
# takes its subsections along and a source its aliases, as in the queue.
TABLE_EXPORT_ARGS = {"doc": "doc", "section_path": "section", "source_canonical": "source",
                     "stance": "stance", "checkworthy": "checkworthy", "claim_type": "claim_type",
                     "verdict": "verdict"}
# Arguments of a Datasette table page that do not choose rows.
_TABLE_DISPLAY_ARGS = re.compile(
    r"_(sort|sort_desc|size|next|facet|facet_array|facet_date|col|nocol|labels|nolabels|"
    r"nocount|nofacet|nosuggest|trace|stream|dl|shape|json|json_infinity|searchmode|"
    r"timelimit|ttl|hash|context|extra|header|filter_.*)")


def export_args_from_table_args(args: Mapping[str, Sequence[str]]) -> tuple[dict, list[str]]:
    """Download arguments for the rows a Datasette table page shows, and the filters that have
    none (shown to the user as not kept).

    ``stance=alleged`` and ``stance__exact=alleged`` map; so do ``_search`` and
    ``checkworthy_score__gte``. A filter the export cannot express (``text__contains``,
    ``_where``, the same column twice) is reported instead of silently widening the download.
    """
    found: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for key, values in args.items():
        values = [v for v in values if v != ""]
        if not values or _TABLE_DISPLAY_ARGS.fullmatch(key):
            continue
        column, _, op = key.partition("__")
        if key in ("_search", "_search_text") and len(values) == 1:
            found["search"] = values
        elif column == "checkworthy_score" and op == "gte" and len(values) == 1:
            found["min_score"] = values
        elif column == "superseded" and op in ("", "exact") and values == ["0"]:
            continue  # the download holds current claims only
        elif column in TABLE_EXPORT_ARGS and op in ("", "exact") and len(values) == 1 \
                and TABLE_EXPORT_ARGS[column] not in found:
            found[TABLE_EXPORT_ARGS[column]] = values
        else:
            unmapped.append(key)
    return found, unmapped


def export_query_string(args: Mapping[str, Sequence[str] | str]) -> str:
    """``?stance=alleged&set=budget`` for a download link (values may repeat)."""
    pairs = [(k, v) for k, vs in args.items() for v in ([vs] if isinstance(vs, str) else vs) if v]
    return "?" + urlencode(pairs) if pairs else ""


# --- who may write -----------------------------------------------------------------------------


def actor_id(actor: Mapping | None) -> str | None:
    if not actor or actor.get("id") in (None, ""):
        return None
    return str(actor["id"])


def is_reviewer(actor: Mapping | None, reviewers: Iterable[str]) -> bool:
    """Whether the signed-in ``actor`` is one of the configured reviewer ids."""
    who = actor_id(actor)
    return who is not None and who in {str(r) for r in reviewers}


def csrf_was_checked(headers: Mapping[str, str]) -> bool:
    """Whether Datasette's CSRF protection examined this POST.

    It skips requests that carry no cookies or an ``Authorization: Bearer`` header, so a write
    route refuses those rather than trust a check that did not happen.
    """
    if not headers.get("cookie"):
        return False
    return not headers.get("authorization", "").lower().startswith("bearer ")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, digest: str | None) -> bool:
    return bool(token and digest) and hmac.compare_digest(token_digest(token), str(digest))


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False

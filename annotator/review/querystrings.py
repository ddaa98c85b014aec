"""Query strings: the queue's filters, the claims table's filters as the queue's and the
export's, and the web export's filters and switches, each read into the one
:class:`~annotator.filters.Filters`."""

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from ..filters import FilterError, Filters
from .forms import InvalidInput

# The queue's filters: the export's (by their names there), and whether a match was checked.
AS_EXPORT_FILTER = {"doc": "docs", "section": "sections", "source": "sources", "stance": "stances",
                    "checkworthy": "checkworthy", "set": "sets"}
QUEUE_FILTERS = (*AS_EXPORT_FILTER, "prior")


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

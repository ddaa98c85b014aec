"""Datasette's own CSV downloads, guarded against formulas as ``annotator export`` guards its CSV.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula; a heading, a
note or a reviewer's name can start so. :func:`wrap` is an ASGI wrapper: it rewrites the CSV that
Datasette streams for a table, a view or a query (``.csv``, ``?_format=csv``), record by record,
with :func:`annotator.export.guard_formula` applied to every cell. The plugin's own
``/-/annotator/export.csv`` is guarded where it is written (and keeps its ``no_formula_guard``).
"""

import codecs
import csv
import io
import re
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import parse_qs

from ..export import guard_formula

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]

# Datasette writes numbers as numbers: a negative one is a number to a spreadsheet, not a formula.
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_QUOTE_OR_NEWLINE = re.compile(r'["\n]')


def guard_cell(cell: str) -> str:
    """A CSV cell as text, guarded by :func:`guard_formula` unless it is a plain number."""
    return cell if NUMBER.fullmatch(cell) else guard_formula(cell)


class CsvGuard:
    """Guards a CSV byte stream fed in pieces; a record cut between pieces waits for its end."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes, final: bool = False) -> bytes:
        text = self._pending + self._decoder.decode(data, final=final)
        cut = len(text) if final else _records_end(text)
        self._pending = text[cut:]
        return guard_records(text[:cut]).encode("utf-8")


def _records_end(text: str) -> int:
    """Where the last whole record of ``text`` ends: after its last line break outside quotes."""
    end, quoted = 0, False
    for m in _QUOTE_OR_NEWLINE.finditer(text):
        if m.group() == '"':
            quoted = not quoted
        elif not quoted:
            end = m.end()
    return end


def guard_records(text: str) -> str:
    """Whole CSV records, rewritten with every cell guarded (as Datasette writes CSV: RFC 4180)."""
    if not text:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    records: Iterable[list[str]] = csv.reader(io.StringIO(text, newline=""))
    for record in records:
        writer.writerow([guard_cell(cell) for cell in record])
    return out.getvalue()


def is_datasette_csv(scope: dict) -> bool:
    """Whether a request asks Datasette (not this plugin) for CSV."""
    path = scope.get("path", "")
    if "/-/annotator/" in path:
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return path.endswith(".csv") or "csv" in query.get("_format", [])


def wrap(app: ASGIApp) -> ASGIApp:
    """The ASGI app ``app`` with its CSV responses guarded."""

    async def guarded(scope, receive, send):
        if scope.get("type") != "http" or not is_datasette_csv(scope):
            return await app(scope, receive, send)
        guard: CsvGuard | None = None

        async def send_guarded(message):
            nonlocal guard
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if message.get("status") == 200 and content_type.split(b";")[0].strip() in (
                        b"text/csv", b"text/plain"):
                    guard = CsvGuard()
                    message = {**message, "headers": [
                        (k, v) for k, v in headers if k.lower() != b"content-length"]}
            elif message["type"] == "http.response.body" and guard is not None:
                more = message.get("more_body", False)
                message = {**message, "body": guard.feed(message.get("body", b""), final=not more)}
            await send(message)

        await app(scope, receive, send_guarded)

    return guarded

"""Every unknown address a 404, every bad request a 400 or 405, each with one log line.

Datasette 0.65.5 answers some of them with a server error; the plugin corrects these:

- Its error handler asks ``rich`` to print the traceback of the exception being handled, with
  every local variable, even when no exception is being handled: for each unknown address (a 404)
  that raises ``ValueError: Value for 'trace' required`` and the visitor gets a 500.
  :func:`quiet_tracebacks` turns that printing off (a real server error still prints its
  traceback, through ``traceback.print_exc``, without the local variables).
- A table sorted by a column it does not have (``?_sort=nosuchcol``) raises a ``DatasetteError``
  without a status, which Datasette shows as a 500: :func:`as_bad_request` makes it a 400.
- A POST to a table, a read-only canned query or ``/-/messages`` fails inside Datasette, and a
  ``multipart/form-data`` POST with cookies fails inside asgi-csrf 0.11 (it passes python-multipart
  0.0.26 and later an argument they no longer take; older python-multipart has known
  vulnerabilities, so it is not pinned). :func:`request_guard` answers them first: a POST only
  where the plugin takes one, and only as a urlencoded form.
- ``?_timelimit=abc``, a ``?_through=`` that is not a JSON object naming a table, a column and
  a value, and a ``?_facet=`` that is broken JSON or names no column raise inside Datasette:
  :func:`bad_argument` refuses them with a 400 first. A facet by a column the table does not have
  is a 400 in Datasette, but leaves a screenful of warnings in the log:
  :func:`unknown_facet_columns` finds them before.
- datasette-auth-passwords (which annotator used to depend on, so it may still be installed)
  raises on every page given an ``Authorization: Basic`` header that is not base64 of ASCII text:
  the guard refuses such a header with a 400.
"""

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qs

import datasette.handle_exception
from datasette.views.base import DatasetteError

READ_METHODS = ("GET", "HEAD")
FORM = b"application/x-www-form-urlencoded"


def quiet_tracebacks() -> None:
    datasette.handle_exception.rich = None


def as_bad_request(exception: BaseException) -> None:
    """Give a status-less ``DatasetteError`` the 400 it stands for (before Datasette renders it).

    Datasette raises it without a status only for a bad ``_sort``/``_sort_desc`` argument."""
    if isinstance(exception, DatasetteError) and exception.status == 500:
        exception.status = 400


def bad_argument(args: Mapping[str, Sequence[str]]) -> str | None:
    """What is wrong with the Datasette arguments of a query string that Datasette 0.65.5 does
    not check itself, or None."""
    for value in args.get("_timelimit", ()):
        if value and not (value.isascii() and value.isdigit()):
            return f"_timelimit is a whole number of milliseconds, not {value!r}"
    for key, values in args.items():
        if key.startswith("_facet") and key != "_facet_size":
            for value in values:
                if _facet_column(value) is None:
                    return f'{key} is a column name or a JSON object {{"column": …}}, not {value!r}'
    for value in args.get("_through", ()):
        try:
            through = json.loads(value)
        except ValueError:
            through = None
        if not (isinstance(through, dict) and isinstance(through.get("table"), str)
                and isinstance(through.get("column"), str) and "value" in through):
            return '_through is a JSON object: {"table": …, "column": …, "value": …}'
    return None


def _facet_column(value: str) -> str | None:
    if not value.startswith("{"):
        return value
    try:
        config = json.loads(value)
    except ValueError:
        return None
    column = config.get("column", config.get("simple")) if isinstance(config, dict) else None
    return column if isinstance(column, str) else None


def unknown_facet_columns(args: Mapping[str, Sequence[str]], columns: Iterable[str]) -> list[str]:
    """The columns facets are asked for (``_facet``, ``_facet_array``, …) that are not ``columns``."""
    known = set(columns)
    asked = [_facet_column(v) for k, vs in args.items()
             if k.startswith("_facet") and k != "_facet_size" for v in vs]
    return [c for c in asked if c is not None and c not in known]


def bad_basic_authorization(header: bytes) -> bool:
    if header[:6].lower() != b"basic ":
        return False
    try:
        base64.b64decode(header[6:].strip(), validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return True
    return False


async def _send_text(send, status: int, text: str, headers: Iterable[tuple[bytes, bytes]] = ()):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers]})
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


def request_guard(app, post_paths: Iterable[str]):
    """Wrap the ASGI ``app``: a request with another method than GET or HEAD is a 405 unless its
    path matches one of the ``post_paths`` patterns, and a POST there must be a urlencoded form
    (else a 400); a GET or HEAD with a :func:`bad_argument` is a 400, and so is any request with
    broken Basic credentials."""
    allowed = [re.compile(p) for p in post_paths]

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        if bad_basic_authorization(headers.get(b"authorization", b"")):
            return await _send_text(send, 400, "the Authorization header is not valid Basic credentials")
        if scope["method"] in READ_METHODS:
            query = (scope.get("query_string") or b"").decode("latin-1")
            problem = bad_argument(parse_qs(query, keep_blank_values=True)) if query else None
            if problem:
                return await _send_text(send, 400, problem)
            return await app(scope, receive, send)
        if scope["method"] != "POST" or not any(p.match(path) for p in allowed):
            return await _send_text(send, 405, f"{scope['method']} is not accepted at {path}",
                                    [(b"allow", b"GET, HEAD")])
        content_type = headers.get(b"content-type", b"")
        if content_type.split(b";")[0].strip().lower() != FORM:
            return await _send_text(send, 400, f"send a form ({FORM.decode()}) to {path}")
        return await app(scope, receive, send)

    return guarded

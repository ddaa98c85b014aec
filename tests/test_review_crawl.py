"""A crawl of a real ``annotator serve`` with reviewer accounts, and a list of bad requests.

Every link on the home, queue, claim, sets and table pages answers 200 to a signed-in reviewer
and 403 or a redirect to the sign-in page to an anonymous visitor; unknown addresses answer 404,
bad requests 400 or 405, each with one line in the server's log and no server error anywhere.
"""

import re
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from reviewing import HOSTILE_CLAIM, PASSWORD, add_hostile_document, reviewer_accounts, serving

pytestmark = pytest.mark.slow

SEEDS = ["/", "/-/annotator/queue", f"/-/annotator/claim/{HOSTILE_CLAIM}", "/-/annotator/sets",
         "/claims", "/claims/claims?_size=10", "/claims/claim_verdicts?_size=10",
         "/claims/reviews"]
PUBLIC = ("/-/login", "/-/static/", "/-/static-plugins/", "/favicon.ico")


@pytest.fixture
def server(small_copy, tmp_path):
    """``annotator serve`` on a free port with the reviewer alice; yields (base URL, log path)."""
    add_hostile_document(small_copy)
    reviewer_accounts(small_copy.with_suffix(".reviewers.json"))
    log = tmp_path / "serve.log"
    with serving(small_copy, log) as base:
        yield base, log


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def links(base: str, page_url: str, html: str) -> set[str]:
    """The same-site addresses ``<a href>`` points to on a page, as paths with their queries."""
    parser = Links()
    parser.feed(html)
    found = set()
    for href in parser.found:
        url = urlsplit(urljoin(page_url, href))
        if f"{url.scheme}://{url.netloc}" == base and url.path:
            found.add(url.path + (f"?{url.query}" if url.query else ""))
    return found


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/-/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    response = client.post("/-/login", data={"username": "alice", "password": PASSWORD,
                                             "csrftoken": token})
    assert response.status_code == 302 and "ds_actor" in client.cookies
    return client


def test_every_link_answers_a_reviewer_and_asks_anyone_else_to_sign_in(server):
    base, log = server
    alice = signed_in(base)
    anonymous = httpx.Client(base_url=base, timeout=60)
    to_visit: set[str] = set()
    for seed in SEEDS:
        page = alice.get(seed)
        assert page.status_code == 200, seed
        to_visit |= links(base, base + seed, page.text)
    assert len(to_visit) > 100
    wrong = []
    for path in sorted(to_visit):
        response = alice.get(path, follow_redirects=True)
        if response.status_code != 200:
            wrong.append(f"reviewer {response.status_code} {path}")
        if path.startswith(PUBLIC):
            continue
        response = anonymous.get(path)
        location = response.headers.get("location", "")
        if not (response.status_code == 403
                or response.status_code == 302 and location.startswith("/-/login?next=")):
            wrong.append(f"anonymous {response.status_code} {path} {location}")
    assert wrong == []
    assert not re.search(r'" 5\d\d |Traceback', log.read_text())


UNKNOWN = ["/-/annotator/review/1", "/-/annotator/claim/x/y/z",
           f"/-/annotator/claim/{HOSTILE_CLAIM}/unknown", "/-/annotator/sets/x",
           "/-/annotator/claim/nosuchclaim", "/nosuchdb", "/claims/nosuchtable",
           "/claims/claims/nosuchrow", "/-/nosuch", "/-/password-tool"]
BAD = ["/claims/claims?_sort=nosuchcol", "/claims/claims?_sort_desc=nosuchcol",
       "/claims/claims?_sort=text&_sort_desc=text", "/claims/claims?_size=abc",
       "/claims/claims?_timelimit=abc", "/claims/claims?_through=abc",
       '/claims/claims?_through={"table":1}', "/claims.json?sql=select+nosuch",
       "/claims/claims?_facet=nosuch", "/claims/claims?_facet={bad", '/claims/claims?_facet={"column":1}',
       "/claims/claims?_where=nosuch",
       "/-/annotator/next?set=nosuchset", "/-/annotator/export.csv?min_score=abc",
       "/-/annotator/export.csv?reviewed=maybe"]
NOT_ALLOWED = [("GET", f"/-/annotator/claim/{HOSTILE_CLAIM}/review"), ("POST", "/-/messages"),
               ("POST", "/claims/claims"), ("POST", "/claims/claims_per_source"), ("POST", "/"),
               ("POST", "/-/annotator/queue"), ("PUT", f"/-/annotator/claim/{HOSTILE_CLAIM}/review"),
               ("DELETE", "/claims/reviews"), ("POST", "/-/password-tool")]


def test_unknown_addresses_and_bad_requests_are_refused_with_one_log_line_each(server):
    base, log = server
    alice = signed_in(base)
    token = alice.cookies["ds_csrftoken"]
    before = len(log.read_text().splitlines())
    answers = [(404, alice.get(path), path) for path in UNKNOWN]
    answers += [(400, alice.get(path), path) for path in BAD]
    answers += [(405, alice.request(method, path, data={"csrftoken": token} if method != "GET" else None),
                 f"{method} {path}") for method, path in NOT_ALLOWED]
    for path in (f"/-/annotator/claim/{HOSTILE_CLAIM}/review", "/-/login"):  # multipart, with cookies
        answers.append((400, alice.post(path, data={"csrftoken": token, "verdict": "true"},
                                        files={"f": ("f.txt", b"x")}), f"multipart {path}"))
    for credentials in ("w6k=", "!!!"):  # "é" (not ASCII), not base64
        answers.append((400, httpx.get(f"{base}/claims.json",
                                       headers={"authorization": f"Basic {credentials}"}),
                        f"Basic {credentials}"))
    assert [(want, r.status_code, what) for want, r, what in answers if r.status_code != want] == []
    # one access-log line per request and no traceback; the two requests with SQL that does not
    # run add Datasette's one-line record of the SQL error
    access = re.compile(r'INFO: +127\.0\.0\.1:\d+ - "\w+ .*" [34]\d\d ')
    deadline = time.monotonic() + 30
    while (sum(bool(access.match(line)) for line in log.read_text().splitlines()[before:])
           < len(answers) and time.monotonic() < deadline):
        time.sleep(0.1)
    lines = log.read_text().splitlines()[before:]
    sql_errors = [line for line in lines if line.startswith("ERROR: conn=")]
    assert [line for line in lines if not access.match(line) and line not in sql_errors] == []
    assert len(lines) == len(answers) + len(sql_errors) and len(sql_errors) == 2
    assert all("no such column: nosuch" in line for line in sql_errors)

"""Who may read and write, signing in, and bad requests, through Datasette's own client.

The crawl of a real ``annotator serve`` is in test_review_crawl.py.
"""

import asyncio
import hashlib
import re
import threading
import time

import pytest
from reviewing import PASSWORD, TOKEN, Site, add_hostile_document

from annotator.review import access, accounts, forms
from annotator.review.forms import InvalidInput

NEW_PASSWORD = "a quite different one"


@pytest.fixture
def private(small_copy, tmp_path):
    """A site with the reviewer alice and no --public-read: what 'annotator serve' makes."""
    add_hostile_document(small_copy)
    return Site(small_copy, tmp_path, public_read=False)


def sign_in(site, name=None, password=PASSWORD, cookies=None):
    """POST the sign-in form as a browser would; the response."""
    page = site.get("/-/login", cookies=cookies or {})
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    csrf = {**(cookies or {}), "ds_csrftoken": page.cookies["ds_csrftoken"]}
    return site.post("/-/login", cookies=csrf, data={
        "username": name or "alice", "password": password, "csrftoken": token})


def session(site, name=None, password=PASSWORD) -> dict:
    response = sign_in(site, name, password)
    assert response.status_code == 302, response.text
    return {"ds_actor": response.cookies["ds_actor"]}


def claim_id(site) -> str:
    return site.rows("select id from claims where superseded = 0 order by id limit 1")[0]["id"]


def write(site, cookies, claim):
    """Record a verdict as the review page's form does; the response."""
    page = site.get("/-/login", cookies=cookies)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    return site.post(f"/-/annotator/claim/{claim}/review", data={"csrftoken": token, "verdict": "true"},
                     cookies={**cookies, "ds_csrftoken": page.cookies["ds_csrftoken"]})


# --- private reads -----------------------------------------------------------------------------

PRIVATE = ["/claims/reviews.json", "/claims.json?sql=select+note+from+reviews",
           "/-/annotator/export.csv", "/-/metadata.json", "/-/actor.json", "/claims/claims.json",
           "/claims/unreviewed_checkworthy.json", "/-/annotator/sets", "/-/annotator/next"]


def test_with_accounts_only_signed_in_reviewers_read(private):
    cid = claim_id(private)
    for path in PRIVATE + [f"/-/annotator/claim/{cid}", "/", "/claims", "/-/annotator/queue"]:
        response = private.get(path)
        if path.endswith((".json", ".csv")) or ".json?" in path:
            assert response.status_code == 403, path
        else:  # a page: to the sign-in form, and back afterwards
            assert response.status_code == 302, path
            assert response.headers["location"].startswith("/-/login?next="), path
    assert private.get("/-/annotator/queue?stance=reported").headers["location"] == (
        "/-/login?next=%2F-%2Fannotator%2Fqueue%3Fstance%3Dreported")
    alice = session(private)
    for path in PRIVATE + [f"/-/annotator/claim/{cid}", "/", "/claims", "/-/annotator/queue"]:
        assert private.get(path, cookies=alice).status_code in (200, 302), path
    assert "alice" not in private.get("/-/metadata.json", cookies=alice).text  # names stay in the file


def test_sign_in_takes_the_visitor_back_where_they_were(private):
    page = private.get("/-/login?next=/-/annotator/queue%3Fstance%3Dreported")
    assert 'name="next" value="/-/annotator/queue?stance=reported"' in page.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    response = private.post("/-/login", cookies={"ds_csrftoken": page.cookies["ds_csrftoken"]}, data={
        "username": "alice", "password": PASSWORD, "csrftoken": token,
        "next": "/-/annotator/queue?stance=reported"})
    assert response.headers["location"] == "/-/annotator/queue?stance=reported"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1"])
def test_sign_in_never_sends_anyone_to_another_site(target):
    assert access.local_path(target) == "/"


def test_public_read_opens_reads_but_not_writes(small_copy, tmp_path):
    site = Site(small_copy, tmp_path, public_read=True)
    assert site.get("/claims/reviews.json").status_code == 200
    assert site.get("/-/annotator/export.csv").status_code == 200
    cookies, token = site.form(claim_id(site), {})
    response = site.post(f"/-/annotator/claim/{claim_id(site)}/review", cookies=cookies,
                         data={"csrftoken": token, "verdict": "true"})
    assert response.status_code == 403
    assert site.rows("select count(*) as n from reviews") == [{"n": 0}]


# --- account changes take effect at once -------------------------------------------------------


def test_a_new_password_applies_at_once_and_ends_the_old_sessions(private):
    cid = claim_id(private)
    old = session(private)
    assert write(private, old, cid).status_code == 302
    accounts.add(private.reviewers_file, "alice", NEW_PASSWORD, iterations=1_000)
    assert sign_in(private, password=PASSWORD).status_code == 403
    assert private.get("/-/annotator/queue", cookies=old).status_code == 302  # to sign in again
    refused = write(private, old, cid)
    assert refused.status_code == 403 and "alice is not a reviewer" in refused.text
    new = session(private, password=NEW_PASSWORD)
    assert private.get("/-/annotator/queue", cookies=new).status_code == 200
    assert write(private, new, cid).status_code == 302
    assert [r["reviewer"] for r in private.rows("select reviewer from reviews")] == ["alice", "alice"]


def test_a_removed_reviewer_can_neither_write_nor_sign_in(private):
    cid = claim_id(private)
    alice = session(private)
    accounts.remove(private.reviewers_file, "alice")
    assert write(private, alice, cid).status_code == 403
    assert private.get("/claims/reviews.json", cookies=alice).status_code == 403
    assert sign_in(private).status_code == 403
    assert private.rows("select count(*) as n from reviews") == [{"n": 0}]
    # an account added while the server runs signs in at once
    accounts.add(private.reviewers_file, "bob", NEW_PASSWORD, iterations=1_000)
    assert write(private, session(private, "bob", NEW_PASSWORD), cid).status_code == 302


def test_sessions_outlive_a_restart_with_the_same_secret(small_copy, tmp_path, fake_datasette,
                                                         monkeypatch):
    from click.testing import CliRunner

    from annotator.cli import cli

    monkeypatch.setenv("DATASETTE_SECRET", "kept-between-restarts")
    result = CliRunner().invoke(cli, ["serve", "--db", str(small_copy)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert fake_datasette[0]["secret"] == "kept-between-restarts"
    monkeypatch.delenv("DATASETTE_SECRET")
    CliRunner().invoke(cli, ["serve", "--db", str(small_copy)], catch_exceptions=False)
    assert fake_datasette[1]["secret"] is None  # Datasette makes a new one: sessions end


# --- signing in --------------------------------------------------------------------------------


def test_a_sign_in_without_cookies_is_refused(private):
    """Login CSRF: another site's form would post the attacker's name and password, without
    cookies, so that Datasette skips its CSRF check."""
    response = private.post("/-/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403 and "ds_actor" not in response.cookies


def test_the_session_cookie_is_http_only(private):
    cookie = sign_in(private).headers["set-cookie"]
    assert cookie.startswith("ds_actor=") and "httponly" in cookie.lower()


def test_an_unknown_name_costs_one_password_check_as_a_known_one(private, monkeypatch):
    """So the time a sign-in takes does not tell whether the name has an account."""
    runs = []
    real = hashlib.pbkdf2_hmac

    def counted(name, password, salt, iterations, *args):
        runs.append(iterations)
        return real(name, password, salt, iterations, *args)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    for name in ("alice", "nobody"):
        runs.clear()
        assert sign_in(private, name, "not the password").status_code == 403
        assert runs == [1_000], name  # one run, with the iterations of the accounts' hashes


def test_hashes_of_earlier_versions_still_sign_in():
    # made by datasette-auth-passwords 1.1, which annotator used to hash with
    made = "pbkdf2_sha256$1000$0123456789abcdef$BVALGMmC/K/8ELErc5VgJxyPFApArIZRCQsqjEgZWJ4="
    assert accounts.hash_password(PASSWORD, "0123456789abcdef", 1_000) == made
    assert accounts.check_password({"alice": {"password_hash": made}}, "alice", PASSWORD)
    assert not accounts.check_password({"alice": {"password_hash": made}}, "alice", "wrong")


def test_the_eleventh_rapid_attempt_is_refused(private):
    for _ in range(10):
        assert sign_in(private, password="guess").status_code == 403
    refused = sign_in(private)  # the right password, but too soon
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "ds_actor" not in refused.cookies


def test_throttle_counts_failures_per_address_within_the_window():
    now = [0.0]
    throttle = access.Throttle(attempts=3, window=60, concurrent=2, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.retry_after("a") is None
        throttle.begin()
        throttle.end("a", ok=False)
    assert throttle.retry_after("a") == 61 and throttle.retry_after("b") is None
    now[0] = 30
    assert throttle.retry_after("a") == 31
    throttle.begin()
    throttle.end("a", ok=True)  # a success does not reset the count
    assert throttle.retry_after("a") == 31
    now[0] = 60.5
    assert throttle.retry_after("a") is None  # the failures have aged out
    assert "a" not in throttle.failures
    # at most two checks at once, for everybody together
    throttle.begin()
    throttle.begin()
    assert throttle.retry_after("c") == 1
    throttle.end("c", ok=True)
    assert throttle.retry_after("c") is None


def test_pages_are_served_while_a_password_is_checked(private, monkeypatch):
    """The password check runs off the event loop: a page view does not wait for it."""
    release = threading.Event()
    slow = accounts.check_password

    def check(*args):
        release.wait(timeout=30)
        return slow(*args)

    monkeypatch.setattr(accounts, "check_password", check)
    page = private.get("/-/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    alice = private.actor("alice")

    async def both():
        login = asyncio.create_task(private.ds.client.post(
            "/-/login", cookies={"ds_csrftoken": page.cookies["ds_csrftoken"]},
            data={"username": "alice", "password": PASSWORD, "csrftoken": token}))
        await asyncio.sleep(0.2)
        queue = await asyncio.wait_for(private.ds.client.get("/-/annotator/queue", cookies=alice), 20)
        done_first = not login.done()
        release.set()
        return queue.status_code, done_first, (await login).status_code

    assert asyncio.run(both()) == (200, True, 302)


def test_the_password_tool_is_not_served(private):
    assert private.get("/-/password-tool").status_code == 404
    assert private.post("/-/password-tool", data={"password": "x"}).status_code == 405


def test_the_sign_in_link_expires(small_copy, tmp_path):
    site = Site(small_copy, tmp_path, public_read=False, sign_in_expires=time.time() - 1)
    response = site.get(f"/-/annotator/sign-in?token={TOKEN}")
    assert response.status_code == 403 and "expired" in response.text
    fresh = Site(small_copy, tmp_path / "2", public_read=False, sign_in_expires=time.time() + 60)
    response = fresh.get(f"/-/annotator/sign-in?token={TOKEN}")
    assert response.status_code == 302 and "httponly" in response.headers["set-cookie"].lower()
    me = {"ds_actor": response.cookies["ds_actor"]}
    assert fresh.get("/-/annotator/queue", cookies=me).status_code == 200  # the local user reads


def test_signing_out_ends_the_session(private):
    alice = session(private)
    page = private.get("/-/logout", cookies=alice)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    response = private.post("/-/logout", data={"csrftoken": token},
                            cookies={**alice, "ds_csrftoken": page.cookies["ds_csrftoken"]})
    assert response.status_code == 302 and response.cookies.get("ds_actor", "") == ""


# --- hostile values ----------------------------------------------------------------------------


def test_a_search_for_a_nul_character_downloads_nothing(private):
    alice = session(private)
    lines = private.get("/-/annotator/export.csv?search=%00", cookies=alice).text.splitlines()
    assert lines[0].startswith("id,") and lines[1:] == []
    everything = private.get("/-/annotator/export.csv?search=%20", cookies=alice).text.splitlines()
    assert len(everything) > 1  # a search of spaces only is no search


@pytest.mark.parametrize("url", [
    "https://example.org/\u202egpj.exe",  # RIGHT-TO-LEFT OVERRIDE: shows as https://example.org/exe.jpg
    "https://example.org/\u2066a\u2069", "https://exa\u200bmple.org/", "https://example.org/a\tb",
    "https://example.org/\x07", "https://example.org/a b", "https://example.org/a\u00a0b",
])
def test_evidence_urls_that_would_not_show_as_themselves_are_refused(url):
    with pytest.raises(InvalidInput, match=r"U\+[0-9A-F]{4}"):
        forms.parse_evidence({"url": url})


def test_a_refused_evidence_url_is_a_400_and_stores_nothing(private):
    cid = claim_id(private)
    alice = session(private)
    page = private.get("/-/login", cookies=alice)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    response = private.post(f"/-/annotator/claim/{cid}/evidence", data={
        "csrftoken": token, "url": "https://example.org/\u202egpj.exe"},
        cookies={**alice, "ds_csrftoken": page.cookies["ds_csrftoken"]})
    assert response.status_code == 400 and "U+202E" in response.text
    assert private.rows("select count(*) as n from evidence") == [{"n": 0}]

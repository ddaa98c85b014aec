"""annotator/review/helpers.py: who may write (reviewers, the CSRF check, the sign-in token) and
which hosts are this machine."""

import pytest
from reviewing import TOKEN

from annotator.review import helpers


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.5", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.4", False), ("example.org", False)],
)
def test_is_loopback(host, loopback):
    assert helpers.is_loopback(host) is loopback

def test_who_may_write():
    assert helpers.is_reviewer({"id": "alice"}, ["alice"])
    assert not helpers.is_reviewer({"id": "mallory"}, ["alice"])
    assert not helpers.is_reviewer(None, ["alice"])
    assert not helpers.csrf_was_checked({})
    assert not helpers.csrf_was_checked({"cookie": "a=b", "authorization": "Bearer x"})
    assert helpers.csrf_was_checked({"cookie": "a=b"})
    assert helpers.token_matches(TOKEN, helpers.token_digest(TOKEN))
    assert not helpers.token_matches("guess", helpers.token_digest(TOKEN))
    assert not helpers.token_matches("", None)

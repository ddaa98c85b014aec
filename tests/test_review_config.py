"""annotator/review/config.py and ``annotator serve``: the metadata Datasette is given (no hashes,
no reviewer names), the refusal of a public host without accounts, the sign-in link."""

import asyncio
import json
import re

from click.testing import CliRunner
from datasette.app import Datasette
from reviewing import TOKEN, reviewer_accounts

from annotator.cli import cli
from annotator.review import config, helpers


def test_metadata_holds_neither_hashes_nor_reviewer_names(tmp_path):
    path = reviewer_accounts(tmp_path / "r.json")
    meta = config.build_metadata("claims", path, "me", helpers.token_digest(TOKEN))
    assert "pbkdf2" not in json.dumps(meta) and "alice" not in json.dumps(meta)
    assert meta["plugins"]["annotator"]["reviewers_file"] == str(path)
    assert "claims" in meta["databases"] and "database" not in meta
    assert meta["databases"]["claims"]["tables"]["claims"]["facets"]

def test_serve_refuses_a_public_host_without_reviewer_accounts(small_copy, fake_datasette):
    result = CliRunner().invoke(cli, ["serve", "--db", str(small_copy), "--host", "0.0.0.0"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "refusing to serve on 0.0.0.0" in result.output
    assert fake_datasette == []

def test_serve_prints_a_sign_in_link_and_ships_the_configuration(small_copy, fake_datasette):
    reviewer_accounts(small_copy.with_suffix(".reviewers.json"))
    result = CliRunner().invoke(cli, ["serve", "--db", str(small_copy), "--host", "0.0.0.0",
                                      "--user", "me"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    link = re.search(r"http://127\.0\.0\.1:8001/-/annotator/sign-in\?token=(\S+)", result.output)
    assert link and "Sign in as me" in result.output
    (call,) = fake_datasette
    assert call["host"] == "0.0.0.0" and call["files"] == [str(small_copy)]
    metadata = json.loads(call["metadata"].read())
    plugin = metadata["plugins"]["annotator"]
    assert plugin["local_user"] == "me" and plugin["private"] and not plugin["public_read"]
    assert plugin["reviewers_file"] == str(small_copy.with_suffix(".reviewers.json").resolve())
    assert plugin["sign_in_token_sha256"] == helpers.token_digest(link.group(1))
    assert "pbkdf2" not in json.dumps(metadata)
    assert metadata["databases"][small_copy.stem]["queries"]["contested_claims"]["sql"]

def test_a_reviewer_called_root_is_no_datasette_root(small_copy, tmp_path):
    """'annotator serve' run by the login root signs in the reviewer root: a reviewer, not
    Datasette's root, so neither the _internal database nor the debug menu is shown."""
    meta = config.build_metadata("claims", None, "root", helpers.token_digest(TOKEN))
    ds = Datasette([str(small_copy)], metadata=meta)
    asyncio.run(ds.invoke_startup())
    root = {"ds_actor": ds.sign({"a": {"id": "root"}}, "actor")}
    home = asyncio.run(ds.client.get("/", cookies=root)).text
    assert "_internal" not in home and "/-/plugins" not in home and "/-/permissions" not in home
    assert asyncio.run(ds.client.get("/_internal", cookies=root)).status_code == 403
    assert asyncio.run(ds.client.get("/-/permissions", cookies=root)).status_code == 403
    assert asyncio.run(ds.client.get("/claims/claims", cookies=root)).status_code == 200

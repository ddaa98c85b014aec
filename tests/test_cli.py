"""annotator/cli/: one click group whose one handler shows every AnnotatorError as its message."""

import pytest
from click.testing import CliRunner

from annotator import engines, evaluate, filters, pipeline, reviews_import
from annotator.cli import cli
from annotator.errors import AnnotatorError, NoDatabase
from annotator.review import accounts, forms
from annotator.store import sets


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("error", [
    filters.FilterError, sets.SetError, reviews_import.ImportRejected, evaluate.GoldError,
    accounts.AccountError, pipeline.ModelNotFound, engines.EngineUnavailable, NoDatabase,
    forms.InvalidInput,
])
def test_every_error_a_person_can_act_on_is_an_annotator_error(error):
    assert issubclass(error, AnnotatorError)


@pytest.mark.parametrize("command", [
    ["export"], ["sets", "list"], ["sets", "show", "x"], ["check"], ["match"],
    ["eval", "--reviews"], ["agreement"], ["serve"],
])
def test_a_missing_database_is_one_line_and_status_1(tmp_path, command):
    missing = tmp_path / "nothing.db"
    result = run(*command, "--db", missing)
    assert result.exit_code == 1, result.output
    assert f"Error: {missing}: no such database" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AnnotatorError)
    assert not missing.exists()


def test_a_library_error_is_its_message(small_copy):
    result = run("sets", "delete", "nope", "--db", small_copy)
    assert result.exit_code == 1
    assert result.output == "Error: no claim set named 'nope' (see 'annotator sets list')\n"

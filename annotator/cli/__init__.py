"""The ``annotator`` command: one click group, thin over the library.

Its commands live by subject: :mod:`.documents` (extract, check, match), :mod:`.exporting`
(export, import-reviews), :mod:`.sets`, :mod:`.serving` (serve, reviewers) and
:mod:`.evaluating` (eval, train), :mod:`.team` (assign, agreement); :mod:`.common` holds what
they share.
"""

import click

from .. import __version__
from ..errors import AnnotatorError
from . import documents, evaluating, exporting, serving, sets, team


class AnnotatorGroup(click.Group):
    """A click group that shows an :class:`AnnotatorError` as its message (exit status 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AnnotatorError as e:
            raise click.ClickException(str(e)) from None


@click.group(cls=AnnotatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version")
def cli():
    """Turn source texts into reviewable, exportable claims."""


for command in (documents.extract, exporting.export, sets.sets, exporting.import_reviews,
                documents.check, documents.match, serving.serve, serving.reviewers,
                evaluating.eval_, evaluating.train, team.assign, team.agreement, team.learn):
    cli.add_command(command)

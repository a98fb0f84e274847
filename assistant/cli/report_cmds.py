"""`assistant report [--html FILE] [--pdf FILE]`: how you two are doing, read-only."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import click

from assistant.cli import AppContext, pass_app
from assistant.cli.store_cmds import _open as open_store
from assistant.cli.store_cmds import write_output
from assistant.clock import RealClock

_LOGGER = logging.getLogger(__name__)


@click.command("report")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a page with charts to this file (prints well from any browser).")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a printable PDF to this file (needs Chromium installed).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Start the report on this day (YYYY-MM-DD); default: from your first record.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), hidden=True, help="For tests.")
@pass_app
def report_cmd(app: AppContext, html_file: Path | None, pdf_file: Path | None, since: datetime | None,
               today: datetime | None) -> None:
    """How you two are doing: each partner's ratings, commitments, time outs, appreciations, agreement."""
    from assistant.report import Words, render_text
    from assistant.report.reading import report_history, report_settings
    from assistant.store.kinds import paused_gc

    words = Words()
    zone, keep, unnamed = report_settings(app.settings, words.text("partner_unnamed"))
    day = today.date() if today else RealClock().now().astimezone(zone).date()
    # tens of thousands of records and facts, none in a cycle: the cyclic collector would rescan them all, often
    with paused_gc(), open_store(app, read_only=True) as store:
        history = report_history(store, day, zone, app.settings.partners, keep_transcripts=keep,
                                 unnamed=unnamed, since=since.date() if since else None)
        text = render_text(history, words)
    click.echo(text, nl=False)
    if html_file is None and pdf_file is None:
        return
    from assistant.report.page import render_html

    page = render_html(history, words)
    if html_file is not None:
        write_output(html_file, page.encode("utf-8"))
        click.echo("\n" + words.text("html_written", file=html_file))
    if pdf_file is not None:
        from assistant.report.browser import BrowserError, find_browser, print_pdf

        if find_browser() is None:
            raise click.ClickException(words.text("pdf_no_browser"))
        try:
            data = print_pdf(page)
        except BrowserError as exc:
            raise click.ClickException(words.text("pdf_failed", reason=exc)) from None
        write_output(pdf_file, data)
        click.echo("\n" + words.text("pdf_written", file=pdf_file))


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    group.add_command(report_cmd)

"""`assistant resources`: the crisis resources, printed without any sound (the quiet path)."""

from __future__ import annotations

import logging

import click

from assistant.cli import AppContext

_LOGGER = logging.getLogger(__name__)


def print_resources(country: str) -> None:
    """The resources and the printed footer; the built-in list if anything goes wrong."""
    from assistant.danger.resources import LAST_RESORT, prompt_text, resources_text

    try:
        click.echo(resources_text(country))
        footer = prompt_text("resources_printed_footer")
        if footer:
            click.echo(footer)
    except Exception:  # noqa: BLE001 - whatever happens, the numbers are printed
        _LOGGER.exception("printing the resources failed")
        click.echo(LAST_RESORT)


@click.command("resources")
@click.option("--country", metavar="XX", help="Two-letter country code (US, GB, CA, AU, IE...); "
              "default: the [safety] country setting.")
@click.pass_context
def resources_cmd(ctx: click.Context, country: str | None) -> None:
    """Print crisis and support lines quietly (no sound), for you alone to read."""
    app = ctx.find_object(AppContext)
    print_resources(country or (app.settings.safety.country if app else "US"))


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    group.add_command(resources_cmd)

"""`assistant resources`: the crisis resources, printed without any sound (the quiet path).
`assistant reopen-checkins NAME`: one partner, on their own, asks for joint check-ins again after a hold
(assistant.after_safety)."""

from __future__ import annotations

import logging

import click

from assistant.cli import AppContext, pass_app

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


@click.command("reopen-checkins")
@click.argument("partner")
@pass_app
def reopen_checkins_cmd(app: AppContext, partner: str) -> None:
    """After a safety stop about violence or fear: ask, on your own, for check-ins together again (typed, no
    sound). They start again once both of you have asked, each on your own."""
    from assistant import after_safety
    from assistant.cli.store_cmds import _open
    from assistant.clock import RealClock
    from assistant.config import other_partner
    from assistant.dialog.library import DialogLibrary
    from assistant.store.records import JointCheckinRequest

    library = DialogLibrary.load().for_typing()
    partners = app.settings.partners
    name = next((p for p in partners if p.casefold() == partner.strip().casefold()), None)
    if name is None:
        raise click.ClickException(library.render("safety.reopen_unknown_partner", partner=partner,
                                                  first=partners[0], second=partners[1]).text)
    other = other_partner(partners, name)
    with _open(app) as store:
        waiting = after_safety.waiting_on(store, partners)
        if not waiting:
            click.echo(library.render("safety.reopen_nothing_held").text)
            return
        if name not in waiting:
            click.echo(library.render("safety.reopen_already_asked", partner=name, other=other).text)
            return
        click.echo(library.render("safety.reopen_explain").text)
        print_resources(app.settings.safety.country)
        try:
            wanted = click.confirm(library.render("safety.reopen_confirm", partner=name).text, default=False)
        except click.Abort:  # end of input or Ctrl-C: nothing is noted
            wanted = False
        if not wanted:
            click.echo(library.render("safety.reopen_not_noted").text)
            return
        store.append(JointCheckinRequest(at=RealClock().now().isoformat(), partner=name))
        left = after_safety.waiting_on(store, partners)
    click.echo(library.render("safety.reopen_waiting" if left else "safety.reopen_done", partner=name,
                              other=other).text)


def register(group: click.Group) -> None:
    """Add this module's commands to the `assistant` group."""
    group.add_command(resources_cmd)
    group.add_command(reopen_checkins_cmd)

"""`assistant agreement add|list|edit|remove|history`: the couple's written agreement, every version kept."""

from __future__ import annotations

import click

from assistant.cli import AppContext, pass_app
from assistant.clock import RealClock


def _open(app: AppContext):  # noqa: ANN202 - lazy import keeps `assistant --help` light
    from assistant.cli.store_cmds import _open as open_store

    return open_store(app)


def _items(store: object) -> list[str]:
    current = store.agreement()  # type: ignore[attr-defined]
    return list(current.items) if current else []


def _number(items: list[str], number: int) -> int:
    if not 1 <= number <= len(items):
        raise click.ClickException(f"There is no item {number}; the agreement has {len(items)} item(s). "
                                   "See them with: assistant agreement list")
    return number - 1


def _text(words: tuple[str, ...]) -> str:
    text = " ".join(words).strip()
    if not text:
        raise click.UsageError("The item's wording is empty.")
    return text


@click.group("agreement")
def agreement_group() -> None:
    """Your written agreement: transparency, boundaries, communication. Reviewed together monthly."""


@agreement_group.command("list")
@pass_app
def list_cmd(app: AppContext) -> None:
    """Show the current agreement, numbered."""
    with _open(app) as store:
        current = store.agreement()
    if current is None or not current.items:
        click.echo("The agreement has no items yet. Add one with: assistant agreement add TEXT")
        return
    click.echo(f"Your agreement (version of {current.when:%Y-%m-%d %H:%M}):")
    for number, item in enumerate(current.items, 1):
        click.echo(f"{number}. {item}")


@agreement_group.command("add")
@click.argument("words", nargs=-1, required=True)
@pass_app
def add_cmd(app: AppContext, words: tuple[str, ...]) -> None:
    """Add an item, e.g.: assistant agreement add We share our plans for the evening by six."""
    text = _text(words)
    with _open(app) as store:
        items = [*_items(store), text]
        store.update_agreement(items, "add", RealClock().now().isoformat())
    click.echo(f"Added item {len(items)}: {text}")


@agreement_group.command("edit")
@click.argument("number", type=int)
@click.argument("words", nargs=-1, required=True)
@pass_app
def edit_cmd(app: AppContext, number: int, words: tuple[str, ...]) -> None:
    """Reword item NUMBER (the earlier version is kept)."""
    text = _text(words)
    with _open(app) as store:
        items = _items(store)
        items[_number(items, number)] = text
        store.update_agreement(items, "edit", RealClock().now().isoformat())
    click.echo(f"Item {number} now reads: {text}")


@agreement_group.command("remove")
@click.argument("number", type=int)
@pass_app
def remove_cmd(app: AppContext, number: int) -> None:
    """Remove item NUMBER (the earlier version is kept)."""
    with _open(app) as store:
        items = _items(store)
        removed = items.pop(_number(items, number))
        store.update_agreement(items, "remove", RealClock().now().isoformat())
    click.echo(f"Removed item {number}: {removed}")


@agreement_group.command("history")
@pass_app
def history_cmd(app: AppContext) -> None:
    """Every version of the agreement, oldest first, with its date and what changed."""
    from assistant.store.records import AgreementVersion

    with _open(app) as store:
        versions = [v for v in store.query(AgreementVersion) if isinstance(v, AgreementVersion)]
    if not versions:
        click.echo("No versions yet.")
    for number, version in enumerate(versions, 1):
        click.echo(f"v{number} {version.when:%Y-%m-%d %H:%M} ({version.change}): {len(version.items)} item(s)")
        for item in version.items:
            click.echo(f"    - {item}")


def register(group: click.Group) -> None:
    """Add `agreement` to the `assistant` group."""
    group.add_command(agreement_group)

"""`assistant agreement add|list|edit|remove|history`: the couple's written agreement, every version kept.

A change needs both partners: each is asked by name ("yes" from both changes the agreement now); otherwise it is
kept as a proposal that the next monthly review puts to both (`AgreementProposal`). An item's wording is read
from the terminal (or the first line piped on standard input) when it is not given as arguments:
arguments are visible to every local user in the process list while the command runs, so that form still works
but warns.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:  # the store is imported by the commands: `--help` stays light
    from assistant.store import Store
from assistant.clock import RealClock


def _open(app: AppContext, read_only: bool = False) -> Store:
    from assistant.cli.store_cmds import _open as open_store

    return open_store(app, read_only=read_only)


@contextmanager
def _saving() -> Iterator[None]:
    """A failed write (disk full, read-only, lock held) becomes one line; nothing half-done is stored."""
    from assistant.store import StoreError

    try:
        yield
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _change(app: AppContext, edit: Callable[[list[str]], str]) -> None:
    with _saving(), _open(app) as store:
        store.change_agreement(edit, RealClock().now().isoformat())


def _number(items: list[str], number: int) -> int:
    if not 1 <= number <= len(items):
        raise click.ClickException(f"There is no item {number}; the agreement has {len(items)} item(s). "
                                   "See them with: assistant agreement list")
    return number - 1


def _text(words: tuple[str, ...]) -> str:
    """The item's wording: from the arguments (with a privacy warning), else the terminal or standard input."""
    if words:
        click.echo("Note: wording given as arguments is visible to other users of this computer while the "
                   "command runs. Next time leave it out and type it when asked (or pipe it in).", err=True)
        text = " ".join(words)
    elif sys.stdin.isatty():
        text = click.prompt("The item's wording", prompt_suffix=": ", err=True)
    else:  # the first line; the partners' answers may follow it
        raw = sys.stdin.buffer.readline(64 * 1024)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise click.ClickException("The wording on standard input is not UTF-8 text; nothing was saved. "
                                       "Save it as UTF-8 (or type it) and try again.") from None
    text = " ".join(text.split())
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in argv arrive as surrogates
        raise click.ClickException("The wording is not valid UTF-8 text; nothing was saved. Type it again "
                                   "when asked (leave the words out of the command).") from None
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
    with _open(app, read_only=True) as store:
        current = store.agreement()
    if current is None or not current.items:
        click.echo("The agreement has no items yet. Add one with: assistant agreement add")
        return
    click.echo(f"Your agreement (version of {current.when:%Y-%m-%d %H:%M}):")
    for number, item in enumerate(current.items, 1):
        click.echo(f"{number}. {item}")


def _both_agree(app: AppContext, change: str) -> bool:
    """Ask each partner by name; True only when both answered yes (no answer, end of input: no)."""
    click.echo(f"Proposed change: {change}")
    for partner in app.settings.partners:
        try:
            answer = click.prompt(f"{partner}, do you agree? (yes/no)", default="", show_default=False)
        except click.Abort:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            return False
    return True


def _propose(app: AppContext, action: Literal["add", "edit", "remove"], item: str, wording: str) -> None:
    from assistant.store.records import AgreementProposal

    with _saving(), _open(app) as store:
        store.append(AgreementProposal(at=RealClock().now().isoformat(), action=action, item=item, wording=wording))
    click.echo("Not changed: both of you need to agree. It is kept as a proposal, and your next agreement review "
               "(assistant agreement review) puts it to you both.")


def _current_item(app: AppContext, number: int) -> str:
    with _open(app, read_only=True) as store:
        current = store.agreement()
    items = list(current.items) if current else []
    return items[_number(items, number)]


@agreement_group.command("add")
@click.argument("words", nargs=-1)
@pass_app
def add_cmd(app: AppContext, words: tuple[str, ...]) -> None:
    """Propose an item; you are asked for its wording (or pipe it in: echo "..." | assistant agreement add),
    then both of you are asked to agree."""
    text = _text(words)
    if not _both_agree(app, f"add: {text}"):
        _propose(app, "add", "", text)
        return
    numbers: list[int] = []

    def add(items: list[str]) -> str:
        items.append(text)
        numbers.append(len(items))
        return "add"

    _change(app, add)
    click.echo(f"Added item {numbers[-1]}: {text}")


@agreement_group.command("edit")
@click.argument("number", type=int)
@click.argument("words", nargs=-1)
@pass_app
def edit_cmd(app: AppContext, number: int, words: tuple[str, ...]) -> None:
    """Reword item NUMBER once both of you agree (the earlier version is kept); the new wording is asked for,
    or piped in."""
    before = _current_item(app, number)
    text = _text(words)
    if not _both_agree(app, f"item {number}, {before!r}, to read: {text}"):
        _propose(app, "edit", before, text)
        return

    def edit(items: list[str]) -> str:
        items[_number(items, number)] = text
        return "edit"

    _change(app, edit)
    click.echo(f"Item {number} now reads: {text}")


@agreement_group.command("remove")
@click.argument("number", type=int)
@pass_app
def remove_cmd(app: AppContext, number: int) -> None:
    """Remove item NUMBER once both of you agree (the earlier version is kept)."""
    before = _current_item(app, number)
    if not _both_agree(app, f"remove item {number}: {before}"):
        _propose(app, "remove", before, "")
        return
    removed: list[str] = []

    def remove(items: list[str]) -> str:
        removed.append(items.pop(_number(items, number)))
        return "remove"

    _change(app, remove)
    click.echo(f"Removed item {number}: {removed[0]}")


@agreement_group.command("history")
@pass_app
def history_cmd(app: AppContext) -> None:
    """Every version of the agreement, oldest first, with its date and what changed."""
    from assistant.store.records import AgreementVersion

    with _open(app, read_only=True) as store:
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

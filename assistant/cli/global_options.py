"""Global options (`--io`, `--config`, ...) accepted before or after the subcommand.

`assistant checkin --io text` means `assistant --io text checkin`: before click parses, the group moves
its own options that follow a subcommand to the front. An option the subcommand declares itself (e.g.
`simulate --engine`) stays with the subcommand; nothing after `--` moves.
"""

from __future__ import annotations

from collections.abc import Iterator

import click


def _option(command: click.Command, token: str) -> click.Option | None:
    """The option of `command` that `token` (`--io`, `--io=text`, `-v`) names, if any."""
    name = token.split("=", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _takes_value(option: click.Option, token: str) -> bool:
    """Whether the next token is this option's value (not a flag, no `=value` attached)."""
    return not option.is_flag and option.nargs != 0 and "=" not in token and not option.count


def _value(tokens: Iterator[str]) -> list[str]:
    """The next token as a one-item list; empty at the end (click then reports the missing value)."""
    return [value] if (value := next(tokens, None)) is not None else []


def hoist_global_options(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """`args` with `group`'s options that follow a subcommand moved in front of it."""
    front: list[str] = []
    rest: list[str] = []
    current: click.Command = group
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            rest += [token, *tokens]
            break
        own = _option(current, token) if token.startswith("-") else None
        hoisted = _option(group, token) if current is not group and own is None and token.startswith("-") else None
        if hoisted is not None:
            needs_value = _takes_value(hoisted, token)
            value = _value(tokens) if needs_value else []
            if needs_value and not value:
                raise click.UsageError(f"Option '{token}' requires an argument.", ctx)
            front += [token, *value]
            continue
        rest.append(token)
        if own is not None and _takes_value(own, token):
            rest += _value(tokens)
        elif not token.startswith("-") and isinstance(current, click.Group):
            current = current.get_command(ctx, token) or current
    return front + rest


class GlobalOptionsGroup(click.Group):
    """A click group whose own options may also be given after its subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(self, ctx, list(args)))

"""Frozen tables read from files people edit (settings TOML, dialog YAML), as msgspec Structs: typed, limited,
unknown keys rejected, a problem told in one line naming the key.

msgspec, not pydantic: importing it and building the settings costs ~3 ms, pydantic ~135 ms of every start
(README, "Dependencies beyond the design card").
"""

from __future__ import annotations

import re
import types
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import msgspec

_T = TypeVar("_T", bound="Table")


class Table(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One table of a settings or dialog file. Field types and `Meta` limits are checked by `model_validate` (plain
    construction checks only what `__post_init__` does); pydantic's method names, so callers read the same."""

    @classmethod
    def model_validate(cls: type[_T], data: object) -> _T:
        """`data` (parsed TOML: dicts, lists, scalars) as this table; msgspec.ValidationError names the first
        problem and where it is (`describe_error` makes it one line for the user)."""
        return msgspec.convert(data, cls)

    def model_copy(self: _T, *, update: dict[str, Any] | None = None) -> _T:
        """A copy with the fields in `update` replaced (not re-validated)."""
        return msgspec.structs.replace(self, **(update or {}))


class Invalid(ValueError):
    """A field's value fails a check of `__post_init__`; the message names the field (`describe_error`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")


_WHERE = re.compile(r"^(?P<message>.*?)(?: - at (?P<key>`key` in )?`\$(?P<path>[^`]*)`)?$", re.DOTALL)
_TYPE_WORDS = {"int": "a whole number", "float": "a number", "str": "text in quotes", "bool": "true or false",
               "array": "a list [...]", "object": "a table", "null": "nothing", "datetime": "a date-time",
               "date": "a date", "time": "a time"}
_TYPE = re.compile(r"`([^`]*)`")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>.*)`$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<key>.*)`$", re.DOTALL)


def describe_error(source: str, error: msgspec.ValidationError, root: type[msgspec.Struct]) -> str:
    """`source: key.path: what is wrong (and what is allowed)`, one line, for `error` raised validating `root`."""
    keys, message = locate(error, root)
    return f"{source}: {'.'.join(keys) or '(top level)'}: {message}"


def locate(error: msgspec.ValidationError, root: type[msgspec.Struct]) -> tuple[list[str], str]:
    """The keys leading to the problem (list indexes as digits) and what is wrong, in words."""
    match = _WHERE.match(str(error))
    message, path = (match["message"], match["path"] or "") if match else (str(error), "")
    keys = [name or index for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path)]
    unknown = _UNKNOWN.match(message)
    missing = _MISSING.match(message)
    if unknown:
        known = _fields(_type_at(root, keys))
        keys.append(unknown["key"])
        message = "unknown key (a typo?)" + (f"; the keys here are: {', '.join(known)}" if known else "")
    elif missing:
        keys.append(missing["key"])
        message = "missing (it is required)"
    else:
        field, sep, rest = message.partition(": ")
        if sep and field.isidentifier() and field in _fields(_type_at(root, keys)):
            keys.append(field)  # an Invalid from __post_init__: msgspec places it at the table
            message = rest
        elif message.startswith("Invalid enum value "):
            choices = ", ".join(repr(value) for value in _choices(_type_at(root, keys)))
            message = f"{message.removeprefix('Invalid enum value ')} is not one of: {choices}"
    message = _TYPE.sub(_in_words, message).replace("Expected", "expected")
    return keys, f"a key: {message}" if match and match["key"] else message


def _in_words(quoted: re.Match[str]) -> str:
    """msgspec's `str | null` as `text in quotes or nothing`."""
    return " or ".join(_TYPE_WORDS.get(name, name) for name in quoted[1].split(" | "))


def _type_at(root: object, keys: list[str]) -> object:
    """The declared type at `keys` below `root` (None when the path leaves the known tables)."""
    current = root
    for key in keys:
        if key.isdigit() and get_origin(current) is list:
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, msgspec.Struct):
            current = get_type_hints(current).get(key)
        else:
            return None
    return current


def _fields(kind: object) -> tuple[str, ...]:
    return kind.__struct_fields__ if isinstance(kind, type) and issubclass(kind, msgspec.Struct) else ()


def _choices(kind: object) -> list[object]:
    """The allowed values of a Literal type (also inside `... | None`)."""
    if get_origin(kind) is Literal:
        return list(get_args(kind))
    if get_origin(kind) in (Union, types.UnionType):
        return [value for arg in get_args(kind) for value in _choices(arg)]
    return []

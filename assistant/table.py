"""Frozen tables read from files people edit (settings TOML, dialog and scenario YAML), as msgspec Structs: typed,
limited, unknown keys rejected, every problem told in one line naming the key.

msgspec, not pydantic: its import and the settings' build cost ~10 ms CPU of every start, pydantic's ~100 ms
(README, "Dependencies beyond the design card").
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import msgspec

_T = TypeVar("_T", bound="Table")


class Table(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One table of a settings, dialog or scenario file. Field types and `Meta` limits are checked by
    `model_validate` (plain construction checks only what `__post_init__` does); pydantic's method names, so
    callers read the same."""

    @classmethod
    def model_validate(cls: type[_T], data: object) -> _T:
        """`data` (parsed TOML or YAML: dicts, lists, scalars) as this table; msgspec.ValidationError names the
        first problem and where it is (`describe_error` tells every problem, one line each)."""
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


def describe_error(source: str, data: object, root: type[msgspec.Struct]) -> str:
    """Every problem of `data` as `root`, one line each: `source: key.path: what is wrong (what is allowed)`."""
    found = problems(data, root)
    return "\n".join(f"{source}: {'.'.join(keys) or '(top level)'}: {message}" for keys, message in found)


def problems(data: object, kind: object) -> list[tuple[list[str], str]]:
    """Every problem of `data` read as `kind`, as (keys leading to it, what is wrong), each table field and list
    item checked on its own (msgspec stops at the first); [] when `data` converts."""
    try:
        msgspec.convert(data, kind)
        return []
    except msgspec.ValidationError as error:
        first = locate(error, kind)
    found: list[tuple[list[str], str]] = []
    plain = _plain(kind)
    if isinstance(data, dict) and isinstance(plain, type) and issubclass(plain, msgspec.Struct):
        hints = get_type_hints(plain, include_extras=True)
        names = dict(zip(plain.__struct_encode_fields__, plain.__struct_fields__, strict=True))
        for key, value in data.items():
            if key not in names:
                found.append(([str(key)], _unknown(plain)))
            else:
                found += [([key, *keys], message) for keys, message in problems(value, hints[names[key]])]
    elif isinstance(data, list) and get_origin(plain) is list:
        item = get_args(plain)[0]
        found += [([str(index), *keys], message) for index, value in enumerate(data)
                  for keys, message in problems(value, item)]
    return found or [first]  # each part fine alone: a check across fields (or of the whole) failed


def locate(error: msgspec.ValidationError, root: object) -> tuple[list[str], str]:
    """The keys leading to the problem (list indexes as digits) and what is wrong, in words."""
    match = _WHERE.match(str(error))
    message, path = (match["message"], match["path"] or "") if match else (str(error), "")
    keys = [name or index for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path)]
    unknown = _UNKNOWN.match(message)
    missing = _MISSING.match(message)
    if unknown:
        message = _unknown(_type_at(root, keys))
        keys.append(unknown["key"])
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


def _unknown(kind: object) -> str:
    known = _fields(kind, encoded=True)
    return "unknown key (a typo?)" + (f"; the keys here are: {', '.join(known)}" if known else "")


def _plain(kind: object) -> object:
    """`kind` without its Annotated limits."""
    return get_args(kind)[0] if get_origin(kind) is Annotated else kind


def _type_at(root: object, keys: list[str]) -> object:
    """The declared type at `keys` (as written in the file) below `root`; None when the path leaves the tables."""
    current = _plain(root)
    for key in keys:
        if key.isdigit() and get_origin(current) is list:
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, msgspec.Struct):
            names = dict(zip(current.__struct_encode_fields__, current.__struct_fields__, strict=True))
            current = get_type_hints(current).get(names.get(key, key))
        else:
            return None
        current = _plain(current)
    return current


def _fields(kind: object, *, encoded: bool = False) -> tuple[str, ...]:
    """The field names of a Struct type (as attributes, or `encoded`: as written in the file); () otherwise."""
    if not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
        return ()
    return kind.__struct_encode_fields__ if encoded else kind.__struct_fields__


def _choices(kind: object) -> list[object]:
    """The allowed values of a Literal type (also inside `... | None`)."""
    if get_origin(kind) is Literal:
        return list(get_args(kind))
    if get_origin(kind) in (Union, types.UnionType):
        return [value for arg in get_args(kind) for value in _choices(arg)]
    return []

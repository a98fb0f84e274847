"""Records to and from plain JSON objects, with validation.

A record serialises to ``{"kind": ..., "version": ..., <every field>}``. Decoding checks every field against
the dataclass's type hints (strings, numbers, booleans, optional values, literals, tuples of strings, dicts),
so a hand-edited or damaged line is rejected with `RecordError` instead of becoming a half-valid record.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from assistant.store.records import RECORD_TYPES, Record

_Check = Callable[[Any], Any]
"""Returns the (possibly converted) value or raises `RecordError`."""


class RecordError(ValueError):
    """A JSON object is not a valid record. The message names the field, never its content."""


class NewerRecordError(RecordError):
    """A record was written by a newer version of the assistant."""


def to_dict(record: Record) -> dict[str, Any]:
    """The JSON object for `record` (tuples become lists)."""
    data: dict[str, Any] = {"kind": record.KIND, "version": record.VERSION}
    for spec in _specs(type(record)):
        value = getattr(record, spec.name)
        data[spec.name] = list(value) if isinstance(value, tuple) else value
    return data


def encode_line(record: Record) -> bytes:
    """One sealed JSON Lines line (UTF-8, newline-terminated). Raises `RecordError` if it cannot be stored."""
    try:
        text = json.dumps(to_dict(record), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return seal(text.encode("utf-8"))
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        problem = type(exc).__name__
        raise RecordError(f"a {record.KIND} record cannot be written as JSON ({problem})") from None


_SEAL_KEY = b',"crc":"'
_SEAL_LEN = len(_SEAL_KEY) + 8 + 2
"""`,"crc":"` + 8 hex digits + `"}`: the fixed-size end of every sealed line."""


def seal(body: bytes) -> bytes:
    """Add a CRC-32 of `body` (one JSON object, no newline) as its last field, and the newline.

    CRC-32 detects every 1-, 2- and 3-bit error and every burst up to 32 bits in a line, which is the damage a
    disk or a stray edit does; it is a check against accidents, not forgery (the folder's privacy is that).
    """
    return body[:-1] + _SEAL_KEY + b"%08x" % zlib.crc32(body) + b'"}\n'


def unseal(line: bytes) -> bytes:
    """The JSON object of a sealed line, without its checksum. Raises `RecordError` when it does not match."""
    line = line[:-1] if line.endswith(b"\n") else line
    if len(line) < _SEAL_LEN + 2 or line[-_SEAL_LEN:-10] != _SEAL_KEY or line[-2:] != b'"}':
        raise RecordError("the line has no checksum")
    body = line[:-_SEAL_LEN] + b"}"
    if line[-10:-2] != b"%08x" % zlib.crc32(body):
        raise RecordError("the line's checksum does not match (damaged)")
    return body


def from_dict(data: object) -> Record:
    """Validate a decoded JSON object and build its dataclass. Raises `RecordError`."""
    if not isinstance(data, dict):
        raise RecordError("a record must be a JSON object")
    kind = data.get("kind")
    cls = RECORD_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise RecordError("unknown record kind")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordError(f"{kind}: version must be a positive integer")
    if version > cls.VERSION:
        raise NewerRecordError(f"{kind}: record version {version} is newer than this program's {cls.VERSION}")
    specs = _specs(cls)
    known = {spec.name for spec in specs}
    extra = set(data) - known - {"kind", "version"}
    if extra:
        raise RecordError(f"{kind}: unexpected field(s) {sorted(extra)}")
    values: dict[str, Any] = {}
    for spec in specs:
        if spec.name in data:
            values[spec.name] = spec.check(data[spec.name])
        elif spec.required:
            raise RecordError(f"{kind}: missing field {spec.name!r}")
    try:
        aware = datetime.fromisoformat(values["at"]).tzinfo is not None
    except ValueError:
        aware = False
    if not aware:
        raise RecordError(f"{kind}: 'at' must be an ISO 8601 time with a UTC offset")
    return cls(**values)


def decode_line(line: bytes) -> Record:
    """Parse one sealed JSON Lines line. Raises `RecordError`."""
    body = unseal(line)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise RecordError("not valid JSON") from None
    return from_dict(data)


@dataclasses.dataclass(frozen=True)
class _FieldSpec:
    name: str
    check: _Check
    required: bool


_SPECS: dict[str, tuple[_FieldSpec, ...]] = {}


def _specs(cls: type[Record]) -> tuple[_FieldSpec, ...]:
    if (cached := _SPECS.get(cls.KIND)) is not None:
        return cached
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs.append(_FieldSpec(f.name, _checker(f.name, hints[f.name]), required))
    _SPECS[cls.KIND] = tuple(specs)
    return _SPECS[cls.KIND]


def _fail(name: str, what: str) -> typing.NoReturn:
    raise RecordError(f"field {name!r} must be {what}")


def _checker(name: str, hint: Any) -> _Check:  # noqa: C901 - one small branch per JSON type
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [_checker(name, arg) for arg in args if arg is not type(None)]
        nullable = type(None) in args

        def check_union(value: Any) -> Any:
            if value is None and nullable:
                return None
            for check in inner:
                try:
                    return check(value)
                except RecordError:
                    continue
            _fail(name, "of type " + str(hint))

        return check_union
    if origin is typing.Literal:
        allowed = frozenset(args)
        return lambda v: (v if isinstance(v, str) and v in allowed
                          else _fail(name, f"one of {sorted(allowed)}"))
    if origin is tuple:
        return lambda v: (tuple(v) if isinstance(v, (list, tuple)) and all(isinstance(i, str) for i in v)
                          else _fail(name, "a list of strings"))
    if origin is dict or hint is dict:
        return lambda v: (v if isinstance(v, dict) and all(isinstance(k, str) for k in v)
                          else _fail(name, "an object"))
    if hint is bool:
        return lambda v: v if isinstance(v, bool) else _fail(name, "true or false")
    if hint is int:
        return lambda v: v if isinstance(v, int) and not isinstance(v, bool) else _fail(name, "an integer")
    if hint is float:
        return lambda v: (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                          and math.isfinite(v) else _fail(name, "a finite number"))
    if hint is str:
        return lambda v: v if isinstance(v, str) else _fail(name, "a string")
    raise TypeError(f"no JSON checker for {name}: {hint!r}")  # a programming error in records.py

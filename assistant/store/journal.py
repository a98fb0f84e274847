"""The on-disk format: an append-only JSON Lines journal, fsynced per append.

Why a journal and not "rewrite a snapshot atomically" (temp file + fsync + rename + fsync of the directory)?
Both are crash-safe. But a snapshot rewrites the whole history on every answer: after ten years that is
megabytes written and fsynced per spoken sentence, and the cost of an append grows without bound. A journal
appends one line (a few hundred bytes) and fsyncs it, so an append costs the same on day one and in year ten,
and the file stays plain JSON a couple can read: line 1 is a header with the schema version, every other line
is one record. Records are never edited in place, so the journal *is* the state and needs no compaction.

Crash model. Each append is a single ``write`` of whole lines to a file opened with ``O_APPEND`` under the
inter-process lock, followed by ``fsync``; only then is the record acknowledged. A crash (kill -9, power loss)
can therefore damage only bytes that were never acknowledged: an incomplete last line, which `parse` reports
as ``torn`` and the store truncates. Any *complete* line that fails to parse or validate is real damage (disk,
hand edit, bug): the store moves the file aside, restores the rolling backup and keeps every readable record.
Rewrites (migration, recovery, backups, export) use `atomic_write`: temp file in the same directory, fsync,
``os.replace``, fsync of the directory. Files are created 0600 by ``os.open`` (never chmod after the fact).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.store.codec import NewerRecordError, RecordError, from_dict, seal, unseal
from assistant.store.kinds import paused_gc
from assistant.store.migrations import CURRENT_SCHEMA, SEALED_SCHEMA, upgrade
from assistant.store.records import Record

_LOGGER = logging.getLogger(__name__)

APP = "couples-companion"
JOURNAL = "store.jsonl"
LOCK = "store.lock"
BACKUPS = ("store.jsonl.bak1", "store.jsonl.bak2")
"""Newest first: the rolling backup keeps two generations."""
PREFIX = "store."
"""Every file the store creates starts with this (so `forget` can find them all, and nothing else)."""
_TMP_MARK = ".tmp-"


def header_line(schema: int) -> bytes:
    """Line 1 of a journal (sealed with a checksum from `SEALED_SCHEMA` on)."""
    body = json.dumps({"app": APP, "schema": schema}, separators=(",", ":")).encode()
    return seal(body) if schema >= SEALED_SCHEMA else body + b"\n"


def create_private(path: Path, *, exclusive: bool = True) -> int:
    """Open a new file for writing with mode 0600 from the start."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | (os.O_EXCL if exclusive else os.O_TRUNC)
    return os.open(path, flags, 0o600)


def write_all(fd: int, data: bytes) -> None:
    """`os.write` until every byte is written (short writes happen near a full disk)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_dir(directory: Path) -> None:
    """Make a create/rename/unlink in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file, never a mix."""
    tmp = path.with_name(f"{path.name}{_TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    fd = create_private(tmp)
    try:
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def remove_temp_files(directory: Path) -> int:
    """Delete partial temp files left by a crash during `atomic_write`. Call under the store lock."""
    removed = 0
    for tmp in directory.glob(f"{PREFIX}*{_TMP_MARK}*"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
            removed += 1
    return removed




@dataclass
class Parsed:
    """What a journal (or a tail of one) holds."""

    records: list[Record] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)
    """The raw line (with newline) of each good record, in the current schema."""
    schema: int | None = None
    """From the header; None when there is no readable header."""
    bad: int = 0
    """Complete lines that do not parse or fail validation: damage."""
    torn: int = 0
    """Bytes after the last newline: an append that never completed (never acknowledged)."""
    end: int = 0
    """Offset just after the last complete line."""
    newer: str | None = None
    """Why the data was written by a newer program, if it was."""

    @property
    def damaged(self) -> bool:
        return self.bad > 0 or self.schema is None


Migrate = Callable[[dict[str, Any], int], dict[str, Any]]


def parse(data: bytes, *, header: bool = True, current: int = 1, migrate: Migrate | None = None) -> Parsed:
    """Split `data` into records. With `header`, line 1 is the header; older schemas go through `migrate`."""
    result = Parsed(schema=None if header else current)
    cut = data.rfind(b"\n") + 1
    result.end = cut
    result.torn = len(data) - cut
    lines = data[:cut].splitlines(keepends=True)
    if header and lines:
        result.schema = _header_schema(lines[0])
        if result.schema is not None:
            lines = lines[1:]
    if result.schema is not None and result.schema > current:
        result.newer = f"schema {result.schema}"
        return result
    schema = result.schema or current
    sealed = schema >= SEALED_SCHEMA
    for line in lines:
        if not line.strip():
            continue
        try:
            obj = json.loads(unseal(line) if sealed else line)
            if schema < current and migrate is not None:
                obj = migrate(obj, schema)
                line = _dump(obj)
            record = from_dict(obj)
        except NewerRecordError as exc:
            result.newer = str(exc)
            return result
        except (RecordError, ValueError, TypeError, KeyError, RecursionError):
            result.bad += 1
            continue
        result.records.append(record)
        result.lines.append(line)
    return result


def parse_journal(data: bytes) -> Parsed:
    """Parse a whole journal, migrating records of an older schema."""
    with paused_gc():
        return parse(data, current=CURRENT_SCHEMA, migrate=upgrade)


def journal_bytes(schema: int, lines: Iterable[bytes]) -> bytes:
    """A whole journal: header plus record lines."""
    return header_line(schema) + b"".join(lines)


def _dump(obj: dict[str, Any]) -> bytes:
    return seal(json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode())


def _header_schema(line: bytes) -> int | None:
    sealed = b'"crc"' in line
    try:
        obj = json.loads(unseal(line) if sealed else line)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(obj, dict) and obj.get("app") == APP and "kind" not in obj:
        schema = obj.get("schema")
        if isinstance(schema, int) and not isinstance(schema, bool) and schema >= 1:
            # from SEALED_SCHEMA on a header without its seal is damaged (e.g. a flipped digit)
            return schema if sealed or not SEALED_SCHEMA <= schema <= CURRENT_SCHEMA else None
    return None

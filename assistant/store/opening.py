"""Opening the journal under the store's lock: recover a crash or damage, migrate an older schema, use the snapshot."""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.store import journal, private, recovery, snapshot
from assistant.store.errors import NewerSchemaError, StoreError
from assistant.store.journal import JOURNAL
from assistant.store.kinds import KindIndex
from assistant.store.migrations import CURRENT_SCHEMA

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenJournal:
    """The journal, open for appending, with the records it holds up to `end` (the bytes after are dropped)."""

    fd: int
    index: KindIndex
    end: int
    data: bytes
    """The journal's bytes up to `end`."""


def open_journal(directory: Path, notices: list[str]) -> OpenJournal:
    """Open (creating if needed) and repair the journal; what was repaired goes to `notices`. Call under the lock."""
    path = directory / JOURNAL
    if removed := journal.remove_temp_files(directory):
        _LOGGER.info("removed %d partial temp files", removed)
    with contextlib.suppress(FileNotFoundError):
        if path.lstat().st_size == 0:  # never written by us (creation is atomic): treat as missing
            path.unlink()
    if not path.exists():
        notices += recovery.create_initial(directory)
    for _attempt in range(3):
        fd = private.open_private(path, os.O_RDWR | os.O_APPEND)
        data = private.read_from(fd, 0)
        if (opened := _from_snapshot(directory, fd, data)) is not None:
            return opened
        parsed = journal.parse_journal(data)
        if parsed.newer is not None:
            os.close(fd)
            raise NewerSchemaError(f"This store was written by a newer version ({parsed.newer}); "
                                   f"upgrade the assistant. Nothing was changed in {directory}.")
        if parsed.damaged:
            os.close(fd)
            notices.append(recovery.recover_damaged(directory, parsed))
            continue
        if parsed.schema != CURRENT_SCHEMA:
            os.close(fd)
            recovery.rotate_backup(directory, data[:parsed.end])
            journal.atomic_write(path, journal.journal_bytes(CURRENT_SCHEMA, parsed.lines))
            _LOGGER.info("journal migrated from schema %s", parsed.schema)
            continue
        if (notice := recovery.restore_missing(directory, parsed)) is not None:
            os.close(fd)
            notices.append(notice)
            continue
        _drop_torn(fd, parsed.torn, parsed.end)
        index = KindIndex.of(parsed.records)
        if len(parsed.records) >= snapshot.MIN_RECORDS:
            snapshot.write(directory, index, data[:parsed.end])
        return OpenJournal(fd, index, parsed.end, data[:parsed.end])
    raise StoreError(f"The store in {directory} could not be repaired; please report this.")


def _from_snapshot(directory: Path, fd: int, data: bytes) -> OpenJournal | None:
    """Records from a valid snapshot plus the journal's tail; None when the journal must be read whole."""
    try:
        opened = snapshot.open_tail(directory, data)
    except BaseException:
        os.close(fd)
        raise
    if opened is None:
        return None
    index, tail, start = opened
    end = start + tail.end
    _drop_torn(fd, tail.torn, end)
    if len(tail.records) > snapshot.REFRESH_AFTER:
        snapshot.write(directory, index, data[:end])
    return OpenJournal(fd, index, end, data[:end])


def _drop_torn(fd: int, torn: int, end: int) -> None:
    if torn:
        _LOGGER.info("dropping an incomplete last line (%d bytes, never acknowledged)", torn)
        os.ftruncate(fd, end)
        os.fsync(fd)

"""What `Store.open` does when the journal is missing, old, or damaged; backups; forgetting.

Every function here runs under the store's inter-process lock. Each returns plain-language notices for the
couple (never record content) and logs only counts and file names.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from assistant.store import journal
from assistant.store.codec import encode_line, from_dict
from assistant.store.journal import BACKUPS, JOURNAL, PREFIX, Parsed
from assistant.store.migrations import (
    CURRENT_SCHEMA,
    LEGACY_V1,
    LEGACY_V1_DONE,
    MigrationError,
    read_legacy_v1,
    upgrade,
)

_LOGGER = logging.getLogger(__name__)

BACKUP_EVERY_S = 24 * 3600.0
"""A new rolling backup at most once a day (on open, or on an append once the last is older)."""


def parse_journal(data: bytes) -> Parsed:
    """Parse a whole journal, migrating records of an older schema."""
    return journal.parse(data, current=CURRENT_SCHEMA, migrate=upgrade)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _count(n: int, what: str) -> str:
    if n == 1:
        return f"{n} {what}"
    return f"{n} {what[:-1]}ies" if what.endswith("y") else f"{n} {what}s"


def create_initial(directory: Path) -> list[str]:
    """Make `store.jsonl` when there is none: migrate a schema-1 store, restore a backup, or start empty."""
    path = directory / JOURNAL
    try:
        legacy = read_legacy_v1(directory)
    except MigrationError as exc:
        aside = directory / f"{LEGACY_V1}.corrupt-{_stamp()}"
        os.replace(directory / LEGACY_V1, aside)
        _LOGGER.warning("old store file unreadable (%s); moved to %s", exc, aside.name)
        journal.atomic_write(path, journal.header_line(CURRENT_SCHEMA))
        return [f"The saved history from an older version could not be read, so it was moved to {aside} "
                "and a new, empty store was started. Nothing was deleted."]
    if legacy is not None:
        schema, raws = legacy
        lines, bad = [], 0
        for raw in raws:
            try:
                lines.append(encode_line(from_dict(upgrade(raw, schema))))
            except (ValueError, TypeError, KeyError):
                bad += 1
        journal.atomic_write(path, journal.journal_bytes(CURRENT_SCHEMA, lines))
        os.replace(directory / LEGACY_V1, directory / LEGACY_V1_DONE)
        journal.fsync_dir(directory)
        _LOGGER.info("migrated schema %d -> %d: %d records, %d unreadable",
                     schema, CURRENT_SCHEMA, len(lines), bad)
        notice = (f"Your saved history was updated to the current format ({_count(len(lines), 'record')}). "
                  f"The old file is kept as {directory / LEGACY_V1_DONE}.")
        if bad:
            notice += f" {_count(bad, 'entry')} in it could not be read and stay only in that old file."
        return [notice]
    backup = best_backup(directory)
    if backup is not None:
        journal.atomic_write(path, journal.journal_bytes(CURRENT_SCHEMA, backup.lines))
        restored = _count(len(backup.records), "record")
        return [f"The store file was missing, so the last backup was restored ({restored})."]
    journal.atomic_write(path, journal.header_line(CURRENT_SCHEMA))
    with contextlib.suppress(OSError):  # a brand-new data dir: make its own entry durable too
        journal.fsync_dir(directory.parent)
    return []


def best_backup(directory: Path) -> Parsed | None:
    """The newest backup that is intact, or None."""
    for name in BACKUPS:
        try:
            parsed = parse_journal((directory / name).read_bytes())
        except OSError:
            continue
        if not parsed.damaged and parsed.newer is None and not parsed.torn:
            return parsed
        _LOGGER.warning("backup %s is damaged; trying an older one", name)
    return None


def recover_damaged(directory: Path, damaged: Parsed) -> str:
    """Move the damaged journal aside; put the backup plus all readable later records in its place."""
    path = directory / JOURNAL
    aside = directory / f"{JOURNAL}.corrupt-{_stamp()}"
    try:
        os.link(path, aside)  # same inode: the damaged bytes are kept exactly, still 0600
    except OSError:
        journal.atomic_write(aside, path.read_bytes())
    journal.fsync_dir(directory)
    backup = best_backup(directory)
    base_lines = backup.lines if backup else []
    seen = {record.id for record in backup.records} if backup else set()
    pairs = zip(damaged.records, damaged.lines, strict=True)
    extra = [line for record, line in pairs if record.id not in seen]
    journal.atomic_write(path, journal.journal_bytes(CURRENT_SCHEMA, [*base_lines, *extra]))
    _LOGGER.warning("damaged journal (%d bad lines) moved to %s; restored %d from backup + %d readable",
                    damaged.bad, aside.name, len(base_lines), len(extra))
    total = len(base_lines) + len(extra)
    healed = len(seen - {record.id for record in damaged.records})
    lost = max(damaged.bad - healed, 0)
    if damaged.bad == 0:
        unreadable = "Its first line (the header) was damaged and has been rewritten."
    elif lost == 0:
        unreadable = f"All {_count(damaged.bad, 'damaged line')} came back from the backup."
    else:
        unreadable = (f"{_count(lost, 'damaged line')} could not be read and {'is' if lost == 1 else 'are'} "
                      "kept only in the moved file.")
    if backup:
        return (f"The store file was damaged, so it was moved to {aside} and the last good copy was "
                f"restored: {_count(len(base_lines), 'record')} from the backup plus {len(extra)} later "
                f"{'one' if len(extra) == 1 else 'ones'} that {'was' if len(extra) == 1 else 'were'} still "
                f"readable ({total} in all). {unreadable}")
    were = "was" if total == 1 else "were"
    return (f"The store file was damaged, so it was moved to {aside}. There was no backup yet; the "
            f"{_count(total, 'record')} that {were} still readable {were} kept. {unreadable}")


def backup_is_stale(directory: Path) -> bool:
    """True when the newest backup is missing or older than `BACKUP_EVERY_S`."""
    try:
        return time.time() - (directory / BACKUPS[0]).stat().st_mtime > BACKUP_EVERY_S
    except FileNotFoundError:
        return True


def rotate_backup(directory: Path, data: bytes) -> None:
    """Keep `data` (a whole, intact journal) as the newest backup; the previous one becomes the older."""
    newest, older = (directory / name for name in BACKUPS)
    with contextlib.suppress(FileNotFoundError):
        os.replace(newest, older)
    journal.atomic_write(newest, data)
    _LOGGER.info("rolling backup written (%d bytes)", len(data))


def store_files(directory: Path) -> list[Path]:
    """Every file the store made in `directory`: journal, backups, moved-aside copies, temp and lock files."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.startswith(PREFIX) and p.is_file())


def forget_files(directory: Path) -> int:
    """Delete every store file except the lock file; returns how many. Call under the lock."""
    removed = 0
    for path in store_files(directory):
        if path.name == journal.LOCK:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    if directory.is_dir():
        journal.fsync_dir(directory)
    _LOGGER.info("forgot %d store files", removed)
    return removed

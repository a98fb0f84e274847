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

from assistant.store import journal, merge, private
from assistant.store.codec import encode_line, from_dict
from assistant.store.journal import BACKUPS, JOURNAL, Parsed
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


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _count(n: int, what: str) -> str:
    if n == 1:
        return f"{n} {what}"
    return f"{n} {what[:-1]}ies" if what.endswith("y") else f"{n} {what}s"


def create_initial(directory: Path) -> list[str]:
    """Make `store.jsonl` when there is none: migrate a schema-1 store, restore every readable copy, or start empty."""
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
        return [_migrate_legacy(directory, *legacy)]
    merged = merge.rebuild(directory, None)
    if merged.lines:
        journal.atomic_write(path, journal.journal_bytes(CURRENT_SCHEMA, merged.lines))
        return [f"The store file was missing, so {_count(len(merged.lines), 'record')} "
                f"{'was' if len(merged.lines) == 1 else 'were'} restored from {merged.describe()}."]
    journal.atomic_write(path, journal.header_line(CURRENT_SCHEMA))
    with contextlib.suppress(OSError):  # a brand-new data dir: make its own entry durable too
        journal.fsync_dir(directory.parent)
    if merged.unreadable:
        kept = [_keep_aside(directory, name) for name in merged.unreadable]
        return [f"The store file was missing and no copy of it could be read, so a new, empty store was "
                f"started. The unreadable copies are kept as {', '.join(str(p) for p in kept)} (never rotated "
                "away), in case they can be repaired by hand."]
    return []


def _keep_aside(directory: Path, name: str) -> Path:
    """Move an unreadable backup out of the rotation, as a moved-aside copy."""
    if name not in BACKUPS:
        return directory / name
    aside = directory / f"{JOURNAL}.corrupt-{_stamp()}"
    os.replace(directory / name, aside)
    journal.fsync_dir(directory)
    return aside


def _migrate_legacy(directory: Path, schema: int, raws: list[object]) -> str:
    lines, bad = [], 0
    for raw in raws:
        try:
            lines.append(encode_line(from_dict(upgrade(raw, schema))))  # type: ignore[arg-type]
        except (ValueError, TypeError, KeyError):
            bad += 1
    journal.atomic_write(directory / JOURNAL, journal.journal_bytes(CURRENT_SCHEMA, lines))
    os.replace(directory / LEGACY_V1, directory / LEGACY_V1_DONE)
    journal.fsync_dir(directory)
    _LOGGER.info("migrated schema %d -> %d: %d records, %d unreadable", schema, CURRENT_SCHEMA, len(lines), bad)
    notice = (f"Your saved history was updated to the current format ({_count(len(lines), 'record')}). "
              f"The old file is kept as {directory / LEGACY_V1_DONE}.")
    if bad:
        notice += f" {_count(bad, 'entry')} in it could not be read and stay only in that old file."
    return notice


def set_aside(directory: Path) -> Path:
    """Keep the damaged journal's exact bytes as `store.jsonl.corrupt-*` (once: a repeat reuses the copy)."""
    path = directory / JOURNAL
    ino = path.stat().st_ino
    for old in directory.glob(f"{JOURNAL}.corrupt-*"):
        with contextlib.suppress(OSError):
            if old.stat().st_ino == ino:  # an earlier attempt (e.g. on a full disk) already kept it
                return old
    aside = directory / f"{JOURNAL}.corrupt-{_stamp()}"
    try:
        os.link(path, aside)  # same inode: the damaged bytes are kept exactly, still 0600
    except OSError:
        journal.atomic_write(aside, private.read_private(path))
    journal.fsync_dir(directory)
    return aside


def recover_damaged(directory: Path, damaged: Parsed) -> str:
    """Move the damaged journal aside; put every readable record (journal, backups, older copies) in its place."""
    aside = set_aside(directory)
    merged = merge.rebuild(directory, damaged, skip=aside)
    journal.atomic_write(directory / JOURNAL, journal.journal_bytes(CURRENT_SCHEMA, merged.lines))
    restored = len(merged.lines) - len(damaged.records)
    lost = max(damaged.bad - restored, 0)
    _LOGGER.warning("damaged journal (%d bad lines) moved to %s; kept %d readable + %d from other copies",
                    damaged.bad, aside.name, len(damaged.records), restored)
    said = [f"The store file was damaged, so it was moved to {aside} and rebuilt with every record that "
            f"could still be read ({_count(len(merged.lines), 'record')} in all)."]
    if restored > 0:
        said.append(f"{_count(restored, 'record')} came back from {merged.describe()}.")
    elif not merged.found:
        said.append("There was no backup yet.")
    elif not merged.used:
        said.append("No backup held anything more.")
    if damaged.bad == 0:
        said.append("Only its first line (the header) was damaged; it has been rewritten.")
    elif lost:
        said.append(f"{_count(lost, 'damaged line')} could not be read from any copy and "
                    f"{'is' if lost == 1 else 'are'} kept only in the moved file: that is what was lost.")
    else:
        said.append("Nothing was lost.")
    if merged.unreadable:
        said.append(f"Unreadable copies kept as they are: {', '.join(merged.unreadable)}.")
    return " ".join(said)


def restore_missing(directory: Path, current: Parsed) -> str | None:
    """When a backup is larger than the journal (the journal was cut short), bring back what only it holds."""
    try:
        size = max((directory / name).stat().st_size for name in BACKUPS if (directory / name).exists())
    except ValueError:
        return None
    if size <= current.end:
        return None
    merged = merge.rebuild(directory, current)
    restored = len(merged.lines) - len(current.records)
    if restored <= 0:
        return None
    journal.atomic_write(directory / JOURNAL, journal.journal_bytes(CURRENT_SCHEMA, merged.lines))
    _LOGGER.warning("journal shorter than its backup: %d records restored", restored)
    return (f"The store file was shorter than its backup (it was cut or replaced), so "
            f"{_count(restored, 'record')} that only the backup still held "
            f"{'was' if restored == 1 else 'were'} restored from {merged.describe()}.")


def backup_is_stale(directory: Path) -> bool:
    """True when the newest backup is missing or older than `BACKUP_EVERY_S`."""
    try:
        return time.time() - (directory / BACKUPS[0]).stat().st_mtime > BACKUP_EVERY_S
    except FileNotFoundError:
        return True


def rotate_backup(directory: Path, data: bytes) -> None:
    """Keep `data` (a whole, intact journal) as the newest backup; the previous one becomes the older.

    Never drops the last good copy: when the newest backup holds a record `data` lacks, nothing rotates.
    """
    newest, older = (directory / name for name in BACKUPS)
    if newest.exists() and newest.stat().st_size > len(data) and merge.holds_more(newest, data):
        _LOGGER.warning("backup kept: it holds records the journal lacks")
        return
    with contextlib.suppress(FileNotFoundError):
        os.replace(newest, older)
    journal.atomic_write(newest, data)
    _LOGGER.info("rolling backup written (%d bytes)", len(data))


def describe_state(parsed: Parsed | None) -> str:
    """A few plain words on what is wrong with a journal, for a notice."""
    if parsed is None:
        return "it is missing"
    if parsed.bad:
        return f"{_count(parsed.bad, 'line')} damaged"
    if parsed.schema is None:
        return "its first line is damaged"
    return "it is shorter than its backup"

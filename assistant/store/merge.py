"""Rebuild the store from every readable copy: journal, each backup generation, moved-aside damaged copies.

Records are merged by id, keeping each copy's order: a record only an older copy holds goes right after the
record that preceded it there. Nothing readable anywhere is left out, so recovery never starts empty while
data exists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.store import private
from assistant.store.journal import BACKUPS, JOURNAL, Parsed, parse_journal

_LOGGER = logging.getLogger(__name__)


@dataclass
class Merged:
    """The union of every readable copy, and where it came from (file names only, for the notice)."""

    lines: list[bytes] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    """Copies other than the journal that gave at least one record."""
    unreadable: list[str] = field(default_factory=list)
    """Copies that exist but gave nothing (damaged beyond reading, refused, or newer)."""
    found: int = 0
    """How many other copies exist at all."""

    def describe(self) -> str:
        backups = [name for name in self.used if ".bak" in name]
        aside = [name for name in self.used if ".corrupt-" in name]
        parts = []
        if backups:
            parts.append("the backup" if len(backups) == 1 else f"{len(backups)} backups")
        if aside:
            parts.append("a moved-aside copy" if len(aside) == 1 else f"{len(aside)} moved-aside copies")
        return " and ".join(parts) or "the store file"


def copies(directory: Path) -> Iterator[Path]:
    """Other copies, oldest first: the older backup, the newer one, then moved-aside copies by time."""
    yield from (directory / name for name in reversed(BACKUPS))
    yield from sorted(directory.glob(f"{JOURNAL}.corrupt-*"))


def read_copy(path: Path) -> Parsed | None:
    """A copy's readable records, or None when it cannot be read at all."""
    try:
        parsed = parse_journal(private.read_private(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        _LOGGER.warning("copy %s not readable: %s", path.name, type(exc).__name__)
        return Parsed(bad=1)
    return parsed


def rebuild(directory: Path, current: Parsed | None, *, skip: Path | None = None) -> Merged:
    """Merge `current` (the journal's readable part, if any) with every other copy in `directory`.

    `skip`: the copy of the journal just moved aside (it holds nothing `current` lacks).
    """
    merged = Merged()
    position: dict[str, int] = {}
    sources: list[tuple[str, Parsed]] = []
    for path in copies(directory):
        if path == skip:
            continue
        parsed = read_copy(path)
        if parsed is None:
            continue
        merged.found += 1
        if parsed.newer is not None or not parsed.records:
            merged.unreadable.append(path.name)
            continue
        sources.append((path.name, parsed))
    if current is not None:
        sources.append((JOURNAL, current))
    for name, parsed in sources:
        added = _merge_one(merged, position, parsed)
        if added and name != JOURNAL:
            merged.used.append(name)
    return merged


def _merge_one(merged: Merged, position: dict[str, int], parsed: Parsed) -> int:
    added = 0
    previous: str | None = None
    for record, line in zip(parsed.records, parsed.lines, strict=True):
        if record.id not in position:
            at = 0 if previous is None else position[previous] + 1
            if at == len(merged.ids):
                merged.ids.append(record.id)
                merged.lines.append(line)
                position[record.id] = at
            else:  # rare: a record only an older copy holds, in the middle of the history
                merged.ids.insert(at, record.id)
                merged.lines.insert(at, line)
                position.update((rid, n) for n, rid in enumerate(merged.ids[at:], at))
            added += 1
        previous = record.id
    return added


def holds_more(backup: Path, data: bytes) -> bool:
    """True when `backup` holds a readable record that the journal `data` lacks."""
    parsed = read_copy(backup)
    if parsed is None or not parsed.records:
        return False
    have = {record.id for record in parse_journal(data).records}
    return any(record.id not in have for record in parsed.records)

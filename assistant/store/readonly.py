"""Reading the store without writing a byte: for report, export and list on a full or read-only disk.

Damage is repaired in memory only (every readable copy merged by id, see `merge`), and said in a notice; the
repair on disk happens the next time the store is opened for writing.
"""

from __future__ import annotations

from pathlib import Path

from assistant.store import journal, merge, private, recovery
from assistant.store.errors import NewerSchemaError
from assistant.store.journal import JOURNAL
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import Record


def read_records(directory: Path) -> tuple[list[Record], list[str]]:
    """Every readable record, in order, and the notices for the couple."""
    try:
        parsed: journal.Parsed | None = journal.parse_journal(private.read_private(directory / JOURNAL))
    except FileNotFoundError:
        parsed = None
    if parsed is not None and parsed.newer is not None:
        raise NewerSchemaError(f"This store was written by a newer version ({parsed.newer}); "
                               f"upgrade the assistant. Nothing was changed in {directory}.")
    merged = merge.rebuild(directory, parsed)
    shown = journal.parse(b"".join(merged.lines), header=False, current=CURRENT_SCHEMA)
    notices = []
    if merged.used or (parsed is not None and parsed.damaged):
        sources = f", some from {merged.describe()}" if merged.used else ""
        notices.append(f"The store file needs repair ({recovery.describe_state(parsed)}), which happens the "
                       f"next time the assistant can write in {directory}. Shown for now: every record that "
                       f"could be read ({len(merged.lines)}{sources}).")
    return shown.records, notices

"""What `assistant report` reads from the store: the records its facts come from, folded onto the cached tally.

A report folds the sealed part of the history (the records the store's snapshot holds) once and keeps that tally
in `cache`; later reports fold in only the records after it. The facts come from `facts.Tally` either way, so a
report reads the same with the cache, without it, or with a damaged one.
"""

from __future__ import annotations

import logging
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from assistant.report import cache
from assistant.report.facts import READS, Tally, collect
from assistant.report.history import History
from assistant.store.records import RECORD_TYPES, Record

if TYPE_CHECKING:
    from assistant.store import Store

_LOGGER = logging.getLogger(__name__)


def report_records(store: Store, start: int = 0, stop: int | None = None) -> list[Record]:
    """What `collect` needs, from the `start`th record of the journal up to the `stop`th: every record of the
    kinds it reads (`facts.READS`), and of the other kinds (prompt events: 40% of a long history) only the first
    record, which may start the period."""
    others = (store.first(kind, start, stop) for kind in RECORD_TYPES.values() if kind not in READS)
    return store.of_kinds(*READS, start=start, stop=stop) + [record for record in others if record is not None]


def report_history(store: Store, today: date, tz: tzinfo, partners: tuple[str, ...] = (),
                   keep_transcripts: bool = True, unnamed: str = "?", since: date | None = None) -> History:
    """`collect` over `report_records(store)`, from the cached tally of the sealed records plus the rest."""
    sealed = store.sealed()
    wanted = None if sealed is None else cache.key(sealed, tz, keep_transcripts, unnamed, since)
    if sealed is None or wanted is None or store.read_only:
        return collect(report_records(store), today, tz, partners, keep_transcripts, unnamed, since)
    tally = cache.load(store.directory, wanted, tz)
    if tally is None:
        tally = Tally(tz, keep_transcripts, unnamed, since)
        tally.add(report_records(store, stop=sealed[1]))
        store.write_derived(cache.CACHE, cache.dump(wanted, tally))
    if (tally.last_day is not None and tally.last_day > today) or store.sealed() != sealed:
        # a period ending before the sealed records do (`--today` in the past), or another process replaced
        # the journal meanwhile: fold everything again
        return collect(report_records(store), today, tz, partners, keep_transcripts, unnamed, since)
    tally.until = today
    tally.add(report_records(store, sealed[1]))
    return tally.history(today, partners)


"""What `assistant report` reads from the store: the records its facts come from, folded onto the cached tally.

A report folds the sealed part of the history (the records the store's snapshot holds) once and keeps that tally
in `cache`; later reports fold in only the records after it. When the snapshot has been rewritten further on, the
cached tally is carried forward (the records between the old and the new sealed part folded onto it) once the
journal is shown to still start with the bytes it covers. The facts come from `facts.Tally` either way, so a
report reads the same with the cache, without it, or with a damaged one. `assistant run` fills the cache in the
background once it is listening (`warm_due`), with the key a `report` from the first record would use.
"""

from __future__ import annotations

import logging
from datetime import date, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from assistant.report import cache
from assistant.report.facts import READS, Tally, collect
from assistant.report.history import History
from assistant.store.kinds import Sealed
from assistant.store.records import RECORD_TYPES, Record

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.store import Store

_LOGGER = logging.getLogger(__name__)


def report_records(store: Store, start: int = 0, stop: int | None = None) -> list[Record]:
    """What `collect` needs, from the `start`th record of the journal up to the `stop`th: every record of the
    kinds it reads (`facts.READS`), and of the other kinds (prompt events: 40% of a long history) only the first
    record, which may start the period."""
    others = (store.first(kind, start, stop) for kind in RECORD_TYPES.values() if kind not in READS)
    return store.of_kinds(*READS, start=start, stop=stop) + [record for record in others if record is not None]


class ReportSettings(NamedTuple):
    """The settings a report's facts (and so its cache key) depend on, besides the period's first day."""

    zone: tzinfo
    keep_transcripts: bool
    unnamed: str
    """The word for a partner without a name."""


def report_settings(settings: Settings, unnamed: str) -> ReportSettings:
    """What `assistant report` folds with (its zone is `schedule.timezone`, never `run --timezone`)."""
    from assistant.schedule.rules import local_zone

    return ReportSettings(local_zone(settings.schedule.timezone), settings.dialog.keep_transcripts, unnamed)


def warm_due(store: Store, wanted: ReportSettings) -> bool:
    """True when `store` has a sealed part and the cache a report from the first record (`since=None`) reads
    does not cover it for these settings: `assistant run` then has `report` fold it in the background. A look at
    the cache's header only (~2 ms at fifty years); False for an empty or forgotten history."""
    sealed = store.sealed()
    key = None if sealed is None else cache.key(wanted.zone, wanted.keep_transcripts, wanted.unnamed, None)
    return sealed is not None and key is not None and cache.covered(store.directory, key) != sealed


def report_history(store: Store, today: date, tz: tzinfo, partners: tuple[str, ...] = (),
                   keep_transcripts: bool = True, unnamed: str = "?", since: date | None = None) -> History:
    """`collect` over `report_records(store)`, from the cached tally of the sealed records plus the rest."""
    sealed = store.sealed()
    wanted = None if sealed is None else cache.key(tz, keep_transcripts, unnamed, since)
    if sealed is None or wanted is None or store.read_only:
        return collect(report_records(store), today, tz, partners, keep_transcripts, unnamed, since)
    tally = _sealed_tally(store, sealed, wanted, Tally(tz, keep_transcripts, unnamed, since))[0]
    if (tally.last_day is not None and tally.last_day > today) or store.sealed() != sealed:
        # a period ending before the sealed records do (`--today` in the past), or another process replaced
        # the journal meanwhile: fold everything again
        return collect(report_records(store), today, tz, partners, keep_transcripts, unnamed, since)
    tally.until = today
    tally.add(report_records(store, sealed.records))
    return tally.history(today, partners)


def _sealed_tally(store: Store, sealed: Sealed, wanted: dict[str, object], empty: Tally) -> tuple[Tally, bool]:
    """The tally of the sealed records: the cached one; or one cached for an earlier part of this very journal
    with the records since folded onto it; or `empty` with every sealed record folded. Saved when it changed;
    the flag says whether the cache holds it now."""
    cached = cache.load(store.directory, wanted, empty.tz)
    if cached is not None and cached.covers == sealed:
        return cached.tally, True
    tally, start = empty, 0
    if cached is not None and cached.covers.records <= sealed.records and cached.covers.end <= sealed.end:
        if store.covers(cached.covers):
            tally, start = cached.tally, cached.covers.records
        else:
            _LOGGER.info("report cache ignored: the journal no longer starts with the records it covers")
    tally.add(report_records(store, start, sealed.records))
    return tally, store.write_derived(cache.CACHE, cache.dump(wanted, sealed, tally))


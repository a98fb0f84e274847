"""The report's cache: the `facts.Tally` of the history's sealed part, so a report folds in only what came after.

``store.jsonl.report`` is derived data, never a source of truth. Line 1 is a sealed (CRC-32) JSON header with
the key the tally was made for, the journal prefix it covers and the SHA-256 of the payload; the payload is the
tally as JSON. The key names the settings the tally depends on: the zone, whether transcripts are kept, the word
for an unnamed partner, the period's first day, and the SHA-256 of the code that computes the facts. The prefix
(`Sealed`: how many bytes, their XXH3-128, how many records) is the store's snapshot when the tally was made; a
journal is append-only, so when the snapshot is rewritten further on, the old tally still holds for the records
it covers, once the journal's first bytes are read again and hash to the same digest (`Store.covers`): the
records between the two are folded onto it, and the cache moves forward without a full fold. A file with another
key, another prefix, a damaged one, a link or another user's file is ignored, never trusted, and written again.
Like every store file it is 0600, read without following a link, written atomically under the store's lock
(never after `forget`), and erased by `forget`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

from assistant.report import facts, history
from assistant.report.facts import Tally
from assistant.report.history import AgreementChange, CommitmentFact, Rating, ThemeAnswer
from assistant.store import private
from assistant.store.codec import RecordError, seal, unseal
from assistant.store.journal import APP
from assistant.store.kinds import Sealed

_LOGGER = logging.getLogger(__name__)
CACHE = "store.jsonl.report"
FORMAT = 2
"""2: the prefix covered is kept beside the key (1: it was part of the key, so a rewritten snapshot lost the tally)."""


def _code_digest() -> str | None:
    """SHA-256 of the code that computes the facts and of this file: changed code never reads an old tally.
    None when the source cannot be read (then there is no cache)."""
    digest = hashlib.sha256()
    try:
        for source in (facts.__file__, history.__file__, __file__):
            digest.update(Path(source).read_bytes())
    except (OSError, TypeError):
        return None
    return digest.hexdigest()


class Cached(NamedTuple):
    """A cached tally and the journal prefix whose records it folds."""

    tally: Tally
    covers: Sealed


def key(tz: tzinfo, keep_transcripts: bool, unnamed: str, since: date | None) -> dict[str, Any] | None:
    """Everything but the records that a tally depends on (None: no cache can be trusted)."""
    code = _code_digest()
    if code is None:
        return None
    return {"app": APP, "cache": FORMAT, "code": code, "zone": repr(tz), "keep_transcripts": keep_transcripts,
            "unnamed": unnamed, "since": since.isoformat() if since else None}


def _covers(value: Any) -> Sealed:
    digest, records, end = value
    if not (isinstance(digest, str) and type(records) is int and type(end) is int and 0 <= records < end):
        raise TypeError("not a journal prefix")
    return Sealed(digest, records, end)


def _read(directory: Path) -> bytes | None:
    try:
        return private.read_private(directory / CACHE)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a link, another user's file, not a file: ignored, and replaced by the next write
        _LOGGER.info("report cache ignored (%s)", type(exc).__name__)
        return None


def _header(content: bytes) -> tuple[dict[str, Any], bytes]:
    """The sealed header's fields and the payload. Raises RecordError or ValueError."""
    head, payload = content.split(b"\n", 1)
    meta = json.loads(unseal(head + b"\n"))
    if not isinstance(meta, dict):
        raise ValueError("not a header")
    return meta, payload


def covered(directory: Path, wanted: dict[str, Any]) -> Sealed | None:
    """The prefix the cached tally covers, read from the header alone, when it was made for `wanted`; else None.
    A quick look for `reading.warm` (is there anything to do?): only `load` checks the payload."""
    content = _read(directory)
    try:
        meta = None if content is None else _header(content)[0]
        return None if meta is None or meta.get("key") != wanted else _covers(meta["covers"])
    except (RecordError, ValueError, TypeError, KeyError, RecursionError):
        return None


def load(directory: Path, wanted: dict[str, Any], tz: tzinfo) -> Cached | None:
    """The tally cached for `wanted` (see `key`) and the prefix it covers, or None when there is none that can be
    trusted. Whether the prefix is still the journal's is the caller's to check (`Store.covers`)."""
    content = _read(directory)
    if content is None:
        return None
    try:
        meta, payload = _header(content)
        if meta.get("key") != wanted:
            _LOGGER.info("report cache ignored: made for another history, setting or program")
            return None
        if hashlib.sha256(payload).hexdigest() != meta["sha256"]:
            raise RecordError("payload checksum does not match")
        return Cached(from_json(json.loads(payload), tz, wanted), _covers(meta["covers"]))
    except (RecordError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        _LOGGER.warning("report cache damaged (%s); it is ignored and made again", type(exc).__name__)
        return None


def dump(wanted: dict[str, Any], covers: Sealed, tally: Tally) -> bytes:
    """The cache file's bytes for `tally` of the records in `covers`, made for `wanted`."""
    payload = json.dumps(to_json(tally), ensure_ascii=False, separators=(",", ":")).encode()
    meta = {"key": wanted, "covers": list(covers), "sha256": hashlib.sha256(payload).hexdigest()}
    return seal(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()) + payload


def _day(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def to_json(t: Tally) -> dict[str, Any]:
    """The tally's folded facts as JSON values (days as ordinals)."""
    return {
        "count": t.count, "first_day": _day(t.first_day), "last_day": _day(t.last_day),
        "statuses": [[sid, d.toordinal(), status] for sid, (d, status) in t.statuses.items()],
        "ratings": [[*k, r.day.toordinal(), r.value] for k, r in t.ratings.items()],
        "themes": [[*k, a.day.toordinal(), a.text] for k, a in t.themes.items()],
        "made": [[cid, c.made.toordinal(), c.partner, c.text] for cid, c in t.made.items()],
        "reviews": [[rid, cid, kept, d.toordinal(), by] for rid, (cid, kept, d, by) in t.reviews.items()],
        "replaced": sorted(t.replaced),
        "timeouts": [list(timeout) for timeout in t.timeouts],
        "thanks": [[d.toordinal(), sorted(who)] for d, who in t.thanks.items()],
        "agreement": [[a.day.toordinal(), a.change, list(a.items)] for a in t.agreement],
        "safety": list(t.safety),
    }


class _Days(dict[int, date]):
    """Day number -> its date, made once."""

    def __missing__(self, number: int) -> date:
        self[number] = found = date.fromordinal(number)
        return found


def from_json(data: dict[str, Any], tz: tzinfo, wanted: dict[str, Any]) -> Tally:
    """The tally `to_json` wrote, for the settings in `wanted`. Raises ValueError, TypeError or KeyError."""
    day = _Days().__getitem__  # one date object per day: ~31,000 dates of fifty years are ~18,000 days
    since = wanted["since"]
    tally = Tally(tz, wanted["keep_transcripts"], wanted["unnamed"], date.fromisoformat(since) if since else None)
    tally.count = int(data["count"])
    tally.first_day = None if data["first_day"] is None else day(data["first_day"])
    tally.last_day = None if data["last_day"] is None else day(data["last_day"])
    tally.statuses = {sid: (day(d), status) for sid, d, status in data["statuses"]}
    tally.ratings = {(sid, who, m): Rating(day(d), who, m, value, sid) for sid, who, m, d, value in data["ratings"]}
    tally.themes = {(sid, step, who): ThemeAnswer(day(d), step, who, text)
                    for sid, step, who, d, text in data["themes"]}
    tally.made = {cid: CommitmentFact(day(d), partner, text) for cid, d, partner, text in data["made"]}
    tally.reviews = {rid: (cid, kept, day(d), by) for rid, cid, kept, d, by in data["reviews"]}
    tally.replaced = set(data["replaced"])
    tally.timeouts = [(started, at, outcome, float(cooloff)) for started, at, outcome, cooloff in data["timeouts"]]
    tally.thanks = {day(d): set(who) for d, who in data["thanks"]}
    tally.agreement = [AgreementChange(day(d), change, tuple(items)) for d, change, items in data["agreement"]]
    tally.safety = [str(at) for at in data["safety"]]
    return tally

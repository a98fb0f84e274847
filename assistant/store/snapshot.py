"""A snapshot of the journal's records by kind, so `Store.open` reads only what was appended since.

``store.jsonl.index`` is a cache, never a source of truth. Line 1 is a sealed (CRC-32) JSON header: the
journal length it covers, a digest of those journal bytes and of the payload (`digest`) and where each kind's
rows lie in it; the payload is one JSON array of rows per kind (see `kinds.to_row`). On open the journal is
still read whole and its prefix hashed (tens of milliseconds for fifty years), so a flipped bit anywhere in it
is still noticed and recovered from; only the slow part, validating and building every record, is skipped.
A snapshot that is missing, damaged, from another schema, or for other journal bytes is ignored (the journal is
read in full, as without it) and written again. It is private like every store file (0600, never through a
link: a link in its place is refused, as for the journal), written atomically, and deleted by `forget`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import xxhash

from assistant.store import journal, private
from assistant.store.codec import RecordError, seal, unseal
from assistant.store.journal import APP
from assistant.store.kinds import KindIndex, Sealed, field_names
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import RECORD_TYPES

_LOGGER = logging.getLogger(__name__)

SNAPSHOT = "store.jsonl.index"
FORMAT = 2
"""2: XXH3-128 digests (1: SHA-256, ~10x slower: 20 of the 45 ms CPU of opening fifty years)."""
MIN_RECORDS = 1000
"""No snapshot for a journal smaller than this (reading it whole is already fast)."""
CHUNK = 2000
"""Rows per snapshot chunk: a query for recent records decodes only the newest chunks of its kind."""
REFRESH_AFTER = 1000
"""Write a new snapshot when open had to read more than this many records after the last one."""


def _fields() -> dict[str, list[str]]:
    """Each kind's fields in row order: a snapshot written by a program with other records is not used."""
    return {kind: list(field_names(kind)) for kind in sorted(RECORD_TYPES)}


def digest(data: bytes | memoryview) -> str:
    """XXH3-128 of `data` (hex): damage detection, as btrfs checksums with xxhash; ~10 GB/s, where SHA-256 ran
    at ~1 GB/s here. Nothing here defends against a forger: one who can write our 0600 files can write the
    journal itself."""
    return xxhash.xxh3_128_hexdigest(data)


def open_tail(directory: Path, data: bytes) -> tuple[KindIndex, journal.Parsed, int] | None:
    """(records from the snapshot plus the journal's tail, the tail as parsed, where the tail starts), or None
    when the journal must be read whole: no usable snapshot, damage in the tail, or a larger backup (the
    journal was cut: recovery merges the backup in)."""
    loaded = load(directory, data)
    if loaded is None:
        return None
    index, start = loaded
    tail = journal.parse(data[start:], header=False, current=CURRENT_SCHEMA)
    if tail.bad or tail.newer is not None:
        return None
    backups = [directory / name for name in journal.BACKUPS]
    if any(p.exists() and p.stat().st_size > start + tail.end for p in backups):
        return None
    index.extend(tail.records)
    return index, tail, start


def load(directory: Path, data: bytes) -> tuple[KindIndex, int] | None:
    """(records of the journal prefix it covers, where that prefix ends), or None when it cannot be used.

    `data`: the whole journal as read. Raises `private.PrivacyError` for a link or a foreign file in its place.
    """
    try:
        content = private.read_private(directory / SNAPSHOT)
    except FileNotFoundError:
        return None
    try:
        cut = content.index(b"\n") + 1
        payload = memoryview(content)[cut:]  # not a copy of the megabytes after the header
        meta = json.loads(unseal(content[:cut]))
        end, sections = meta["end"], meta["sections"]
        if (meta["app"], meta["snapshot"], meta["schema"], meta["fields"]) != (APP, FORMAT, CURRENT_SCHEMA,
                                                                                _fields()):
            _LOGGER.info("snapshot ignored: other format, schema or record fields")
            return None
        covered = memoryview(data)[:end] if isinstance(end, int) and 0 < end <= len(data) else None
        if covered is None or digest(covered) != meta["journal_digest"]:
            _LOGGER.info("snapshot ignored: the journal it covers has changed")
            return None
        if digest(payload) != meta["payload_digest"]:
            raise RecordError("payload checksum does not match")
        index = KindIndex()
        for kind, start, length, count, in_order, last_at in sections:
            if kind not in RECORD_TYPES:
                raise RecordError("unknown kind")
            index.add_raw(kind, bytes(payload[start:start + length]), count, bool(in_order), last_at, meta["total"])
        index.sealed = Sealed(str(meta["journal_digest"]), int(meta["total"]), end)
    except (RecordError, ValueError, TypeError, KeyError, RecursionError) as exc:
        _LOGGER.warning("snapshot damaged (%s); it is ignored and rebuilt from the journal", type(exc).__name__)
        return None
    return index, end


def write(directory: Path, index: KindIndex, prefix: bytes) -> bool:
    """Save `index` (the records of the journal bytes `prefix`, header included). True when written.

    Chunks still undecoded since the snapshot was read are written again as they are (their bytes were checked
    against its digest when read): a rewrite encodes only the records read or appended since, not fifty years."""
    parts: list[bytes] = []
    sections: list[list[object]] = []
    start = 0
    for kind in index.kinds():
        at, in_order = field_names(kind).index("at"), index.in_time_order(kind)
        chunks = [(raw.data, raw.count, raw.last_at) for raw in index.undecoded(kind)]
        rows = list(index.decoded_rows(kind))
        for first in range(0, len(rows), CHUNK):
            chunk = rows[first:first + CHUNK]
            section = json.dumps(chunk, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
            chunks.append((section, len(chunk), str(chunk[-1][at])))
        for data, count, last_at in chunks:
            # the chunk's newest time when the kind is in time order (otherwise `since` decodes every chunk)
            sections.append([kind, start, len(data), count, in_order, last_at])
            parts.append(data)
            start += len(data)
    payload = b"".join(parts)
    covered = digest(prefix)
    meta = {"app": APP, "snapshot": FORMAT, "schema": CURRENT_SCHEMA, "end": len(prefix),
            "journal_digest": covered, "payload_digest": digest(payload), "total": index.total,
            "fields": _fields(),
            "sections": sections}
    try:
        journal.atomic_write(directory / SNAPSHOT, seal(json.dumps(meta, separators=(",", ":")).encode()) + payload)
    except OSError as exc:  # e.g. a full disk: the journal is intact; the next open reads it whole again
        _LOGGER.warning("snapshot not written (%s)", exc.strerror or type(exc).__name__)
        return False
    index.sealed = Sealed(covered, index.total, len(prefix))
    _LOGGER.info("snapshot written (%d records)", index.total)
    return True

"""Schema versions and the steps between them.

Schema 1 (assistant 0.0.x) kept everything in one JSON document, ``store.json``::

    {"app": "couples-companion", "schema": 1, "records": [{"type": "step_answer", "ts": "...Z", ...}, ...]}

with ``type``/``ts`` instead of ``kind``/``at``, kind ``step_answer`` for answers, UTC times ending in ``Z``,
time outs with ``started``/``cooloff_min`` and appreciations without ``skipped`` (a skipped one had
``"text": ""``).

Schema 2 is the JSON Lines journal described in `assistant.store.journal`, each record carrying ``kind`` and
``version``.

Schema 3 (current) is schema 2 with every line (header included) sealed by a CRC-32 as its last field
(``,"crc":"1a2b3c4d"}``, see `assistant.store.codec.seal`), so a flipped bit is detected per record. Records
themselves are unchanged; migrating a schema-2 journal seals each readable line.

To change the schema: bump `CURRENT_SCHEMA`, add a step ``_vN_to_vN+1(record) -> record`` to `_STEPS`, add a
fixture under ``tests/fixtures/store_vN/`` and a test. Steps work on plain dicts, one record at a time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

_LOGGER = logging.getLogger(__name__)

CURRENT_SCHEMA = 3
SEALED_SCHEMA = 3
"""From this schema on, every line carries a checksum."""
LEGACY_V1 = "store.json"
"""Schema-1 file name; after migration it is renamed to `LEGACY_V1_DONE` (deleted by `forget`)."""
LEGACY_V1_DONE = "store.json.v1-migrated"

Step = Callable[[dict[str, Any]], dict[str, Any]]


class MigrationError(ValueError):
    """An old file cannot be migrated (it does not have the expected shape)."""


def _utc(stamp: object) -> object:
    if isinstance(stamp, str) and stamp.endswith("Z"):
        return stamp[:-1] + "+00:00"
    return stamp


def _v1_to_v2(old: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(old, dict):
        raise MigrationError("a schema-1 record must be a JSON object")
    new = dict(old)
    kind = new.pop("type", None)
    new["kind"] = {"step_answer": "answer"}.get(kind, kind)
    new["version"] = 1
    if "ts" in new:
        new["at"] = _utc(new.pop("ts"))
    for key in ("started_at", "return_at", "due_at"):
        if key in new:
            new[key] = _utc(new[key])
    if new["kind"] == "timeout":
        if "started" in new:
            new["started_at"] = _utc(new.pop("started"))
        if "cooloff_min" in new:
            minutes = new.pop("cooloff_min")
            new["cooloff_s"] = minutes * 60.0 if isinstance(minutes, (int, float)) else minutes
    if new["kind"] == "appreciation" and "skipped" not in new:
        new["skipped"] = new.get("text") == ""
        if new["skipped"]:
            new["text"] = None
    return new


def _v2_to_v3(record: dict[str, Any]) -> dict[str, Any]:
    return record  # records are unchanged; the journal seals each line as it rewrites it


_STEPS: dict[int, Step] = {1: _v1_to_v2, 2: _v2_to_v3}
"""from-schema -> the step to the next schema."""


def upgrade(record: dict[str, Any], schema: int) -> dict[str, Any]:
    """Bring one record from `schema` to `CURRENT_SCHEMA`."""
    while schema < CURRENT_SCHEMA:
        record = _STEPS[schema](record)
        schema += 1
    return record


def read_legacy_v1(directory: Path) -> tuple[int, list[Any]] | None:
    """(schema, raw records) of a schema-1 `store.json` in `directory`, or None when there is none."""
    path = directory / LEGACY_V1
    if not path.exists():
        return None
    try:
        from assistant.store.private import read_private  # checks owner, mode, and never follows a link

        document = json.loads(read_private(path))
    except (ValueError, UnicodeDecodeError) as exc:
        raise MigrationError(f"{path.name} is not valid JSON") from exc
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise MigrationError(f"{path.name} does not look like a schema-1 store")
    schema = document.get("schema", 1)
    if not isinstance(schema, int) or schema < 1:
        raise MigrationError(f"{path.name} has an invalid schema number")
    _LOGGER.info("found a schema-%s store with %d records", schema, len(document["records"]))
    return schema, document["records"]

"""One compiled danger detector per process, compiled in the background from the moment it is first wanted.

Compiling the lexicon's rules takes about a second (Python's regular-expression compiler; measured by
`scripts/bench safety`, `safety_detector_load_s`). `warm(dialogs_dir, partners)` starts that work on a
daemon thread as the pipeline is built, so it overlaps the greeting; `shared_detector(...)` returns the same
detector (waiting for it if needed) to every caller. A changed lexicon file (size or time) or other partner
names give a new detector. Never raises: a failure gives the degraded detector, which asks the calm question.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

from assistant.danger.detector import DangerDetector
from assistant.danger.sources import lexicon_candidates

_LOGGER = logging.getLogger(__name__)
_LOCK = threading.Lock()
_DETECTORS: dict[tuple[object, ...], Future[DangerDetector]] = {}


def _key(dialogs_dir: Path, partners: Sequence[str]) -> tuple[object, ...]:
    stamps: list[object] = []
    for candidate in lexicon_candidates(dialogs_dir):
        try:
            info = candidate.stat()
            stamps.append((str(candidate), info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append((str(candidate), None))
    return (str(dialogs_dir), tuple(partners), tuple(stamps))


def _build(dialogs_dir: Path, partners: Sequence[str], future: Future[DangerDetector]) -> None:
    try:
        future.set_result(DangerDetector.load(dialogs_dir, partners))
    except BaseException:  # noqa: BLE001 - load never raises; this guards the thread itself
        _LOGGER.exception("danger detector failed to build; the calm question will be asked instead")
        future.set_result(DangerDetector(None, partners))


def warm(dialogs_dir: Path, partners: Sequence[str] = ()) -> Future[DangerDetector]:
    """Start compiling the detector for `dialogs_dir` and `partners` (once per process) and return its future."""
    key = _key(dialogs_dir, partners)
    with _LOCK:
        future = _DETECTORS.get(key)
        if future is None:
            future = _DETECTORS[key] = Future()
            threading.Thread(target=_build, args=(dialogs_dir, tuple(partners), future), daemon=True,
                             name="danger-compile").start()
    return future


def shared_detector(dialogs_dir: Path, partners: Sequence[str] = ()) -> DangerDetector:
    """The process's detector for `dialogs_dir` and `partners`, compiled once."""
    return warm(dialogs_dir, partners).result()

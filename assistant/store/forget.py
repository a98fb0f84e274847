"""`forget`: delete the files the store (and a simulation run into the data folder) made, and nothing else.

A file is deleted only when it can be proven ours: a regular file (never a link) owned by this user whose name
is one the store makes (`store.jsonl`, its backups, snapshot and report cache, moved-aside and temp copies,
the lock, the migrated schema-1 file), or a simulation output (`transcript.jsonl`, `assistant.wav`,
`partners.wav`) whose first bytes have the shape that code writes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
from pathlib import Path

import filelock

from assistant.store import journal
from assistant.store.errors import StoreError, StoreLockTimeout
from assistant.store.journal import LOCK

_LOGGER = logging.getLogger(__name__)

_STAMP = r"\d{8}T\d{6,12}Z"
_OURS = re.compile(rf"store\.jsonl(\.bak[12]|\.index|\.report)?(\.tmp-\d+-[0-9a-f]{{8}})?"
                   rf"|store\.jsonl\.corrupt-{_STAMP}|store\.json\.corrupt-{_STAMP}|store\.json\.v1-migrated|store\.lock|crash\.log")
_OUTPUTS = {"transcript.jsonl": b"{", "assistant.wav": b"RIFF", "partners.wav": b"RIFF"}
"""Simulation outputs -> how each one starts."""


def _owned_regular(path: Path) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        return os.read(fd, len(magic)) == magic
    finally:
        os.close(fd)


def is_ours(name: str) -> bool:
    """True for a file name the store makes (so `forget` erases it)."""
    return bool(_OURS.fullmatch(name))


def store_files(directory: Path) -> list[Path]:
    """Every file in `directory` that the store provably made (see the module docstring)."""
    if not directory.is_dir() or directory.is_symlink():
        return []
    return sorted(p for p in directory.iterdir() if is_ours(p.name) and _owned_regular(p))


def output_files(directory: Path) -> list[Path]:
    """Simulation outputs written into the data folder (only next to a store of ours)."""
    if not any(p.name == journal.JOURNAL for p in store_files(directory)):
        return []
    return [directory / name for name, magic in _OUTPUTS.items()
            if _owned_regular(directory / name) and _starts_with(directory / name, magic)]


def forget_files(directory: Path) -> int:
    """Delete every file of ours except the lock file; returns how many. Call under the lock."""
    removed = 0
    for path in [*output_files(directory), *store_files(directory)]:
        if path.name == LOCK:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    from assistant.recordings import CommitmentRecordings  # the partners' own commitment recordings

    removed += CommitmentRecordings(directory).erase()
    if directory.is_dir():
        journal.fsync_dir(directory)
    _LOGGER.info("forgot %d store files", removed)
    return removed


def forget_directory(directory: Path, *, lock_timeout: float = 10.0) -> int:
    """Delete every store file in `directory` without opening (or repairing) the store. Returns the count."""
    directory = Path(directory)
    if not store_files(directory):
        return 0
    lock = filelock.FileLock(directory / LOCK, timeout=lock_timeout, mode=0o600, preserve_lock_file=True)
    try:
        with lock:
            removed = forget_files(directory)
        with contextlib.suppress(FileNotFoundError):
            (directory / LOCK).unlink()
    except filelock.Timeout:
        raise StoreLockTimeout("Another assistant process is using the store; stop it and try again.") from None
    except OSError as exc:
        raise StoreError(f"Could not delete the files in {directory} ({exc.strerror or exc}); nothing more was "
                         "deleted. If the disk is read-only, make it writable and run forget again.") from None
    return removed

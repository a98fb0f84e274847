"""The `Store`: append records durably, query them, recover on open. See `journal` for the file format."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import filelock

from assistant.store import forget, journal, opening, private, readonly, recovery, snapshot
from assistant.store.agreement_edits import AgreementEdits
from assistant.store.codec import RecordError, encode_line
from assistant.store.errors import StoreError, StoreLockTimeout, write_error
from assistant.store.journal import JOURNAL, LOCK
from assistant.store.kinds import KindIndex, Sealed
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import Record, without_free_text

_LOGGER = logging.getLogger(__name__)

R = TypeVar("R", bound=Record)


class Store(AgreementEdits):
    """Records of one couple, in one private directory. Thread-safe; safe across processes."""

    def __init__(self, directory: Path, *, keep_transcripts: bool = True, lock_timeout: float = 10.0,
                 read_only: bool = False) -> None:
        """Use `Store.open`."""
        self.directory = directory
        self.keep_transcripts = keep_transcripts
        self.read_only = read_only
        self.notices: list[str] = []
        self._path = directory / JOURNAL
        self._timeout = lock_timeout
        self._flock = filelock.FileLock(directory / LOCK, timeout=lock_timeout, mode=0o600,
                                        preserve_lock_file=True, poll_interval=0.002)
        self._tlock = threading.RLock()
        self._fd = -1
        self._ino = -1
        self._offset = 0
        self._index = KindIndex()
        self._backup_due = 0.0

    # -- opening ----------------------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, *, keep_transcripts: bool = True, lock_timeout: float = 10.0,
             read_only: bool = False) -> Store:
        """Open (creating 0700/0600 if needed), recover from a crash or damage, migrate an older schema.

        `read_only` (for report, export, list): never writes, so it works on a full or read-only disk; damage
        is repaired in memory only and said in `notices`; `append` is refused.
        """
        directory = Path(directory)
        store = cls(directory, keep_transcripts=keep_transcripts, lock_timeout=lock_timeout, read_only=read_only)
        try:
            private.ensure_private_dir(directory, create=not read_only)
            if read_only:
                store._open_read_only()
            else:
                with store._locked():
                    store._open_locked()
        except private.PrivacyError as exc:
            store._close_fd()
            raise StoreError(str(exc)) from None
        except FileNotFoundError:
            if not read_only:
                raise
        except OSError as exc:
            store._close_fd()
            raise StoreError(f"The store in {directory} could not be opened ({exc.strerror or exc}). "
                             "Nothing was changed; free some space or fix the folder's permissions, then "
                             "try again.") from exc
        for notice in store.notices:
            _LOGGER.warning("store notice: %s", notice)
        return store

    @classmethod
    def open_for_reading(cls, directory: Path, *, keep_transcripts: bool = True) -> Store:
        """Open normally (repairing what needs it); when the disk cannot be written, open read-only instead."""
        try:
            return cls.open(directory, keep_transcripts=keep_transcripts)
        except StoreError as exc:
            if not isinstance(exc.__cause__, OSError) or isinstance(exc.__cause__, private.PrivacyError):
                raise
            _LOGGER.info("opening read-only: %s", exc.__cause__.strerror)
        return cls.open(directory, keep_transcripts=keep_transcripts, read_only=True)

    def _open_read_only(self) -> None:
        try:
            with self._locked():
                records, notices = readonly.read_records(self.directory)
        except OSError as exc:  # no lock file can be made (read-only disk): nobody can be writing either
            _LOGGER.info("reading without the lock (%s)", type(exc).__name__)
            records, notices = readonly.read_records(self.directory)
        self._index = KindIndex.of(records)
        self.notices += notices

    def _open_locked(self) -> None:
        opened = opening.open_journal(self.directory, self.notices)
        self._attach(opened.fd, opened.index, opened.end)
        self._after_open(opened.data)

    def _after_open(self, journal_data: bytes) -> None:
        if self._index.total and recovery.backup_is_stale(self.directory):
            self._rotate(journal_data)
        self._backup_due = time.time() + recovery.BACKUP_EVERY_S

    def _rotate(self, data: bytes) -> None:
        try:
            recovery.rotate_backup(self.directory, data)
        except OSError as exc:  # e.g. a full disk: the journal itself is intact, the backup is retried later
            _LOGGER.warning("rolling backup not written (%s)", exc.strerror or type(exc).__name__)

    def _attach(self, fd: int, index: KindIndex, end: int) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._ino = fd, os.fstat(fd).st_ino
        self._index, self._offset = index, end

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._tlock:
            try:
                self._flock.acquire()
            except filelock.Timeout:
                raise StoreLockTimeout(f"Another assistant process kept the store busy for more than "
                                       f"{self._timeout:g} s; try again in a moment.") from None
            try:
                yield
            finally:
                self._flock.release()

    def _unchanged(self) -> bool:
        """True when the journal is the very file and length last read (one stat; no lock needed)."""
        try:
            st = os.stat(self._path)
        except OSError:
            return False
        return self._fd >= 0 and st.st_ino == self._ino and st.st_size == self._offset

    def _sync(self) -> None:
        """Catch up with appends by other processes; reload if another process replaced the file."""
        if self._fd < 0:
            raise StoreError("The store is closed.")
        try:
            st = os.stat(self._path)
        except FileNotFoundError:  # forgotten by another process: start again, empty
            journal.atomic_write(self._path, journal.header_line(CURRENT_SCHEMA))
            st = os.stat(self._path)
        if st.st_ino != self._ino or st.st_size < self._offset:
            fd = private.open_private(self._path, os.O_RDWR | os.O_APPEND)
            parsed = journal.parse_journal(private.read_from(fd, 0))
            self._attach(fd, KindIndex.of(parsed.records), parsed.end)
        elif st.st_size > self._offset:
            parsed = journal.parse(private.read_from(self._fd, self._offset), header=False,
                                   current=CURRENT_SCHEMA)
            if parsed.bad:
                _LOGGER.warning("%d unreadable lines appeared in the store; they are skipped", parsed.bad)
            self._index.extend(parsed.records)
            self._offset += parsed.end
        if st.st_size > self._offset and self._ino == st.st_ino:
            # Under the lock nobody is writing, so bytes after the last newline are a crashed writer's.
            os.ftruncate(self._fd, self._offset)
            os.fsync(self._fd)

    # -- writing ----------------------------------------------------------------------------------------

    def append(self, record: Record) -> None:
        """Store one record; it is on disk (fsynced) when this returns."""
        self.append_many((record,))

    def append_many(self, records: Iterable[Record]) -> None:
        """Store several records with one fsync. Readers see all or none; a crash may keep a prefix."""
        stored = [record if self.keep_transcripts else without_free_text(record) for record in records]
        try:
            data = b"".join(encode_line(record) for record in stored)
        except RecordError as exc:
            raise StoreError(f"This could not be saved: {exc}.") from None
        if not data:
            return
        if self.read_only:
            raise StoreError("This store was opened only for reading; nothing was saved.")
        with self._locked():
            self._sync()
            start = self._offset
            try:
                journal.write_all(self._fd, data)
                os.fsync(self._fd)
            except OSError as exc:
                self._undo(start)
                raise write_error(exc, self.directory) from None
            self._offset += len(data)
            self._index.extend(stored)
            if time.time() >= self._backup_due:
                self._backup_due = time.time() + recovery.BACKUP_EVERY_S
                self._rotate(private.read_from(self._fd, 0)[:self._offset])

    def _undo(self, start: int) -> None:
        try:
            os.ftruncate(self._fd, start)
            os.fsync(self._fd)
        except OSError:
            _LOGGER.warning("could not cut back a failed write; it is dropped on the next open")

    # -- reading ----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[KindIndex]:
        """The records, caught up with other processes' appends (a read-only store holds what it read)."""
        with self._tlock:
            if self.read_only or self._unchanged():  # nothing appended since: no need for the file lock
                yield self._index
                return
        with self._locked():
            self._sync()
            yield self._index

    def covers(self, part: Sealed) -> bool:
        """True when the journal still starts with the bytes `part` names (its first `part.end` bytes hash to
        `part.digest`, read from the file itself), so what was derived from those records holds for them."""
        with self._reading():
            if self.read_only or self._fd < 0 or not 0 < part.end <= self._offset:
                return False
            prefix = os.pread(self._fd, part.end, 0)
        return len(prefix) == part.end and snapshot.digest(prefix) == part.digest

    def write_derived(self, name: str, data: bytes) -> bool:
        """Replace the private file `name` (one `forget` erases) with `data` derived from the records, under the
        lock and only while the journal is still the file read (the same inode, which cannot be reused while this
        store holds it open): never after another process forgot or replaced it."""
        if self.read_only or not forget.is_ours(name):
            return False
        with self._locked():
            try:
                if os.stat(self._path).st_ino != self._ino:
                    return False
                journal.atomic_write(self.directory / name, data)
            except OSError as exc:
                _LOGGER.info("%s not written (%s)", name, exc.strerror or type(exc).__name__)
                return False
        return True

    # -- ending -----------------------------------------------------------------------------------------

    def forget(self) -> None:
        """Delete every data file: journal, backups, moved-aside copies. The store is closed afterwards."""
        with self._locked():
            forget.forget_files(self.directory)
            self._index = KindIndex()
            self._close_fd()
        with contextlib.suppress(FileNotFoundError):
            (self.directory / LOCK).unlink()

    def close(self) -> None:
        """Release the file; the store cannot be used afterwards."""
        with self._tlock:
            self._close_fd()

    def _close_fd(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The store's errors. Messages are meant for the couple: plain, and never containing what they said."""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """The store cannot do what was asked; the message is meant for the couple."""


class StoreWriteError(StoreError):
    """A write failed (disk full, I/O error). Everything acknowledged earlier is intact."""


class NewerSchemaError(StoreError):
    """The store was written by a newer version of the assistant."""


class StoreLockTimeout(StoreError):
    """Another process held the store lock too long."""


def write_error(exc: OSError, directory: Path) -> StoreWriteError:
    """The error for a failed append."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreWriteError("The disk is full, so this was not saved. Everything saved before is safe; "
                               "free some space and try again.")
    return StoreWriteError(f"This could not be saved in {directory} ({exc.strerror or exc}). "
                           "Everything saved before is safe.")

"""The private data folder and its files: ours, 0700/0600, never a symbolic link.

Nothing here tightens or trusts silently: a folder or file that another user owns, that others can read, or that
is a symbolic link is refused with `PrivacyError`, whose message says how to fix it. Files are opened with
``O_NOFOLLOW`` and checked on the open descriptor (``fstat``), so a link swapped in after a check is not followed.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class PrivacyError(PermissionError):
    """A data folder or file is not private to this user. The message says what to do."""


def _uid() -> int:
    return os.geteuid()


def _check(path: Path, st: os.stat_result, what: str, mode: int) -> None:
    kind = "folder" if what == "folder" else "file"
    if stat.S_ISLNK(st.st_mode):
        raise PrivacyError(f"The data {kind} {path} is a symbolic link, which is never followed. Replace it with "
                           "a real folder of your own, or point --data-dir at the real place.")
    expected = stat.S_ISDIR if what == "folder" else stat.S_ISREG
    if not expected(st.st_mode):
        raise PrivacyError(f"{path} is not a regular {kind}; move it away and try again.")
    if st.st_uid != _uid():
        raise PrivacyError(f"The data {kind} {path} belongs to another user (uid {st.st_uid}), so it is not "
                           f"trusted. Move it aside (it was not read) and run again, or use --data-dir with "
                           f"a folder of your own.")
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise PrivacyError(f"The data {kind} {path} can be read or changed by other users "
                           f"(mode {stat.S_IMODE(st.st_mode):04o}). If that was not intended, fix it with: "
                           f"chmod {mode:o} '{path}'")


def ensure_private_dir(path: Path, *, create: bool = True) -> Path:
    """Create `path` (and parents) 0700 from the start, then verify it: ours, 0700 or stricter, not a link.

    Raises `PrivacyError` (never changes an existing folder's mode or owner), or `FileNotFoundError` when
    `create` is false and the folder does not exist.
    """
    if create:
        old = os.umask(0o077)
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except FileExistsError:  # a dangling link or a file in the way: reported by the check below
            pass
        finally:
            os.umask(old)
    _check(path, os.lstat(path), "folder", 0o700)
    return path


def open_private(path: Path, flags: int) -> int:
    """`os.open` without following a link; refuse a file that is not ours, not regular, or not 0600."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PrivacyError(f"The data file {path} is a symbolic link, which is never followed. Remove it "
                               "(it is not one the assistant made) and try again.") from None
        raise
    try:
        _check(path, os.fstat(fd), "file", 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_private(path: Path) -> bytes:
    """The whole content of a private file (see `open_private`)."""
    fd = open_private(path, os.O_RDONLY)
    try:
        return read_from(fd, 0)
    finally:
        os.close(fd)


def read_from(fd: int, offset: int) -> bytes:
    """Everything in the file from `offset` to its current end (read at once, so fifty years are not copied
    twice: a single chunk is joined without a copy; a file that grows meanwhile is read on to its end)."""
    chunks = []
    while chunk := os.pread(fd, max(os.fstat(fd).st_size - offset, 1 << 16), offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def check_output(path: Path) -> None:
    """Refuse to replace anything but a regular file of ours (a device, a link, a folder, another's file)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise PrivacyError(f"{path} exists and is not a regular file (a link, device or folder), so it was not "
                           "replaced; nothing was written. Choose another name, or '-' for standard output.")
    if st.st_uid != _uid():
        raise PrivacyError(f"{path} belongs to another user, so it was not replaced; nothing was written. "
                           "Choose another name.")


def open_output(path: Path) -> BinaryIO:
    """Open a file the user asked for (export, report page, recording, transcript): 0600 whatever the umask."""
    check_output(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            check_output(path)  # a link appeared since the check: say so
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PrivacyError(f"{path} is not a regular file; nothing was written.")
        os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "wb")

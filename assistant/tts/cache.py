"""The TTS cache on disk: rendered fixed lines, private like the store, bounded in size.

One file per line, named by the sha256 of (text, voice, rate, volume, engine version), so the text itself
is never in a file name. A file holds a magic tag, the audio's length and sha256, then the audio: a
truncated or corrupt file is deleted and the line rendered again. The directory is 0700 (created so, and
tightened if we own it), files are 0600 from creation, opened with O_NOFOLLOW (a planted symlink is
refused, never followed), written to a temporary name and renamed. Least recently used files go first
when the total passes `max_bytes`. Which lines may be cached at all is decided by `cache_policy`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import stat
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

MAGIC = b"CCTTS1\n"
_HEADER = len(MAGIC) + 8 + 32
_SUFFIX = ".pcm"
_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def default_cache_dir() -> Path:
    """`<user cache dir>/couples-companion/tts` ($XDG_CACHE_HOME on Linux)."""
    from platformdirs import user_cache_path

    return user_cache_path("couples-companion") / "tts"


def cache_key(text: str, voice: str | None, rate: int, volume: float, engine: str) -> str:
    """Hex sha256 naming one line's audio."""
    return hashlib.sha256(json.dumps([text, voice, rate, volume, engine]).encode("utf-8")).hexdigest()


class DiskClipCache:
    """Audio by key in one private directory; every failure is logged and treated as a miss."""

    def __init__(self, directory: Path | None = None, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.directory = directory or default_cache_dir()
        self.max_bytes = max_bytes
        self._ready = False

    def _prepare(self) -> bool:
        if self._ready:
            return True
        old = os.umask(0o077)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = os.lstat(self.directory)
            if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                _LOGGER.warning("TTS cache %s is not a directory owned by this user; not caching", self.directory)
                return False
            if stat.S_IMODE(info.st_mode) != 0o700:
                os.chmod(self.directory, 0o700)
        except OSError as exc:
            _LOGGER.warning("TTS cache %s unusable: %s", self.directory, exc)
            return False
        finally:
            os.umask(old)
        self._ready = True
        return True

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("cache key must be a hex sha256")
        return self.directory / f"{key}{_SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The audio stored under `key`, or None (missing, refused, truncated or corrupt: then deleted)."""
        if not self._prepare():
            return None
        path = self._path(key)
        try:
            fd = os.open(path, os.O_RDONLY | _FLAGS)
        except FileNotFoundError:
            return None
        except OSError as exc:  # ELOOP: a symlink was planted here
            _LOGGER.warning("TTS cache entry refused (%s); rendering instead", exc.strerror)
            self._discard(path)
            return None
        try:
            with os.fdopen(fd, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    raise ValueError("not a regular file")
                data = file.read()
            pcm = _unpack(data)
            os.utime(path, follow_symlinks=False)  # recently used: evicted last
            return pcm
        except (OSError, ValueError) as exc:
            _LOGGER.warning("TTS cache entry unreadable (%s); rendering it again", exc)
            self._discard(path)
            return None

    def has(self, key: str) -> bool:
        """Whether a regular file is stored under `key` (one lstat; `get` checks its contents when used)."""
        if not self._prepare():
            return False
        try:
            info = os.lstat(self._path(key))
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and info.st_size > _HEADER

    def put(self, key: str, pcm: bytes) -> None:
        """Store `pcm` under `key` (atomically, 0600); then trim the cache to `max_bytes`."""
        if not pcm or not self._prepare():
            return
        path = self._path(key)
        tmp = path.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}")
        data = MAGIC + len(pcm).to_bytes(8, "little") + hashlib.sha256(pcm).digest() + pcm
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAGS, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            _LOGGER.warning("TTS cache write failed: %s", exc.strerror)
            self._discard(tmp)
            return
        self._trim()

    def _trim(self) -> None:
        entries = []
        for entry in os.scandir(self.directory):
            if entry.name.endswith(_SUFFIX) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, Path(entry.path)))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            self._discard(path)
            total -= size

    @staticmethod
    def _discard(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    def clear(self) -> None:
        """Delete every cached line (the directory stays)."""
        if self.directory.is_dir() and not self.directory.is_symlink():
            for entry in os.scandir(self.directory):
                if entry.name.endswith(_SUFFIX) or entry.name.startswith(".tmp-"):
                    self._discard(Path(entry.path))


def _unpack(data: bytes) -> bytes:
    if len(data) < _HEADER or not data.startswith(MAGIC):
        raise ValueError("bad header")
    size = int.from_bytes(data[len(MAGIC):len(MAGIC) + 8], "little")
    pcm = data[_HEADER:]
    if len(pcm) != size or hashlib.sha256(pcm).digest() != data[len(MAGIC) + 8:_HEADER]:
        raise ValueError("truncated or corrupt")
    return pcm

"""A small blocking client for Wyoming services (Whisper, Piper) on the home network.

Uses the `wyoming` package's event classes and its synchronous `read_event`/`write_event` over a plain
socket: no event loop, and every read and write is bounded by a timeout. Any failure becomes one
`ServiceError` whose message is a single line naming the service and the fix.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from typing import BinaryIO
from urllib.parse import urlsplit

from wyoming.event import Event, Eventable, read_event, write_event
from wyoming.info import Describe, Info

_LOGGER = logging.getLogger(__name__)


class ServiceError(OSError):
    """A Wyoming service is down, dropped the connection, answered too slowly or speaks another protocol."""


def parse_uri(uri: str) -> tuple[str, int]:
    """`tcp://host:port` -> (host, port); raises ValueError naming the expected form."""
    parts = urlsplit(uri)
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        raise ValueError(f"{uri!r} is not a Wyoming address like 'tcp://homeserver:10300'")
    return parts.hostname, parts.port


class Connection:
    """One TCP connection to a Wyoming service; every call waits at most `timeout_s`."""

    def __init__(self, uri: str, timeout_s: float) -> None:
        self.uri = uri
        host, port = parse_uri(uri)
        try:
            self._sock = socket.create_connection((host, port), timeout=timeout_s)
        except OSError as exc:
            raise ServiceError(f"cannot reach the Wyoming service at {uri} ({_reason(exc)})") from exc
        self._sock.settimeout(timeout_s)
        self._reader: BinaryIO = self._sock.makefile("rb")
        self._writer: BinaryIO = self._sock.makefile("wb")

    def send(self, message: Eventable | Event) -> None:
        event = message if isinstance(message, Event) else message.event()
        try:
            write_event(event, self._writer)
        except OSError as exc:
            raise ServiceError(f"the Wyoming service at {self.uri} dropped the connection ({_reason(exc)})") from exc

    def receive(self, wanted: Callable[[str], bool], what: str) -> Event:
        """The next event whose type `wanted` accepts (others, e.g. progress events, are skipped)."""
        while True:
            try:
                event = read_event(self._reader)
            except TimeoutError as exc:
                raise ServiceError(f"the Wyoming service at {self.uri} sent no {what} within "
                                   f"{self._sock.gettimeout():g} s") from exc
            except OSError as exc:
                raise ServiceError(f"the Wyoming service at {self.uri} dropped the connection "
                                   f"({_reason(exc)})") from exc
            if event is None:
                raise ServiceError(f"the Wyoming service at {self.uri} closed the connection or does not speak "
                                   f"the Wyoming protocol (expected {what}); check the port")
            if wanted(event.type):
                return event

    def close(self) -> None:
        for stream in (self._writer, self._reader, self._sock):
            with contextlib.suppress(OSError):
                stream.close()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def describe(uri: str, timeout_s: float) -> Info:
    """Ask the service what it is (Describe -> Info); raises ServiceError."""
    connection = Connection(uri, timeout_s)
    try:
        connection.send(Describe())
        return Info.from_event(connection.receive(Info.is_type, "Info"))
    except (KeyError, TypeError, ValueError) as exc:
        raise ServiceError(f"the Wyoming service at {uri} sent an unreadable Info ({exc})") from exc
    finally:
        connection.close()


def summarise(info: Info) -> str:
    """One line: the programs and models a service offers, e.g. `asr: faster-whisper (tiny-int8: en)`."""
    parts = []
    for kind, programs in (("asr", info.asr), ("tts", info.tts)):
        for program in programs:
            models = getattr(program, "models", None) or getattr(program, "voices", None) or []
            inner = ", ".join(f"{m.name}: {'/'.join(m.languages)}" for m in models)
            parts.append(f"{kind}: {program.name}" + (f" ({inner})" if inner else ""))
    return "; ".join(parts) or "no speech programs described"


class Reprobe:
    """Asks a service for Info in a background thread, with a doubling delay, until it answers or `stop()`.

    `back` is set once the service answers; the owner switches back to it at a safe moment.
    """

    def __init__(self, uri: str, timeout_s: float, first_delay_s: float = 2.0, max_delay_s: float = 60.0) -> None:
        self.uri, self.timeout_s = uri, timeout_s
        self.first_delay_s, self.max_delay_s = first_delay_s, max_delay_s
        self.back = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self.back.clear()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="wyoming-reprobe", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        delay = self.first_delay_s
        while not self._stop.wait(delay):
            try:
                describe(self.uri, self.timeout_s)
            except ServiceError:
                delay = min(delay * 2, self.max_delay_s)
                continue
            self.back.set()
            return

    def stop(self) -> None:
        self._stop.set()


def service_lines(settings: object) -> list[str]:
    """What each configured Wyoming service says about itself (none configured: no line, no connection)."""
    lines = []
    for label, section in (("speech", "speech"), ("voice", "voice")):
        config = getattr(settings, section)
        if config.uri is None:
            continue
        timeout = getattr(config, "service_timeout_s", None) or config.tts_timeout_s
        try:
            lines.append(f"{label} service {config.uri}: {summarise(describe(config.uri, timeout))}")
        except ServiceError as exc:
            lines.append(f"{label} service {config.uri}: UNAVAILABLE ({exc})")
    return lines

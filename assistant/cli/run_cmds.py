"""`assistant run`: the always-on companion (microphone and speaker, or --io text) until Ctrl-C/SIGTERM."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

import click

from assistant.cli import AppContext, pass_app

if TYPE_CHECKING:
    from assistant.audio.base import AudioSource, ListenRequest
    from assistant.listening import Heard
    from assistant.schedule.resilient import Reopen
    from assistant.store.store import Store
    from assistant.stt.base import Recognizer
    from assistant.typed_io import TypedListener

_LOGGER = logging.getLogger(__name__)


class _Stop:
    """Set by SIGTERM/SIGINT; the handler raises KeyboardInterrupt so a running session saves its place."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        raise KeyboardInterrupt


class PolledTypedListener:
    """`--io text`: idle listening waits at most `timeout_s` for a typed line; end of input sets `closed`."""

    def __init__(self, inner: TypedListener) -> None:
        self.inner = inner
        self.closed = False
        # read the descriptor directly: lines typed ahead must stay visible to select(); not a real file
        # (tests): read it as it is
        with contextlib.suppress(AttributeError, OSError, ValueError):
            inner.stream = RawLines(inner.stream.fileno())

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        stream = self.inner.stream
        if request.kind == "command" and timeout_s is not None:
            try:
                ready = [stream] if getattr(stream, "pending", b"") else \
                    select.select([stream], [], [], timeout_s)[0]
            except (OSError, ValueError, TypeError, AttributeError):  # not a real file: read directly
                ready = [stream]
            if not ready:
                return None
            if _at_eof(stream):
                self.closed = True
                return None
        return self.inner.listen(request, timeout_s)


class RawLines:
    """Typed lines read straight from a file descriptor. A TextIOWrapper reads ahead, so lines typed (or
    piped) together would hide in its buffer while select() reports nothing, or only the end of input."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = b""
        self.buffer = self  # for _at_eof's peek

    def fileno(self) -> int:
        return self.fd

    def peek(self, size: int = 1) -> bytes:
        """Unread bytes (reading more only when none are pending); b"" at end of input."""
        if not self.pending:
            self.pending = os.read(self.fd, 4096)
        return self.pending

    def readline(self) -> str:
        while b"\n" not in self.pending:
            chunk = os.read(self.fd, 4096)
            if not chunk:
                break
            self.pending += chunk
        line, newline, self.pending = self.pending.partition(b"\n")
        return (line + newline).decode("utf-8", "replace")


def _at_eof(stream: object) -> bool:
    """True when a stream select() found readable has nothing more to give."""
    peek = getattr(getattr(stream, "buffer", None), "peek", None)
    return peek is not None and peek(1) == b""


def _known_zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--timezone must name a zone zoneinfo knows (a typo must not silently fall back to another zone)."""
    from assistant.config import known_zone

    try:
        return None if value is None else known_zone(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("run")
@click.option("--timezone", "tz_name", callback=_known_zone,
              help="IANA zone for the schedule (default: schedule.timezone in the settings, then $TZ, "
                   "then /etc/localtime).")
@click.option("--retry-seconds", default=5.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="How often to look for a microphone again when none is found.")
@pass_app
def run_cmd(app: AppContext, tz_name: str | None, retry_seconds: float) -> None:
    """Always on: listen for start check in, resume check in, appreciation, time out or help; speak
    scheduled prompts on time. Ctrl-C or SIGTERM ends it cleanly, with nothing lost."""
    from assistant.audio.devices import AudioDeviceError

    stop = _Stop()
    recognizer = _built_once(app)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.requested:
            try:
                _serve(app, tz_name, stop, recognizer)
                break
            except AudioDeviceError as exc:
                click.echo(f"{exc}\nLooking again in {retry_seconds:g} s (Ctrl-C to quit; --io text to type).",
                           err=True)
                time.sleep(retry_seconds)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Stopped. Everything is saved.")


def _built_once(app: AppContext) -> Callable[[], Recognizer]:
    """The speech engine, built on first use and kept across device retries (a model loads once)."""

    @functools.cache
    def recognizer() -> Recognizer:
        from assistant.stt.factory import create_recognizer

        return create_recognizer(app.settings)

    return recognizer


def _serve(app: AppContext, tz_name: str | None, stop: _Stop, recognizer: Callable[[], Recognizer]) -> None:
    from assistant import pipeline
    from assistant.cli.activity_cmds import named
    from assistant.live import live_pipeline
    from assistant.schedule.companion import Companion
    from assistant.schedule.resilient import keep_running
    from assistant.schedule.rules import local_zone
    from assistant.schedule.scheduler import Scheduler

    with live_pipeline(app.settings, app.io, recognizer=recognizer) as live:
        polled: PolledTypedListener | None = None
        if app.io == "text":
            from assistant.typed_io import TypedListener

            typed = live.conversation.listener
            assert isinstance(typed, TypedListener)  # live_pipeline hears typed lines with --io text
            polled = PolledTypedListener(typed)
            live.conversation.listener = polled
        if not named(app, live):  # first run: the names, times and day before the schedule is built
            return
        tz = local_zone(tz_name or app.settings.schedule.timezone)  # --timezone, settings, $TZ, /etc/localtime
        scheduler = Scheduler.from_settings(live.store, live.clock, app.settings.schedule, tz)
        companion = Companion(live.conversation, live.library, live.store, app.settings, live.clock, scheduler,
                              pipeline.activation(),
                              tz, idle_chunk_s=1.0 if polled else 5.0)

        def should_stop() -> bool:
            return stop.requested or (polled is not None and polled.closed)

        reopen, opened = _mic_reopener(app, live.conversation.listener, live.clock)
        _LOGGER.info("companion ready: listening")  # scripts/bench_coldstart.py stops its clock here
        threading.Thread(target=warm_report, args=(app, live.store), name="report-warm",
                         daemon=True).start()
        try:
            keep_running(companion, should_stop, reopen, printer=lambda text: click.echo(text, err=True))
        finally:
            for source in opened:
                source.close()
            _LOGGER.info("companion stopping")


def warm_report(app: AppContext, store: Store) -> None:
    """Background: when the report's cache does not cover the sealed history (an install, an update: the key
    holds the code's digest), run `assistant report` at the lowest priority, output dropped, so the couple's
    first report finds it current (issue 16). A process of its own: it never holds this one's interpreter lock
    (the speaker's callback needs it) and its ~100 MB of decoded records are gone when it ends. It writes the
    cache as any report does (0600, atomic, under the store's lock, never after `forget`)."""
    with contextlib.suppress(OSError, AttributeError):  # Linux: this thread's niceness, which its child inherits
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    try:
        from assistant.report import Words
        from assistant.report.reading import report_settings, warm_due

        due = warm_due(store, report_settings(app.settings, Words().text("partner_unnamed")))
        looked = time.thread_time()  # this thread's CPU (imports, a look at the header): what `run` pays
        if not due:
            _LOGGER.info("report cache: nothing to warm (%.3f s CPU)", looked)
            return
        config = ["--config", str(app.config_path)] if app.config_path else []
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant", *config, "--data-dir", str(store.directory),
                               "report"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
    except Exception as exc:  # noqa: BLE001 - derived data only: the report folds everything itself instead
        _LOGGER.info("report cache not warmed (%s)", type(exc).__name__)
        return
    _LOGGER.info("report cache warmed by `report` (exit %d, %.1f s; %.3f s CPU here)", done.returncode,
                 time.perf_counter() - started, looked)


def _mic_reopener(app: AppContext, listener: object, clock: object) -> tuple[Reopen | None, list[AudioSource]]:
    """A microphone lost mid-session is reopened in place (backoff 1, 2, 4 ... 30 s); None for typed text."""
    from assistant.audio.reconnect import Reopener, open_microphone, reopen_in_place

    opened: list[AudioSource] = []
    if app.io == "text" or not hasattr(listener, "source"):
        return None, opened
    reopener = Reopener(lambda: open_microphone(app.settings.audio.input_device), clock)  # type: ignore[arg-type]
    return reopen_in_place(listener, reopener, opened), opened


def register(group: click.Group) -> None:
    """Add `run` to the `assistant` group."""
    group.add_command(run_cmd)

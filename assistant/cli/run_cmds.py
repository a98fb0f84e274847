"""`assistant run`: the always-on companion (microphone and speaker, or --io text) until Ctrl-C/SIGTERM."""

from __future__ import annotations

import logging
import select
import signal
import time
from types import FrameType

import click

from assistant.cli import AppContext, pass_app

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

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.closed = False

    def listen(self, request: object, timeout_s: float | None = None) -> object:
        stream = self.inner.stream  # type: ignore[attr-defined]
        if getattr(request, "kind", "") == "command" and timeout_s is not None:
            try:
                ready, _, _ = select.select([stream], [], [], timeout_s)
            except (OSError, ValueError, TypeError, AttributeError):  # not a real file: read directly
                ready = [stream]
            if not ready:
                return None
            if _at_eof(stream):
                self.closed = True
                return None
        return self.inner.listen(request, timeout_s)  # type: ignore[attr-defined]


def _at_eof(stream: object) -> bool:
    """True when a stream select() found readable has nothing more to give."""
    peek = getattr(getattr(stream, "buffer", None), "peek", None)
    return peek is not None and peek(1) == b""


@click.command("run")
@click.option("--timezone", "tz_name", help="IANA zone for the schedule (default: the machine's zone).")
@click.option("--retry-seconds", default=5.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="How often to look for a microphone again when none is found.")
@pass_app
def run_cmd(app: AppContext, tz_name: str | None, retry_seconds: float) -> None:
    """Always on: listen for start check in, resume check in, appreciation, time out or help; speak
    scheduled prompts on time. Ctrl-C or SIGTERM ends it cleanly, with nothing lost."""
    from assistant.audio.devices import AudioDeviceError

    stop = _Stop()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.requested:
            try:
                _serve(app, tz_name, stop)
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


def _serve(app: AppContext, tz_name: str | None, stop: _Stop) -> None:
    from assistant import paths
    from assistant.intents import IntentMatcher
    from assistant.live import live_pipeline
    from assistant.schedule.companion import Companion
    from assistant.schedule.rules import local_zone
    from assistant.schedule.scheduler import Scheduler

    with live_pipeline(app.settings, app.io) as live:
        polled: PolledTypedListener | None = None
        if app.io == "text":
            polled = PolledTypedListener(live.conversation.listener)
            live.conversation.listener = polled  # type: ignore[assignment]
        tz = local_zone(tz_name or getattr(app.settings.schedule, "timezone", None))
        scheduler = Scheduler.from_settings(live.store, live.clock, app.settings.schedule, tz)
        companion = Companion(live.conversation, live.library, live.store, app.settings, live.clock, scheduler,
                              IntentMatcher.load(), IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"),
                              tz, idle_chunk_s=1.0 if polled else 5.0)

        def should_stop() -> bool:
            return stop.requested or (polled is not None and polled.closed)

        try:
            companion.run(should_stop)
        finally:
            _LOGGER.info("companion stopping")


def register(group: click.Group) -> None:
    """Add `run` to the `assistant` group."""
    group.add_command(run_cmd)

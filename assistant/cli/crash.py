"""The last guard: an unexpected error becomes one line for the user and a private log file, never a traceback.

The line names what kind of problem it was and where the details are; it never repeats the error's text, which
could hold something a partner said. The details go to `crash.log` in the private data folder (0600).
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

import click

_LOGGER = logging.getLogger(__name__)
CRASH_LOG = "crash.log"


def report_crash(exc: BaseException, data_dir: Path) -> int:
    """Tell the user in one line; keep the traceback in `data_dir/crash.log`. Returns the exit code."""
    from assistant.store import StoreError

    if isinstance(exc, StoreError):  # already a message meant for the couple
        click.echo(f"Error: {exc}", err=True)
        return 1
    where = _write_log(exc, data_dir)
    kept = f"Details are in {where}; please include that file if you report this." if where else (
        "The details could not be saved.")
    click.echo(f"Error: an unexpected problem ({type(exc).__name__}) stopped the assistant. Nothing saved "
               f"before was lost. {kept}", err=True)
    return 1


def _write_log(exc: BaseException, data_dir: Path) -> Path | None:
    from assistant.store.private import ensure_private_dir, open_output

    try:
        path = ensure_private_dir(data_dir) / CRASH_LOG
        text = (f"{datetime.now(timezone.utc).isoformat()} assistant {' '.join(sys.argv[1:2])}\n"
                + "".join(traceback.format_exception(exc)))
        with open_output(path) as file:
            file.write(text.encode("utf-8", "replace"))
    except OSError:
        return None
    return path

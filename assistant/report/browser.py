"""Headless Chromium for the page: `report --pdf` prints it, and tests take screenshots of it.

Chromium runs with a throwaway profile in a private temporary folder, with its background networking, component
updates and sync turned off; the page itself has no scripts and no links, so nothing leaves the computer.
Only file paths reach its argv, never what the couple said.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

_LOGGER = logging.getLogger(__name__)
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
"""Looked up on PATH in this order (Debian's package is `chromium`)."""
TIMEOUT_S = 120.0
"""A cold Chromium start on a busy two-core machine takes a few seconds; beyond this it is stuck."""
QUIET_FLAGS = ("--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars")


class BrowserError(RuntimeError):
    """Chromium is missing or did not produce its file; the message says why in a few words."""


def find_browser() -> str | None:
    """The first Chromium on PATH, or None."""
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    return None


def _run(page: str, output_flag: str, output_name: str, extra: tuple[str, ...] = ()) -> bytes:
    browser = find_browser()
    if browser is None:
        raise BrowserError("not installed")
    with tempfile.TemporaryDirectory(prefix="assistant-report-") as folder:  # created 0700
        html_path = Path(folder) / "report.html"
        fd = os.open(html_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(page)
        output = Path(folder) / output_name
        command = [browser, *QUIET_FLAGS, f"--user-data-dir={folder}/profile", f"{output_flag}={output}", *extra]
        if os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
        command.append(html_path.as_uri())
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False, cwd=folder)
        except subprocess.TimeoutExpired:
            raise BrowserError(f"no answer within {TIMEOUT_S:g} s") from None
        except OSError as exc:
            raise BrowserError(exc.strerror or str(exc)) from None
        if not output.is_file() or not output.stat().st_size:
            _LOGGER.info("chromium exit %s: %s", done.returncode, done.stderr.decode(errors="replace")[-500:])
            raise BrowserError(f"exit status {done.returncode}, no file written")
        return output.read_bytes()


def print_pdf(page: str) -> bytes:
    """The page printed to PDF (A4, from the page's print stylesheet, no browser header or footer)."""
    data = _run(page, "--print-to-pdf", "report.pdf", ("--no-pdf-header-footer",))
    if not data.startswith(b"%PDF"):
        raise BrowserError("the file written is not a PDF")
    return data


def screenshot(page: str, width: int = 1200, height: int = 2400) -> bytes:
    """A PNG of the page as a screen shows it, `width` x `height` pixels."""
    return _run(page, "--screenshot", "report.png", (f"--window-size={width},{height}",))

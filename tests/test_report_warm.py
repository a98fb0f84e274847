"""Issue 16: `assistant run` fills the report's cache in the background once it listens, so the first `report`
after an install or an update finds it current.

Behaviour (real store on disk, the real `run` process): after `run`'s warm-up, `report` decodes none of the sealed
records and prints byte for byte what a full fold prints; a cache warmed for other settings (another zone) is
missed, never trusted; a start with the cache current leaves it as it is; nothing is warmed after `forget`.
"""

from __future__ import annotations

import os
import select
import stat
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from store_helpers import count_decoded

from assistant.cli import cli
from assistant.report import Words, collect, render_text
from assistant.report import cache as report_cache
from assistant.report.facts import READS
from assistant.report.reading import ReportSettings, warm_due
from assistant.schedule.rules import WEEKDAYS
from assistant.store import Store, forget_directory
from assistant.store.records import Consent

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
from history_gen import real_use  # noqa: E402 - the bench's own generator of years of real use

pytestmark = pytest.mark.usefixtures("private_umask")
ZONE = "Pacific/Kiritimati"
PARTNERS = ("Alex", "Sam")
TODAY = date(2027, 1, 7)


def settings_file(path: Path, zone: str) -> Path:
    """A named couple whose prompts all lie far from now (`run` keeps real time), reports in `zone`."""
    now = datetime.now(timezone.utc)
    far = (now + timedelta(hours=12)).strftime("%H:%M")
    path.write_text(f'partners = ["Alex", "Sam"]\n[schedule]\ntimezone = "{zone}"\n'
                    f'appreciation_times = ["{far}"]\ncheckin_day = "{WEEKDAYS[(now.weekday() + 3) % 7]}"\n'
                    f'checkin_time = "{far}"\nagreement_review_day = {(now.day + 13) % 28 + 1}\n'
                    f'agreement_review_time = "{far}"\n', encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A year of real use with both partners' consent, sealed by a snapshot; no report cache yet."""
    monkeypatch.setenv("ASSISTANT_CONFIG", str(settings_file(tmp_path / "settings.toml", ZONE)))
    directory = tmp_path / "data"
    history = real_use(1)
    with Store.open(directory) as store:
        store.append_many([Consent(at=history[0].at, partners=PARTNERS), *history])
    Store.open(directory).close()  # the first full read writes the snapshot
    with Store.open(directory) as store:
        assert store.sealed() is not None
    assert not (directory / report_cache.CACHE).exists()
    return directory


def report(data_dir: Path) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "report", "--today", TODAY.isoformat()],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def full_fold(data_dir: Path, zone: str) -> str:
    words = Words()
    with Store.open(data_dir) as store:
        history = collect(store.query(), TODAY, ZoneInfo(zone), PARTNERS, unnamed=words.text("partner_unnamed"))
    return render_text(history, words)


def run_until(data_dir: Path, needle: str) -> None:
    """`assistant -v run` (typed, `--timezone UTC` for its schedule only) until its log says `needle`."""
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "-v", "--data-dir", str(data_dir), "--io", "text",
                             "run", "--timezone", "UTC"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stderr is not None
    seen, deadline = "", time.monotonic() + 60
    try:
        while needle not in seen:
            assert time.monotonic() < deadline and proc.poll() is None, f"never logged {needle!r}: {seen[-600:]}"
            if select.select([proc.stderr.fileno()], [], [], 0.1)[0]:
                seen += os.read(proc.stderr.fileno(), 65536).decode("utf-8", "replace")
    finally:
        proc.communicate("", timeout=30)  # end of input: run stops
    assert proc.returncode == 0, seen


WARMED = "report cache warmed by `report` (exit 0"
NOTHING = "report cache: nothing to warm"


def test_after_run_warmed_the_cache_the_first_report_decodes_no_sealed_record(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_until(data_dir, WARMED)
    cache = data_dir / report_cache.CACHE
    assert stat.S_IMODE(cache.lstat().st_mode) == 0o600 and stat.S_ISREG(cache.lstat().st_mode)
    written = cache.read_bytes()
    counts = count_decoded(monkeypatch)
    printed = report(data_dir)
    assert sum(counts[kind.KIND] for kind in READS) == 0  # the warm cache was current for this report
    assert printed == full_fold(data_dir, ZONE)
    assert cache.read_bytes() == written
    os.utime(cache, (0, 0))
    run_until(data_dir, NOTHING)  # the next start finds it current and leaves it as it is
    assert cache.stat().st_mtime == 0


def test_a_cache_warmed_for_other_settings_is_missed_not_trusted(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_until(data_dir, WARMED)
    warmed = (data_dir / report_cache.CACHE).read_bytes()
    monkeypatch.setenv("ASSISTANT_CONFIG", str(settings_file(tmp_path / "moved.toml", "UTC")))
    counts = count_decoded(monkeypatch)
    printed = report(data_dir)
    assert sum(counts[kind.KIND] for kind in READS) > 0  # folded again: the key names another zone
    assert printed == full_fold(data_dir, "UTC") != full_fold(data_dir, ZONE)
    assert (data_dir / report_cache.CACHE).read_bytes() != warmed  # made again for the zone now set


def test_nothing_is_warmed_after_forget(data_dir: Path) -> None:
    wanted = ReportSettings(ZoneInfo(ZONE), True, Words().text("partner_unnamed"))
    with Store.open(data_dir) as store:  # the companion's store, open while another process forgets
        assert warm_due(store, wanted)
        forget_directory(data_dir)
        assert not warm_due(store, wanted)
    forget_directory(data_dir)
    run_until(data_dir, NOTHING)  # forgotten, then started again
    assert not (data_dir / report_cache.CACHE).exists()

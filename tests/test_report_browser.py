"""The report page in a real headless Chromium: three months in a real store, the CLI's page, a screenshot.

The pixel checks count each partner's own chart colour, so an empty page, a page without charts or a page
that averages the partners fails; a control page without one partner's ratings shows that colour vanish.
"""

from __future__ import annotations

import io
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from report_history import MISSED, PARTNERS, SAFETY_STOP, TODAY, ZONE, Written, write_history
from store_helpers import no_traceback, remount_read_only, run_cli, tmpfs

from assistant.report import Words, collect
from assistant.report.browser import find_browser, screenshot
from assistant.report.charts import PARTNER_COLOURS
from assistant.report.page import render_html
from assistant.store import Store
from assistant.store.records import StepAnswer

pytestmark = pytest.mark.usefixtures("private_umask")
SIZE = (1200, 2400)
BACKGROUND = (0xFF, 0xFA, 0xF3)
CONFIG = f'partners = ["{PARTNERS[0]}", "{PARTNERS[1]}"]\n[schedule]\ntimezone = "{ZONE}"\n'


@pytest.fixture(scope="module")
def couple(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Written]:
    assert find_browser(), "the report test needs Chromium: apt-get install chromium (scripts/setup.sh test)"
    root = tmp_path_factory.mktemp("couple")
    (root / "no-config.toml").write_text(CONFIG)  # run_cli points ASSISTANT_CONFIG here
    return root / "data", write_history(root / "data")


def colour_pixels(png: bytes, colour: str, tolerance: int = 24) -> int:
    """Pixels within `tolerance` per channel of `colour` (antialiased line edges are not counted)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return sum(count for count, pixel in image.getcolors(maxcolors=1 << 24)  # type: ignore[union-attr]
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, target, strict=True)))


def test_the_page_shows_each_partner_on_real_dates_in_a_real_browser(couple: tuple[Path, Written],
                                                                      tmp_path: Path) -> None:
    data, written = couple
    page_file = tmp_path / "report.html"
    result = run_cli(data, "report", "--html", str(page_file), "--today", TODAY.isoformat())
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    page = page_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(page_file.stat().st_mode) == 0o600
    for partner in PARTNERS:
        rows = [day for day in written.rated_days if f'data-partner="{partner}" data-date="{day}"' in page]
        assert rows == written.rated_days  # every Sunday, on its own date
        for day in (*MISSED, SAFETY_STOP):
            assert f'data-partner="{partner}" data-date="{day}"' not in page
    assert "<caption>November 2025</caption>" in page and "<caption>February 2026</caption>" in page
    assert page.count('class="both"') + page.count('class="one"') == len(written.thanks)
    assert "@media print" in page and "<script" not in page
    title = Words().text("title")
    assert page.count(f">{title}<") == 2  # <title> and <h1>; the subtitle is the period, not the title again

    png = screenshot(page, *SIZE)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == SIZE
    not_background = sum(count for count, pixel in image.getcolors(maxcolors=1 << 24)  # type: ignore[union-attr]
                         if pixel != BACKGROUND)
    assert not_background > 0.25 * SIZE[0] * SIZE[1]  # cards, text, charts: not a blank page
    drawn = [colour_pixels(png, colour) for colour in PARTNER_COLOURS]
    assert min(drawn) > 1500, drawn  # both partners' lines are on screen

    records = [r for r in _records(data) if not (isinstance(r, StepAnswer) and r.partner == PARTNERS[1])]
    control = render_html(collect(records, TODAY, ZoneInfo(ZONE), PARTNERS), Words())
    without = [colour_pixels(screenshot(control, *SIZE), colour) for colour in PARTNER_COLOURS]
    assert without[1] < 0.05 * drawn[1] and without[0] > 0.5 * drawn[0], (drawn, without)


def test_pdf_is_printed_by_chromium_or_refused_in_one_line(couple: tuple[Path, Written], tmp_path: Path) -> None:
    data, _ = couple
    pdf = tmp_path / "report.pdf"
    result = run_cli(data, "report", "--pdf", str(pdf), "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    no_browser = run_cli(data, "report", "--pdf", str(tmp_path / "none.pdf"), env={"PATH": str(tmp_path)})
    no_traceback(no_browser)
    assert no_browser.returncode == 1 and "apt-get install chromium" in no_browser.stderr
    assert not (tmp_path / "none.pdf").exists()


def test_report_and_page_on_a_read_only_disk(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", size="4m") as disk:
        (disk / "no-config.toml").write_text(CONFIG)
        write_history(disk / "data")
        remount_read_only(disk)
        page = tmp_path / "page.html"
        result = run_cli(disk / "data", "report", "--html", str(page), "--today", TODAY.isoformat())
        no_traceback(result)
        assert result.returncode == 0, result.stderr
        assert "You completed 11 check-ins together" in result.stdout
        assert f'data-partner="{PARTNERS[0]}"' in page.read_text(encoding="utf-8")


def _records(directory: Path) -> list:
    with Store.open(directory) as store:
        return store.query()


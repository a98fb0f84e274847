"""Re-render docs/report.png: the three-month history of tests/report_history.py, the page the CLI writes,
photographed by the real headless Chromium (assistant.report.browser) and scaled to the README's width.

Run: .venv/bin/python scripts/report_screenshot.py [out.png]
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from PIL import Image, ImageChops  # noqa: E402
from report_history import PARTNERS, TODAY, ZONE, write_history  # noqa: E402

from assistant.report import Words, collect  # noqa: E402
from assistant.report.browser import screenshot  # noqa: E402
from assistant.report.page import render_html  # noqa: E402
from assistant.store import Store  # noqa: E402

WIDTH, HEIGHT, README_WIDTH = 1200, 6000, 640
BACKGROUND = (0xFF, 0xFA, 0xF3)
"""The page's background colour: the empty bottom of the tall window is cut off."""


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_history(Path(tmp) / "data")
        with Store.open(Path(tmp) / "data") as store:
            records = store.query()
    page = render_html(collect(records, TODAY, ZoneInfo(ZONE), PARTNERS), Words())
    image = Image.open(io.BytesIO(screenshot(page, WIDTH, HEIGHT))).convert("RGB")
    content = ImageChops.difference(image, Image.new("RGB", image.size, BACKGROUND)).getbbox()
    bottom = min(HEIGHT, (content[3] if content else HEIGHT) + 40)
    image = image.crop((0, 0, WIDTH, bottom))
    scaled = image.resize((README_WIDTH, round(bottom * README_WIDTH / WIDTH)), Image.Resampling.LANCZOS)
    scaled.quantize(colors=256).save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "report.png")

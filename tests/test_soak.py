"""A shortened soak (1 simulated hour, the real audio pipeline on a virtual clock): a check-in with a time
out inside it runs among idle listening, and no thread, task or file descriptor leaks; RSS stays bounded."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from assistant.simulate.soak import resources, run_soak

UTC = timezone.utc


def test_one_hour_soak_leaks_nothing(tmp_path: Path) -> None:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    recognizer = PocketsphinxRecognizer()  # one for the process lifetime, as in `assistant run`
    run_soak(tmp_path / "warm", datetime(2026, 5, 17, 18, 50, tzinfo=UTC), 0.4, recognizer=recognizer)
    baseline = resources()
    soak = run_soak(tmp_path / "soak", datetime(2026, 5, 17, 18, 30, tzinfo=UTC), 1.0, recognizer=recognizer)
    after = resources()
    assert soak.sessions == [("start_checkin", "completed")]
    assert soak.timeouts == 1 and "timeout.resume" in soak.lines
    assert [s["hour"] for s in soak.samples] == [0.0, 1.0]
    for key in ("threads", "tasks", "fds"):
        assert after[key] == baseline[key], (key, baseline, after)
        assert max(int(s[key]) for s in soak.samples) <= baseline[key] + 2, soak.samples  # type: ignore[call-overload]
    retained_mb = (after["rss_kb"] - baseline["rss_kb"]) / 1024  # a second run keeps nothing more
    peak_mb = (max(int(s["rss_kb"]) for s in soak.samples) - baseline["rss_kb"]) / 1024  # type: ignore[call-overload]
    assert retained_mb < 20 and peak_mb < 20, (baseline, soak.samples, after)

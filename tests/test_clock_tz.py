"""Time zones: the virtual clock across daylight-saving changes, and the schedule's zone setting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.config import ConfigError, load_settings
from assistant.schedule.rules import local_zone
from assistant.schedule.scheduler import Scheduler
from assistant.store.store import Store

NY = ZoneInfo("America/New_York")


def test_virtual_clock_shows_local_wall_time_after_spring_forward() -> None:
    clock = VirtualClock(datetime(2026, 3, 8, 1, 30, tzinfo=NY))  # 30 minutes before the change (02:00 -> 03:00)
    clock.advance(3600)
    now = clock.now()
    assert (now.hour, now.minute) == (3, 30)
    assert now.utcoffset() == timedelta(hours=-4)
    assert now.tzinfo is NY
    assert now.astimezone(timezone.utc) == datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)


def test_virtual_clock_across_fall_back_and_advance_to_in_the_same_zone() -> None:
    clock = VirtualClock(datetime(2026, 11, 1, 0, 30, tzinfo=NY))
    clock.advance(2 * 3600)  # 00:30 EDT + 2 h = 01:30 EST (the repeated hour, second time round)
    now = clock.now()
    assert (now.hour, now.minute, now.utcoffset()) == (1, 30, timedelta(hours=-5))
    clock2 = VirtualClock(datetime(2026, 3, 8, 1, 30, tzinfo=NY))
    clock2.advance_to(datetime(2026, 3, 8, 3, 30, tzinfo=NY))  # one real hour, though the wall says two
    assert clock2.monotonic() == 3600.0
    assert clock2.now().hour == 3


def test_unknown_timezone_setting_is_a_clear_error_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('[schedule]\ntimezone = "Mars/Olympus_Mons"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert "schedule.timezone" in message and "Mars/Olympus_Mons" in message and str(config) in message
    config.write_text('[schedule]\ntimezone = "Europe/Paris"\n', encoding="utf-8")
    assert load_settings(config).schedule.timezone == "Europe/Paris"


def test_zone_precedence_option_then_config_then_tz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert local_zone(None) == ZoneInfo("Asia/Tokyo")
    settings = load_settings(tmp_path / "none.toml", {"schedule.timezone": "Europe/Paris"})
    with Store.open(tmp_path / "store") as store:
        clock = VirtualClock()
        assert Scheduler.from_settings(store, clock, settings.schedule).tz == ZoneInfo("Europe/Paris")
        assert Scheduler.from_settings(store, clock, settings.schedule, "America/New_York").tz == NY
        assert Scheduler.from_settings(store, clock, load_settings(tmp_path / "none.toml").schedule).tz == \
            ZoneInfo("Asia/Tokyo")


def test_run_rejects_an_unknown_timezone_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "--data-dir", str(tmp_path / "d"),
                                      "--io", "text", "run", "--timezone", "Atlantis/Capital"], input="")
    assert result.exit_code == 2
    assert "Atlantis/Capital" in result.output and "not a known time zone" in result.output

"""Issue 16: `assistant report` keeps a tally of the sealed history (`report.cache`) and folds in only the rest.

Behaviour: the printed report is byte-identical with the cache, without it, and with a damaged, foreign or
linked cache file (ignored and written again, never a traceback); records appended after the cache was written
that change sealed facts (a review, a "go back", a later answer, a safety response after a time out) count; a
second report decodes none of the sealed records; `forget` erases the cache. When the snapshot is rewritten
further on, the tally is carried forward (only the records between the two sealed parts folded onto it) and the
report still equals the full fold; a cache claiming a prefix this journal does not start with is not carried.
"""

from __future__ import annotations

import os
import stat
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from store_helpers import count_decoded

from assistant.cli import cli
from assistant.report import Words, collect, render_text
from assistant.report import cache as report_cache
from assistant.report.facts import READS
from assistant.store import Store, forget_directory
from assistant.store.codec import seal
from assistant.store.records import (
    Appreciation,
    Commitment,
    CommitmentReview,
    SafetyEvent,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
from history_gen import real_use  # noqa: E402 - the bench's own generator of years of real use

from assistant.report import facts  # noqa: E402
from assistant.report.reading import report_records  # noqa: E402
from assistant.store import snapshot  # noqa: E402

pytestmark = pytest.mark.usefixtures("private_umask")
ZONE = "Pacific/Kiritimati"
"""UTC+14: most evening records fall on the next local day, so dating is exercised."""
PARTNERS = ("Alex", "Sam")
TODAY = date(2027, 1, 7)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A year of real use, with a snapshot (the sealed part), in a couple's settings with a far zone."""
    config = tmp_path / "settings.toml"
    config.write_text(f'partners = ["Alex", "Sam"]\n[schedule]\ntimezone = "{ZONE}"\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    directory = tmp_path / "data"
    history = real_use(1)
    extra = [StepAnswer(at=history[-1].at, session_id="checkin-x", activity="checkin", step="triggers",
                        partner="", text="Late replies"),
             SafetyEvent(at=history[-1].at, activity="checkin", category="fear")]
    with Store.open(directory) as store:
        store.append_many([*history, *extra])
    Store.open(directory).close()  # the first full read writes the snapshot
    with Store.open(directory) as store:
        assert store.sealed() is not None and store.sealed()[1] == len(history) + 2
    return directory


def report(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "report", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def expected(data_dir: Path, today: date = TODAY, since: date | None = None) -> str:
    """The report from every record, with no cache involved."""
    words = Words()
    with Store.open(data_dir) as store:
        history = collect(store.query(), today, ZoneInfo(ZONE), PARTNERS, unnamed=words.text("partner_unnamed"),
                          since=since)
    return render_text(history, words)


def append_across_the_seal(data_dir: Path) -> None:
    """Records after the sealed part that change sealed facts."""
    with Store.open(data_dir) as store:
        made = store.query(Commitment)
        timeout = store.query(TimeOut)[-1]
        answer = store.query(StepAnswer, where=lambda a: a.rating is not None)[-1]
        at = (datetime.fromisoformat(store.query()[-1].at) + timedelta(hours=1)).isoformat()
        store.append_many([
            CommitmentReview(at=at, session_id="late", commitment_id=made[-1].id, kept=False, confirmed_by="Alex"),
            Commitment(at=at, session_id=made[-2].session_id, partner=made[-2].partner, text="Again, better.",
                       supersedes=made[-2].id),
            StepAnswer(at=at, session_id=answer.session_id, activity="checkin", step=answer.step,
                       partner=answer.partner, rating=1),
            SessionEvent(at=at, session_id=answer.session_id, activity="checkin", status="paused"),
            SafetyEvent(at=(timeout.when + timedelta(minutes=5)).isoformat(), activity="timeout"),
            Appreciation(at=at, partner="Sam", prompt_id="daily"),
        ])


def test_the_report_reads_the_same_with_and_without_its_cache(data_dir: Path) -> None:
    cache = data_dir / report_cache.CACHE
    first = report(data_dir, "--today", TODAY.isoformat())  # no cache yet: the sealed part folded, then saved
    assert first == expected(data_dir)
    assert stat.S_IMODE(cache.lstat().st_mode) == 0o600 and stat.S_ISREG(cache.lstat().st_mode)
    written = cache.read_bytes()
    assert report(data_dir, "--today", TODAY.isoformat()) == first and cache.read_bytes() == written
    append_across_the_seal(data_dir)
    after = report(data_dir, "--today", TODAY.isoformat())
    assert after == expected(data_dir) != first and cache.read_bytes() == written  # the tail folded onto it
    cache.unlink()
    assert report(data_dir, "--today", TODAY.isoformat()) == after
    since = date(2026, 6, 1)
    assert report(data_dir, "--today", TODAY.isoformat(), "--since", since.isoformat()) == expected(
        data_dir, since=since)
    earlier = date(2026, 12, 1)  # a period ending before the sealed records do
    assert report(data_dir, "--today", earlier.isoformat()) == expected(data_dir, today=earlier)
    assert report(data_dir, "--today", TODAY.isoformat()) == after


def test_a_second_report_decodes_none_of_the_sealed_records(data_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    report(data_dir, "--today", TODAY.isoformat())
    append_across_the_seal(data_dir)
    counts = count_decoded(monkeypatch)
    printed = report(data_dir, "--today", TODAY.isoformat())
    assert sum(counts[kind.KIND] for kind in READS) == 0
    assert printed == expected(data_dir)


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x04
    path.write_bytes(bytes(data))


def _sealed_but_not_a_tally(path: Path) -> None:
    head = path.read_bytes().split(b"\n", 1)[0]
    meta = report_cache.json.loads(head[:head.rindex(b',"crc"')] + b"}")
    payload = b'{"count": "many"}'
    meta["sha256"] = report_cache.hashlib.sha256(payload).hexdigest()
    path.write_bytes(seal(report_cache.json.dumps(meta).encode()) + payload)


DAMAGE = {
    "flipped bit": _flip_last_byte,
    "cut short": lambda p: p.write_bytes(p.read_bytes()[:1000]),
    "empty": lambda p: p.write_bytes(b""),
    "not ours": lambda p: p.write_bytes(b"\x00\xff garbage\n{]"),
    "sealed, not a tally": _sealed_but_not_a_tally,
    "readable by others": lambda p: p.chmod(0o644),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_foreign_cache_is_ignored_and_written_again(data_dir: Path, damage: str) -> None:
    cache = data_dir / report_cache.CACHE
    good = report(data_dir, "--today", TODAY.isoformat())
    DAMAGE[damage](cache)
    assert report(data_dir, "--today", TODAY.isoformat()) == good
    assert stat.S_IMODE(cache.lstat().st_mode) == 0o600
    with Store.open(data_dir) as store:
        sealed = store.sealed()
    wanted = report_cache.key(ZoneInfo(ZONE), True, Words().text("partner_unnamed"), None)
    assert wanted is not None
    cached = report_cache.load(data_dir, wanted, ZoneInfo(ZONE))
    assert cached is not None and cached.covers == sealed  # a good one again


def test_a_link_in_place_of_the_cache_is_never_followed(data_dir: Path, tmp_path: Path) -> None:
    good = report(data_dir, "--today", TODAY.isoformat())
    cache = data_dir / report_cache.CACHE
    elsewhere = tmp_path / "elsewhere"
    os.replace(cache, elsewhere)  # a valid tally, but reached only through a link
    cache.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    append_across_the_seal(data_dir)
    assert report(data_dir, "--today", TODAY.isoformat()) == expected(data_dir) != good
    assert not cache.is_symlink() and stat.S_ISREG(cache.lstat().st_mode) and elsewhere.read_bytes() == before


def test_forget_erases_the_cache(data_dir: Path) -> None:
    report(data_dir, "--today", TODAY.isoformat())
    assert (data_dir / report_cache.CACHE).exists()
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "forget", "--yes"], catch_exceptions=False)
    assert result.exit_code == 0 and not (data_dir / report_cache.CACHE).exists()
    assert sorted(p.name for p in data_dir.iterdir()) == []


def test_nothing_derived_is_written_after_another_process_forgot_the_store(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        assert store.write_derived(report_cache.CACHE, b"derived") and (data_dir / report_cache.CACHE).exists()
        assert not store.write_derived("notes.txt", b"derived")  # only names `forget` erases
        assert forget_directory(data_dir) > 0  # another process forgets, under the lock
        assert not store.write_derived(report_cache.CACHE, b"derived")
    assert [p.name for p in data_dir.iterdir() if p.name != "store.lock"] == []  # the (empty) lock it took


def count_folded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, how many records each `Tally.add` folds."""
    folded: list[int] = []
    real = facts.Tally.add

    def add(self: facts.Tally, records: list[facts.Record]) -> None:
        folded.append(len(records))
        real(self, records)

    monkeypatch.setattr(facts.Tally, "add", add)
    return folded


def rewrite_the_snapshot(data_dir: Path) -> tuple[date, int, int]:
    """A second year appended and the store opened again, which rewrites the snapshot further on: (the new last
    day, how many records the report reads in the new sealed part, how many of them lie after the old one)."""
    later = real_use(1, start_year=2027)
    assert len(later) > snapshot.REFRESH_AFTER
    with Store.open(data_dir) as store:
        before = store.sealed()
        store.append_many(later)
    with Store.open(data_dir) as store:
        after = store.sealed()
        assert before is not None and after is not None and after.records >= before.records + len(later)
        reads, new = len(report_records(store)), len(report_records(store, before.records))
    return datetime.fromisoformat(later[-1].at).astimezone(ZoneInfo(ZONE)).date(), reads, new


def test_a_rewritten_snapshot_carries_the_tally_forward(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report(data_dir, "--today", TODAY.isoformat())
    append_across_the_seal(data_dir)  # facts of the old sealed part changed by records in the new one
    last, reads, new = rewrite_the_snapshot(data_dir)
    folded = count_folded(monkeypatch)
    printed = report(data_dir, "--today", last.isoformat())
    assert 0 < sum(folded) == new < reads // 2 + 10  # only the records after the old sealed part
    assert printed == expected(data_dir, today=last)
    with Store.open(data_dir) as store:
        sealed = store.sealed()
    wanted = report_cache.key(ZoneInfo(ZONE), True, Words().text("partner_unnamed"), None)
    assert wanted is not None
    cached = report_cache.load(data_dir, wanted, ZoneInfo(ZONE))
    assert cached is not None and cached.covers == sealed  # moved forward with the snapshot
    folded.clear()
    assert report(data_dir, "--today", last.isoformat()) == printed and sum(folded) == 0


def _header(path: Path) -> dict[str, Any]:
    head = path.read_bytes().split(b"\n", 1)[0]
    meta: dict[str, Any] = report_cache.json.loads(head[:head.rindex(b',"crc"')] + b"}")
    return meta


def _covering(path: Path, covers: list[object]) -> None:
    """The cache with another prefix in its (sealed) header: its tally, checksum and key untouched."""
    meta, payload = _header(path), path.read_bytes().split(b"\n", 1)[1]
    meta["covers"] = covers
    path.write_bytes(seal(report_cache.json.dumps(meta).encode()) + payload)


@pytest.mark.parametrize("claim", ["another digest", "another store's journal"])
def test_a_cache_for_bytes_the_journal_does_not_start_with_is_not_carried(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, claim: str) -> None:
    cache = data_dir / report_cache.CACHE
    report(data_dir, "--today", TODAY.isoformat())
    digest, records, end = _header(cache)["covers"]
    if claim == "another digest":  # a tally of fewer records, said to be of an earlier part of this journal
        _covering(cache, ["0" * 32, records - 100, end - 20000])
    else:
        other = tmp_path / "other"
        with Store.open(other) as store:
            store.append_many(real_use(1, start_year=2020))
        Store.open(other).close()
        report(other, "--today", TODAY.isoformat())
        os.replace(other / report_cache.CACHE, cache)  # the same settings and program, other records
    last, reads, _ = rewrite_the_snapshot(data_dir)
    folded = count_folded(monkeypatch)
    printed = report(data_dir, "--today", last.isoformat())
    assert sum(folded) == reads  # every record folded again
    assert printed == expected(data_dir, today=last)
    assert digest  # the header was read as written

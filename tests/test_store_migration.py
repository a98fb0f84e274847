"""A schema-1 store (tests/fixtures/store_v1) opens, is migrated to the journal, and keeps every record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.store import Store
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import (
    AgreementVersion,
    Appreciation,
    CommitmentReview,
    Consent,
    PromptEvent,
    SafetyEvent,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

pytestmark = pytest.mark.usefixtures("private_umask")

FIXTURE = Path(__file__).parent / "fixtures" / "store_v1"


def copy_fixture(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(FIXTURE, directory)
    directory.chmod(0o700)  # the store refuses a data dir or file others can read (tests/test_store_private.py)
    for path in directory.iterdir():
        path.chmod(0o600)
    return directory


def test_v1_fixture_is_migrated_to_the_current_schema(tmp_path: Path) -> None:
    directory = copy_fixture(tmp_path)
    original = (directory / "store.json").read_bytes()
    with Store.open(directory) as store:
        records = store.query()
        assert len(store.notices) == 1 and "updated to the current format (13 records)" in store.notices[0]
    assert [r.kind for r in records] == ["consent", "agreement", "session", "answer", "answer", "commitment",
                                         "session", "timeout", "appreciation", "appreciation",
                                         "commitment_review", "prompt", "safety"]
    assert isinstance(records[0], Consent) and records[0].partners == ("Alex", "Sam")
    assert isinstance(records[1], AgreementVersion) and records[1].items[1] == "We say where we are."
    answer = records[3]
    assert isinstance(answer, StepAnswer) and answer.rating == 4 and answer.text == "Better than last week."
    assert answer.at == "2025-03-02T19:02:00+00:00" and answer.when.utcoffset() is not None
    timeout = records[7]
    assert isinstance(timeout, TimeOut)
    assert timeout.cooloff_s == 22.5 * 60 and timeout.started_at == "2025-03-04T21:00:00+00:00"
    kept, skipped = records[8], records[9]
    assert isinstance(kept, Appreciation) and not kept.skipped and kept.text == "Thank you for dinner."
    assert isinstance(skipped, Appreciation) and skipped.skipped and skipped.text is None
    assert isinstance(records[10], CommitmentReview) and records[10].kept
    assert isinstance(records[11], PromptEvent) and records[11].due_at.endswith("+00:00")
    assert isinstance(records[12], SafetyEvent)
    assert isinstance(records[6], SessionEvent) and records[6].status == "completed"
    # the old file is kept, byte for byte, and the journal carries the current schema
    assert (directory / "store.json.v1-migrated").read_bytes() == original
    assert not (directory / "store.json").exists()
    header = f'{{"app":"couples-companion","schema":{CURRENT_SCHEMA},"crc":'
    assert (directory / "store.jsonl").read_text().startswith(header)


def test_migrated_store_reopens_quietly_and_forget_removes_the_old_file(tmp_path: Path) -> None:
    directory = copy_fixture(tmp_path)
    with Store.open(directory) as store:
        first = store.query()
    with Store.open(directory) as store:
        assert store.notices == []
        assert store.query() == first
        store.forget()
    assert sorted(p.name for p in directory.iterdir()) == ["README.md"]


def test_unreadable_v1_file_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / "store.json").write_text("{not json")
    with Store.open(directory) as store:
        assert store.query() == []
        assert "could not be read" in store.notices[0] and "Nothing was deleted" in store.notices[0]
    assert [p.read_text() for p in directory.glob("store.json.corrupt-*")] == ["{not json"]


def test_v1_entries_that_do_not_migrate_are_reported(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / "store.json").write_text(
        '{"schema": 1, "records": [{"type": "safety", "ts": "2025-01-01T00:00:00Z", "id": "ok"},'
        ' {"type": "teleport", "ts": "2025-01-01T00:00:00Z"}]}')
    with Store.open(directory) as store:
        assert [r.id for r in store.query()] == ["ok"]
        assert "1 entry in it could not be read" in store.notices[0]


def test_journal_with_an_older_schema_header_is_migrated_in_place(tmp_path: Path) -> None:
    (tmp_path / "store.jsonl").write_text(
        '{"app":"couples-companion","schema":1}\n'
        '{"type":"timeout","ts":"2025-03-04T21:25:00Z","id":"t1","started":"2025-03-04T21:00:00Z","cooloff_min":20}\n'
        '{"type":"step_answer","ts":"2025-03-05T19:00:00Z","id":"a1","session_id":"s","activity":"checkin",'
        '"step":"rating","rating":5}\n')
    with Store.open(tmp_path) as store:
        records = store.query()
    assert [(r.kind, r.id) for r in records] == [("timeout", "t1"), ("answer", "a1")]
    assert isinstance(records[0], TimeOut) and records[0].cooloff_s == 1200.0
    text = (tmp_path / "store.jsonl").read_text()
    assert text.startswith('{"app":"couples-companion","schema":3,') and '"cooloff_min"' not in text
    assert '"schema":1' in (tmp_path / "store.jsonl.bak1").read_text()  # the pre-migration copy is kept
    with Store.open(tmp_path) as store:
        assert store.notices == [] and store.query() == records

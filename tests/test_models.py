"""Model discovery, the checked download (against a local HTTP server), engine selection and the CLI."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import paths
from assistant.cli import cli
from assistant.config import Settings
from assistant.stt import models
from assistant.stt.factory import FALLBACK_NOTICE, create_recognizer, describe_engines
from assistant.stt.models import ModelError, download, find_model


def make_model(root: Path) -> Path:
    (root / "am").mkdir(parents=True)
    (root / "am" / "final.mdl").write_bytes(b"x")
    (root / "conf").mkdir()
    return root


@pytest.fixture
def no_models(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ENV_MODEL, raising=False)
    monkeypatch.setattr(paths, "project_models_dir", lambda: tmp_path / "project-models")
    monkeypatch.setattr(paths, "user_models_dir", lambda: tmp_path / "user-models")
    return tmp_path


def test_discovery_order(no_models, monkeypatch):
    assert find_model() is None
    user = make_model(no_models / "user-models" / "vosk-a")
    assert find_model() == user
    project = make_model(no_models / "project-models" / "vosk-b")
    assert find_model() == project
    env = make_model(no_models / "env-model")
    monkeypatch.setenv(paths.ENV_MODEL, str(env))
    assert find_model() == env
    explicit = make_model(no_models / "explicit")
    assert find_model(explicit) == explicit


def test_explicit_bad_path_is_an_error(no_models):
    with pytest.raises(ModelError, match="assistant models download"):
        find_model(no_models / "missing")


def test_auto_falls_back_to_pocketsphinx_with_one_notice(no_models, capsys):
    recognizer = create_recognizer(Settings())
    assert recognizer.name == "pocketsphinx"
    assert capsys.readouterr().err.strip() == FALLBACK_NOTICE
    with pytest.raises(ModelError, match="assistant models download"):
        create_recognizer(Settings(), engine="vosk")
    assert describe_engines(Settings())[-1] == "auto selects: pocketsphinx"


def test_auto_picks_vosk_when_a_model_is_found(no_models, ko_model_dir):
    settings = Settings.model_validate({"speech": {"model_path": str(ko_model_dir)}})
    assert create_recognizer(settings).name == "vosk"
    assert "auto selects: vosk" in describe_engines(settings)


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tiny-model/am/final.mdl", b"model")
        archive.writestr("tiny-model/conf/model.conf", b"--beam=10\n")
    (root / "tiny-model.zip").write_bytes(buffer.getvalue())
    (root / "not-a-model.zip").write_bytes(b"this is not a zip")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *args: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hashlib.sha256(buffer.getvalue()).hexdigest()
    httpd.shutdown()


def test_download_verifies_and_installs_atomically(server, tmp_path):
    base, digest = server
    dest = tmp_path / "models"
    path = download("tiny-model", dest=dest, sha256=digest, base_url=base, progress=False)
    assert path == dest / "tiny-model" and (path / "am" / "final.mdl").read_bytes() == b"model"
    assert sorted(p.name for p in dest.iterdir()) == ["tiny-model"]  # no temp files left


def test_download_rejects_a_wrong_checksum(server, tmp_path):
    base, _ = server
    with pytest.raises(ModelError, match="sha256"):
        download("tiny-model", dest=tmp_path / "m", sha256="0" * 64, base_url=base, progress=False)
    assert list((tmp_path / "m").iterdir()) == []


def test_download_rejects_a_known_model_of_the_wrong_size(server, tmp_path, monkeypatch):
    base, digest = server
    monkeypatch.setitem(models.KNOWN_MODELS, "tiny-model", (12345, digest))
    with pytest.raises(ModelError, match="expected 12345"):
        download("tiny-model", dest=tmp_path / "m", base_url=base, progress=False)


def test_download_errors(server, tmp_path):
    base, _ = server
    with pytest.raises(ModelError, match="HTTP 404"):
        download("missing-model", dest=tmp_path / "m", base_url=base, progress=False)
    with pytest.raises(ModelError, match="not a zip"):
        download("not-a-model", dest=tmp_path / "m", base_url=base, progress=False)
    assert list((tmp_path / "m").iterdir()) == []


def test_offline_download_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match=r"cannot reach 127\.0\.0\.1: .*\(you are offline\?\)"):
        download(dest=tmp_path, base_url="http://127.0.0.1:9", timeout=2, progress=False)


def test_cli_models_download_offline(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setattr(models.download, "__defaults__",
                        (models.DEFAULT_MODEL, None, None, "http://127.0.0.1:9", 2.0, False))
    result = CliRunner().invoke(cli, ["models", "download", "--dest", str(tmp_path)])
    assert result.exit_code == 1 and "you are offline?" in result.output


def test_cli_models_list(no_models):
    result = CliRunner().invoke(cli, ["models", "list"])
    assert result.exit_code == 0 and "auto selects: pocketsphinx" in result.output


def test_cli_listen_unreadable_wav_exits_2(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    result = CliRunner().invoke(cli, ["listen", "--wav", str(bad)])
    assert result.exit_code == 2 and "cannot read as a PCM WAV file" in result.output
    missing = CliRunner().invoke(cli, ["listen", "--wav", str(tmp_path / "missing.wav")])
    assert missing.exit_code == 2


@pytest.mark.speech  # through the CLI: the lane rule cannot see it
def test_cli_listen_pocketsphinx_json(tmp_path):
    from speech_fixtures import synthesize

    from assistant.audio.convert import write_wav

    wav = tmp_path / "speech.wav"
    write_wav(wav, synthesize("we need a break") + synthesize("what time is it"))
    result = CliRunner().invoke(cli, ["listen", "--wav", str(wav), "--engine", "pocketsphinx",
                                      "--phrases", "we need a break,yes,no"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["intent"] for line in lines] == ["time_out", None]
    assert lines[0]["text"] == "we need a break" and lines[0]["start"] < lines[0]["end"] < lines[1]["start"]

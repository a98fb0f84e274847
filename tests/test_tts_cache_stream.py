"""The TTS cache on disk (private, bounded, self-healing), its privacy policy, streamed lines, warm start,
and `assistant --help` staying light. Real pyttsx3/espeak-ng in a real child; faults injected in the child."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_tts import SENTENCE, patched_child, voice_settings

from assistant.audio.base import Clip
from assistant.audio.sinks import WavFileSink
from assistant.dialog.library import DialogLibrary
from assistant.safety import safety_line
from assistant.tts.cache import DiskClipCache
from assistant.tts.cache_policy import CachePolicy
from assistant.tts.speaker import FallbackSpeaker
from assistant.tts.stream import SpeechStream
from assistant.tts.worker import SpeechWorker


def cached_worker(directory: Path, **settings: object) -> SpeechWorker:
    return SpeechWorker(voice_settings(**settings), disk_cache=DiskClipCache(directory),
                        may_cache=lambda text, dialog_id: True)


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pcm"))


def test_disk_cache_returns_identical_audio_and_heals_a_damaged_file(tmp_path: Path) -> None:
    first = cached_worker(tmp_path / "tts")
    try:
        clip = first.synthesize(SENTENCE, "welcome")
    finally:
        first.close()
    assert first.renders == 1 and len(entries(tmp_path / "tts")) == 1
    for damage in ("truncate", "flip", "garbage"):
        again = cached_worker(tmp_path / "tts")
        try:
            again.start()
            stream = again.stream(SENTENCE, "welcome")
            assert stream.cached and stream.clip() == Clip(clip.pcm, SENTENCE, "welcome")
            assert again.renders == 0
            path = entries(tmp_path / "tts")[0]
            data = path.read_bytes()
            if damage == "truncate":
                path.write_bytes(data[:len(data) // 2])
            elif damage == "flip":
                path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
            else:
                path.write_bytes(b"not audio")
            fresh = SpeechWorker(again.settings, disk_cache=DiskClipCache(tmp_path / "tts"),
                                 may_cache=lambda text, dialog_id: True)
            fresh.start()
            healed = fresh.synthesize(SENTENCE, "welcome")  # re-rendered, no crash, file rewritten
            assert fresh.renders == 1 and abs(healed.duration - clip.duration) < 0.1
            fresh.close()
        finally:
            again.close()


def test_cache_files_are_private_and_planted_symlinks_are_not_followed(tmp_path: Path) -> None:
    directory = tmp_path / "tts"
    directory.mkdir(mode=0o755)
    cache = DiskClipCache(directory)
    key = "ab" * 32
    cache.put(key, b"\x01\x00" * 100)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(entries(directory)[0].stat().st_mode) == 0o600
    assert cache.get(key) == b"\x01\x00" * 100
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"private journal")
    planted = directory / f"{'cd' * 32}.pcm"
    planted.symlink_to(secret)
    assert cache.get("cd" * 32) is None  # refused (O_NOFOLLOW) and removed
    assert not planted.is_symlink() and secret.read_bytes() == b"private journal"
    planted.symlink_to(secret)
    cache.put("cd" * 32, b"\x02\x00" * 10)  # replaces the link, never writes through it
    assert not planted.is_symlink() and secret.read_bytes() == b"private journal"
    linked_dir = tmp_path / "linked"
    linked_dir.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    refused = DiskClipCache(linked_dir)
    refused.put(key, b"\x01\x00")
    assert refused.get(key) is None and list((tmp_path / "elsewhere").iterdir()) == []


def test_cache_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    cache = DiskClipCache(tmp_path / "tts", max_bytes=3 * 1200)
    keys = [f"{i:064x}" for i in range(5)]
    for i, key in enumerate(keys):
        cache.put(key, bytes(1000))
        os.utime(cache._path(key), (1000 + i, 1000 + i))
        if i == 2:
            assert cache.get(keys[0]) is not None  # used: now the newest
    assert sum(p.stat().st_size for p in entries(tmp_path / "tts")) <= 3 * 1200
    assert cache.get(keys[4]) is not None and cache.get(keys[1]) is None


class Fill(dict[str, str]):
    """Slot values: the given ones, a name for everything else."""

    def __missing__(self, key: str) -> str:
        return "Sam"


def test_policy_caches_fixed_lines_names_and_numbers_never_answers() -> None:
    library = DialogLibrary.load(seed=1)
    policy = CachePolicy.from_library(library)
    safety = safety_line(library)
    assert policy.may_cache(safety.text, safety.dialog_id)
    fixed = policy.fixed_lines()
    assert fixed and all(policy.may_cache(text, dialog_id) for text, dialog_id in fixed)
    private = [(i, v) for i, vs in library.prompts.items() for v in vs if "{proposal}" in v or "{item}" in v]
    assert private
    for dialog_id, variant in private:
        text = variant.format_map(Fill({"proposal": "I will share my phone", "item": "no secret chats"}))
        assert not policy.may_cache(text, dialog_id)
    named = [(i, v) for i, vs in library.prompts.items() for v in vs if v.count("{") == 1 and "{other}" in v]
    dialog_id, variant = named[0]
    assert policy.may_cache(variant.replace("{other}", "Alex"), dialog_id)
    assert not policy.may_cache(variant.replace("{other}", "Alex. I lied to you about the trip"), dialog_id)
    assert not policy.may_cache(fixed[0][0] + " And something else.", fixed[0][1])
    assert not policy.may_cache(fixed[0][0], "")  # not a dialog line (e.g. `assistant say`)


class RecordingStreamSink:
    """A StreamingSink that notes, when the first chunk arrives, whether the render had ended yet."""

    def __init__(self, marker: Path | None = None) -> None:
        self.marker = marker
        self.events: list[str] = []
        self.got_first = threading.Event()

    def play_stream(self, stream: SpeechStream) -> object:
        def consume() -> None:
            for index, _ in enumerate(stream.chunks()):
                if index == 0:
                    self.events.append("first chunk" + (" (render over)" if stream.done else ""))
                    if self.marker is not None:
                        self.marker.touch()
                    self.got_first.set()
            self.events.append("render over")

        thread = threading.Thread(target=consume)
        thread.start()
        return thread

    def play(self, clip: Clip) -> object:
        self.events.append("whole clip")
        return None

    def close(self) -> None:
        pass


def test_first_chunk_reaches_the_sink_before_the_render_ends(tmp_path: Path) -> None:
    marker = tmp_path / "sink-has-first-chunk"
    # The child hands over one chunk, then renders the rest only once the sink has the first one.
    command = patched_child(
        "def stream(self, text):\n    chunks = real(self, text)\n    yield next(chunks)\n"
        "    if text != 'Ready.':\n        deadline = time.monotonic() + 4\n"
        f"        while not os.path.exists({str(marker)!r}) and time.monotonic() < deadline:\n"
        "            time.sleep(0.01)\n    yield from chunks\nm.Pyttsx3Engine.stream = stream")
    sink = RecordingStreamSink(marker)
    speaker = FallbackSpeaker(SpeechWorker(voice_settings(), command=command), sink)  # type: ignore[arg-type]
    try:
        playback = speaker.say(SENTENCE + " " + SENTENCE, "welcome")
        playback.join(timeout=30)  # type: ignore[attr-defined]
    finally:
        speaker.close()
    assert sink.events == ["first chunk", "render over"] and not speaker.degraded


def test_a_worker_dying_mid_line_resumes_without_repeating_audio(tmp_path: Path) -> None:
    marker = tmp_path / "died"
    command = patched_child(
        "def stream(self, text):\n    chunks = real(self, text)\n    yield next(chunks)\n"
        f"    if text != 'Ready.' and not os.path.exists({str(marker)!r}):\n"
        f"        open({str(marker)!r}, 'w').close(); os._exit(9)\n    yield from chunks\n"
        "m.Pyttsx3Engine.stream = stream")
    reference = SpeechWorker(voice_settings())
    worker = SpeechWorker(voice_settings(tts_timeout_s=5.0), command=command)
    try:
        whole = reference.synthesize(SENTENCE)
        clip = worker.synthesize(SENTENCE)
    finally:
        reference.close()
        worker.close()
    assert marker.exists() and worker.restarts == 1
    assert abs(clip.duration - whole.duration) < 0.1  # the handed-over part is not played twice


def test_speaker_gives_a_plain_sink_the_whole_clip_and_warm_starts_the_child(tmp_path: Path) -> None:
    worker = SpeechWorker(voice_settings())
    worker.warm()
    assert worker.idle(timeout=30) and worker.pid is not None and worker.renders == 0
    sink = WavFileSink(tmp_path / "out.wav")
    speaker = FallbackSpeaker(worker, sink)
    try:
        assert speaker.say(SENTENCE, "welcome").wait()
        assert sink.timeline[0][2] == SENTENCE and sink.timeline[0][1] > 2.0
    finally:
        speaker.close()


def test_warm_renders_missing_fixed_lines_and_leaves_cached_ones_unread(tmp_path: Path) -> None:
    lines = [(SENTENCE, "welcome"), ("Take a slow breath in.", "breathe")]
    first = cached_worker(tmp_path / "tts")
    try:
        first.warm(lines[:1])
        assert first.idle(timeout=60) and first.renders == 1
    finally:
        first.close()
    (cached,) = entries(tmp_path / "tts")
    os.utime(cached, (1_000_000, 1_000_000))  # a read would mark it recently used
    second = cached_worker(tmp_path / "tts")
    try:
        second.warm(lines)
        assert second.idle(timeout=60) and second.renders == 1  # only the missing line
        assert cached.stat().st_mtime == 1_000_000 and len(entries(tmp_path / "tts")) == 2
        assert second.stream(SENTENCE, "welcome").cached  # still served from the disk when said
    finally:
        second.close()


def test_help_imports_neither_numpy_nor_pydantic() -> None:
    code = ("import sys\nfrom assistant.cli import main\nsys.argv = ['assistant', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'pydantic', 'msgspec', 'yaml', 'soxr', 'sounddevice')\n"
            "             if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "Usage: assistant" in result.stdout and result.stdout.strip().endswith("[]")


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_lines_stream_nothing(text: str) -> None:
    stream = SpeechWorker(voice_settings(), command=["false"]).stream(text, "x")
    assert stream.done and stream.clip() == Clip(b"", text, "x")

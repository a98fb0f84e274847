"""Measurements that chose the front end's components: a small generated set, VAD, suppressor, echo, endpoints.

Audio is generated with espeak-ng + numpy (+ pyroomacoustics for echo); nothing is recorded or committed.
Voices are split: thresholds are chosen on TUNE_VOICES, figures are reported on HELD_OUT_VOICES.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from assistant.audio.base import FRAME_BYTES, SAMPLE_RATE
from assistant.audio.convert import rms_dbfs
from assistant.frontend import (
    Endpointer,
    EndpointSettings,
    Event,
    FrontEnd,
    FrontEndSettings,
    SpeechFrontEnd,
    build_front_end,
)
from assistant.frontend.denoise import make_denoiser
from assistant.frontend.echo import SpeexEchoCanceller
from assistant.frontend.vad import make_vad
from assistant.simulate.acoustics import (
    add_noise,
    echo_of,
    noise_at_dbfs,
    pcm_of,
    power,
    room_impulse_response,
    samples_of,
    scale_to,
)
from assistant.simulate.voices import speak
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

TUNE_VOICES = ("en-us+m3", "en-gb+f2", "en-gb-scotland+m1", "en-029+f3", "en-us-nyc+m5")
HELD_OUT_VOICES = ("en-us+f4", "en-gb+m4", "en-gb-scotland+f1", "en-029+m2", "en-us-nyc+f5")
RATES = (130, 150, 170, 190, 210)
SHORT = ("time out", "stop", "yes", "no thanks", "skip this", "say that again", "i'm ready", "take a break")
FREE = ("we talked about the weekend, and it went better than I expected",
        "I felt heard when you asked about my day, even though I was tired",
        "honestly, I think we are doing okay, but the mornings are still hard")
DISTRACTORS = ("time to go to bed", "take the bins out", "stop by the shop on the way", "I'm ready for dinner")
CONDITIONS = (("clean", None), ("pink", 20), ("pink", 10), ("pink", 5), ("babble", 20), ("babble", 10),
              ("babble", 5), ("tv", 20), ("tv", 10), ("tv", 5))
ASSISTANT_LINES = ("Let's take turns. Alex, tell me one thing that went well for you this week.",
                   "Thank you. Now Sam, how would you rate your week from one to five?",
                   "Take a slow breath in, and let it out slowly. We will come back in twenty minutes.")


BLOCK_DELAY = 160
"""Samples the echo stage delays its output (speex's preprocessor; passthrough matches it)."""


@dataclass(frozen=True)
class Clip:
    """One utterance of the set with its truth."""

    text: str
    voice: str
    rate: int
    condition: str
    pcm: bytes
    speech: np.ndarray
    """Per 30 ms frame: True where the clean speech is active."""
    speech_end_s: float
    """End of the last speech frame in the clean render."""


def speech_frames(clean: bytes) -> np.ndarray:
    """Truth labels: frames whose clean energy is within 35 dB of the clip's loudest frame."""
    x = samples_of(clean)
    frames = x[:len(x) // 480 * 480].reshape(-1, 480)
    energy = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-9)
    return energy > energy.max() - 35


def make_clips(texts: Iterable[str], voices: Iterable[str], conditions=CONDITIONS, seed: int = 0) -> list[Clip]:
    """Every text in every voice (rates cycled) under every condition."""
    clips = []
    for k, (text, voice) in enumerate((t, v) for t in texts for v in voices):
        rate = RATES[(k + seed) % len(RATES)]
        clean = speak(text, voice=voice, rate=rate, lead_s=0.6, tail_s=1.5)
        labels = speech_frames(clean)
        end_s = (int(np.nonzero(labels)[0][-1]) + 1) * 0.03
        for name, snr in conditions:
            # "clean" still has a microphone's self-noise: digital silence upsets pocketsphinx's feature normalisation
            pcm = add_noise(clean, "pink", 60, seed=k) if snr is None else add_noise(clean, name, snr, seed=k)
            clips.append(Clip(text, voice, rate, f"{name}{snr or ''}", pcm, labels, end_s))
    return clips


def frames_of(pcm: bytes) -> list[bytes]:
    return [pcm[i:i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


def vad_scores(clips: list[Clip], vad_name: str, denoise: str = "none") -> dict[str, float]:
    """Per-frame miss rate (speech frames called silence), false activation (noise frames called speech), RTF."""
    missed = speech = false = noise = 0
    seconds = cpu = 0.0
    for clip in clips:
        vad, den = make_vad(vad_name), make_denoiser(denoise)
        started = time.process_time()
        probs = np.array([vad(den(f) if den else f) for f in frames_of(clip.pcm)])
        cpu += time.process_time() - started
        seconds += len(clip.pcm) / 2 / SAMPLE_RATE
        truth = clip.speech[:len(probs)]
        guard = np.convolve(truth, np.ones(11), mode="same") > 0  # 150 ms around speech is neither
        missed += int(np.sum(truth & (probs < 0.5)))
        speech += int(np.sum(truth))
        false += int(np.sum(~guard & (probs >= 0.5)))
        noise += int(np.sum(~guard))
    return {"miss": missed / max(1, speech), "false_activation": false / max(1, noise), "rtf": cpu / seconds}


def noise_only_activation(vad_name: str, denoise: str, kind: str, level_dbfs: float, seconds: float = 10.0) -> float:
    """Fraction of frames of noise alone (no speech) the VAD calls speech."""
    vad, den = make_vad(vad_name), make_denoiser(denoise)
    frames = frames_of(noise_at_dbfs(kind, seconds, level_dbfs, seed=3))
    return float(np.mean([vad(den(f) if den else f) >= 0.5 for f in frames]))


def heard_segments(frames_in: list[bytes], front: FrontEnd, kind: str = "barge_in",
                   on_frame: Callable[[int], None] | None = None) -> list[bytes]:
    """Cleaned audio of each utterance the front end's endpointer finds (with 300 ms of pre-roll)."""
    segments, cleaned, endpointer, start = [], [], Endpointer(kind), None
    for k, frame in enumerate(frames_in):
        if on_frame is not None:
            on_frame(k)
        out = front.process(frame)
        cleaned.append(out.pcm)
        event = endpointer.update(out.speech_probability, rms_dbfs(out.pcm))
        if event is Event.ONSET:
            start = max(0, k - endpointer._onset_frames - 10)
        elif event is Event.END and start is not None:
            segments.append(b"".join(cleaned[start:k + 1]))
            endpointer, start = Endpointer(kind), None
    if start is not None:
        segments.append(b"".join(cleaned[start:]))
    return segments


def recognise(pcm: bytes, phrases: list[str], denoise: str = "none",
              front_end: Callable[[bytes], bytes] | None = None) -> list[str]:
    """Texts the real pocketsphinx phrase grammar reports for `pcm` (after the suppressor/front end)."""
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(phrases)
    den = make_denoiser(denoise)
    texts = []
    for frame in frames_of(pcm):
        cleaned = front_end(frame) if front_end else den(frame) if den else frame
        if (utterance := recognizer.accept(cleaned)) is not None:
            texts.append(utterance.text)
    if (utterance := recognizer.flush()) is not None:
        texts.append(utterance.text)
    return [t for t in texts if t]


def bare_grammar_decode(pcm: bytes, phrases: list[str], denoise: str = "none") -> str:
    """The clip (after the suppressor) decoded as one utterance by a grammar of the phrases alone.

    No garbage loop and no engine VAD: this isolates what the front end changes for the recogniser,
    as issue 11 measured it; rejection of out-of-grammar speech is the acceptance stage's work.
    """
    from pocketsphinx import Decoder

    den = make_denoiser(denoise)
    audio = b"".join(den(f) for f in frames_of(pcm)) if den else pcm
    decoder = _BARE.get(tuple(phrases))
    if decoder is None:
        decoder = Decoder(logfn="/dev/null", bestpath=False)
        body = " | ".join("(" + p + ")" for p in phrases)
        decoder.add_jsgf_string("bare", f"#JSGF V1.0;\ngrammar bare;\npublic <utt> = {body};\n")
        decoder.activate_search("bare")
        _BARE[tuple(phrases)] = decoder
    decoder.start_utt()
    decoder.process_raw(audio, False, True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return " ".join((hyp.hypstr if hyp else "").split())


_BARE: dict = {}


def command_phrases() -> list[str]:
    """Every phrasing of every intent in dialogs/commands.yaml (the real grammar a command step uses)."""
    from assistant.intents import IntentMatcher

    phrases = {p for phrasings in IntentMatcher.load().intents.values() for p in phrasings}
    return sorted(p for p in phrases if not any(ch.isdigit() for ch in p))


def endpoint_latencies(clips: list[Clip], kind: str, settings: EndpointSettings,
                       front: Callable[[], SpeechFrontEnd]) -> dict[str, list[float]]:
    """Per clip: END decision time minus the true end of speech (s); early = ended inside the utterance."""
    latencies, early, never = [], 0, 0
    for clip in clips:
        fe, ep = front(), Endpointer(kind, settings)
        decided = None
        for frame in frames_of(clip.pcm):
            out = fe.process(frame)
            if ep.update(out.speech_probability, rms_dbfs(out.pcm)) is Event.END:
                decided = ep.frames * 0.03
                break
        if decided is None:
            never += 1
        elif decided < clip.speech_end_s:
            early += 1
        else:
            latencies.append(decided - clip.speech_end_s)
    return {"latency": latencies, "early": [early], "never": [never]}


def echo_trial(line: str, partner_text: str, partner_voice: str, ratio_db: float, seed: int,
               jitter_s: float = 0.02, device_delay_s: float = 0.03) -> dict[str, float]:
    """Assistant line through a room into the mic at `ratio_db` over a partner's command; ERLE and catches."""
    played = speak(line, voice="en-us", rate=170, lead_s=0.0, tail_s=0.0)
    partner = samples_of(speak(partner_text, voice=partner_voice, rate=160, lead_s=0.0, tail_s=0.0))
    rng = np.random.default_rng(seed)
    play_at = 0.5
    total = int((play_at + len(played) / 2 / SAMPLE_RATE + 1.5) * SAMPLE_RATE)
    echo = echo_of(played, room_impulse_response(seed), play_at + device_delay_s, total)
    talk = np.zeros(total)
    at = int((play_at + 1.8) * SAMPLE_RATE)
    talk[at:at + len(partner)] = partner
    echo = scale_to(echo, talk, ratio_db)
    floor = rng.standard_normal(total) * np.sqrt(power(talk)) * 10 ** (-40 / 20)
    reported = play_at + float(rng.uniform(-jitter_s, jitter_s))

    def run(mic: np.ndarray) -> bytes:
        clock = [0.0]
        canceller = SpeexEchoCanceller(lambda: clock[0])
        out = []
        for k, frame in enumerate(frames_of(pcm_of(mic))):
            clock[0] = (k + 1) * 0.03
            if k == 0:
                canceller.played(played, reported)
            out.append(canceller.process(frame))
        return b"".join(out)

    def heard(mic: np.ndarray, echo_cancel: bool, bare: bool = False) -> list[str]:
        """What the barge-in step would hear: front end -> endpointer segments -> phrase grammar
        (the engine's, with its garbage loop; or `bare`: the phrases alone, no rejection)."""
        clock = [0.0]
        front = build_front_end(FrontEndSettings(echo="speex" if echo_cancel else "none"), lambda: clock[0])

        def tick(k: int) -> None:
            clock[0] = (k + 1) * 0.03
            if k == 0:
                front.played(played, reported)

        texts = []
        for segment in heard_segments(frames_of(pcm_of(mic)), front, on_frame=tick):
            texts += [bare_grammar_decode(segment, phrases)] if bare else recognise(segment, phrases)
        return texts

    echo_only = run(echo + floor)
    converged = int((play_at + 1.0) * SAMPLE_RATE)
    stop = int((play_at + len(played) / 2 / SAMPLE_RATE) * SAMPLE_RATE)
    before = samples_of(pcm_of(echo + floor))[converged:stop]
    after = samples_of(echo_only)[converged:stop]
    erle = 10 * np.log10(np.mean(before ** 2) / max(1e-9, np.mean(after ** 2)))
    mix = echo + talk + floor
    region = slice(at, at + len(partner))
    cleaned = samples_of(run(mix))
    aligned = np.concatenate([np.zeros(BLOCK_DELAY), talk])[:len(cleaned)]  # the canceller's 10 ms delay
    residual = cleaned[region.start + 0:region.stop] - aligned[region]
    double_talk = 10 * np.log10(np.mean(echo[region] ** 2) / max(1e-9, float(np.mean(residual ** 2))))
    phrases = command_phrases()
    alone_texts = heard(talk + floor, False)
    raw_texts = heard(mix, False)
    clean_texts = heard(mix, True)
    own_texts = heard(echo + floor, True)
    bare_alone, bare_raw, bare_clean = heard(talk + floor, False, True), heard(mix, False, True), heard(mix, True, True)
    return {"erle_db": float(erle), "double_talk_erle_db": float(double_talk),
            "alone_caught": float(partner_text in alone_texts), "raw_caught": float(partner_text in raw_texts),
            "clean_caught": float(partner_text in clean_texts),
            "own_taken": float(any(t in phrases for t in own_texts)),
            "bare_alone": float(partner_text in bare_alone), "bare_raw": float(partner_text in bare_raw),
            "bare_clean": float(partner_text in bare_clean)}

"""Audio devices: list them, pick one by name or index, and open streams at a rate the device accepts.

sounddevice is imported lazily: a missing or broken PortAudio library means "no devices" (with the
reason), never a crash at import time.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from assistant.audio.base import SAMPLE_RATE

_LOGGER = logging.getLogger(__name__)

Kind = Literal["input", "output"]

_HINTS = {
    "input": "is a microphone connected? check `assistant devices`",
    "output": "are speakers or headphones connected? check `assistant devices`",
}


class AudioDeviceError(RuntimeError):
    """No usable audio device; the message says which devices do exist."""


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device, seen from one direction (input or output)."""

    index: int
    """PortAudio device index."""
    name: str
    """Device name as the system reports it."""
    channels: int
    """Maximum channels in this direction."""
    default_rate: float
    """The device's default sample rate (Hz)."""

    def describe(self) -> str:
        return f"{self.index}: {self.name} ({self.channels} ch, {self.default_rate:.0f} Hz)"


def sounddevice_module() -> tuple[ModuleType | None, str | None]:
    """The sounddevice module, or None and the reason it cannot be used."""
    from assistant.audio.quiet import install_alsa_handler, quiet_stderr

    install_alsa_handler()
    if "sounddevice" in sys.modules:
        return sys.modules["sounddevice"], None
    try:
        with quiet_stderr():  # the first import probes every host API (JACK, OSS, ALSA plugins)
            import sounddevice
    except (OSError, ImportError) as exc:  # PortAudio library missing or broken
        return None, f"PortAudio is not available: {exc}"
    return sounddevice, None


def _query() -> tuple[list[dict[str, Any]], str | None]:
    sd, problem = sounddevice_module()
    if sd is None:
        return [], problem
    try:
        devices = list(sd.query_devices())
    except (OSError, sd.PortAudioError) as exc:
        return [], f"PortAudio cannot list devices: {exc}"
    return devices, None if devices else "PortAudio reports no audio devices on this machine"


def list_devices() -> tuple[list[DeviceInfo], list[DeviceInfo]]:
    """(input devices, output devices); both empty when there are none or PortAudio is unusable."""
    devices, _ = _query()
    inputs, outputs = [], []
    for index, dev in enumerate(devices):
        index = int(dev.get("index", index))
        rate = float(dev.get("default_samplerate") or SAMPLE_RATE)
        if dev.get("max_input_channels", 0) > 0:
            inputs.append(DeviceInfo(index, str(dev["name"]), int(dev["max_input_channels"]), rate))
        if dev.get("max_output_channels", 0) > 0:
            outputs.append(DeviceInfo(index, str(dev["name"]), int(dev["max_output_channels"]), rate))
    return inputs, outputs


def device_problem() -> str | None:
    """Why there are no devices at all (None when some exist)."""
    return _query()[1]


def describe_devices(kind: Kind) -> str:
    """"Input devices: 0: Mic (1 ch, 48000 Hz); ..." or "Input devices: none found (hint; reason)"."""
    found = list_devices()[0 if kind == "input" else 1]
    label = f"{kind.capitalize()} devices"
    if found:
        return f"{label}: " + "; ".join(dev.describe() for dev in found)
    reason = device_problem()
    return f"{label}: none found ({_HINTS[kind]}{'; ' + reason if reason else ''})"


def _default_index(kind: Kind) -> int | None:
    sd, _ = sounddevice_module()
    if sd is None:
        return None
    try:
        default = sd.default.device[0 if kind == "input" else 1]
    except (OSError, AttributeError, IndexError, TypeError):
        return None
    return int(default) if default is not None and int(default) >= 0 else None


def find_device(spec: str | int | None, kind: Kind) -> DeviceInfo:
    """Pick a device by index, name substring (case-insensitive) or None (system default, else the first)."""
    candidates = list_devices()[0 if kind == "input" else 1]
    if isinstance(spec, str) and spec.strip().isdigit():
        spec = int(spec.strip())
    if spec is None or spec == "":
        default = _default_index(kind)
        chosen = next((d for d in candidates if d.index == default), candidates[0] if candidates else None)
        if chosen is None:
            raise AudioDeviceError(f"No audio {kind} device found. {describe_devices(kind)}")
        return chosen
    if isinstance(spec, int):
        chosen = next((d for d in candidates if d.index == spec), None)
    else:
        wanted = spec.casefold()
        matches = [d for d in candidates if wanted in d.name.casefold()]
        exact = [d for d in matches if d.name.casefold() == wanted]
        chosen = (exact or matches)[0] if matches else None
    if chosen is None:
        raise AudioDeviceError(f"No {kind} device matches {spec!r}. {describe_devices(kind)}")
    return chosen


def find_input(spec: str | int | None = None) -> DeviceInfo:
    """The microphone to use; AudioDeviceError listing the input devices when none fits."""
    return find_device(spec, "input")


def find_output(spec: str | int | None = None) -> DeviceInfo:
    """The speaker to use; AudioDeviceError listing the output devices when none fits."""
    return find_device(spec, "output")


def hostapi_of(index: int) -> str:
    """Name of the PortAudio host API ("ALSA", "JACK Audio Connection Kit" ...) of a device, or ""."""
    sd, _ = sounddevice_module()
    try:
        device = sd.query_devices(index) if sd is not None else None
        return str(sd.query_hostapis(int(device["hostapi"]))["name"]) if sd is not None and device else ""
    except (OSError, KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        _LOGGER.debug("host API of device %d unknown: %s", index, exc)
        return ""


def open_stream(factory: Callable[..., Any], device: DeviceInfo, kind: Kind, block_ms: float = 0,
                **kwargs: Any) -> tuple[Any, int]:
    """Open a mono int16 stream at 16 kHz, or at the device's default rate when 16 kHz is refused.

    Returns (stream, rate); `block_ms` > 0 sets the block size in milliseconds at whichever rate opened.
    Many microphones answer 16 kHz with "Invalid sample rate" (-9997).
    """
    sd, problem = sounddevice_module()
    if sd is None:
        raise AudioDeviceError(problem or "PortAudio is not available")
    rates = [SAMPLE_RATE]
    if int(device.default_rate) != SAMPLE_RATE:
        rates.append(int(device.default_rate))
    last: Exception | None = None
    for rate in rates:
        try:
            stream = factory(device=device.index, samplerate=rate, channels=1, dtype="int16",
                             blocksize=int(rate * block_ms / 1000), **kwargs)
        except (sd.PortAudioError, ValueError) as exc:
            _LOGGER.info("%s device %d refused %d Hz: %s", kind, device.index, rate, exc)
            last = exc
            continue
        return stream, rate
    raise AudioDeviceError(f"Cannot open {kind} device {device.describe()}: {last}")

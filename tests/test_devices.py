"""Device listing and selection: for real on this machine (no sound card), and with a faked PortAudio list."""

from __future__ import annotations

import pytest
import sounddevice as sd
from click.testing import CliRunner

from assistant.audio import devices
from assistant.audio.devices import AudioDeviceError, DeviceInfo, find_input, find_output, list_devices
from assistant.cli import cli

FAKE = [
    {"index": 0, "name": "HDA Intel PCH: ALC3246 Analog (hw:0,0)", "max_input_channels": 2,
     "max_output_channels": 2, "default_samplerate": 44100.0},
    {"index": 1, "name": "HDMI 0 (hw:0,3)", "max_input_channels": 0, "max_output_channels": 8,
     "default_samplerate": 48000.0},
    {"index": 2, "name": "USB PnP Sound Device: Audio (hw:1,0)", "max_input_channels": 1,
     "max_output_channels": 0, "default_samplerate": 48000.0},
]


@pytest.fixture
def fake_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sd, "query_devices", lambda *a, **k: [dict(d) for d in FAKE])
    monkeypatch.setattr(devices, "_default_index", lambda kind: 0)


def test_this_machine_has_no_devices_and_says_so() -> None:
    assert list_devices() == ([], [])
    assert "no audio devices" in (devices.device_problem() or "").lower()
    with pytest.raises(AudioDeviceError, match=r"No input device matches 'USB'\. Input devices: none found "
                                               r"\(is a microphone connected\?"):
        find_input("USB")
    with pytest.raises(AudioDeviceError, match="No audio output device found.*Output devices: none found"):
        find_output(None)


def test_devices_command_without_devices() -> None:
    result = CliRunner().invoke(cli, ["devices"])
    assert result.exit_code == 0, result.output
    assert "No audio input devices found." in result.output
    assert "No audio output devices found." in result.output


def test_portaudio_init_error_is_no_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("PortAudio library not found")

    monkeypatch.setattr(sd, "query_devices", broken)
    assert list_devices() == ([], [])
    with pytest.raises(AudioDeviceError, match="PortAudio library not found"):
        find_input(None)


def test_list_splits_inputs_and_outputs(fake_devices: None) -> None:
    inputs, outputs = list_devices()
    assert [d.index for d in inputs] == [0, 2]
    assert [d.index for d in outputs] == [0, 1]
    assert inputs[1] == DeviceInfo(2, "USB PnP Sound Device: Audio (hw:1,0)", 1, 48000.0)


def test_find_by_name_index_and_default(fake_devices: None) -> None:
    assert find_input("usb pnp").index == 2
    assert find_input(2).index == 2
    assert find_input("2").index == 2
    assert find_output("hdmi").index == 1
    assert find_input(None).index == 0
    assert find_output(None).index == 0


def test_wrong_direction_or_name_lists_the_devices_that_exist(fake_devices: None) -> None:
    with pytest.raises(AudioDeviceError) as err:
        find_input("HDMI")  # an output-only device
    message = str(err.value)
    assert message.startswith("No input device matches 'HDMI'.")
    assert "0: HDA Intel PCH" in message and "2: USB PnP Sound Device" in message
    assert "HDMI 0" not in message
    with pytest.raises(AudioDeviceError, match="No output device matches 2"):
        find_output(2)


def test_devices_command_lists_fake_devices(fake_devices: None) -> None:
    result = CliRunner().invoke(cli, ["devices"])
    assert result.exit_code == 0, result.output
    assert "Audio input devices:\n  0: HDA Intel PCH" in result.output
    assert "2: USB PnP Sound Device: Audio (hw:1,0) (1 ch, 48000 Hz)" in result.output
    assert "No audio" not in result.output

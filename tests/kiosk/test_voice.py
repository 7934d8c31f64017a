"""Spoken guidance: espeak-ng's real speech (rendered to WAV files and measured), and the
voice's behaviour around its processes with a fake runner and a fake clock."""

from __future__ import annotations

import io
import logging
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from kiosk.config import KioskConfig
from kiosk.voice import (
    REPEAT_AFTER_S,
    NullVoice,
    RecordingVoice,
    Speaker,
    Voice,
    VoiceUnavailable,
    spoken_text,
    voice_from_config,
)

ENGLISH = "Please stand on the green footprints."
GERMAN = "Bitte stellen Sie sich auf die grünen Fußabdrücke."
ESPEAK_RATE_HZ = 22050  # espeak-ng's own voices speak at 22.05 kHz

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (packaging/scripts/system-deps.sh installs it)")


# -- real speech, rendered to WAV files ---------------------------------------------------

def read_wav(path: Path):
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = np.frombuffer(w.readframes(params.nframes), dtype="<i2")
    return params, samples


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@needs_espeak
@pytest.mark.parametrize("text, lang", [(ENGLISH, "en"), (GERMAN, "de")])
def test_speech_is_a_plausible_mono_recording(tmp_path, text, lang):
    path = Voice(80).render(text, lang, tmp_path / f"{lang}.wav")
    params, samples = read_wav(path)
    assert path.is_file()
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, ESPEAK_RATE_HZ)
    duration_s = params.nframes / params.framerate
    assert 1.5 < duration_s < 8.0
    assert rms(samples) > 500


@needs_espeak
def test_a_lower_volume_is_quieter(tmp_path):
    quiet = rms(read_wav(Voice(20).render(ENGLISH, "en", tmp_path / "quiet.wav"))[1])
    loud = rms(read_wav(Voice(100).render(ENGLISH, "en", tmp_path / "loud.wav"))[1])
    assert quiet < 0.5 * loud


@needs_espeak
def test_german_and_english_are_spoken_differently(tmp_path):
    voice = Voice(80)
    en = read_wav(voice.render(ENGLISH, "en", tmp_path / "en.wav"))[1]
    de = read_wav(voice.render(ENGLISH, "de", tmp_path / "de.wav"))[1]
    # The same words in the two voices: different sounds, not the same recording twice.
    assert en.shape != de.shape or not np.array_equal(en, de)


@needs_espeak
def test_a_text_that_looks_like_an_option_is_spoken(tmp_path):
    params, samples = read_wav(Voice(80).render("-5 cm", "en", tmp_path / "minus.wav"))
    assert params.nframes > 0 and rms(samples) > 500


@needs_espeak
def test_real_playback_never_raises_without_a_sound_device():
    # With or without a sound device: say returns, close stops and reaps the process.
    voice = Voice(1)
    voice.say(ENGLISH, "en")
    voice.close()
    voice.say(GERMAN, "de")  # after close: nothing


def test_rendering_to_an_impossible_place_is_a_typed_error(tmp_path):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    with pytest.raises(VoiceUnavailable, match="could not write"):
        Voice(80).render(ENGLISH, "en", tmp_path / "no" / "such" / "dir" / "x.wav")


# -- the voice around its processes: a fake runner and a fake clock ------------------------

class FakeProcess:
    def __init__(self, argv, stderr: bytes = b""):
        self.argv = list(argv)
        self.returncode: int | None = None
        self.stderr = io.BytesIO(stderr)
        self.terminated = False
        self.killed = False

    def poll(self):
        return self.returncode

    def terminate(self):
        self.terminated = True
        self.returncode = -15

    def kill(self):
        self.killed = True
        self.returncode = -9

    def wait(self, timeout=None):
        return self.returncode if self.returncode is not None else 0

    def end(self, returncode: int = 0):
        self.returncode = returncode


class FakeRunner:
    def __init__(self, stderr: bytes = b""):
        self.processes: list[FakeProcess] = []
        self.stderr = stderr

    def __call__(self, argv):
        process = FakeProcess(argv, self.stderr)
        self.processes.append(process)
        return process

    @property
    def texts(self):
        return [p.argv[-1] for p in self.processes]


class FakeClock:
    def __init__(self):
        self.now_s = 1000.0

    def __call__(self):
        return self.now_s


@pytest.fixture
def espeak_path(tmp_path) -> str:
    """An executable named like espeak-ng, never run (the runner is a fake)."""
    path = tmp_path / "bin" / "espeak-ng"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


def fake_voice(espeak_path, volume_percent=80, stderr=b""):
    runner, clock = FakeRunner(stderr), FakeClock()
    voice = Voice(volume_percent, executable=espeak_path, runner=runner, clock=clock)
    return voice, runner, clock


def test_say_starts_espeak_and_returns_without_waiting(espeak_path):
    voice, runner, _ = fake_voice(espeak_path, volume_percent=60)
    voice.say(GERMAN, "de")
    [process] = runner.processes
    argv = process.argv
    assert argv[0] == espeak_path  # the program itself, no shell in between
    assert "sh" not in Path(argv[0]).name.split("-") and "-c" not in argv
    assert argv[argv.index("-v") + 1] == "de"
    assert argv[argv.index("-a") + 1] == "60"
    assert argv[argv.index("-s") + 1] == "150"
    assert argv[-2:] == ["--", GERMAN]  # the whole text is one argument
    assert process.returncode is None  # still speaking: say did not wait for it
    voice.close()
    assert process.terminated


def test_a_new_phrase_stops_the_one_still_playing(espeak_path):
    voice, runner, clock = fake_voice(espeak_path)
    voice.say(ENGLISH, "en")
    clock.now_s += 0.5
    voice.say("Hold still, please", "en")
    first, second = runner.processes
    assert first.terminated and not second.terminated
    assert runner.texts == [ENGLISH, "Hold still, please"]
    voice.close()


def test_a_phrase_is_not_repeated_within_the_repeat_interval(espeak_path):
    voice, runner, clock = fake_voice(espeak_path)
    voice.say(ENGLISH, "en")
    runner.processes[0].end()
    clock.now_s += REPEAT_AFTER_S - 0.5
    voice.say(ENGLISH, "en")
    assert len(runner.processes) == 1
    clock.now_s += 1.0  # the interval has passed: said again
    voice.say(ENGLISH, "en")
    assert runner.texts == [ENGLISH, ENGLISH]
    voice.close()


def test_flickering_guidance_does_not_chatter(espeak_path):
    voice, runner, clock = fake_voice(espeak_path)
    for _ in range(5):  # the checker flips between two messages many times a second
        voice.say("Hold still, please", "en")
        clock.now_s += 0.1
        voice.say("Good. Keep holding still", "en")
        clock.now_s += 0.1
    assert runner.texts == ["Hold still, please", "Good. Keep holding still"]
    voice.close()


def test_a_long_phrase_still_playing_is_not_restarted(espeak_path):
    voice, runner, clock = fake_voice(espeak_path)
    voice.say(GERMAN, "de")
    clock.now_s += REPEAT_AFTER_S + 1  # still speaking after the repeat interval
    voice.say(GERMAN, "de")
    assert len(runner.processes) == 1 and not runner.processes[0].terminated
    voice.close()


def test_the_same_words_in_the_other_language_are_a_new_phrase(espeak_path):
    voice, runner, _ = fake_voice(espeak_path)
    voice.say("Hallo", "en")
    voice.say("Hallo", "de")
    assert [p.argv[p.argv.index("-v") + 1] for p in runner.processes] == ["en", "de"]
    voice.close()


def test_stop_silences_and_close_reaps(espeak_path):
    voice, runner, _ = fake_voice(espeak_path)
    voice.say(ENGLISH, "en")
    voice.stop()
    assert runner.processes[0].terminated
    voice.close()
    voice.say(GERMAN, "de")
    assert len(runner.processes) == 1  # closed: silent


def test_no_sound_device_is_logged_once_and_never_raised(espeak_path, caplog):
    # espeak-ng without a sound device says so on stderr and may still exit with 0.
    voice, runner, clock = fake_voice(
        espeak_path, stderr=b"ALSA lib pcm.c: Unknown PCM default\nerror: No such file\n")
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        for text in ("One", "Two", "Three"):
            voice.say(text, "en")
            runner.processes[-1].end(0)
            clock.now_s += 1.0
        voice.close()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "could not play" in warnings[0].getMessage()
    assert "No such file" in warnings[0].getMessage()


def test_a_stopped_phrase_is_no_problem(espeak_path, caplog):
    # A phrase cut short ends with a signal and may complain: that is no failure.
    voice, runner, _ = fake_voice(espeak_path, stderr=b"Terminated\n")
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        voice.say("One", "en")
        voice.say("Two", "en")
        voice.say("Three", "en")
        voice.close()
    assert all(p.terminated for p in runner.processes)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_process_that_cannot_start_is_logged_once(espeak_path, caplog):
    def broken_runner(argv):
        raise PermissionError(13, "Permission denied")

    voice = Voice(80, executable=espeak_path, runner=broken_runner, clock=FakeClock())
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        voice.say("One", "en")
        voice.say("Two", "en")
        voice.close()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "could not be started" in warnings[0].getMessage()


def test_a_language_without_a_voice_stays_silent(espeak_path, caplog):
    voice, runner, _ = fake_voice(espeak_path)
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        voice.say("Bonjour", "fr")
    assert runner.processes == [] and "no voice" in caplog.text
    voice.close()


# -- the factory ----------------------------------------------------------------------------

@pytest.mark.parametrize("config", [KioskConfig(voice=False), KioskConfig(voice_volume=0)],
                         ids=["voice off", "volume 0"])
def test_voice_off_is_a_null_voice_that_starts_nothing(config, espeak_path):
    runner = FakeRunner()
    notes: list[str] = []
    voice = voice_from_config(config, notes=notes, executable=espeak_path, runner=runner)
    assert isinstance(voice, NullVoice)
    voice.say(ENGLISH, "en")
    voice.stop()
    voice.close()
    assert runner.processes == [] and notes == []


def test_voice_on_speaks_at_the_configured_volume(espeak_path):
    runner = FakeRunner()
    voice = voice_from_config(KioskConfig(voice_volume=35), executable=espeak_path,
                              runner=runner, clock=FakeClock())
    assert isinstance(voice, Voice)
    voice.say(ENGLISH, "en")
    assert runner.processes[0].argv[runner.processes[0].argv.index("-a") + 1] == "35"
    voice.close()


def test_a_missing_espeak_is_a_null_voice_with_one_note(tmp_path):
    missing = str(tmp_path / "nowhere" / "espeak-ng")
    with pytest.raises(VoiceUnavailable):
        Voice(80, executable=missing)
    runner = FakeRunner()
    notes: list[str] = []
    voice = voice_from_config(KioskConfig(), notes=notes, executable=missing, runner=runner)
    assert isinstance(voice, NullVoice)
    voice.say(ENGLISH, "en")
    assert runner.processes == []
    assert len(notes) == 1 and "\n" not in notes[0]
    assert "not found" in notes[0] and voice.reason == notes[0]


def test_a_missing_espeak_without_notes_is_logged(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        voice = voice_from_config(KioskConfig(), executable=str(tmp_path / "espeak-ng"))
    assert isinstance(voice, NullVoice) and "not found" in caplog.text


def test_every_voice_is_a_speaker(espeak_path):
    speakers: list[Speaker] = [NullVoice(), RecordingVoice(),
                               Voice(80, executable=espeak_path, runner=FakeRunner())]
    for speaker in speakers:
        speaker.say(ENGLISH, "en")
        speaker.close()
    recording = speakers[1]
    assert isinstance(recording, RecordingVoice)
    assert recording.said == [(ENGLISH, "en")] and recording.closed


# -- config and spoken text -------------------------------------------------------------------

def test_config_voice_fields():
    config = KioskConfig()
    assert config.voice is True and config.voice_volume == 80
    assert KioskConfig.model_validate({"voice": False, "voice_volume": 20}).voice_volume == 20
    for bad in (-1, 101):
        with pytest.raises(ValidationError):
            KioskConfig(voice_volume=bad)


@pytest.mark.parametrize("text, lang, spoken", [
    ("Hold still, please", "en", "Hold still, please"),
    ("Starting the camera …", "en", "Starting the camera"),
    ("42.5 cm ± 0.3", "en", "42.5 centimetres plus or minus 0.3"),
    ("1 cm", "en", "1 centimetre"),
    ("42,5 cm ± 0,3", "de", "42,5 Zentimeter plus minus 0,3"),
    ("12\u00a0mm", "de", "12 Millimeter"),
    ("Fertig.\n Vielen Dank!", "de", "Fertig. Vielen Dank!"),
    ("Wade cC", "de", "Wade cC"),  # letters that are no unit stay as they are
])
def test_spoken_text(text, lang, spoken):
    assert spoken_text(text, lang) == spoken

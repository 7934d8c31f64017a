"""Spoken guidance: the kiosk says what its screen says, in English or German.

A shopper standing sideways on the mat cannot read the screen, so the measuring and
turn screens' guidance is also spoken. The caller passes the on-screen text; this module
only speaks it, through espeak-ng in a child process (no shell) that plays through its
own audio output:

- ``say`` starts the process and returns at once (the caller is the Qt main thread);
  a new phrase stops one still playing; a phrase said within ``repeat_after_s`` is not
  said again (guidance that flickers between two messages does not chatter);
- a machine without a sound device, or an espeak-ng that fails, is logged once and
  otherwise ignored: speech never raises into the kiosk;
- ``render`` writes the same speech to a WAV file (the tests listen to it that way).

``voice_from_config`` gives a ``Voice``, or a ``NullVoice`` when the config turns speech
off or espeak-ng is missing (``VoiceUnavailable``, turned into one note). Everything
that speaks is a ``Speaker``: the kiosk and its tests can pass any fake.

Not thread-safe: one thread (the Qt main thread) calls ``say``, ``stop`` and ``close``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from fitting.errors import LegFitError
from kiosk.config import KioskConfig

_log = logging.getLogger(__name__)

ESPEAK_EXECUTABLE = "espeak-ng"
# The kiosk's languages and the espeak-ng voice that speaks each.
VOICES: dict[str, str] = {"en": "en", "de": "de"}
# Words per minute: slower than espeak-ng's 175, for older shoppers.
SPEED_WPM = 150
# espeak-ng's amplitude (0..200, its default 100) at a volume of 100 %: above its default
# the loudest syllables clip.
AMPLITUDE_AT_FULL_VOLUME = 100
# The same phrase is not said again within this time.
REPEAT_AFTER_S = 5.0
# How long ``close`` waits for a stopped process before killing it.
STOP_WAIT_S = 1.0
RENDER_TIMEOUT_S = 30.0


class VoiceUnavailable(LegFitError):
    """espeak-ng is missing or cannot speak: the kiosk stays silent."""


class SpeechProcess(Protocol):
    """What ``Voice`` needs of a running espeak-ng (a ``subprocess.Popen``)."""

    @property
    def stderr(self) -> IO[bytes] | None: ...

    def poll(self) -> int | None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...

    def wait(self, timeout: float | None = None) -> int: ...


# Starts a process from its argv (no shell) and returns without waiting for it.
Runner = Callable[[Sequence[str]], SpeechProcess]


def start_process(argv: Sequence[str]) -> SpeechProcess:
    """The real runner: espeak-ng in the background, its complaints kept for the log.

    Its stderr is read without blocking: reading it never stalls the caller, even if
    something espeak-ng started (a sound server) still holds the pipe."""
    process = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if process.stderr is not None:
        os.set_blocking(process.stderr.fileno(), False)
    return process


class Speaker(Protocol):
    """Anything the kiosk can speak through."""

    def say(self, text: str, lang: str) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


_UNIT_WORDS = {
    "en": {"cm": ("centimetre", "centimetres"), "mm": ("millimetre", "millimetres")},
    "de": {"cm": ("Zentimeter", "Zentimeter"), "mm": ("Millimeter", "Millimeter")},
}
_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(cm|mm)\b")
_PLUS_MINUS = {"en": " plus or minus ", "de": " plus minus "}


def spoken_text(text: str, lang: str) -> str:
    """What is spoken for a screen text: units as words ("42.5 cm" is not "C M"), "±"
    as words, the ellipsis of a waiting text dropped, one line of plain spaces."""
    units = _UNIT_WORDS.get(lang, _UNIT_WORDS["en"])

    def unit(match: re.Match[str]) -> str:
        number, symbol = match.group(1), match.group(2)
        singular, plural = units[symbol]
        return f"{number} {singular if number == '1' else plural}"

    text = _UNIT.sub(unit, text.replace("\x00", " "))
    text = text.replace("±", _PLUS_MINUS.get(lang, _PLUS_MINUS["en"]))
    text = text.replace("…", " ").replace("...", " ")
    return " ".join(text.split())


def amplitude(volume_percent: int) -> int:
    """espeak-ng's ``-a`` for a volume of 0..100 %."""
    return round(volume_percent * AMPLITUDE_AT_FULL_VOLUME / 100)


def speech_argv(executable: str, text: str, voice: str, *, volume_percent: int,
                speed_wpm: int = SPEED_WPM, wav_path: Path | None = None) -> list[str]:
    """espeak-ng's command line; ``--`` keeps a text such as "-5 cm" from being an option."""
    argv = [executable, "-v", voice, "-s", str(speed_wpm), "-a", str(amplitude(volume_percent))]
    if wav_path is not None:
        argv += ["-w", str(wav_path)]
    return [*argv, "--", text]


def _last_line(data: bytes) -> str:
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else ""


class Voice:
    """Speaks through espeak-ng. Raises ``VoiceUnavailable`` if ``executable`` is not
    found; once built, ``say`` never raises."""

    def __init__(self, volume_percent: int = 80, *, executable: str = ESPEAK_EXECUTABLE,
                 runner: Runner = start_process,
                 clock: Callable[[], float] = time.monotonic,
                 repeat_after_s: float = REPEAT_AFTER_S, speed_wpm: int = SPEED_WPM) -> None:
        if not 0 <= volume_percent <= 100:
            raise ValueError(f"volume_percent must be 0..100, not {volume_percent}")
        found = shutil.which(executable)
        if found is None:
            raise VoiceUnavailable(
                f"spoken guidance is off: {executable} was not found (install espeak-ng "
                f"for the kiosk to speak)")
        self.executable = found
        self.volume_percent = volume_percent
        self.speed_wpm = speed_wpm
        self.repeat_after_s = repeat_after_s
        self._runner = runner
        self._clock = clock
        self._current: SpeechProcess | None = None
        self._current_phrase: tuple[str, str] | None = None
        self._stopping: list[SpeechProcess] = []
        self._said_at: dict[tuple[str, str], float] = {}
        self._problem_logged = False
        self._closed = False

    def argv(self, text: str, lang: str, wav_path: Path | None = None) -> list[str]:
        voice = VOICES.get(lang)
        if voice is None:
            raise VoiceUnavailable(f"there is no voice for the language {lang!r}")
        return speech_argv(self.executable, spoken_text(text, lang), voice,
                           volume_percent=self.volume_percent, speed_wpm=self.speed_wpm,
                           wav_path=wav_path)

    def say(self, text: str, lang: str) -> None:
        """Start speaking ``text`` and return at once."""
        if self._closed:
            return
        self._reap()
        phrase = (spoken_text(text, lang), lang)
        if not phrase[0]:
            return
        now = self._clock()
        self._said_at = {p: t for p, t in self._said_at.items()
                         if now - t < self.repeat_after_s}
        if phrase in self._said_at:
            return
        if phrase == self._current_phrase and self._running(self._current):
            return  # a long phrase still being said
        try:
            argv = self.argv(text, lang)
        except VoiceUnavailable as exc:
            self._problem(str(exc))
            return
        self.stop()
        try:
            process = self._runner(argv)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            self._problem(f"espeak-ng could not be started: {exc}")
            return
        self._current, self._current_phrase = process, phrase
        self._said_at[phrase] = now

    def stop(self) -> None:
        """Stop the phrase being said, if any (without waiting for the process)."""
        process, self._current, self._current_phrase = self._current, None, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(OSError):  # it ended meanwhile
                process.terminate()
            self._stopping.append(process)
        else:
            self._finished(process)

    def close(self) -> None:
        """Stop speaking and reap every process (waits up to ``STOP_WAIT_S`` each)."""
        if self._closed:
            return
        self._closed = True
        self.stop()
        for process in self._stopping:
            try:
                process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_WAIT_S)
            except OSError:
                pass
            _close_stderr(process)
        self._stopping = []

    def render(self, text: str, lang: str, path: Path,
               timeout_s: float = RENDER_TIMEOUT_S) -> Path:
        """Write the speech of ``text`` to the WAV file ``path`` (blocks until written)."""
        path = Path(path)
        argv = self.argv(text, lang, wav_path=path)
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout_s, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceUnavailable(f"espeak-ng could not write {path}: {exc}") from None
        if done.returncode != 0 or not path.is_file():
            reason = _last_line(done.stderr) or f"exit status {done.returncode}"
            raise VoiceUnavailable(f"espeak-ng could not write {path}: {reason}")
        return path

    # -- the processes -------------------------------------------------------------------

    @staticmethod
    def _running(process: SpeechProcess | None) -> bool:
        return process is not None and process.poll() is None

    def _reap(self) -> None:
        """Collect processes that have ended (no zombies); report a failed one once."""
        if self._current is not None and self._current.poll() is not None:
            self._finished(self._current)
            self._current, self._current_phrase = None, None
        still: list[SpeechProcess] = []
        for process in self._stopping:
            if process.poll() is None:
                still.append(process)
            else:
                _close_stderr(process)  # stopped on purpose: its complaints do not count
        self._stopping = still

    def _finished(self, process: SpeechProcess) -> None:
        """A phrase that ended by itself: espeak-ng says on stderr when it could not play
        (no sound device) yet may still exit with 0."""
        complaint = b""
        if process.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                complaint = process.stderr.read() or b""  # None: nothing to read yet
            _close_stderr(process)
        status = process.poll()
        if status or complaint.strip():
            reason = _last_line(complaint) or f"exit status {status}"
            self._problem(f"espeak-ng could not play the spoken guidance: {reason}")

    def _problem(self, message: str) -> None:
        if self._problem_logged:
            _log.debug("%s", message)
            return
        self._problem_logged = True
        _log.warning("%s (further problems with speech are not logged)", message)


def _close_stderr(process: SpeechProcess) -> None:
    if process.stderr is not None:
        with contextlib.suppress(OSError):
            process.stderr.close()


@dataclass
class NullVoice:
    """Says nothing: speech is off, or espeak-ng is missing (``reason`` says which)."""

    reason: str = "spoken guidance is off"

    def say(self, text: str, lang: str) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class RecordingVoice:
    """A fake for the kiosk's tests: remembers what it was asked to say."""

    said: list[tuple[str, str]] = field(default_factory=list)
    stops: int = 0
    closed: bool = False

    def say(self, text: str, lang: str) -> None:
        self.said.append((text, lang))

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        self.closed = True


def voice_from_config(config: KioskConfig, *, notes: list[str] | None = None,
                      executable: str = ESPEAK_EXECUTABLE, runner: Runner = start_process,
                      clock: Callable[[], float] = time.monotonic) -> Speaker:
    """The kiosk's voice: a ``NullVoice`` when the config turns it off (or to volume 0),
    or when espeak-ng is missing; then one note goes to ``notes`` (or the log)."""
    if not config.voice or config.voice_volume == 0:
        return NullVoice("spoken guidance is off in the config")
    try:
        return Voice(config.voice_volume, executable=executable, runner=runner, clock=clock)
    except VoiceUnavailable as exc:
        if notes is not None:
            notes.append(str(exc))
        else:
            _log.warning("%s", exc)
        return NullVoice(str(exc))

"""Announcements on a terminal screen through a local speech command, one at a time.

Each call is read `repeat` times, then the next call: a new call waits for the one
being read, it never cuts in. The command is configurable (`[display].voice_command`
or `--voice-command`); the sentence is passed as its last argument, or where it says
`{text}`. espeak-ng reads Chinese characters badly but pinyin well, so a command that
names the `cmn-latn-pinyin` voice (or says `{pinyin}`) gets the sentence in pinyin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
from dataclasses import dataclass, field

from onewindow import protocol as p
from onewindow.i18n import text

log = logging.getLogger(__name__)
SAY_TIMEOUT_S = 20.0
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """0–9999 the way it is read aloud: 3 → 三, 12 → 十二, 105 → 一百零五."""
    if n == 0:
        return _DIGITS[0]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += _DIGITS[0]
            zero = False
        out += ("" if (unit == "十" and digit == 1 and not out) else _DIGITS[digit]) + unit
    return out


def spoken_number(number: str, lang: str) -> str:
    """A ticket number read digit by digit: A012 → A 零 一 二."""
    digits = text("display.voice_digits", lang).split()
    return " ".join(digits[int(ch)] if ch.isdigit() else ch for ch in number)


def sentences(call: p.CallView, mode: str, repeat: int) -> list[str]:
    """What is read for one call: the hall language `repeat` times, English once more
    when the hall shows both."""
    langs = ["en"] if mode == "en" else ["zh"]
    out = [_sentence(call, lang) for _ in range(max(1, repeat)) for lang in langs]
    if mode == "both":
        out.append(_sentence(call, "en"))
    return out


def _sentence(call: p.CallView, lang: str) -> str:
    window = chinese_number(call.window) if lang == "zh" else str(call.window)
    return text("display.voice_call", lang, number=spoken_number(call.number, lang), window=window)


def to_pinyin(sentence: str) -> str:
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(sentence, style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(w.strip() for w in words if w.strip() and w.strip() not in "，。")


def command_argv(command: str, sentence: str) -> list[str]:
    argv = shlex.split(command)
    wants_pinyin = "{pinyin}" in command or "cmn-latn-pinyin" in command
    spoken = to_pinyin(sentence) if wants_pinyin and not sentence.isascii() else sentence
    if any("{text}" in a or "{pinyin}" in a for a in argv):
        return [a.replace("{text}", spoken).replace("{pinyin}", spoken) for a in argv]
    return [*argv, spoken]


@dataclass
class VoiceQueue:
    command: str
    mode: str = "zh"
    repeat: int = 1
    spoken: list[str] = field(default_factory=list)  # every sentence as it was started
    failed: str = ""
    _queue: asyncio.Queue[p.CallView] = field(default_factory=asyncio.Queue)
    _busy: bool = False

    def announce(self, call: p.CallView) -> None:
        if not self.failed:
            self._queue.put_nowait(call)

    @property
    def idle(self) -> bool:
        return self._queue.empty() and not self._busy

    async def run(self) -> None:
        while True:
            call = await self._queue.get()
            self._busy = True
            try:
                for sentence in sentences(call, self.mode, self.repeat):
                    self.spoken.append(sentence)
                    await self._say(sentence)
            finally:
                self._busy = False

    async def _say(self, sentence: str) -> None:
        try:
            proc = await asyncio.create_subprocess_exec(
                *command_argv(self.command, sentence),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        except (OSError, ValueError) as e:
            # A missing program will not appear by itself: stop trying, say it once.
            self.failed = f"{self.command}: {e}"
            log.error("voice command failed, announcements are off: %s", self.failed)
            return
        try:
            await asyncio.wait_for(proc.wait(), SAY_TIMEOUT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

"""A newcomer's first hour, measured (issue 8's figure): tracebacks, Python reprs and English
sentences in everything the bot prints.

    .venv/bin/python -m benchmarks.newcomer

Runs the scripted console chat (piped into ``python -m bot``) and every README command-line
step of ``tests/bot/test_newcomer_session.py`` as its own ``python -m bot`` process on a
scratch database, and checks each output line with ``tests/textcheck.py``. Target: 0 of each,
and every exit status as expected.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.bot.test_newcomer_session import CONSOLE_SCRIPT, README_STEPS, _officers_csv  # noqa: E402
from tests.textcheck import problems  # noqa: E402

FAKE_NOW = "2026-06-10T09:00:00+07:00"  # a working morning: no quiet hours


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE_URL", "LOG_LEVEL")}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'bot.sqlite3'}", DATA_DIR=str(folder / "data"),
               PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8", BOT_FAKE_NOW=FAKE_NOW)
    return env


def _bot(folder: Path, argv: list[str], stdin: str = "", load_samples: bool = True) -> subprocess.CompletedProcess:
    env = _env(folder)
    env["LOAD_SAMPLES"] = "true" if load_samples else "false"
    return subprocess.run([sys.executable, "-m", "bot", *argv], input=stdin, capture_output=True, text=True,
                          cwd=folder, env=env, timeout=300, encoding="utf-8")


def _clean(stderr: str) -> str:
    return "".join(line for line in stderr.splitlines(True) if "TEST-ONLY" not in line)


def main() -> int:
    kinds: Counter[str] = Counter()
    lines = wrong_status = 0
    with tempfile.TemporaryDirectory() as tmp:
        console_dir, cli_dir = Path(tmp, "console"), Path(tmp, "cli")
        console_dir.mkdir()
        cli_dir.mkdir()
        started = time.perf_counter()
        chat = _bot(console_dir, [], CONSOLE_SCRIPT)
        console_s = time.perf_counter() - started
        outputs = [chat.stdout + _clean(chat.stderr)]
        wrong_status += chat.returncode != 0
        _officers_csv(cli_dir)
        started = time.perf_counter()
        for argv, status in README_STEPS:
            result = _bot(cli_dir, argv, load_samples=False)
            outputs.append(result.stdout + _clean(result.stderr))
            if result.returncode != status:
                wrong_status += 1
                print(f"  exit {result.returncode} (expected {status}): python -m bot {' '.join(argv)}")
        cli_s = time.perf_counter() - started
    for text in outputs:
        lines += len(text.splitlines())
        for found in problems(text):
            kinds[found.split(":", 1)[0]] += 1
            print(f"  {found}")
    print(f"console chat: {CONSOLE_SCRIPT.count(chr(10))} lines typed, {console_s:.1f} s; "
          f"command line: {len(README_STEPS)} steps, {cli_s:.1f} s")
    print(f"output lines checked: {lines}")
    print(f"tracebacks: {kinds['traceback'] + kinds['traceback frame']}, "
          f"Python reprs: {sum(n for k, n in kinds.items() if k not in ('traceback', 'traceback frame', 'English'))}, "
          f"English sentences: {kinds['English']}, unexpected exit statuses: {wrong_status}")
    return 0 if not kinds and not wrong_status else 1


if __name__ == "__main__":
    raise SystemExit(main())

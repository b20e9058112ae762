"""One file cannot take the service down: untrusted files are parsed in a worker subprocess
with memory (RLIMIT_AS), CPU-time (RLIMIT_CPU) and wall-clock limits.

A plain ``python -m <worker module>`` per file, not a process pool: each file gets a fresh
process (CPU time is counted per process, and a pool worker that hit a limit is gone anyway),
a wall-clock timeout kills the worker's whole process group (Tesseract included), and nothing
is forked from the bot's threaded process. The worker applies the limits to itself before it
reads a byte of the file (``worker_main``), so no ``preexec_fn`` runs in a threaded parent.
Results come back as JSON, never pickle: a worker subverted by a file cannot run code here.
``run_isolated`` blocks (the command line, worker threads); ``run_isolated_async`` is for the
event loop, and cancelling it kills the worker (a stopping bot does not wait for a read).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import signal
# The reader worker is our own module run with our own interpreter: no shell, no user text in argv.
import subprocess  # nosec B404
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from store.directives.text import DirectiveParseError
from store.directives.readers.limits import TooComplex

log = logging.getLogger(__name__)

_LIMITS_ENV = "THIDUA_WORKER_LIMITS"
DAMAGED = "không đọc được tệp (bộ đọc gặp lỗi)"
_PASSED_ENV = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "TESSDATA_PREFIX")
MAX_MESSAGE = 300  # a worker's message goes to the user: bounded


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 1024 * 1024 * 1024  # address space; Python, the readers and a rendered page fit
    cpu_seconds: int = 60  # the worker's own CPU; Tesseract runs in its own process, same limit
    wall_seconds: float = 240.0  # the whole read, OCR of the largest scan allowed included


DEFAULT_LIMITS = Limits()
NICENESS = 10
MAX_WORKERS = 2  # files read at once; more wait (a burst of uploads cannot fill the machine)
_slots = threading.BoundedSemaphore(MAX_WORKERS)


def run_isolated(module: str, args: list[str], payload: bytes, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Run ``python -m module *args`` with ``payload`` on stdin under ``limits``; its JSON answer.
    Raises TooComplex when a limit stops it, DirectiveParseError with the worker's message."""
    with _slots:
        started = time.monotonic()
        # argv is [sys.executable, "-m", <our module>, <file name>]: no shell; the file's bytes go on stdin.
        proc = subprocess.Popen(_command(module, args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # nosec B603
                                stderr=subprocess.PIPE, env=_env(limits), start_new_session=True)
        try:
            out, err = proc.communicate(payload, timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            proc.communicate()
            raise TooComplex(f"đọc quá {limits.wall_seconds:.0f} giây") from None
    log.info("isolated %s: exit %s after %.1f s", module, proc.returncode, time.monotonic() - started)
    return _answer(module, proc.returncode, out, err, limits)


async def run_isolated_async(module: str, args: list[str], payload: bytes,
                             limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """``run_isolated`` for the event loop: cancelling it (a stopping bot) kills the worker."""
    while not _slots.acquire(blocking=False):  # polled, so a cancelled wait never holds a slot
        await asyncio.sleep(0.1)
    try:
        proc = await asyncio.create_subprocess_exec(*_command(module, args), stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                    env=_env(limits), start_new_session=True)
        try:
            out, err = await asyncio.wait_for(proc.communicate(payload), limits.wall_seconds)
        except asyncio.TimeoutError:
            raise TooComplex(f"đọc quá {limits.wall_seconds:.0f} giây") from None
        finally:
            if proc.returncode is None:  # timed out or cancelled
                _kill_group(proc.pid)
                await proc.wait()
    finally:
        _slots.release()
    return _answer(module, proc.returncode or 0, out, err, limits)


def _command(module: str, args: list[str]) -> list[str]:
    return [sys.executable, "-m", module, *args]


def _env(limits: Limits) -> dict[str, str]:
    """Only what reading needs: no token, no database password reaches a worker a file subverted."""
    kept = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    return dict(kept, OMP_THREAD_LIMIT="1", **{_LIMITS_ENV: f"{limits.memory_bytes},{limits.cpu_seconds}"})


def _kill_group(pid: int) -> None:
    """The worker and what it started (Tesseract): it leads its own process group."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _answer(module: str, code: int, out: bytes, err: bytes, limits: Limits) -> dict[str, Any]:
    try:
        answer = json.loads(out) if out else None
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        if "too_complex" in answer:
            raise TooComplex(str(answer["too_complex"])[:MAX_MESSAGE])
        if "error" in answer:
            raise DirectiveParseError(str(answer["error"])[:MAX_MESSAGE])
        return answer
    if code in (-signal.SIGXCPU, -signal.SIGKILL):  # the CPU limit (soft, then hard)
        raise TooComplex(f"quá {limits.cpu_seconds} giây xử lý")
    if code < 0 or b"MemoryError" in err or b"std::bad_alloc" in err:
        raise TooComplex("quá bộ nhớ cho phép")
    log.warning("isolated %s failed (exit %s): %s", module, code, err[-500:].decode(errors="replace"))
    raise DirectiveParseError(DAMAGED)


def worker_main(handle: Callable[[list[str], bytes], dict[str, Any]]) -> None:
    """The worker's side: limit this process, read the file from stdin, print ``handle``'s JSON."""
    memory, cpu = (int(v) for v in os.environ[_LIMITS_ENV].split(","))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    os.nice(NICENESS)  # reading a file yields the CPU to the bot answering people
    payload = sys.stdin.buffer.read()
    try:
        answer = handle(sys.argv[1:], payload)
    except TooComplex as exc:
        answer = {"too_complex": exc.why}
    except DirectiveParseError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"too_complex": "quá bộ nhớ cho phép"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()

"""File bombs: ``.venv/bin/python -m benchmarks.file_bombs [--before-cap SECONDS]``.

The audit's two probes, as ``tests/store/directives/file_bombs.py`` builds them: a DOCX of ~130 KiB
whose document part unpacks to 32 MiB, and a 463-byte PDF with one 14,400 pt page and no
text layer. "Before": the DOCX read as the bot used to, in the reading process itself
(``read_here``, no checks, no limits), measured in a child process stopped after the cap.
"After": ``read_document`` as every caller now uses it: the cost to the bot's own process
(wall time, its CPU, its peak memory) and to the worker it may start.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from store.directives.readers import DirectiveParseError, read_document, read_here
from tests.store.directives.file_bombs import page_bomb_pdf, zip_bomb_docx

MIB = 1024 * 1024


def _rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def unprotected() -> None:
    """Child mode: read the DOCX bomb in this process, print what it cost."""
    raw = zip_bomb_docx()
    rss, cpu, started = _rss_mib(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_SELF), time.monotonic()
    outcome = "read"
    try:
        read_here("chi_thi.docx", raw)
    except DirectiveParseError as exc:
        outcome = f"refused: {exc}"
    print(json.dumps({"wall": time.monotonic() - started, "cpu": _cpu(resource.RUSAGE_SELF) - cpu,
                      "rss_growth": _rss_mib(resource.RUSAGE_SELF) - rss, "outcome": outcome}, ensure_ascii=False))


def before(cap: float) -> str:
    """The unprotected read in a child; past the cap, what it had cost when it was killed."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "benchmarks.file_bombs", "--unprotected"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        out, _ = child.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        cpu, peak = _proc_cost(child.pid)
        child.kill()
        child.communicate()
        return (f"not finished after {time.monotonic() - started:.0f} s wall (killed): {cpu:.0f} s CPU, "
                f"{peak:.0f} MiB peak memory so far")
    figures = json.loads(out)
    return (f"{figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU, +{figures['rss_growth']:.0f} MiB peak memory, "
            f"{figures['outcome'][:60]}")


def _proc_cost(pid: int) -> tuple[float, float]:
    """CPU seconds and peak resident MiB of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
    return cpu, peak


def after(name: str, raw: bytes) -> str:
    rss, cpu, workers, started = (_rss_mib(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_SELF),
                                  _cpu(resource.RUSAGE_CHILDREN), time.monotonic())
    try:
        read_document(name, raw)
        outcome = "READ (not refused)"
    except DirectiveParseError as exc:
        outcome = f"«{exc}»"
    return (f"{time.monotonic() - started:.2f} s wall, bot process {_cpu(resource.RUSAGE_SELF) - cpu:.2f} s CPU "
            f"+{_rss_mib(resource.RUSAGE_SELF) - rss:.0f} MiB peak memory, worker {_cpu(resource.RUSAGE_CHILDREN) - workers:.2f} s CPU; "
            f"{outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before-cap", type=float, default=180.0, help="stop the unprotected read after this")
    parser.add_argument("--unprotected", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.unprotected:
        unprotected()
        return
    docx, pdf = zip_bomb_docx(), page_bomb_pdf()
    print(f"zip bomb: {len(docx) / 1024:.0f} KiB DOCX, document part unpacks to 32 MiB")
    print(f"  before: {before(args.before_cap)}")
    print(f"  after:  {after('chi_thi.docx', docx)}")
    print(f"page bomb: {len(pdf)} B PDF, one 14,400 × 14,400 pt page without text "
          f"(OCR at 300 dpi: {14_400 / 72 * 300:,.0f}² px)")
    print(f"  after:  {after('chi_thi.pdf', pdf)}")


if __name__ == "__main__":
    main()

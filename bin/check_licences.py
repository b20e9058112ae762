"""Fail when the runtime dependency set holds a GPL or AGPL package (bin/security runs this).

The runtime set is what ``pip install thidua-bot`` pulls in: the project's requirements without
its ``dev`` extra, followed recursively through the installed distributions' metadata. Each
one's licence comes from pip-licenses (metadata and trove classifiers); GPL and AGPL in any
spelling fail, LGPL does not (python-telegram-bot and psycopg are LGPL-3.0, which a program
may import unchanged). A runtime package with no licence in its metadata fails as well: that
is how a GPL package slipped in before (vietnam-provinces' wheel carried none), so each one
must be looked at and listed in REVIEWED with what its source says.

Usage: .venv/bin/python bin/check_licences.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PROJECT = "thidua-bot"
COPYLEFT = re.compile(r"(?<![L\w])A?GPL|Affero|GNU General Public", re.I)
UNKNOWN = {"", "unknown", "unknown;unknown"}
REVIEWED: dict[str, str] = {}  # package -> its licence as read in its source, when metadata lacks it


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_set(project: str = PROJECT) -> list[str]:
    """The project's runtime distributions, transitively (installed ones only), extras
    such as ``psycopg[binary]`` followed."""
    seen: dict[tuple[str, frozenset[str]], str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(project, frozenset())]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = canonical(dist.metadata["Name"])
        if (key, extras) in seen:
            continue
        seen[(key, extras)] = dist.metadata["Name"]
        for line in dist.requires or []:
            req = Requirement(line)
            wanted = [""] + sorted(extras)
            if req.marker is None or any(req.marker.evaluate({"extra": extra}) for extra in wanted):
                todo.append((req.name, frozenset(req.extras)))
    return sorted({name for (key, _extras), name in seen.items() if key != canonical(project)})


def problems(licences: dict[str, str]) -> list[str]:
    """One line per package whose licence is copyleft (GPL/AGPL) or unknown and unreviewed."""
    out = []
    for name, licence in sorted(licences.items()):
        if COPYLEFT.search(licence):
            out.append(f"{name}: {licence} (GPL/AGPL không được dùng khi chạy)")
        elif licence.strip().lower() in UNKNOWN and canonical(name) not in REVIEWED:
            out.append(f"{name}: không rõ giấy phép (đọc mã nguồn, rồi ghi vào REVIEWED)")
    return out


def licences_of(packages: list[str]) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-m", "piplicenses", "--from=mixed", "--format=json", "--packages",
                           *packages], capture_output=True, text=True, check=True)
    return {row["Name"]: row["License"] for row in json.loads(done.stdout)}


def main() -> int:
    packages = runtime_set()
    if not packages:
        print(f"LỖI: chưa cài {PROJECT} vào môi trường này", file=sys.stderr)
        return 2
    found = problems(licences_of(packages))
    for line in found:
        print(f"LỖI giấy phép: {line}", file=sys.stderr)
    if not found:
        print(f"licences: {len(packages)} runtime distributions, none GPL/AGPL or unknown.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

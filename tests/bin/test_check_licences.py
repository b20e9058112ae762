"""bin/check_licences.py (run by bin/security in CI): GPL/AGPL or an unknown licence in the
runtime dependency set fails; LGPL and the dev tools do not."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHECK = runpy.run_path(str(REPO / "bin" / "check_licences.py"))


def test_copyleft_and_unknown_licences_are_problems_lgpl_is_not() -> None:
    found = CHECK["problems"]({
        "vietnam-provinces": "UNKNOWN",  # how the GPL package came in: its wheel named no licence
        "some-gpl": "GPL-3.0-or-later",
        "some-gpl-classifier": "GNU General Public License v2 or later (GPLv2+)",
        "some-agpl": "GNU Affero General Public License v3",
        "python-telegram-bot": "LGPL-3.0-only",
        "lesser": "GNU Lesser General Public License v3 (LGPLv3)",
        "numpy": "BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0",
    })
    assert [line.split(":")[0] for line in found] == ["some-agpl", "some-gpl", "some-gpl-classifier",
                                                      "vietnam-provinces"]


def test_the_runtime_set_follows_extras_and_leaves_out_the_dev_tools() -> None:
    packages = {name.lower() for name in CHECK["runtime_set"]()}
    assert {"python-telegram-bot", "psycopg", "psycopg-binary", "sqlalchemy"} <= packages
    assert not packages & {"pytest", "ruff", "bandit", "pip-licenses", "vietnam-provinces"}


def test_the_installed_runtime_set_passes() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bin" / "check_licences.py")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "none GPL/AGPL" in done.stdout

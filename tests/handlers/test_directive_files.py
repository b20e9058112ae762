"""An uploaded directive's file: a safe name, kept once per content, the latest found again."""

from __future__ import annotations

import os
from pathlib import Path

from handlers.directive_files import MAX_NAME, keep_file, kept_file, safe_name


def test_safe_name_drops_folders_and_caps_the_length() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name(None) == safe_name("  ") == "van_ban"
    assert len(safe_name("a" * 500 + ".docx")) == MAX_NAME and safe_name("a" * 500 + ".docx").endswith(".docx")


def test_kept_once_per_content_and_the_latest_found_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "directives"
    assert kept_file(folder, "CT 02.docx") is None
    first = keep_file(folder, "CT 02.docx", b"one")
    assert keep_file(folder, "CT 02.docx", b"one") == first  # same bytes: the same file
    second = keep_file(folder, "CT 02.docx", b"two")
    os.utime(first, (1_000, 1_000))
    os.utime(second, (2_000, 2_000))
    assert kept_file(folder, "CT 02.docx") == second and second.read_bytes() == b"two"

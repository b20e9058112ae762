"""One way to download a user's file and keep it: every failure is a note, never a traceback."""

from __future__ import annotations

import logging

import pytest

from core.fetching import NOT_DOWNLOADED, fetch_and_keep
from core.types import FileRef, FileUnavailable


class Refused(Exception):
    pass


REF = FileRef(file_id="f1", kind="document")


def keep(content: bytes) -> str:
    if not content.startswith(b"%PDF"):
        raise Refused
    return f"kept {len(content)}"


async def test_kept_when_the_bytes_pass() -> None:
    async def fetch(_: FileRef) -> bytes:
        return b"%PDF-1.7 ..."

    assert await fetch_and_keep(fetch, REF, keep, refused=Refused, refused_text="không phải PDF") == ("kept 12", "")


async def test_refused_bytes_and_a_failed_check_give_their_notes() -> None:
    async def fetch(_: FileRef) -> bytes:
        return b"MZ\x90\x00"

    assert await fetch_and_keep(fetch, REF, keep, refused=Refused, refused_text="không phải PDF") == \
        (None, "không phải PDF")
    assert await fetch_and_keep(fetch, REF, keep, refused=Refused, refused_text="x",
                                check=lambda content: "Tệp quá lớn." if len(content) > 2 else "") == \
        (None, "Tệp quá lớn.")


async def test_a_missing_file_is_named_and_a_failed_download_asked_again(caplog: pytest.LogCaptureFixture) -> None:
    async def missing(_: FileRef) -> bytes:
        raise FileUnavailable("Không thấy tệp /tmp/a.pdf.")

    async def broken(_: FileRef) -> bytes:
        raise ConnectionError("reset")

    assert await fetch_and_keep(missing, REF, keep, refused=Refused, refused_text="x") == \
        (None, "Không thấy tệp /tmp/a.pdf.")
    with caplog.at_level(logging.ERROR):
        assert await fetch_and_keep(broken, REF, keep, refused=Refused, refused_text="x") == (None, NOT_DOWNLOADED)
    assert "could not download f1" in caplog.text

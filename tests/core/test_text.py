"""core.text.split_message: pieces under Telegram's limit, cut at paragraphs, then lines, then words."""

from __future__ import annotations

import pytest

from core.text import TELEGRAM_LIMIT, split_message
from store.vn.text import shorten


def test_short_text_is_one_piece() -> None:
    assert split_message("Xin chào") == ["Xin chào"]
    assert split_message("") == [""]
    exact = "a" * TELEGRAM_LIMIT
    assert split_message(exact) == [exact]


def test_cuts_at_paragraph_boundaries() -> None:
    paras = [f"Đoạn {i}. " + "thi đua " * 100 for i in range(20)]
    text = "\n\n".join(p.strip() for p in paras)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert all(p.startswith("Đoạn ") for p in parts)
    assert "\n\n".join(parts) == text  # nothing lost, nothing added


def test_packs_paragraphs_greedily() -> None:
    text = "\n\n".join(["x" * 30] * 10)
    parts = split_message(text, limit=100)
    assert parts == ["\n\n".join(["x" * 30] * 3)] * 3 + ["x" * 30]


def test_long_paragraph_breaks_at_words() -> None:
    words = [f"từ{i}" for i in range(3000)]
    text = " ".join(words)
    parts = split_message(text)
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert " ".join(parts).split() == words  # no word cut in half


def test_word_longer_than_limit_is_cut_hard() -> None:
    text = "a" * 10_000
    parts = split_message(text)
    assert [len(p) for p in parts] == [4096, 4096, 1808]
    assert "".join(parts) == text


@pytest.mark.parametrize("limit", [50, 200, 4096])
def test_every_piece_within_limit_for_mixed_text(limit: int) -> None:
    text = ("Dòng một\nDòng hai rất dài " + "ư" * 70 + "\n\n") * 200
    parts = split_message(text, limit=limit)
    assert all(0 < len(p) <= limit for p in parts)


def test_nfc_vietnamese_stays_intact() -> None:
    text = "\n\n".join(["Ủy ban nhân dân xã Hòa Bình " * 30] * 10)
    assert all("\ufffd" not in p for p in split_message(text))


def test_shorten() -> None:
    assert shorten("ngắn", 10) == "ngắn"
    cut = shorten("phong trào thi đua yêu nước", 15)
    assert len(cut) <= 15 and cut.endswith("…") and not cut.endswith(" …")


def test_long_paragraph_breaks_at_sentences_under_zalo_limit() -> None:
    from core.text import ZALO_LIMIT

    sentences = [f"Câu số {i} nói về phong trào thi đua yêu nước của xã." for i in range(200)]
    text = " ".join(sentences)
    parts = split_message(text, ZALO_LIMIT)
    assert len(parts) > 1 and all(len(p) <= ZALO_LIMIT for p in parts)
    assert all(p.endswith("của xã.") for p in parts)  # every piece ends on a sentence
    assert " ".join(parts) == text

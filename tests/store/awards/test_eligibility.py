"""Eligibility hints: unmet prerequisites the records show, each with its kind and source."""

from __future__ import annotations

from store.awards.eligibility import Facts, hints

PRE = [{"kind": "registered", "source": "Điều 26 Luật Thi đua, khen thưởng 2022"},
       {"kind": "top_rank", "top": 1, "source": "Điều 25"},
       {"kind": "consecutive", "title": "tt-ldtt", "years": 2, "source": "Điều 28"}]


def test_every_gap_is_named_with_its_source() -> None:
    got = hints("co-tinh", 2026, PRE, Facts(registered=False, place=2, earlier={2025: frozenset({"tt-ldtt"})}))
    assert [(h["gap"], h["source"]) for h in got] == [("not_registered", "Điều 26 Luật Thi đua, khen thưởng 2022"),
                                                      ("rank", "Điều 25"), ("earlier", "Điều 28")]
    assert got[1]["place"] == 2 and got[1]["top"] == 1 and got[2]["years"] == [2024]


def test_met_or_unknown_gives_no_hint() -> None:
    facts = Facts(registered=None, place=1, earlier={2024: frozenset({"tt-ldtt"}), 2025: frozenset({"tt-ldtt"})})
    assert hints("co-tinh", 2026, PRE, facts) == []

"""Places with ties shown as ties, and a tie-break rule when the table has one."""

from __future__ import annotations

from decimal import Decimal as D

from store.emulation.rank import places


def test_ties_share_a_place() -> None:
    got = places([("a", D(90), ()), ("b", D(95), ()), ("c", D(90), ()), ("d", D(80), ())])
    assert [(p.key, p.place, p.tied) for p in got] == [("b", 1, False), ("a", 2, True), ("c", 2, True),
                                                         ("d", 4, False)]


def test_tie_break_values_decide_then_ties_remain() -> None:
    got = places([("a", D(90), (D(30),)), ("c", D(90), (D(35),)), ("e", D(90), (D(30),))])
    assert [(p.key, p.place, p.tied) for p in got] == [("c", 1, False), ("a", 2, True), ("e", 2, True)]
    assert places([]) == []

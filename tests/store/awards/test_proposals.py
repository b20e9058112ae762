"""Proposing from the published ranking with the title catalogue: checklist copied from the
catalogue, hints (never refusals) naming the rule and its source."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from store.awards.nominations import set_deadline as set_dossier_deadline
from store.awards.proposals import ProposeStatus, nominate
from store.db import transaction
from store.emulation.ranking import reopen_ranking
from store.emulation.registrations import set_deadline
from store.models import Bloc
from tests.store.awards.flow import published, with_catalogue
from tests.store.emulation.conftest import DUE, EmuWorld, period_of

NOW = DUE - timedelta(days=1)


def test_nominate_the_top_commune_with_hints(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc = s.get_one(Bloc, world.bloc1)
        assert nominate(s, bloc, 3001, "co-tinh", officer_id=world.leader, now=NOW).status is ProposeStatus.NO_CATALOGUE
        with_catalogue(s, bloc.province_code, NOW)
        assert nominate(s, bloc, 3001, "co-tinh", officer_id=world.leader,
                        now=NOW).status is ProposeStatus.NOT_PUBLISHED
        published(s, world, tmp_path, NOW)
        assert nominate(s, bloc, 3001, "nope", officer_id=world.leader, now=NOW).status is ProposeStatus.UNKNOWN_TITLE
        assert nominate(s, bloc, 3005, "co-tinh", officer_id=world.leader, now=NOW).status is ProposeStatus.NOT_RANKED
        top = nominate(s, bloc, 3001, "co-tinh", officer_id=world.leader, now=NOW)
        assert top.status is ProposeStatus.DONE and top.hints == []  # first place; no registration round: unknown
        assert [d["code"] for d in top.nomination.required] == ["to-trinh", "bien-ban", "bao-cao", "xac-nhan"]
        assert nominate(s, bloc, 3001, "co-tinh", officer_id=world.leader, now=NOW).status is ProposeStatus.ALREADY
        set_deadline(s, bloc.province_code, 2026, NOW, NOW)  # registrations were collected: none names it
        set_dossier_deadline(s, bloc.province_code, 2026, date(2027, 1, 15))
        second = nominate(s, bloc, 3002, "co-tinh", officer_id=world.leader, now=NOW)
        assert second.nomination.deadline == date(2027, 1, 15)  # the year's dossier deadline carries over
        assert second.status is ProposeStatus.DONE  # a hint, never a refusal
        assert [(h["gap"], h["source"]) for h in second.hints] == [
            ("not_registered", "Điều 26 Luật Thi đua, khen thưởng 2022"),
            ("rank", "Điều 25 Luật Thi đua, khen thưởng 2022 (dẫn đầu khối thi đua)")]
        xs = nominate(s, bloc, 3001, "tt-ldxs", officer_id=world.leader, now=NOW)
        assert [(h["gap"], h["years"]) for h in xs.hints if h["gap"] == "earlier"] == [("earlier", [2025])]


def test_a_reopened_ranking_is_not_nominated_from(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc = s.get_one(Bloc, world.bloc1)
        with_catalogue(s, bloc.province_code, NOW)
        published(s, world, tmp_path, NOW)
        reopen_ranking(s, period_of(s, world), bloc, world.supervisor, "Xã 3002 khiếu nại", NOW)
        assert nominate(s, bloc, 3001, "co-tinh", officer_id=world.leader,
                        now=NOW).status is ProposeStatus.NOT_PUBLISHED

"""Nominations on SQLite and PostgreSQL: propose from the published ranking, the dossier refused
while incomplete, returned with a reason, fixed, approved, the decision recorded, the history."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from store.awards.decisions import DecisionStatus, record_decision
from store.awards.dossier import Action, State, Status
from store.awards.files import write_document
from store.awards.history import awards_of, bloc_leaders, runs
from store.awards.nominations import (act, add_document, checklist, council_vote, events_of, last_reason,
                                      nominations_of, propose, published_ranking)
from store.db import transaction
from store.models import AuditLog, Nomination
from store.vn.text import fold
from tests.store.awards.flow import PDF, REQUIRED, published
from tests.store.emulation.conftest import DUE, EmuWorld

NOW = DUE - timedelta(days=1)


def _propose(s, world: EmuWorld, bloc, ranking, commune: int = 3001, title: str = "co-tinh"):
    return propose(s, bloc=bloc, commune_code=commune, title_code=title, title_name="Cờ thi đua của UBND tỉnh",
                   required=REQUIRED, ranking=ranking, officer_id=world.leader, now=NOW)


def test_the_whole_dossier(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc, ranking = published(s, world, tmp_path, NOW)
        assert published_ranking(s, bloc).id == ranking.id
        assert [r["commune_code"] for r in bloc_leaders(s, bloc)] == [3001]
        first = _propose(s, world, bloc, ranking)
        assert first.new and _propose(s, world, bloc, ranking).nomination.id == first.nomination.id  # once
        nid = first.nomination.id
        doc = write_document(tmp_path, 2026, nid, "to-trinh", PDF)
        assert add_document(s, first.nomination, "to-trinh", doc, officer_id=world.leader, now=NOW) is Status.OK
        assert add_document(s, first.nomination, "to-trinh", doc, officer_id=world.leader, now=NOW) is Status.OK
        assert [i.files for i in checklist(s, first.nomination)] == [1, 0, 0]  # the same bytes once
        refused = act(s, nid, Action.SEND, officer_id=world.leader, now=NOW)
        assert refused.status is Status.INCOMPLETE and refused.missing == ("bien-ban", "bao-cao")
        for code in ("bien-ban", "bao-cao"):
            add_document(s, first.nomination, code, write_document(tmp_path, 2026, nid, code, PDF + code.encode()),
                         officer_id=world.officer2, now=NOW)
        assert act(s, nid, Action.SEND, officer_id=world.leader, now=NOW).state is State.SENT
        assert act(s, nid, Action.SEND, officer_id=world.leader, now=NOW).status is Status.BAD_STATE  # twice: once
        assert act(s, nid, Action.APPROVE, officer_id=world.supervisor, now=NOW).state is State.APPROVED
    with transaction(world.factory) as s:
        assert s.get_one(Nomination, nid).state == State.APPROVED.value


def test_return_fix_approve_decide_and_history(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc, ranking = published(s, world, tmp_path, NOW)
        nom = _propose(s, world, bloc, ranking).nomination
        for code in ("to-trinh", "bien-ban", "bao-cao"):
            add_document(s, nom, code, write_document(tmp_path, 2026, nom.id, code, PDF + code.encode()),
                         officer_id=world.leader, now=NOW)
        act(s, nom.id, Action.SEND, officer_id=world.leader, now=NOW)
        assert record_decision(s, nom, number="12/QĐ-UBND", signed_on=date(2027, 1, 15), level="UBND tỉnh",
                               officer_id=world.supervisor, now=NOW).status is DecisionStatus.NOT_APPROVED
        assert act(s, nom.id, Action.RETURN, reason="", officer_id=world.supervisor, now=NOW).status is Status.NO_REASON
        back = act(s, nom.id, Action.RETURN, reason="Biên bản thiếu chữ ký", officer_id=world.supervisor, now=NOW)
        assert back.state is State.RETURNED and last_reason(s, nom.id, State.RETURNED) == "Biên bản thiếu chữ ký"
        fixed = write_document(tmp_path, 2026, nom.id, "bien-ban", PDF + b"signed")
        assert add_document(s, nom, "bien-ban", fixed, officer_id=world.leader, now=NOW) is Status.OK
        act(s, nom.id, Action.SEND, officer_id=world.leader, now=NOW)
        assert act(s, nom.id, Action.APPROVE, officer_id=world.supervisor, now=NOW).state is State.APPROVED
        got = record_decision(s, nom, number="12/QĐ-UBND", signed_on=date(2027, 1, 15), level="UBND tỉnh",
                              officer_id=world.supervisor, now=NOW)
        assert got.status is DecisionStatus.DONE
        assert record_decision(s, nom, number="12/QĐ-UBND", signed_on=date(2027, 1, 15), level="UBND tỉnh",
                               officer_id=world.supervisor, now=NOW).status is DecisionStatus.ALREADY
        assert record_decision(s, nom, number="13/QĐ-UBND", signed_on=date(2027, 1, 15), level="UBND tỉnh",
                               officer_id=world.supervisor, now=NOW).status is DecisionStatus.OTHER
        moves = [(e.from_state, e.to_state, e.by_officer) for e in events_of(s, nom.id)]
        assert moves == [("draft", "draft", world.leader), ("draft", "sent", world.leader),
                         ("sent", "returned", world.supervisor), ("returned", "sent", world.leader),
                         ("sent", "approved", world.supervisor)]
        audit = s.scalars(select(AuditLog.action).where(AuditLog.target == f"nomination:{nom.id}")).all()
        assert "award.returned" in audit and "award.decision" in audit
        [award] = awards_of(s, 3001, 2026)
        assert (award.title_name, award.number, award.level) == ("Cờ thi đua của UBND tỉnh", "12/QĐ-UBND", "UBND tỉnh")
        assert awards_of(s, 3001, 2025) == []


def test_council_cuts_a_list_and_both_are_kept(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc, ranking = published(s, world, tmp_path, NOW)
        noms = [_propose(s, world, bloc, ranking, commune=c, title="bk-tinh").nomination for c in (3001, 3002, 3003)]
        for nom in noms:
            for code in ("to-trinh", "bien-ban", "bao-cao"):
                add_document(s, nom, code, write_document(tmp_path, 2026, nom.id, code, PDF + code.encode()),
                             officer_id=world.leader, now=NOW)
            act(s, nom.id, Action.SEND, officer_id=world.leader, now=NOW)
        out = council_vote(s, [noms[0].id, noms[1].id], [noms[2].id], vote="Hội đồng bỏ phiếu 7/9 ngày 10/1",
                           officer_id=world.supervisor, now=NOW)
        assert {nid: m.state for nid, m in out.items()} == {noms[0].id: State.APPROVED, noms[1].id: State.APPROVED,
                                                             noms[2].id: State.NOT_APPROVED}
        proposed = nominations_of(s, bloc_id=bloc.id)
        assert [n.commune_code for n in proposed] == [3001, 3002, 3003]
        approved = nominations_of(s, bloc_id=bloc.id, states=[State.APPROVED])
        assert [n.commune_code for n in approved] == [3001, 3002]
        assert last_reason(s, noms[2].id, State.NOT_APPROVED) == "Hội đồng bỏ phiếu 7/9 ngày 10/1"



def test_a_vote_is_recorded_whole_or_not_at_all(world: EmuWorld, clock, tmp_path: Path) -> None:
    """One dossier of the list cannot move (still a draft): none of the list moves."""
    with transaction(world.factory) as s:
        bloc, ranking = published(s, world, tmp_path, NOW)
        sent, draft = (_propose(s, world, bloc, ranking, commune=c, title="bk-tinh").nomination for c in (3001, 3002))
        for code in ("to-trinh", "bien-ban", "bao-cao"):
            add_document(s, sent, code, write_document(tmp_path, 2026, sent.id, code, PDF + code.encode()),
                         officer_id=world.leader, now=NOW)
        act(s, sent.id, Action.SEND, officer_id=world.leader, now=NOW)
        out = council_vote(s, [sent.id], [draft.id], vote="Hội đồng bỏ phiếu 7/9 ngày 10/1",
                           officer_id=world.supervisor, now=NOW)
        assert out[sent.id].status is Status.OK and out[draft.id].status is not Status.OK
        s.expire_all()
        assert (s.get_one(Nomination, sent.id).state, s.get_one(Nomination, draft.id).state) == ("sent", "draft")
        assert [e.to_state for e in events_of(s, sent.id)][-1] == "sent"


def test_runs_of_consecutive_years(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc, ranking = published(s, world, tmp_path, NOW)
        for year, commune in ((2024, 3001), (2025, 3001), (2025, 3002), (2023, 3002)):
            nom = Nomination(province_code=bloc.province_code, year=year, bloc_id=None, commune_code=commune,
                             title_code="tt-ldxs", title_name="Tập thể lao động xuất sắc", required=[], hints=[],
                             state="approved", proposed_by=None, created_at=NOW, updated_at=NOW)
            s.add(nom)
            s.flush()
            assert record_decision(s, nom, number=f"{year}{commune}/QĐ-UBND", signed_on=date(year + 1, 1, 20),
                                   level="UBND tỉnh", officer_id=None, now=NOW).status is DecisionStatus.DONE
        got = runs(s, bloc.province_code, fold("Tập thể lao động xuất sắc"), 2)
        assert [[(a.commune_code, a.year) for a in run] for run in got] == [[(3001, 2024), (3001, 2025)]]

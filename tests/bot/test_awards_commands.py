"""CLI for nominations: list, deadline, decision (recorded once, refused before approval), export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main as cli
from store.awards.dossier import Action
from store.awards.files import write_document
from store.awards.nominations import act, add_document, propose
from store.db import transaction
from store.models import Nomination
from tests.store.awards.flow import PDF, REQUIRED, published
from tests.textcheck import problems
from tests.store.emulation.conftest import DUE, EmuWorld, world  # noqa: F401  (the fixture)

NOW = DUE - timedelta(days=1)


@pytest.fixture
def env(world: EmuWorld, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EmuWorld:  # noqa: F811
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOAD_SAMPLES", "false")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return world


def test_list_deadline_decision_export(env: EmuWorld, tmp_path: Path, capsys) -> None:
    with transaction(env.factory) as s:
        bloc, ranking = published(s, env, tmp_path, NOW)
        nom = propose(s, bloc=bloc, commune_code=3001, title_code="co-tinh", title_name="Cờ thi đua của UBND tỉnh",
                      required=REQUIRED, ranking=ranking, officer_id=env.leader, now=NOW).nomination
        nid = nom.id
        add_document(s, nom, "to-trinh", write_document(tmp_path, 2026, nid, "to-trinh", PDF), officer_id=None,
                     now=NOW)
    assert cli(["awards", "list", "--province", "Lai Châu", "--year", "2026"]) == 0
    assert f"#{nid} Xã Tam Đường – Cờ thi đua của UBND tỉnh: đang chuẩn bị hồ sơ; hồ sơ 1/3" in capsys.readouterr().out
    assert cli(["awards", "deadline", "--province", "Lai Châu", "--year", "2026", "--date", "15/1/2027"]) == 0
    assert "Hạn nộp hồ sơ 15/1/2027: áp dụng cho 1 đề nghị" in capsys.readouterr().out
    args = ["awards", "decision", str(nid), "--number", "125/QĐ-UBND", "--date", "20/1/2027", "--level", "UBND tỉnh"]
    assert cli(args) == 1
    assert "Đề nghị chưa được tỉnh duyệt" in capsys.readouterr().out
    with transaction(env.factory) as s:
        nom = s.get_one(Nomination, nid)
        for code in ("bien-ban", "bao-cao"):
            add_document(s, nom, code, write_document(tmp_path, 2026, nid, code, PDF + code.encode()),
                         officer_id=None, now=NOW)
        act(s, nid, Action.SEND, officer_id=env.leader, now=NOW)
        act(s, nid, Action.APPROVE, officer_id=env.supervisor, now=NOW)
    assert cli(args) == 0 and "Đã ghi quyết định" in capsys.readouterr().out
    assert cli(args) == 0 and "đã được ghi từ trước" in capsys.readouterr().out
    assert cli(["awards", "decision", "999", "--number", "1/QĐ", "--date", "1/1/2027", "--level", "UBND tỉnh"]) != 0
    assert "không có đề nghị #999" in capsys.readouterr().err
    out = tmp_path / "dn.xlsx"
    assert cli(["awards", "export", "--province", "Lai Châu", "--year", "2026", "--out", str(out)]) == 0
    assert "1 đề nghị" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active.cell(4, 14).value == "125/QĐ-UBND"


def test_council_vote_is_whole_or_nothing(env: EmuWorld, tmp_path: Path, capsys) -> None:
    with transaction(env.factory) as s:
        bloc, ranking = published(s, env, tmp_path, NOW)
        ids = []
        for commune in (3001, 3002, 3003):
            nom = propose(s, bloc=bloc, commune_code=commune, title_code="bk-tinh", title_name="Bằng khen",
                          required=REQUIRED[:1], ranking=ranking, officer_id=env.leader, now=NOW).nomination
            add_document(s, nom, "to-trinh", write_document(tmp_path, 2026, nom.id, "to-trinh", PDF), officer_id=None,
                         now=NOW)
            ids.append(nom.id)
        for nid in ids[:2]:
            act(s, nid, Action.SEND, officer_id=env.leader, now=NOW)
    a, b, c = (str(i) for i in ids)
    vote = ["awards", "vote", "--approve", a, "--cut", f"{b},{c}", "--reason", "Hội đồng biểu quyết 7/9"]
    assert cli(vote) == 1 and f"#{c} chưa gửi tỉnh" in capsys.readouterr().err  # the third was never sent
    with env.factory() as s:
        assert [s.get_one(Nomination, i).state for i in ids] == ["sent", "sent", "draft"]
    vote = ["awards", "vote", "--approve", a, "--cut", b, "--reason", "Hội đồng biểu quyết 7/9"]
    assert cli(vote) == 0
    assert f"#{a}: đã duyệt" in capsys.readouterr().out
    with env.factory() as s:
        assert [s.get_one(Nomination, i).state for i in ids] == ["approved", "not_approved", "draft"]


def test_help_and_refusals_are_vietnamese(env: EmuWorld, capsys) -> None:
    seen = []
    for args in (["awards", "--help"], ["awards", "vote", "--help"], ["awards", "decision", "--help"],
                 ["awards", "vote", "--approve", "x", "--reason", "Hội đồng họp"],
                 ["awards", "vote", "--approve", "1", "--cut", "1", "--reason", "Hội đồng họp"],
                 ["awards", "deadline", "--province", "Lai Châu", "--year", "2026", "--date", "hôm qua"]):
        try:
            status = cli(args)
        except SystemExit as exc:  # --help
            status = exc.code or 0
        got = capsys.readouterr()
        seen.append(got.out + got.err)
        assert status in (0, 1, 2)
    text = "\n".join(seen)
    assert "vừa duyệt vừa không duyệt" in text and "không đọc được ngày “hôm qua”" in text
    assert problems(text) == []

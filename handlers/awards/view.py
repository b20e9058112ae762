"""A nomination's dossier on screen: title, commune, state, the checklist (✓/✗), the hints, the
last return's reason, the decision; the buttons the officer may use in this state."""

from __future__ import annotations

from typing import Any

from core.types import Button, Reply
from core.context import Context
from handlers.awards.access import NominationTurn
from handlers.awards.calls import (Approve, DraftAchievement, RecordDecision, Reject, ReturnDossier, SendDossier,
                                   ShowDossier, UploadDocument)
from store.awards.decisions import decision_of
from store.awards.dossier import State
from store.awards.nominations import checklist, last_reason, version_of
from store.awards.wording import STATE_TEXT, hint_text
from store.clock import vn_date
from store.vn.text import shorten

def hint_line(hint: dict[str, Any]) -> str:
    return f"⚠️ Lưu ý: {hint_text(hint)}."


def dossier_text(ctx: Context, turn: NominationTurn) -> str:
    nom = turn.nomination
    lines = [f"Đề nghị {nom.title_name} năm {nom.year} cho {turn.commune.name}: {STATE_TEXT[State(nom.state)]}.",
             "Hồ sơ:"]
    lines += [f"{'✓' if i.present else '✗'} {i.name}" + (f" ({i.files} tệp)" if i.files > 1 else "")
              for i in checklist(ctx.session, nom)]
    if nom.deadline is not None and nom.state in (State.DRAFT, State.RETURNED):
        lines.append(f"Hạn nộp hồ sơ: {vn_date(nom.deadline)}.")
    if nom.state == State.RETURNED:
        lines.append(f"Lý do trả lại: {shorten(last_reason(ctx.session, nom.id, State.RETURNED), 300)}")
    if nom.state == State.NOT_APPROVED:
        lines.append(f"Lý do: {shorten(last_reason(ctx.session, nom.id, State.NOT_APPROVED), 300)}")
    lines += [hint_line(h) for h in nom.hints[:4]]
    decision = decision_of(ctx.session, nom.id)
    if decision is not None:
        lines.append(f"Quyết định số {decision.number} ngày {vn_date(decision.signed_on)} của {decision.level}.")
    return "\n".join(lines)


def dossier_buttons(ctx: Context, turn: NominationTurn) -> list[list[Button]]:
    nom, state = turn.nomination, State(turn.nomination.state)
    version = version_of(ctx.session, nom.id)
    rows: list[list[Button]] = []
    if state in (State.DRAFT, State.RETURNED) and (turn.leader or turn.own):
        rows += [[UploadDocument(nom.id, k).button(f"Gửi {item.name}"[:60])]
                 for k, item in enumerate(checklist(ctx.session, nom)) if not item.present or state is State.RETURNED]
    if turn.leader or turn.own:
        rows.append([DraftAchievement(nom.id).button("Tải bản nháp báo cáo thành tích")])
    if state in (State.DRAFT, State.RETURNED) and turn.leader:
        rows.append([SendDossier(nom.id, version).button("Gửi hồ sơ lên tỉnh")])
    if state is State.SENT and turn.province:
        rows.append([Approve(nom.id, version).button("Duyệt"), ReturnDossier(nom.id, version).button("Trả lại")])
        rows.append([Reject(nom.id, version).button("Không duyệt")])
    if state is State.APPROVED and turn.decide and decision_of(ctx.session, nom.id) is None:
        rows.append([RecordDecision(nom.id).button("Ghi quyết định khen thưởng")])
    return rows


def dossier_reply(ctx: Context, turn: NominationTurn, note: str = "") -> Reply:
    text = dossier_text(ctx, turn)
    return Reply(text=f"{note}\n{text}" if note else text, buttons=dossier_buttons(ctx, turn))


def dossier_link(turn_id: int, label: str) -> list[Button]:
    return [ShowDossier(turn_id).button(label[:60])]

"""The award decision recorded in chat when it is issued (``award.decide``, the province): on an
approved dossier, “Ghi quyết định khen thưởng” asks the decision's number, the day it was signed
and who issued it, then a confirmation that says it cannot be changed in chat. The commune and
the bloc leader are told. ``store.awards.decisions.record_decision`` keeps the first decision, so
a second tap or a stale confirmation records nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from core import messages
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.router import Router
from core.types import Reply
from handlers.awards.access import nomination_turn, tell_dossier_people
from handlers.awards.calls import ConfirmDecision, RecordDecision, ShowDossier
from handlers.awards.view import dossier_reply
from store.awards.decisions import DecisionStatus, decision_of, record_decision
from store.awards.dossier import State
from store.awards.wording import DECISION_TEXT
from store.clock import local, vn_date
from store.vn.numbers import parse_date

NUMBER_LIMITS = (3, 60)
LEVEL_LIMITS = (3, 120)
ASK_NUMBER = "Gõ số quyết định khen thưởng (ví dụ 125/QĐ-UBND). Gõ /huy để thôi."
ASK_DAY = "Ngày ký quyết định? Gõ ngày/tháng/năm, ví dụ 15/1/2027."
ASK_LEVEL = "Cấp ra quyết định? Ví dụ: Chủ tịch UBND tỉnh."
STALE = "Nút này đã cũ; bot không ghi gì. Đây là hồ sơ hiện tại:"


@dataclass
class DecisionState(DialogData):
    step: str = "number"  # number | day | level | confirm
    nomination: int = 0
    number: str = ""
    day: str = ""  # ISO date
    level: str = ""


async def on_record(ctx: Context, data: RecordDecision) -> list[Reply]:
    turn = nomination_turn(ctx, data.nomination, "award.decide")
    if turn.nomination.state != State.APPROVED:
        return [dossier_reply(ctx, turn, DECISION_TEXT[DecisionStatus.NOT_APPROVED] + ".")]
    if decision_of(ctx.session, turn.nomination.id) is not None:
        return [dossier_reply(ctx, turn, "Hồ sơ này đã có quyết định.")]
    DECISION.save(ctx, DecisionState(nomination=turn.nomination.id))
    return messages.text(ASK_NUMBER)


def _typed(ctx: Context, limits: tuple[int, int]) -> Optional[str]:
    text = " ".join((ctx.msg.text or "").split())
    return text if limits[0] <= len(text) <= limits[1] else None


async def on_number(ctx: Context, state: DecisionState) -> list[Reply]:
    number = _typed(ctx, NUMBER_LIMITS)
    if number is None:
        return messages.text(f"Số quyết định cần từ {NUMBER_LIMITS[0]} đến {NUMBER_LIMITS[1]} ký tự. {ASK_NUMBER}")
    DECISION.save(ctx, DecisionState(step="day", nomination=state.nomination, number=number))
    return messages.text(ASK_DAY)


async def on_day(ctx: Context, state: DecisionState) -> list[Reply]:
    day = parse_date(ctx.msg.text or "")
    if day is None:
        return messages.text(f"Chưa đọc được ngày. {ASK_DAY}")
    if day > local(ctx.now).date():
        return messages.text(f"Ngày ký không thể sau hôm nay. {ASK_DAY}")
    DECISION.save(ctx, DecisionState(step="level", nomination=state.nomination, number=state.number,
                                     day=day.isoformat()))
    return messages.text(ASK_LEVEL)


async def on_level(ctx: Context, state: DecisionState) -> list[Reply]:
    level = _typed(ctx, LEVEL_LIMITS)
    if level is None:
        return messages.text(f"Cấp ra quyết định cần từ {LEVEL_LIMITS[0]} đến {LEVEL_LIMITS[1]} ký tự. {ASK_LEVEL}")
    DECISION.save(ctx, DecisionState(step="confirm", nomination=state.nomination, number=state.number,
                                     day=state.day, level=level))
    turn = nomination_turn(ctx, state.nomination, "award.decide")
    nom = turn.nomination
    return [Reply(text=f"Ghi quyết định số {state.number} ngày {vn_date(date.fromisoformat(state.day))} của {level}: "
                       f"{nom.title_name} năm {nom.year} cho {turn.commune.name}? Đã ghi thì không sửa được "
                       "trong chat; xã và trưởng khối được báo.",
                  buttons=[[ConfirmDecision(nom.id).button("Xác nhận ghi"), ShowDossier(nom.id).button("Thôi")]])]


async def on_typed_at_confirm(ctx: Context, state: DecisionState) -> list[Reply]:
    return messages.text("Bấm “Xác nhận ghi” để ghi quyết định, hoặc gõ /huy để thôi.")


async def on_confirm(ctx: Context, data: ConfirmDecision) -> list[Reply]:
    turn = nomination_turn(ctx, data.nomination, "award.decide")
    state = DECISION.load(ctx)
    if state is None or state.step != "confirm" or state.nomination != data.nomination:
        return [dossier_reply(ctx, turn, STALE)]
    ctx.clear_dialog()
    nom = turn.nomination
    got = record_decision(ctx.session, nom, number=state.number, signed_on=date.fromisoformat(state.day),
                          level=state.level, officer_id=ctx.me.id, now=ctx.now)
    if got.status is DecisionStatus.DONE:
        tell_dossier_people(ctx, turn, Reply(text=f"{nom.title_name} năm {nom.year} cho {turn.commune.name}: "
                                                  f"quyết định số {state.number} ngày "
                                                  f"{vn_date(date.fromisoformat(state.day))} của {state.level}.",
                                             buttons=[[ShowDossier(nom.id).button("Xem hồ sơ")]]),
                            key=f"award:decision:{nom.id}")
    return [dossier_reply(ctx, turn, DECISION_TEXT[got.status] + ".")]


async def on_cancel(ctx: Context, state: Optional[DecisionState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã thôi; chưa ghi quyết định nào.")


DECISION: Dialog[DecisionState] = Dialog(
    "quyetdinh", DecisionState, action="award.decide", on_cancel=on_cancel,
    steps={"number": Step(on_number), "day": Step(on_day, closed=True), "level": Step(on_level),
           "confirm": Step(on_typed_at_confirm, closed=True)})


def register(router: Router) -> None:
    router.callback(RecordDecision, action="award.decide")(on_record)
    router.callback(ConfirmDecision, action="award.decide")(on_confirm)
    router.add_dialog(DECISION)

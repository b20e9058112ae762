"""The council's vote recorded in chat (``award.appraise``, the province): the dossiers of a year
sent for appraisal, each kept (☑ duyệt) or cut (☐ không duyệt) by a tap, then the vote's record
(“Hội đồng biểu quyết 7/9 ngày 10/1/2027”, written on every dossier as its reason), then a
confirmation listing who is approved and who is cut. ``store.awards.nominations.council_vote``
moves them all; a vote is recorded whole or not at all: if any dossier moved since the list was
shown, nothing is recorded and the list is shown again. Cut dossiers stay as rows, so who was
proposed and who was approved are both kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.permissions import Refused, can
from core.router import Router
from core.types import Button, Reply
from handlers.awards.access import nomination_turn, tell_dossier_people
from handlers.awards.calls import ConfirmVote, CouncilVote, ShowDossier, ToggleVote, VoteNext
from store.awards.dossier import MIN_REASON, State, Status
from store.awards.nominations import council_vote, nominations_of, version_of
from store.models import Commune, Nomination
from store.vn.text import fit_lines, shorten

MAX_LISTED = 30  # a phone screen of buttons; a longer list is voted from the CLI
LISTED_CHARS = 300  # of each side's names on the confirmation: it stays phone-sized
CHANGED = "Danh sách hồ sơ chờ thẩm định đã thay đổi; bot không ghi gì. Anh/chị xem lại danh sách:"


@dataclass
class VoteState(DialogData):
    step: str = "pick"  # pick | record | confirm
    province: int = 0
    year: int = 0
    ids: list[int] = field(default_factory=list)  # the sent dossiers shown, in order
    versions: list[int] = field(default_factory=list)  # their versions when shown
    cut: list[int] = field(default_factory=list)  # ids cut
    record: str = ""


def _sent(ctx: Context, province: int, year: int) -> list[Nomination]:
    return [n for n in nominations_of(ctx.session, province_code=province, year=year) if n.state == State.SENT]


def _label(ctx: Context, nom: Nomination) -> str:
    commune = ctx.session.get(Commune, nom.commune_code)
    return f"{commune.name if commune else nom.commune_code} – {nom.title_name}"


def _pick_reply(ctx: Context, state: VoteState, note: str = "") -> list[Reply]:
    noms = [ctx.session.get_one(Nomination, i) for i in state.ids]
    buttons: list[list[Button]] = [
        [ToggleVote(k).button(("☐ không duyệt: " if n.id in state.cut else "☑ duyệt: ") + _label(ctx, n)[:40])]
        for k, n in enumerate(noms)]
    buttons.append([VoteNext().button("Tiếp »")])
    text = (f"Biểu quyết của Hội đồng năm {state.year}: {len(noms)} hồ sơ chờ thẩm định. Bấm một hồ sơ để đổi "
            "duyệt / không duyệt, xong bấm “Tiếp »”. Gõ /huy để thôi.")
    return [Reply(text=f"{note}\n{text}" if note else text, buttons=buttons)]


def _start(ctx: Context, province: int, year: int, note: str = "") -> list[Reply]:
    noms = _sent(ctx, province, year)
    if not noms:
        ctx.clear_dialog()
        return messages.text(f"{note} Không còn hồ sơ nào chờ thẩm định năm {year}.".strip())
    if len(noms) > MAX_LISTED:
        return messages.text(f"Có {len(noms)} hồ sơ chờ thẩm định, quá dài cho một màn hình; anh/chị ghi biểu quyết "
                             "bằng lệnh: python -m bot awards vote.")
    state = VoteState(province=province, year=year, ids=[n.id for n in noms],
                      versions=[version_of(ctx.session, n.id) for n in noms])
    VOTE.save(ctx, state)
    return _pick_reply(ctx, state, note)


async def on_vote(ctx: Context, data: CouncilVote) -> list[Reply]:
    if not can(ctx.officer, "award.appraise", province_code=data.province):
        raise Refused("award.appraise", f"province:{data.province}", reason="not this province's")
    return _start(ctx, data.province, data.year)


def _state(ctx: Context, step: str) -> VoteState:
    state = VOTE.load(ctx)
    if state is None or state.step != step:
        raise Stale(f"no council vote at step {step}")
    return state


async def on_toggle(ctx: Context, data: ToggleVote) -> list[Reply]:
    state = _state(ctx, "pick")
    if not 0 <= data.item < len(state.ids):
        raise Stale(f"no dossier {data.item} in the vote")
    nid = state.ids[data.item]
    state.cut = [i for i in state.cut if i != nid] if nid in state.cut else [*state.cut, nid]
    VOTE.save(ctx, state)
    return _pick_reply(ctx, state)


async def on_next(ctx: Context, data: VoteNext) -> list[Reply]:
    state = _state(ctx, "pick")
    state.step = "record"
    VOTE.save(ctx, state)
    return messages.text("Gõ biên bản biểu quyết (ví dụ “Hội đồng biểu quyết 7/9 ngày 10/1/2027”); nội dung này ghi "
                         "vào từng hồ sơ làm lý do. Gõ /huy để thôi.")


async def on_record(ctx: Context, state: VoteState) -> list[Reply]:
    record = " ".join((ctx.msg.text or "").split())
    if len(record) < MIN_REASON:
        return messages.text(f"Biên bản biểu quyết cần rõ hơn (ít nhất {MIN_REASON} ký tự). Anh/chị gõ lại.")
    state.step, state.record = "confirm", record[:1000]
    VOTE.save(ctx, state)
    kept = [_label(ctx, ctx.session.get_one(Nomination, i)) for i in state.ids if i not in state.cut]
    cut = [_label(ctx, ctx.session.get_one(Nomination, i)) for i in state.ids if i in state.cut]
    lines = [f"Ghi biểu quyết “{shorten(record, 200)}”?",
             f"Duyệt ({len(kept)}):", *fit_lines([f"• {k}" for k in kept], LISTED_CHARS, "… và {n} hồ sơ nữa."),
             f"Không duyệt ({len(cut)}):", *fit_lines([f"• {c}" for c in cut], LISTED_CHARS, "… và {n} hồ sơ nữa."),
             "Kết quả là cuối cùng, không đổi được; các xã và trưởng khối được báo."]
    return [Reply(text="\n".join(lines), buttons=[[ConfirmVote(state.province, state.year).button("Xác nhận ghi"),
                                                   CouncilVote(state.province, state.year).button("Làm lại")]])]


async def on_typed_at_confirm(ctx: Context, state: VoteState) -> list[Reply]:
    return messages.text("Bấm “Xác nhận ghi” để ghi biểu quyết, hoặc gõ /huy để thôi.")


async def on_typed_at_pick(ctx: Context, state: VoteState) -> list[Reply]:
    return messages.text("Bấm một hồ sơ để đổi duyệt / không duyệt, xong bấm “Tiếp »”; gõ /huy để thôi.")


async def on_confirm(ctx: Context, data: ConfirmVote) -> list[Reply]:
    state = VOTE.load(ctx)
    if state is None or state.step != "confirm" or (state.province, state.year) != (data.province, data.year):
        return messages.text("Nút này đã cũ; bot không ghi gì.")
    if [version_of(ctx.session, i) for i in state.ids] != state.versions:
        return _start(ctx, state.province, state.year, CHANGED)
    kept = [i for i in state.ids if i not in state.cut]
    moved = council_vote(ctx.session, kept, state.cut, vote=state.record, officer_id=ctx.me.id, now=ctx.now)
    if any(m.status is not Status.OK for m in moved.values()):  # nothing was recorded
        return _start(ctx, state.province, state.year, CHANGED)
    ctx.clear_dialog()
    for nid in state.ids:
        turn = nomination_turn(ctx, nid, "award.appraise")
        verdict = "được duyệt" if nid in kept else "không được duyệt"
        tell_dossier_people(ctx, turn, Reply(text=f"Hội đồng đã biểu quyết: đề nghị {turn.nomination.title_name} năm "
                                                  f"{turn.nomination.year} cho {turn.commune.name} {verdict}. "
                                                  f"{shorten(state.record, 300)}",
                                             buttons=[[ShowDossier(nid).button("Xem hồ sơ")]]),
                            key=f"award:vote:{nid}")
    return messages.text(f"Đã ghi biểu quyết: {len(kept)} hồ sơ được duyệt, {len(state.cut)} hồ sơ không duyệt; "
                         "các xã và trưởng khối đã được báo.")


async def on_cancel(ctx: Context, state: Optional[VoteState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã thôi; chưa ghi biểu quyết nào.")


VOTE: Dialog[VoteState] = Dialog(
    "bieuquyet", VoteState, action="award.appraise", on_cancel=on_cancel,
    steps={"pick": Step(on_typed_at_pick, closed=True), "record": Step(on_record),
           "confirm": Step(on_typed_at_confirm, closed=True)})


def register(router: Router) -> None:
    router.callback(CouncilVote, action="award.appraise")(on_vote)
    router.callback(ToggleVote, action="award.appraise")(on_toggle)
    router.callback(VoteNext, action="award.appraise")(on_next)
    router.callback(ConfirmVote, action="award.appraise")(on_confirm)
    router.add_dialog(VOTE)

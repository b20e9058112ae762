"""The /dangkythidua dialog: titles (multi-select), targets (typed), the signed page, review.

Steps (``RegState.step``): ``titles`` (buttons, or typed numbers on Zalo and the console),
``targets`` (lines “Tên chỉ tiêu: số đơn vị”, Vietnamese numbers), ``file`` (a photo or PDF)
and ``review`` (send once). The answers so far live in the dialog state in the database, so a
restart loses nothing; the registration itself is written only when sent, as a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from core import messages
from core.channels import is_buttonless
from core.context import Context
from core.dialogs import Dialog, DialogData, NotAnAnswer, Step
from core.permissions import Refused, can
from core.types import Reply
from handlers.emulation import register_view as view
from handlers.emulation.signed_file import receive_signed
from store.emulation.registrations import RegStatus, latest_registration, window
from store.emulation.targets import MAX_TARGETS, Target, TargetStatus, parse_target
from store.emulation.title_spec import Catalogue
from store.emulation.titles import catalogue_version
from store.files.report_photos import StoredPhoto
from store.models import Commune, RegistrationRound

CANCELLED = ("Đã dừng đăng ký thi đua; phần chưa gửi không được lưu, bản đã gửi (nếu có) vẫn giữ nguyên. "
             "Gõ /dangkythidua để làm lại.")
GONE = "Phần đăng ký này đã gửi hoặc đã hủy. Gõ /dangkythidua để xem hoặc sửa đăng ký của xã."


@dataclass
class RegState(DialogData):
    step: str = "titles"  # titles | targets | file | review
    round: int = 0
    nonce: int = 0  # the dialog's start (epoch seconds): buttons of another dialog are stale
    catalogue: int = 0  # the catalogue version the titles were shown from
    titles: list[str] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    file: dict[str, Any] = field(default_factory=dict)  # rel_path, sha256, size, mime_type, file_id


@dataclass
class RegTurn:
    """One update's view of the commune's registration: who, which round, which catalogue."""

    ctx: Context
    commune: Commune
    round: RegistrationRound
    catalogue: Catalogue
    state: RegState

    @property
    def buttonless(self) -> bool:
        return is_buttonless(self.ctx.user.channel)

    def save(self, step: str) -> None:
        self.state.step = step
        REG.save(self.ctx, self.state)


def reg_commune(ctx: Context) -> Commune:
    officer = ctx.officer
    commune = officer.commune if officer is not None and officer.commune_code is not None else None
    if commune is None or not can(officer, "emulation.register", commune=commune):
        raise Refused("emulation.register", "dangkythidua", view.NOT_COMMUNE, reason="not an officer of a commune")
    return commune


def open_turn(ctx: Context, state: Optional[RegState], nonce: Optional[int] = None) -> RegTurn | list[Reply]:
    """The turn for the dialog in progress (buttons name its nonce), or why there is none."""
    commune = reg_commune(ctx)
    if state is None or (nonce is not None and state.nonce != nonce):
        return messages.text(GONE)
    rnd = ctx.session.get(RegistrationRound, state.round)
    if rnd is None or rnd.province_code != commune.province_code:
        ctx.clear_dialog()
        return messages.text(GONE)
    win = window(ctx.session, rnd.province_code, rnd.year, ctx.now)
    if win.status is not RegStatus.OK:
        ctx.clear_dialog()
        ctx.audit("emulation.register", f"round:{rnd.id}", "refused", reason=win.status.value)
        return messages.text(view.refusal(win.status, rnd.year, rnd.due_at))
    cat = catalogue_version(ctx.session, rnd.province_code, rnd.year, state.catalogue or win.catalogue_version)
    if cat is None or state.catalogue != win.catalogue_version:
        ctx.clear_dialog()
        return messages.text(view.refusal(RegStatus.UNKNOWN_TITLE, rnd.year, rnd.due_at))
    return RegTurn(ctx, commune, rnd, cat, state)


def next_version(turn: RegTurn) -> int:
    last = latest_registration(turn.ctx.session, turn.commune.code, turn.round.year)
    return (last.version + 1) if last is not None else 1


# -- what to show --------------------------------------------------------------------------
def show_titles(turn: RegTurn, head: str = "") -> list[Reply]:
    turn.save("titles")
    return [view.titles_screen(turn.catalogue, turn.state.titles, turn.state.nonce, head, buttonless=turn.buttonless)]


def show_targets(turn: RegTurn, note: str = "") -> list[Reply]:
    turn.save("targets")
    return [view.targets_screen(turn.state.targets, turn.state.nonce, note, buttonless=turn.buttonless)]


def show_file(turn: RegTurn, note: str = "") -> list[Reply]:
    turn.save("file")
    return [view.file_screen(note)]


def show_review(turn: RegTurn, note: str = "") -> list[Reply]:
    turn.save("review")
    return [view.review_screen(turn.catalogue, turn.round.year, turn.commune.name, turn.state, turn.round.due_at,
                               note, version=next_version(turn), buttonless=turn.buttonless)]


def resume(turn: RegTurn, note: str = "") -> list[Reply]:
    show = {"titles": show_titles, "targets": show_targets, "file": show_file}.get(turn.state.step, show_review)
    return show(turn, note)


# -- the steps -----------------------------------------------------------------------------
def _typed_targets(text: str) -> list[Target] | str:
    out: list[Target] = []
    for line in (x.strip() for x in text.splitlines()):
        if not line:
            continue
        parsed = parse_target(line)
        if not isinstance(parsed, Target):
            return view.TARGET_PROBLEMS[parsed].format(line=line[:60])
        out.append(parsed)
    return out or view.TARGET_PROBLEMS[TargetStatus.NO_NUMBER].format(line="")


def _accepts_targets(ctx: Context, state: RegState, text: str) -> bool:
    return isinstance(_typed_targets(text), list)


async def on_targets(ctx: Context, state: RegState) -> list[Reply]:
    turn = open_turn(ctx, state)
    if not isinstance(turn, RegTurn):
        return turn
    typed = _typed_targets(ctx.msg.text or "")
    if isinstance(typed, str):
        raise NotAnAnswer(show_targets(turn, typed), show_targets(turn))
    if len(state.targets) + len(typed) > MAX_TARGETS:
        raise NotAnAnswer(show_targets(turn, view.refusal(RegStatus.TOO_MANY_TARGETS, 0, None)), show_targets(turn))
    # a new list: the loaded one is the stored JSON itself, changed in place it would not be saved
    state.targets = [*state.targets, *(t.to_dict() for t in typed)]
    return show_targets(turn, f"Đã ghi {len(typed)} chỉ tiêu.")


async def on_file(ctx: Context, state: RegState) -> list[Reply]:
    turn = open_turn(ctx, state)
    if not isinstance(turn, RegTurn):
        return turn
    if not ctx.msg.files:
        raise NotAnAnswer(show_file(turn, "Bước này cần ảnh hoặc tệp PDF."), show_file(turn))
    folder = Path("registrations") / str(turn.round.year) / str(turn.commune.code)
    return receive_signed(ctx, folder, "dangky", _file_received)


def _file_received(ctx: Context, stored: Optional[StoredPhoto], file_id: str, problem: str) -> list[Reply]:
    turn = open_turn(ctx, REG.load(ctx))
    if not isinstance(turn, RegTurn):
        return turn
    if stored is None:
        return show_file(turn, problem)
    turn.state.file = {"rel_path": stored.rel_path, "sha256": stored.sha256, "size": stored.size,
                       "mime_type": stored.mime_type, "file_id": file_id}
    return show_review(turn, "Đã nhận trang đăng ký đã ký.")


async def on_buttons_only(ctx: Context, state: RegState) -> list[Reply]:
    """Text typed where the step wants a button: say so and show the step again."""
    turn = open_turn(ctx, state)
    if not isinstance(turn, RegTurn):
        return turn
    note = f"Ở bước này anh/chị {view.pick(turn.buttonless)} một lựa chọn bên dưới."
    raise NotAnAnswer(resume(turn, note), resume(turn))


async def on_cancel(ctx: Context, state: Optional[RegState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text(CANCELLED)


def _again(ctx: Context, state: RegState) -> list[Reply]:
    turn = open_turn(ctx, state)
    return resume(turn) if isinstance(turn, RegTurn) else turn


REG: Dialog[RegState] = Dialog(
    "dangkythidua", RegState,
    steps={"titles": Step(on_buttons_only, closed=True, accepts=lambda ctx, s, t: False),
           "targets": Step(on_targets, closed=True, accepts=_accepts_targets),
           "file": Step(on_file, closed=True, accepts=lambda ctx, s, t: False),
           "review": Step(on_buttons_only, closed=True, accepts=lambda ctx, s, t: False)},
    on_cancel=on_cancel, action="emulation.register", again=_again)


def stored_file(state: RegState) -> StoredPhoto:
    f = state.file
    return StoredPhoto(str(f["rel_path"]), str(f["sha256"]), int(f["size"]), str(f["mime_type"]))

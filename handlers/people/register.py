"""The registration dialog, declared (core/dialogs.py): province → commune → full name → position.

A new officer's answers become a request for the province's supervisors (handlers/people/approvals.py);
an officer moving answers province and commune only ("change_unit"); an invite code
(handlers/people/invites.py) fixes the commune, so only name and position are asked. /huy, state
that no longer fits and questions typed mid-dialog come from the machinery. Buttons are
typed (``reg:prov|com|pos:<n>``, the same data as before, so buttons already sent still work);
a button of another step or of a finished dialog is stale, a code that was never offered
is forged: the router refuses and audits both once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core import messages
from core.callbacks import CallbackData, Forged, Stale
from core.context import Context
from core.dialogs import Dialog, NotAnAnswer, Step
from core.router import Router
from core.types import Reply
from handlers.people.approvals import file_request
from handlers.people.invites import redeem, valid_invite
from handlers.people.register_common import ASK_NAME, BAD_INVITE, DIALOG, POSITIONS, Registration, offer
from store.models import Commune
from store.people.former_units import communes_covering, names_district
from store.people.units import find_communes, find_provinces, unit_index

ASK_PROVINCE = "Anh/chị công tác ở tỉnh/thành phố nào? Gõ tên, ví dụ: Điện Biên."
ASK_COMMUNE = "{province}: anh/chị công tác ở xã/phường nào? Gõ tên, ví dụ: Tuần Giáo."
ASK_POSITION = "Chức vụ của anh/chị? Chọn bên dưới hoặc gõ."
HOW_TO_STOP = "\n(Gõ /huy để dừng.)"
TEXT_ONLY = "Anh/chị trả lời bằng chữ, hoặc gõ /huy để dừng."
NO_PROVINCE = "Không tìm thấy tỉnh/thành phố này. Anh/chị gõ lại tên tỉnh, ví dụ: Lai Châu."
MAX_COVERING = 12  # a former district became up to a dozen communes
NO_COMMUNE = "Không tìm thấy xã/phường này trong tỉnh. Anh/chị gõ lại tên xã/phường."
RETYPE_COMMUNE = "Anh/chị gõ lại tên xã/phường (có thể gõ không dấu)."
BAD_NAME = "Anh/chị gõ đầy đủ họ và tên (chỉ chữ), ví dụ: Nguyễn Thị Lan."
NOT_OFFERED = "Lựa chọn này không có trong danh sách vừa gửi. Anh/chị chọn lại hoặc gõ lại tên."
STOPPED = "Đã dừng khai báo. Gõ /start để đăng ký lại khi cần."
OUTDATED = "Phần khai báo đăng ký trước đã cũ nên đã dừng. Anh/chị gõ /start để đăng ký lại."


@dataclass(frozen=True)
class ChooseProvince(CallbackData, prefix="reg", action="prov"):
    province: int


@dataclass(frozen=True)
class ChooseCommune(CallbackData, prefix="reg", action="com"):
    commune: int  # 0: "not in the list, let me type again"


@dataclass(frozen=True)
class ChoosePosition(CallbackData, prefix="reg", action="pos"):
    position: int  # an index into POSITIONS


# -- entry points (/start, a shared contact, /dangky, /toi's "change unit", an invite code) ----
def begin(ctx: Context, *, kind: str = "register", phone: Optional[str] = None,
          claimed_phone: Optional[str] = None, lead: str = "") -> list[Reply]:
    """Start asking province → commune (→ name → position for a new officer)."""
    REGISTRATION.save(ctx, Registration(kind=kind, phone=phone, claimed_phone=claimed_phone))
    text = f"{lead}\n{ASK_PROVINCE}" if lead else ASK_PROVINCE
    return [Reply(text=text + HOW_TO_STOP, remove_keyboard=True)]


def start_invite(ctx: Context, code: str) -> list[Reply]:
    """``/start CODE`` or a typed code: the commune is the invite's; ask the name."""
    invite = valid_invite(ctx, code)
    if invite is None:
        ctx.audit("invite.use", f"code:{code[:40]}", "refused")
        return [Reply(text=BAD_INVITE), offer(ctx)]
    commune = invite.commune
    REGISTRATION.save(ctx, Registration(step="name", kind="invite", invite=invite.id, commune=commune.code,
                                        province=commune.province_code, phone=ctx.user.phone))
    return [Reply(text=f"Mã mời cho cán bộ {commune.name}, {commune.province.name}.\n{ASK_NAME}{HOW_TO_STOP}",
                  remove_keyboard=True)]


# -- steps ------------------------------------------------------------------------------------
def _typed(ctx: Context, again: str) -> str:
    text = (ctx.msg.text or "").strip()
    if not text:
        raise NotAnAnswer(messages.text(TEXT_ONLY), messages.text(again))
    return text


def _province_prompt(ctx: Context, data: Registration) -> str:
    name = unit_index(ctx.session).province_names.get(data.province or 0, "")
    return ASK_COMMUNE.format(province=name)


async def on_province(ctx: Context, data: Registration) -> list[Reply]:
    matches = find_provinces(ctx.session, _typed(ctx, ASK_PROVINCE), limit=3)
    if matches and matches[0].score >= 90 and (len(matches) < 2 or matches[0].score - matches[1].score >= 5):
        return _ask_commune(ctx, data, matches[0].code)
    matches = [m for m in matches if m.score >= 50]
    if not matches:
        raise NotAnAnswer(messages.text(NO_PROVINCE), messages.text(ASK_PROVINCE))
    data.candidates = [m.code for m in matches]
    REGISTRATION.save(ctx, data)
    return [Reply(text="Anh/chị chọn tỉnh/thành phố:",
                  buttons=[[ChooseProvince(m.code).button(m.name)] for m in matches])]


def _ask_commune(ctx: Context, data: Registration, province: int) -> list[Reply]:
    data.step, data.province, data.candidates = "commune", province, []
    REGISTRATION.save(ctx, data)
    return messages.text(_province_prompt(ctx, data))


async def on_commune(ctx: Context, data: Registration) -> list[Reply]:
    typed = _typed(ctx, _province_prompt(ctx, data))
    matches = find_communes(ctx.session, typed, data.province, limit=5, within_province=True)
    matches = [m for m in matches if m.score >= max(50.0, matches[0].score - 20)] if matches else []
    lead = "Anh/chị chọn đúng xã/phường của mình:"
    if data.province is not None and (names_district(typed) or not matches or matches[0].score < 90):
        # A pre-2025 name ("huyện Tuần Giáo"): the communes that now cover it.
        former, covering = communes_covering(unit_index(ctx.session), typed, data.province)
        if covering:
            matches = covering[:MAX_COVERING]
            lead = f"{', '.join(former)} (trước 7/2025) nay thuộc các xã/phường dưới đây. {lead}"
    if not matches:
        raise NotAnAnswer(messages.text(NO_COMMUNE), messages.text(_province_prompt(ctx, data)))
    data.candidates = [m.code for m in matches]
    REGISTRATION.save(ctx, data)
    rows = [[ChooseCommune(m.code).button(m.name)] for m in matches]
    rows.append([ChooseCommune(0).button("Không có trong danh sách – gõ lại")])
    return [Reply(text=lead, buttons=rows)]


def _after_commune(ctx: Context, data: Registration) -> list[Reply]:
    if data.kind == "change_unit":
        return _finish(ctx, data)
    data.step = "name"
    REGISTRATION.save(ctx, data)
    commune = ctx.session.get(Commune, data.commune)
    return messages.text(f"Đã chọn {commune.name if commune else ''}. {ASK_NAME}")


async def on_name(ctx: Context, data: Registration) -> list[Reply]:
    name = " ".join(_typed(ctx, ASK_NAME).split())
    if not (4 <= len(name) <= 100) or any(ch.isdigit() for ch in name) or " " not in name:
        return messages.text(BAD_NAME)
    data.step, data.full_name = "position", name
    REGISTRATION.save(ctx, data)
    return _position_question()


def _position_question() -> list[Reply]:
    return [Reply(text=ASK_POSITION, buttons=[[ChoosePosition(i).button(p)] for i, p in enumerate(POSITIONS)])]


async def on_position(ctx: Context, data: Registration) -> list[Reply]:
    return _position_given(ctx, data, _typed(ctx, ASK_POSITION))


def typed_position(ctx: Context, data: Registration, text: str) -> bool:
    """A typed position is an answer; a bare number picks a numbered button (console, Zalo)."""
    return not text.strip().isdigit()


def _position_given(ctx: Context, data: Registration, position: str) -> list[Reply]:
    position = " ".join(position.split())[:200]
    if len(position) < 2:
        return messages.text(ASK_POSITION)
    data.position = position
    return _finish(ctx, data)


def _finish(ctx: Context, data: Registration) -> list[Reply]:
    REGISTRATION.end(ctx)
    return redeem(ctx, data) if data.kind == "invite" else file_request(ctx, data)


async def on_cancel(ctx: Context, data: Optional[Registration]) -> list[Reply]:
    REGISTRATION.end(ctx)
    return [Reply(text=STOPPED, remove_keyboard=True)]


def ask_again(ctx: Context, data: Registration) -> list[Reply]:
    """The current step's question again (after a control word typed as its answer)."""
    if data.step == "position":
        return _position_question()
    prompts = {"province": ASK_PROVINCE, "name": ASK_NAME}
    return messages.text(prompts.get(data.step) or _province_prompt(ctx, data))


REGISTRATION: Dialog[Registration] = Dialog(DIALOG, Registration, on_cancel=on_cancel, stale_text=OUTDATED,
                                            again=ask_again, steps={
    # No answer here is ever a question: one typed mid-dialog is answered, then asked again.
    "province": Step(on_province, closed=True, questions_first=True),
    "commune": Step(on_commune, closed=True, questions_first=True),
    "name": Step(on_name, questions_first=True),
    "position": Step(on_position, accepts=typed_position, questions_first=True),
})


# -- buttons ----------------------------------------------------------------------------------
async def on_choice(ctx: Context, button: ChooseProvince | ChooseCommune | ChoosePosition) -> list[Reply]:
    """A province, commune or position button: only for the step that offered it."""
    step = {ChooseProvince: "province", ChooseCommune: "commune", ChoosePosition: "position"}[type(button)]
    data = REGISTRATION.load(ctx)
    if data is None or data.step != step:
        raise Stale(f"registration is not at step {step}")
    if isinstance(button, ChoosePosition):
        if not button.position < len(POSITIONS):
            raise Forged(f"no position {button.position}")
        return _position_given(ctx, data, POSITIONS[button.position])
    if isinstance(button, ChooseCommune) and button.commune == 0:
        data.candidates = []
        REGISTRATION.save(ctx, data)
        return messages.text(RETYPE_COMMUNE)
    code = button.province if isinstance(button, ChooseProvince) else button.commune
    if code not in data.candidates:
        raise Forged(f"{code} not offered (offered {data.candidates[:10]})", text=NOT_OFFERED)
    if isinstance(button, ChooseProvince):
        return _ask_commune(ctx, data, code)
    data.commune = code
    return _after_commune(ctx, data)


def register(router: Router) -> None:
    """The registration dialog and its choice buttons (open to strangers: no action)."""
    router.add_dialog(REGISTRATION)
    for button in (ChooseProvince, ChooseCommune, ChoosePosition):
        router.callback(button)(on_choice)

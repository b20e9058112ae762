"""What /dangkythidua shows: the titles to pick, the targets typed so far, the review screen,
and the polite refusals (each status of ``store.emulation.registrations`` worded once)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from core.types import Reply
from handlers.emulation.reg_calls import ClearTargets, RegEdit, RegNext, RegSubmit, ToggleTitle
from handlers.emulation.words import when
from store.emulation.registrations import RegStatus
from store.emulation.targets import MAX_TARGETS, Target, TargetStatus
from store.emulation.title_spec import Catalogue
from store.vn.text import fit_lines, shorten

NOT_COMMUNE = "Lệnh /dangkythidua dành cho cán bộ xã, phường."
EXAMPLE = "Thu ngân sách: 1.250 triệu đồng\nTỷ lệ hộ nghèo giảm: 1,5 %"
TARGET_PROBLEMS = {
    TargetStatus.NO_NUMBER: "Dòng “{line}” chưa có con số. Mỗi dòng gõ “Tên chỉ tiêu: số đơn vị”, ví dụ:\n" + EXAMPLE,
    TargetStatus.NO_NAME: "Dòng “{line}” chưa có tên chỉ tiêu trước con số.",
    TargetStatus.BAD_NUMBER: "Số ở dòng “{line}” không đọc được. Gõ số như 1.250 hoặc 12,5.",
    TargetStatus.TOO_LONG: "Dòng “{line}” dài quá: tên chỉ tiêu tối đa 200 ký tự, đơn vị tối đa 40 ký tự.",
}


def pick(buttonless: bool) -> str:
    return "gõ số" if buttonless else "bấm"


def refusal(status: RegStatus, year: int, due_at: datetime | None) -> str:
    if status is RegStatus.CLOSED:
        return (f"Đã hết hạn đăng ký thi đua năm {year} (hạn {when(due_at)}). Bot không nhận đăng ký mới hay "
                "sửa đổi nữa; anh/chị liên hệ cán bộ tỉnh nếu cần.")
    if status is RegStatus.NO_CATALOGUE:
        return f"Tỉnh chưa ban hành danh mục danh hiệu thi đua năm {year}. Anh/chị chờ cán bộ tỉnh thông báo."
    if status is RegStatus.NO_TITLE:
        return "Anh/chị chọn ít nhất một danh hiệu để đăng ký."
    if status is RegStatus.UNKNOWN_TITLE:
        return "Danh mục danh hiệu vừa thay đổi. Anh/chị gõ /dangkythidua để chọn lại."
    if status is RegStatus.TOO_MANY_TARGETS:
        return f"Mỗi bản đăng ký ghi tối đa {MAX_TARGETS} chỉ tiêu."
    return "Tỉnh chưa mở đăng ký thi đua. Bot sẽ báo khi có hạn đăng ký."


def titles_screen(cat: Catalogue, chosen: list[str], nonce: int, head: str, *, buttonless: bool) -> Reply:
    lines = [head] if head else []
    lines.append("Bước 1/3: chọn các danh hiệu xã đăng ký (chọn được nhiều, chọn lại để bỏ).")
    lines.append(f"Đã chọn: {', '.join(cat.names.get(c, c) for c in chosen) or 'chưa có'}.")
    lines.append(f"Chọn xong thì {pick(buttonless)} “Tiếp »”.")
    buttons = [[ToggleTitle(nonce, i).button(("✓ " if t.code in chosen else "☐ ") + t.name[:55])]
               for i, t in enumerate(cat.titles)]
    buttons.append([RegNext(nonce).button("Tiếp »")])
    return Reply(text="\n".join(lines), buttons=buttons)


# Targets shown on one screen: up to 15 names of up to 200 characters would fill several phone
# screens, so each line is shortened and the list cut at this many characters (the review screen
# stays under 1,000 in all).
TARGET_NAME = 60
TARGETS_SHOWN = 600


def _short(target: Target) -> Target:
    """The target with its name shortened; the figure and unit always shown."""
    return replace(target, name=shorten(target.name, TARGET_NAME), unit=shorten(target.unit, 20))


def target_lines(targets: list[dict[str, Any]]) -> list[str]:
    lines = [f"{i}. {_short(Target.from_dict(t)).show()}" for i, t in enumerate(targets, 1)]
    return fit_lines(lines, TARGETS_SHOWN, "… và {n} chỉ tiêu nữa (đã ghi đủ).")


def targets_screen(targets: list[dict[str, Any]], nonce: int, note: str, *, buttonless: bool) -> Reply:
    lines = [note] if note else []
    lines.append("Bước 2/3: gõ các chỉ tiêu chủ yếu, mỗi dòng một chỉ tiêu, dạng “Tên chỉ tiêu: số đơn vị”, "
                 f"ví dụ:\n{EXAMPLE}")
    if targets:
        lines.append("Chỉ tiêu đã ghi:\n" + "\n".join(target_lines(targets)))
    lines.append(f"Ghi xong thì {pick(buttonless)} “Xong chỉ tiêu »”.")
    buttons = [[RegNext(nonce).button("Xong chỉ tiêu »")]]
    if targets:
        buttons.append([ClearTargets(nonce).button("Nhập lại chỉ tiêu")])
    return Reply(text="\n".join(lines), buttons=buttons)


def file_screen(note: str) -> Reply:
    text = "Bước 3/3: gửi ảnh chụp hoặc tệp PDF trang đăng ký thi đua đã ký, đóng dấu."
    return Reply(text=f"{note}\n{text}" if note else text)


def review_screen(cat: Catalogue, year: int, commune: str, state: Any, due_at: datetime, note: str, *,
                  version: int, buttonless: bool) -> Reply:
    lines = [note] if note else []
    lines.append(f"Đăng ký thi đua năm {year} của {commune}" + (f" (sẽ là bản {version})" if version > 1 else "") + ":")
    lines.append("Danh hiệu: " + ", ".join(cat.names.get(c, c) for c in state.titles) + ".")
    lines.append("Chỉ tiêu:\n" + ("\n".join(target_lines(state.targets)) if state.targets else "(không ghi chỉ tiêu)"))
    lines.append("Trang đã ký: " + ("đã nhận." if state.file else "chưa có."))
    lines.append(f"Hạn đăng ký: {when(due_at)}. {pick(buttonless).capitalize()} “Gửi đăng ký” để gửi.")
    buttons = [[RegSubmit(state.nonce).button("Gửi đăng ký")],
               [RegEdit(state.nonce, 0).button("Sửa danh hiệu"), RegEdit(state.nonce, 1).button("Sửa chỉ tiêu")],
               [RegEdit(state.nonce, 2).button("Gửi lại trang ký")]]
    return Reply(text="\n".join(lines), buttons=buttons)
STALE = "Nút này thuộc bước đã qua. Bước đang làm:"

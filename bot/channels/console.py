"""A terminal chat on the same core: buttons are shown as numbered choices."""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from typing import Optional, TextIO

from bot.services import build_services
from bot.settings import Settings
from handlers.app import build_router
from handlers.core import BotCore
from handlers.types import Button, Contact, FileRef, Incoming, Location, Reply, UserRef

CONSOLE_USER = UserRef(channel="console", external_id="console", chat_id="console", display_name="Cán bộ thử")
INTRO = ("Chat thử trên máy (không cần Telegram). Gõ câu hỏi hoặc lệnh, ví dụ /help.\n"
         "Nút bấm hiện thành số: gõ 1, 2, 3… để chọn. /sdt SỐ gửi số điện thoại, "
         "/vitri VĨ_ĐỘ,KINH_ĐỘ gửi vị trí, /anh ĐƯỜNG_DẪN gửi ảnh. Ctrl+D để thoát.")


def render(reply: Reply) -> tuple[str, list[Button]]:
    """Text of a reply with its buttons as numbered choices."""
    lines = [reply.text] if reply.text else []
    flat = [b for row in reply.buttons for b in row]
    for i, button in enumerate(flat, 1):
        lines.append(f"  [{i}] {button.text}")
    if flat:
        lines.append(f"Trả lời {', '.join(str(i) for i in range(1, len(flat) + 1))} để chọn.")
    if reply.document:
        lines.append(f"[Tệp đính kèm: {reply.document.path or reply.document.file_name}]")
    if reply.image:
        lines.append(f"[Ảnh: {reply.image.path or reply.image.file_name}]")
    if reply.request_contact:
        lines.append(f"[{reply.request_contact}: gõ /sdt SỐ_ĐIỆN_THOẠI]")
    if reply.request_location:
        lines.append(f"[{reply.request_location}: gõ /vitri VĨ_ĐỘ,KINH_ĐỘ]")
    return "\n".join(lines), flat


def parse_line(line: str, buttons: list[Button], key: str, user: UserRef = CONSOLE_USER) -> Incoming:
    """Turn a typed line into a neutral message; ``key`` identifies it for redelivery checks."""
    text = line.rstrip("\n")
    stripped = text.strip()
    if stripped.isdigit() and buttons and 1 <= int(stripped) <= len(buttons):
        return Incoming(user=user, update_key=key, button=buttons[int(stripped) - 1].data)
    m = re.match(r"^/(\w+)(?:@\w+)?\s*(.*)$", stripped, re.S)
    if m:
        name, args = m.group(1).lower(), m.group(2).strip()
        if name == "sdt":
            return Incoming(user=user, update_key=key, contact=Contact(phone=args, external_id=user.external_id))
        if name == "vitri":
            try:
                lat, lon = (float(x) for x in args.replace(" ", "").split(","))
                return Incoming(user=user, update_key=key, location=Location(lat, lon))
            except ValueError:
                return Incoming(user=user, update_key=key, text=text)
        if name == "anh":
            return Incoming(user=user, update_key=key, files=(FileRef(file_id=args, kind="photo", file_name=args),))
        return Incoming(user=user, update_key=key, command=name, args=args, text=text)
    return Incoming(user=user, update_key=key, text=text)


async def chat(core: BotCore, stdin: TextIO, stdout: TextIO, user: UserRef = CONSOLE_USER) -> None:
    """Read lines, hand them to the core, print the replies."""
    buttons: list[Button] = []
    session = uuid.uuid4().hex[:12]  # keys stay unique across console sessions
    seq = 0
    print(INTRO, file=stdout, flush=True)
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        seq += 1
        queued = await core.handle(parse_line(line, buttons, f"console-{session}-{seq}", user))
        new_buttons: list[Button] = []
        for item in queued:
            text, flat = render(item.reply)
            print(text, file=stdout, flush=True)
            new_buttons = flat or new_buttons
            core.mark_sent(item.outbox_id)
        buttons = new_buttons


async def run_console(settings: Settings, stdin: Optional[TextIO] = None, stdout: Optional[TextIO] = None) -> int:
    services = build_services(settings)
    core = BotCore(services, build_router())
    await chat(core, stdin or sys.stdin, stdout or sys.stdout)
    return 0

"""A terminal chat on the same core: buttons are shown as numbered choices.

``python -m bot`` without BOT_TOKEN opens it on the bundled sample data. Messages queued for
the console user by the background work (reminders, notices, broadcasts) are printed too.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, TextIO

from bot.channels.console.demo import demo_chat_label, setup_demo
from bot.channels.files import local_fetcher
from core.channels import CONSOLE
from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.choices import numbered_text
from core import outbox
from core.dispatch import BotCore
from core.types import Contact, FileRef, Incoming, Location, Reply, UserRef
from bot.delivery.sender import OutboxSender
from bot.delivery.background import run_background, stop_background
from core.outbox import SendResult
from store.db import transaction

log = logging.getLogger(__name__)

CONSOLE_USER = UserRef(channel="console", external_id="console", chat_id="console", display_name="Cán bộ thử")
INTRO = ("Xin chào! Đây là bản chat thử trên máy (không cần Telegram), dùng dữ liệu mẫu.\n"
         "• Gõ câu hỏi, ví dụ: Chỉ thị 02/CT-UBND ban hành ngày nào?\n"
         "• Gõ /help để xem các lệnh, /huy để hủy thao tác đang làm.\n"
         "• Nút bấm hiện thành số: gõ 1, 2, 3… để chọn.\n"
         "• /thu để thử vai cán bộ xã (làm báo cáo), /thu giamsat để thử vai cán bộ tỉnh,\n"
         "  /thu truongkhoi để thử vai trưởng khối thi đua (chấm điểm khối, xếp hạng),\n"
         "  /thu denghi để thử đề nghị khen thưởng cuối năm (hồ sơ, tỉnh thẩm định).\n"
         "• /sdt SỐ gửi số điện thoại, /vitri VĨ_ĐỘ,KINH_ĐỘ gửi vị trí, /anh ĐƯỜNG_DẪN gửi ảnh,\n"
         "  /tep ĐƯỜNG_DẪN gửi tệp (cán bộ tỉnh gửi văn bản .docx/.pdf/.txt để nạp).\n"
         "• Ctrl+D (hoặc /thoat) để thoát.")
LOADING = "Đang nạp dữ liệu mẫu…"
GOODBYE = "Tạm biệt!"
QUIT_COMMANDS = {"/thoat", "/exit", "/quit"}


def render(reply: Reply) -> str:
    """Text of a reply with its buttons as numbered choices (the core reads the numbers back)."""
    body = numbered_text(reply)
    lines = [body] if body else []
    if reply.document:
        lines.append(f"[Tệp đính kèm: {reply.document.path or reply.document.file_name}]")
    if reply.image:
        lines.append(f"[Ảnh: {reply.image.path or reply.image.file_name}]")
    if reply.request_contact:
        lines.append(f"[{reply.request_contact}: gõ /sdt SỐ_ĐIỆN_THOẠI]")
    if reply.request_location:
        lines.append(f"[{reply.request_location}: gõ /vitri VĨ_ĐỘ,KINH_ĐỘ]")
    return "\n".join(lines)


def parse_line(line: str, key: str, user: UserRef = CONSOLE_USER) -> Incoming:
    """Turn a typed line into a neutral message; ``key`` identifies it for redelivery checks.
    Typed numbers stay text: the core maps them to the numbered choices it remembers."""
    text = line.rstrip("\n")
    stripped = text.strip()
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
        if name == "tep":
            ref = FileRef(file_id=args, kind="document", file_name=Path(args).name or args)
            return Incoming(user=user, update_key=key, files=(ref,))
        return Incoming(user=user, update_key=key, command=name, args=args, text=text)
    return Incoming(user=user, update_key=key, text=text)


class ConsoleTransport:
    """Prints messages the outbox sender delivers to the console user (reminders, notices)."""

    channel = "console"
    capabilities = CONSOLE

    def __init__(self, stdout: TextIO) -> None:
        self.stdout = stdout

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        colleague = demo_chat_label(chat_id)
        header = f"[Tin nhắn tới {colleague}]" if colleague else "[Tin nhắn mới]"
        print(f"\n{header}\n{render(reply)}", file=self.stdout, flush=True)
        return SendResult(ok=True)


CONSOLE_RATE_LIMIT = 10 ** 9  # effectively none: see run_console


async def chat(core: BotCore, stdin: TextIO, stdout: TextIO, user: UserRef = CONSOLE_USER,
               *, echo: Optional[bool] = None, on_quit: Optional[Callable[[], Awaitable[Any]]] = None) -> None:
    """Read lines, hand them to the core, print the replies (``echo``: repeat piped input).

    ``on_quit`` runs before the goodbye (the console delivers what is already due then).
    """
    if echo is None:
        echo = not _isatty(stdin)
    session_id = uuid.uuid4().hex[:12]  # keys stay unique across console sessions
    seq = 0
    print(INTRO, file=stdout, flush=True)
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            if on_quit is not None:
                await on_quit()
            print(f"\n{GOODBYE}", file=stdout, flush=True)
            break
        if echo:
            print(line.rstrip("\n"), file=stdout, flush=True)
        if line.strip().lower() in QUIT_COMMANDS:
            if on_quit is not None:
                await on_quit()
            print(GOODBYE, file=stdout, flush=True)
            break
        seq += 1
        demo = re.match(r"^/thu(?:\s+(.*))?$", line.strip(), re.I)
        if demo:
            print(setup_demo(core.services, user, demo.group(1) or ""), file=stdout, flush=True)
            continue
        queued = await core.handle(parse_line(line, f"console-{session_id}-{seq}", user))
        for item in queued:
            print(render(item.reply), file=stdout, flush=True)
        # A terminal has no rate limit and the prompt waits for the answer: the console
        # prints its replies itself and records them, instead of handing them to the sender.
        if queued:
            with transaction(core.services.session_factory) as session:
                outbox.mark_shown(session, [item.outbox_id for item in queued], core.services.clock.now())


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


async def run_console(settings: Settings, stdin: Optional[TextIO] = None, stdout: Optional[TextIO] = None) -> int:
    """Serve the console chat until end of input, with the background work alongside."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    print(LOADING, file=stdout, flush=True)
    # Every user of this process is a console chat: piped input is a script, not a flood, and a
    # count left on the user row by an earlier run must not hold this one back. No per-user limit here.
    settings = settings.model_copy(update={"rate_limit_messages": CONSOLE_RATE_LIMIT})
    services = build_services(settings)
    services.fetchers["console"] = local_fetcher(Path.cwd())
    core = BotCore(services, build_router())
    stop = asyncio.Event()
    transport = ConsoleTransport(stdout)
    background = _start_background(services, transport, stop)

    async def finish() -> None:
        await stop_background(background, stop)
        await deliver_due(services, transport)

    try:
        await chat(core, stdin, stdout, on_quit=finish)
    except KeyboardInterrupt:
        print(f"\n{GOODBYE}", file=stdout, flush=True)
    finally:
        await stop_background(background, stop)
    return 0


async def deliver_due(services: Any, transport: ConsoleTransport, rounds: int = 3) -> None:
    """Print what is due for console chats before quitting, once the background sender has
    stopped: piped input ends faster than the sender polls, and a newcomer trying /thongbao
    should see it arrive. A fixed few rounds, as each may queue more: a finished broadcast
    queues its delivery report for the sender.
    """
    sender = OutboxSender(services, {"console": transport})
    for _ in range(rounds):
        await sender.drain_once()


def _start_background(services: Any, transport: ConsoleTransport, stop: asyncio.Event) -> "asyncio.Task[None]":
    """The outbox sender and reminder sweep, printing what they send to the console user."""
    return asyncio.create_task(run_background(services, {"console": transport}, stop), name="background")

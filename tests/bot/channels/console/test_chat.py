"""The console chat: a newcomer's first experience, piped through ``python -m bot`` and in-process."""

from __future__ import annotations

from dataclasses import dataclass

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.channels.console.chat import CONSOLE_USER, GOODBYE, INTRO, ConsoleTransport, chat, parse_line, render
from bot.services import build_services
from core.settings import Settings
from core import messages
from handlers.app import build_router
from core.dispatch import BotCore
from core.callbacks import CallbackData
from core.router import Router
from core.types import Attachment, Reply

REPO = Path(__file__).resolve().parents[4]


def run_bot(tmp_path: Path, stdin: str, *extra_args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE_URL", "BOT_FAKE_NOW")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}", DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "bot", *extra_args], input=stdin, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=180, encoding="utf-8")


def test_newcomer_session_through_python_m_bot(tmp_path: Path) -> None:
    script = "/help\nChỉ thị 02/CT-UBND ban hành ngày nào?\n/lenhla\n/huy\n"
    result = run_bot(tmp_path, script)
    out = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.startswith("Đang nạp dữ liệu mẫu")
    assert INTRO in out
    assert "/huy – " in out  # the /help list
    assert messages.UNKNOWN_COMMAND.format(name="lenhla") in out
    assert messages.NOTHING_TO_CANCEL in out
    assert "> Chỉ thị 02/CT-UBND ban hành ngày nào?\n" in out  # piped input is echoed
    answer = out.split("ban hành ngày nào?\n", 1)[1].split("\n> ", 1)[0]
    assert answer.strip() and "Traceback" not in out
    assert out.rstrip().endswith(GOODBYE)
    assert "Traceback" not in result.stderr


def test_numbered_buttons_in_the_subprocess(tmp_path: Path) -> None:
    """/vanban offers numbered choices when the directives feature is there; 1 picks the first."""
    result = run_bot(tmp_path, "/vanban\n1\n/thoat\n/help\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    if "[1]" in out:
        after = out.split("\n> 1\n", 1)[1]
        assert after.split("\n> ", 1)[0].strip()  # the choice was answered
    assert out.rstrip().endswith(GOODBYE)
    assert "Các lệnh" not in out.split("/thoat", 1)[1]  # nothing read after /thoat


@dataclass(frozen=True)
class Pick(CallbackData, prefix="ctest"):
    number: int


def _router() -> Router:
    router = build_router()

    @router.command("chon_test", "Thử chọn")
    async def offer(ctx):  # type: ignore[no-untyped-def]
        """Offers two buttons."""
        return [Reply(text="Chọn:", buttons=[[Pick(1).button("Một"), Pick(2).button("Hai")]])]

    @router.callback(Pick)
    async def picked(ctx, data: Pick):  # type: ignore[no-untyped-def]
        """Says which button was chosen."""
        return [Reply(text=f"Đã chọn {ctx.msg.button}")]

    return router


async def test_chat_in_process_buttons_and_cancel(settings: Settings) -> None:
    core = BotCore(build_services(settings, startup=False), _router())
    stdin = io.StringIO("/chon_test\n2\n3\n/huy\n")
    stdout = io.StringIO()
    await chat(core, stdin, stdout)
    out = stdout.getvalue()
    assert "Chọn:\n1. Một\n2. Hai\nTrả lời 1 hoặc 2." in out
    assert "Đã chọn ctest:2" in out
    # "3" is not a choice any more (the menu was replaced by a plain reply): the core says so.
    assert "Số 3 thuộc danh sách lựa chọn đã cũ" in out.split("> 3", 1)[1]
    assert messages.NOTHING_TO_CANCEL in out


def test_parse_line_variants() -> None:
    assert parse_line("1\n", "k").text == "1"  # the core resolves numbers
    cmd = parse_line("/tim@bot thi đua\n", "k")
    assert (cmd.command, cmd.args) == ("tim", "thi đua")
    assert parse_line("/sdt 0912345678", "k").contact.phone == "0912345678"
    loc = parse_line("/vitri 21.03, 105.85", "k").location
    assert (loc.latitude, loc.longitude) == (21.03, 105.85)
    assert parse_line("/vitri abc", "k").text == "/vitri abc"
    photo = parse_line("/anh /tmp/a.jpg", "k").files[0]
    document = parse_line("/tep /tmp/van ban/chi_thi.docx", "k").files[0]
    assert (document.kind, document.file_id, document.file_name) == ("document", "/tmp/van ban/chi_thi.docx",
                                                                     "chi_thi.docx")
    assert (photo.kind, photo.file_id) == ("photo", "/tmp/a.jpg")
    assert parse_line("xin chào", "k").user == CONSOLE_USER


def test_render_shows_attachments_and_requests() -> None:
    text = render(Reply(text="Tệp", document=Attachment("a.xlsx", path="/tmp/a.xlsx"),
                        request_contact="Gửi số", request_location="Gửi vị trí"))
    assert "[Tệp đính kèm: /tmp/a.xlsx]" in text and "/sdt" in text and "/vitri" in text


async def test_console_transport_prints_notices() -> None:
    out = io.StringIO()
    result = await ConsoleTransport(out).send("console", Reply(text="Nhắc hạn báo cáo"))
    assert result.ok and "[Tin nhắn mới]\nNhắc hạn báo cáo" in out.getvalue()


async def test_local_fetcher_reads_console_photo(tmp_path: Path) -> None:
    from bot.channels.files import local_fetcher
    from core.types import FileRef

    (tmp_path / "a.jpg").write_bytes(b"jpeg")
    fetch = local_fetcher(tmp_path)
    assert await fetch(FileRef(file_id="a.jpg", kind="photo")) == b"jpeg"
    assert await fetch(FileRef(file_id=str(tmp_path / "a.jpg"), kind="photo")) == b"jpeg"


async def test_every_line_of_a_session_keeps_a_short_update_key(database_url: str, tmp_path: Path, clock) -> None:
    """The keys stay "console-<session>-<n>" (64 characters at most: PostgreSQL enforces it)."""
    from sqlalchemy import select

    from store.models import ProcessedUpdate

    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    core = BotCore(build_services(settings, clock, startup=False), _router())
    await chat(core, io.StringIO("/chon_test\n2\n/huy\n"), io.StringIO())
    with core.services.session_factory() as session:
        keys = list(session.scalars(select(ProcessedUpdate.update_key).order_by(ProcessedUpdate.id)))
    assert len(keys) == 3
    session_ids = {key.split("-")[1] for key in keys}
    assert len(session_ids) == 1 and all(len(key) <= 64 and key.startswith("console-") for key in keys)

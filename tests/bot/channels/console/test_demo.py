"""``/thu`` in the console: a newcomer can try reports and supervision on the sample data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.channels.console.demo import DEMO_PERIOD_LABEL, setup_demo
from bot.channels.console.chat import CONSOLE_USER
from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core import outbox
from core.dispatch import BotCore
from core.types import Incoming
from store.db import transaction
from store.models import Officer, Period
from tests.bot.channels.console.test_chat import run_bot


def test_demo_officer_can_open_the_report_dialog(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "/thu\n/baocao\n1\n/huy\n/thu giamsat\n/tonghop\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert "thử vai cán bộ Phường Tân Phong, Lai Châu" in out
    assert DEMO_PERIOD_LABEL in out.split("> /baocao", 1)[1]
    assert "Câu 1/" in out  # the dialog started
    assert "Đã lưu bản nháp" in out
    assert "thử vai giám sát tỉnh Lai Châu" in out
    assert "Chọn kỳ báo cáo" in out.split("> /tonghop", 1)[1]
    assert "Traceback" not in out + result.stderr


async def test_demo_refused_on_a_database_with_real_officers(tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", data_dir=tmp_path / "d")
    services = build_services(settings, clock)
    with transaction(services.session_factory) as session:
        session.add(Officer(full_name="Nguyễn Văn A", phone="0912345678", role="officer", position="Văn phòng",
                            active=True, created_at=clock.now()))
    answer = setup_demo(services, CONSOLE_USER, "")
    assert "danh sách cán bộ thật" in answer
    with services.session_factory() as session:
        assert session.scalar(select(Period.id)) is None
    assert "/thu giamsat" in setup_demo(services, CONSOLE_USER, "xyz")  # a usage hint, not an error
    core = BotCore(services, build_router())
    out = await core.handle(Incoming(user=CONSOLE_USER, update_key="k1", command="baocao"))
    assert "đăng ký" in out[0].reply.text


async def test_demo_broadcast_reaches_the_demo_colleagues(tmp_path: Path, clock) -> None:
    import io
    import itertools

    from bot.channels.console.chat import ConsoleTransport
    from bot.channels.console.demo import DEMO_COLLEAGUES
    from bot.delivery.sender import OutboxSender
    from store.clock import VN_TZ
    from datetime import datetime

    clock.set(datetime(2026, 6, 10, 9, 0, tzinfo=VN_TZ))  # outside quiet hours
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", data_dir=tmp_path / "d")
    services = build_services(settings, clock)
    assert "Lò Văn Minh" in setup_demo(services, CONSOLE_USER, "giamsat")
    core = BotCore(services, build_router())
    last: list = []
    keys = itertools.count()

    async def send(**kw) -> str:
        out = await core.handle(Incoming(user=CONSOLE_USER, update_key=f"b{next(keys)}", **kw))
        with transaction(services.session_factory) as session:  # shown in the terminal, as the console does
            outbox.mark_shown(session, [item.outbox_id for item in out], clock.now())
        last[:] = [b for q in out for row in q.reply.buttons for b in row]
        return "\n".join(q.reply.text for q in out)

    async def press(label: str) -> str:
        return await send(button=next(b.data for b in last if b.text.startswith(label)))

    await send(command="thongbao", text="/thongbao")
    await send(text="Họp giao ban sáng thứ Hai.")
    await press("Không đính kèm")
    assert "3 người" in await press("Toàn tỉnh")
    await press("Gửi")
    screen = io.StringIO()
    await OutboxSender(services, {"console": ConsoleTransport(screen)}).drain_once()
    for name in DEMO_COLLEAGUES:
        assert f"[Tin nhắn tới {name} (cán bộ thử)]\nHọp giao ban sáng thứ Hai." in screen.getvalue()

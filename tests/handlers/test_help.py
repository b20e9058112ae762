"""/help lists only what the user may do: a stranger, an officer, a supervisor, a suspended officer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from store.db import transaction
from store.models import Officer
from tests.handlers.report_setup import OPEN, Chat, build_world


def _commands(text: str) -> set[str]:
    return {line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("/")}


async def test_help_lists_only_what_the_user_may_do(tmp_path: Path, clock) -> None:
    clock.set(OPEN + timedelta(days=1))
    world = build_world(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "data", clock)
    seen = {}
    for user in (1, 9, 77):  # officer, supervisor, a stranger
        chat = Chat(world.core, user)
        await chat.cmd("help")
        seen[user] = _commands(chat.said)
    public = seen[77]
    assert {"/start", "/help", "/vanban", "/phongtrao", "/tim", "/huy"} <= public
    restricted = {"/toi", "/hanbaocao", "/baocao", "/tonghop", "/xuat", "/kybaocao", "/thongbao", "/canbo", "/moi",
                  "/chamdiem", "/khoicham", "/xephang", "/denghi"}
    assert not public & restricted  # nothing a stranger would be refused
    assert "/dangky" in public  # registering is for strangers only
    registered = public - {"/dangky"}
    # the emulation year: self-scoring, the bloc review (refused with the leader's name to other
    # communes' officers: who leads a bloc is data of the year) and the ranking
    emulation = {"/chamdiem", "/khoicham", "/xephang"}
    # the start of the year (issue 16): registering, the registrations list, the bloc's pledge
    # (the pledge is the bloc leader's: other officers are refused politely; the list shows their own commune)
    emulation |= {"/dangkythidua", "/dsdangky", "/giaouoc"}
    # the end of the year (issue 16): nominations and their dossiers, for the bloc, the commune and the province
    emulation |= {"/denghi"}
    assert seen[1] == registered | {"/toi", "/hanbaocao", "/baocao"} | emulation
    # /hanbaocao is the commune's deadlines: a province officer has /tonghop for that
    assert seen[9] - {"/xephang", "/dsdangky", "/denghi"} == registered | {"/toi", "/tonghop", "/xuat", "/kybaocao", "/thongbao", "/canbo", "/moi"}
    with transaction(world.core.services.session_factory) as s:
        s.execute(update(Officer).where(Officer.full_name == "Lò Văn An").values(active=False))
    suspended = Chat(world.core, 1)
    await suspended.send(command="help", text="/help", key="after-suspension")
    assert _commands(suspended.said) == public, suspended.said


def test_platform_menu_keeps_the_commands_registered_users_share() -> None:
    from handlers.app import build_router

    names = [c.name for c in build_router().menu_commands()]
    assert {"start", "help", "vanban", "phongtrao", "tim", "toi", "hanbaocao"} <= set(names)
    assert not {"baocao", "tonghop", "thongbao"} & set(names)  # role commands: /help lists them per user

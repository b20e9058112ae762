"""Signed /files links served by the real webhook server: one export or chart each, made for
one officer's chat, signed with FILE_LINK_KEY (no webhook secret opens them), expiring,
tamper-proof, dead once that officer is removed, never outside the made-files folders."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.file_links import FileLinks
from core.context import Services
from store.clock import FakeClock
from store.db import transaction
from store.models import Officer, User
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import running_bot
from tests.e2e.webhook_harness import LINK_KEY, SECRET, ZALO_SECRET, get, running_webhook_bot

XLSX = b"PK\x03\x04 fake xlsx bytes"
CHAT = "zalo-chat-77"


def _officer_on_zalo(services: Services, chat_id: str = CHAT) -> int:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        officer = Officer(full_name="Nguyễn Thị Hoa", role="supervisor", created_at=now)
        s.add(officer)
        s.flush()
        s.add(User(channel="zalo", external_id=chat_id, chat_id=chat_id, officer_id=officer.id,
                   created_at=now, last_seen_at=now))
        return officer.id


def _export(services: Services, name: str = "tổng hợp.xlsx") -> Path:
    path = services.settings.files_dir / "exports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(XLSX)
    return path


async def test_a_signed_link_serves_its_file_until_it_expires(tmp_path: Path, clock: FakeClock) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api, clock=clock) as (services, server):
            _officer_on_zalo(services)
            assert services.file_link is not None
            url = services.file_link(str(_export(services)), "zalo", CHAT)
            assert url is not None and url.startswith(f"http://127.0.0.1:{server.port}/files/")
            assert "tổng" not in url and "exports" not in url  # the path is inside the signed token

            status, body, headers = await get(url)
            assert (status, body) == (200, XLSX)
            assert headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''t%E1%BB%95ng")

            token = url.rsplit("/", 1)[1]
            tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
            assert (await get(url.replace(token, tampered)))[0] == 403
            assert (await get(url.rsplit("/", 1)[0] + "/not-a-token"))[0] == 403

            clock.jump(timedelta(seconds=services.settings.file_link_ttl_seconds + 1))
            status, body, _ = await get(url)
            assert status == 410 and "hết hạn".encode() in body


async def test_a_link_works_only_for_the_officer_it_was_made_for_while_active(tmp_path: Path,
                                                                               clock: FakeClock) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api, clock=clock) as (services, _server):
            officer_id = _officer_on_zalo(services)
            assert services.file_link is not None
            export = str(_export(services))
            url = services.file_link(export, "zalo", CHAT)
            stranger = services.file_link(export, "zalo", "somebody-else")
            assert url and stranger and url != stranger
            assert (await get(url))[0] == 200
            assert (await get(stranger))[0] == 403  # no officer behind that chat
            with transaction(services.session_factory) as s:
                s.get_one(Officer, officer_id).removed_at = clock.now()
            assert (await get(url))[0] == 403  # removed: the links they were sent die with the role


async def test_links_only_for_exports_and_charts_never_outside(tmp_path: Path, clock: FakeClock) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api, clock=clock) as (services, server):
            _officer_on_zalo(services)
            link = services.file_link
            assert link is not None
            files = services.settings.files_dir
            photo = files / "photos" / "1" / "anh.jpg"
            photo.parent.mkdir(parents=True)
            photo.write_bytes(b"jpg")
            assert link(str(photo), "zalo", CHAT) is None  # report photos are never linked
            assert link(str(tmp_path / "bot.sqlite3"), "zalo", CHAT) is None
            assert link(str(files / "exports" / ".." / ".." / "bot.sqlite3"), "zalo", CHAT) is None
            assert link(str(files / "exports"), "zalo", CHAT) is None  # the folder itself
            # Even a validly signed token naming a path outside the made files is refused.
            signer = FileLinks(LINK_KEY, "", files, clock, 60)
            for name in ("../bot.sqlite3", "exports/../../bot.sqlite3", str(tmp_path / "bot.sqlite3"),
                         "photos/1/anh.jpg"):
                forged = signer.token_for(name, "zalo", CHAT)
                assert (await get(f"http://127.0.0.1:{server.port}/files/{forged}"))[0] == 403
            # Neither webhook secret can sign a working link.
            for secret in (SECRET, ZALO_SECRET):
                forged = FileLinks(secret, "", files, clock, 60).token_for("exports/tổng hợp.xlsx", "zalo", CHAT)
                _export(services)
                assert (await get(f"http://127.0.0.1:{server.port}/files/{forged}"))[0] == 403
            chart = files / "charts" / "tonghop-1-1.png"
            chart.parent.mkdir(parents=True)
            chart.write_bytes(b"png")
            assert link(str(chart), "zalo", CHAT) is not None
            gone = link(str(files / "exports" / "missing.xlsx"), "zalo", CHAT)
            assert gone is not None and (await get(gone))[0] == 404


def test_a_link_names_one_file(tmp_path: Path, clock: FakeClock) -> None:
    links = FileLinks(LINK_KEY, "https://bot.example.vn", tmp_path, clock, 60)
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "a.png").write_bytes(b"a")
    (tmp_path / "charts" / "b.png").write_bytes(b"b")
    first = links.link(tmp_path / "charts" / "a.png", "zalo", CHAT)
    second = links.link(tmp_path / "charts" / "b.png", "zalo", CHAT)
    assert first and second and first != second
    assert links.resolve(first.rsplit("/", 1)[1]) == tmp_path.resolve() / "charts" / "a.png"
    assert links.headers(tmp_path / "charts" / "a.png")["Content-Type"] == "image/png"  # charts open inline
    other = FileLinks("another-key-" + LINK_KEY, "https://bot.example.vn", tmp_path, clock, 60)
    assert other.link(tmp_path / "charts" / "a.png", "zalo", CHAT) != first


async def test_polling_without_webhook_url_has_no_links(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (_api, services, _core):
        assert services.file_link is None

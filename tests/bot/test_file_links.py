"""Signed /files links served by the real webhook server: one file each, expiring,
tamper-proof, never outside DATA_DIR."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.file_links import FileLinks
from store.clock import FakeClock
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import running_bot
from tests.e2e.webhook_harness import SECRET, get, running_webhook_bot

XLSX = b"PK\x03\x04 fake xlsx bytes"


async def test_a_signed_link_serves_its_file_until_it_expires(tmp_path: Path, clock: FakeClock) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api, clock=clock) as (services, server):
            export = services.settings.data_dir / "exports" / "tổng hợp.xlsx"
            export.parent.mkdir(parents=True, exist_ok=True)
            export.write_bytes(XLSX)
            assert services.file_link is not None
            url = services.file_link(str(export))
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


async def test_links_never_reach_outside_the_data_dir(tmp_path: Path, clock: FakeClock) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api, clock=clock) as (services, server):
            secret_file = tmp_path / "bot.sqlite3"
            assert services.file_link is not None
            assert services.file_link(str(secret_file)) is None
            assert services.file_link(str(services.settings.data_dir / ".." / "bot.sqlite3")) is None
            # Even a validly signed token naming a path that climbs out is refused.
            signer = FileLinks(SECRET, "", services.settings.data_dir, clock, 60)
            for climbing in ("../bot.sqlite3", "exports/../../bot.sqlite3", str(tmp_path / "bot.sqlite3")):
                forged = signer.token_for(climbing)
                assert (await get(f"http://127.0.0.1:{server.port}/files/{forged}"))[0] == 403
            gone = services.file_link(str(services.settings.data_dir / "exports" / "missing.xlsx"))
            assert gone is not None and (await get(gone))[0] == 404


def test_a_link_names_one_file(tmp_path: Path, clock: FakeClock) -> None:
    links = FileLinks(SECRET, "https://bot.example.vn", tmp_path, clock, 60)
    (tmp_path / "a.png").write_bytes(b"a")
    (tmp_path / "b.png").write_bytes(b"b")
    first, second = links.link(tmp_path / "a.png"), links.link(tmp_path / "b.png")
    assert first and second and first != second
    assert links.resolve(first.rsplit("/", 1)[1]) == tmp_path.resolve() / "a.png"
    assert links.headers(tmp_path / "a.png")["Content-Type"] == "image/png"  # charts open inline
    other = FileLinks("another-secret-456", "https://bot.example.vn", tmp_path, clock, 60)
    assert other.link(tmp_path / "a.png") != first


async def test_polling_without_webhook_url_has_no_links(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (_api, services, _core):
        assert services.file_link is None

"""Zalo in webhook mode: the fake Zalo platform POSTs updates to the real webhook server with
the secret header; a forged POST is refused and handles nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.services import build_services
from bot.webhook.serve import webhook_running
from store.models import ProcessedUpdate
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.webhook_harness import SECRET, SECRETS, ZALO_SECRET, free_port, post
from tests.e2e.zalo_harness import ZUSER, ZChat, zalo_settings

ZALO_HEADER = "X-Bot-Api-Secret-Token"


async def test_zalo_webhook_handles_posts_and_refuses_forgeries(tmp_path: Path) -> None:
    port = free_port()
    async with FakeZaloAPI() as api:
        settings = zalo_settings(api, tmp_path, webhook_url=f"http://127.0.0.1:{port}", port=port,
                                 web_host="127.0.0.1", **SECRETS)
        services = build_services(settings)
        async with webhook_running(settings, services):
            assert api.webhook_url == f"http://127.0.0.1:{port}/webhook/zalo" and api.webhook_secret == ZALO_SECRET
            hoa = ZChat(api, ZUSER)
            said = await hoa.text("Chỉ thị 02/CT-UBND ban hành ngày nào?")
            assert "Nguồn: Chỉ thị 02/CT-UBND" in said
            assert [d.status for d in api.deliveries] == [200]
            forged = {"event_name": "message.text.received",
                      "message": {"message_id": "forged-1", "from": {"id": "666"}, "chat": {"id": "666",
                                  "chat_type": "PRIVATE"}, "date": 0, "text": "/help"}}
            url = f"http://127.0.0.1:{port}/webhook/zalo"
            assert await post(url, forged, {ZALO_HEADER: "wrong-secret-123"}) == 401
            assert await post(url, forged) == 401
            assert await post(url, forged, {ZALO_HEADER: SECRET}) == 401  # Telegram's secret is not Zalo's
            assert await post(url, {"ok": True, "result": forged}, {ZALO_HEADER: ZALO_SECRET}) == 200
            await api.wait_for("666")
            assert await post(url, forged, {ZALO_HEADER: ZALO_SECRET}) == 200  # a retry: recorded once, answered once
            said = await hoa.text("/help")
            assert "/lienket" in said
        assert len(api.sent("666")) == 1
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ProcessedUpdate).where(
            ProcessedUpdate.update_key.like("666:%"))) == 1

"""Replies a killed process queued but never sent: each channel sends its own at start-up.

The core queues replies and the channel sends them right away. Replies left ``queued`` by a
crash are sent once at start-up, before the channel takes new updates and before the
background outbox sender starts; each row is leased first so a sender-only worker
(``python -m bot outbox``) never sends the same one.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Awaitable, Callable

from sqlalchemy import select, update

from core.context import Services
from core.dispatch import BotCore
from core.types import Reply
from store.db import transaction
from store.models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 500
SendOne = Callable[[int, str, Reply], Awaitable[bool]]  # (outbox id, chat id, reply) -> sent


async def send_leftovers(services: Services, core: BotCore, channel: str, send_one: SendOne) -> int:
    """Send ``channel``'s leftover replies in order; returns how many went out."""
    sent, after_id = 0, 0
    while True:
        with transaction(services.session_factory) as session:
            rows = session.execute(
                select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.payload)
                .where(OutboxMessage.channel == channel, OutboxMessage.kind == "reply",
                       OutboxMessage.state == "queued", OutboxMessage.id > after_id)
                .order_by(OutboxMessage.id).limit(BATCH)
            ).all()
        if not rows:
            break
        for outbox_id, chat_id, payload in rows:
            after_id = outbox_id
            if not _lease(services, outbox_id):
                continue  # an outbox worker is sending it
            try:
                reply = Reply.from_payload(payload)
            except (TypeError, ValueError) as exc:
                log.error("outbox %s has an unreadable payload: %s", outbox_id, exc)
                core.mark_failed(outbox_id, f"bad payload: {exc}")
                continue
            sent += await send_one(outbox_id, chat_id, reply)
    if sent:
        log.info("sent %d %s reply(ies) left queued by the previous run", sent, channel)
    return sent


def _lease(services: Services, outbox_id: int) -> bool:
    """Take a leftover reply for this process: push its not_before past a lease, atomically.

    The row stays 'queued' (so core.mark_sent applies) but the outbox sender only takes rows
    whose not_before has passed, so a sender-only worker cannot send it meanwhile.
    """
    now = services.clock.now()
    lease = timedelta(seconds=services.settings.outbox_lease_seconds)
    with transaction(services.session_factory) as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.state == "queued", OutboxMessage.not_before <= now)
            .values(not_before=now + lease).execution_options(synchronize_session=False))
        return result.rowcount == 1

"""The Zalo channel: Zalo Bot Platform updates in front of the neutral core.

Updates arrive by the getUpdates long poll (development) or by the webhook server's
``POST /webhook/zalo`` (production); either way they are recorded in the inbox first
(bot.delivery.inbox_worker) and its worker calls ``handle_raw``, then ``handle_update``: a private message
goes to the core, which records it and queues the replies in one transaction, and the
outbox sender (woken at once) sends them at Zalo's pace; a group chat gets one polite line,
once, and nothing else.

getUpdates takes no offset (an update is gone once returned), so an update returned to a
process killed before it recorded it is lost — the webhook, which Zalo retries until the
200 that follows the record, is the production path. Replies a killed process queued but
never sent stay in the outbox and go out when a sender runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator, Optional

from bot.channels.files import url_fetcher
from bot.channels.zalo.api import ZaloClient, ZaloError
from bot.channels.zalo.convert import CHANNEL, convert, received
from bot.channels.zalo.send import ZaloTransport, no_links
from bot.aio import until_stopped, wait_or_stop
from bot.delivery.inbox_worker import Inbox, record_until_done
from bot.webhook.app import WebhookEndpoint
from core import messages
from core.context import FileLink, Services
from core.dispatch import BotCore
from core.settings import Settings, reveal
from bot.delivery.background import Background
from store.db import is_unavailable

log = logging.getLogger(__name__)

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0


class ZaloChannel:
    """Owns the Zalo client and transport; feeds the core. Background work is the caller's."""

    def __init__(self, settings: Settings, services: Services, core: BotCore,
                 client: Optional[ZaloClient] = None) -> None:
        if not settings.zalo_bot_token:
            raise ValueError("ZALO_BOT_TOKEN is required for the Zalo channel")
        self.settings = settings
        self.services = services
        self.core = core
        self.client = client or ZaloClient(reveal(settings.zalo_bot_token), settings.zalo_api_base_url)
        self.transport = ZaloTransport(self.client, self.file_link, max_in_flight=settings.zalo_max_in_flight)
        services.fetchers[CHANNEL] = url_fetcher(self.client.download)
        self.inbox = Inbox(services, CHANNEL, self.handle_raw, backoff_cap=settings.database_retry_max_seconds)
        self.polls = 0
        self.background: Optional[Background] = None  # set by whoever runs the sender (bot.serve)
        self._tasks: list[asyncio.Task[None]] = []
        self.backoff_first = BACKOFF_FIRST  # tests shorten it

    def file_link(self) -> FileLink:
        """The webhook server sets ``services.file_link`` (path -> signed URL); without it,
        files are announced as ready instead of linked."""
        return self.services.file_link or no_links

    # -- one update --------------------------------------------------------------------
    async def handle_raw(self, raw: dict[str, Any]) -> None:
        """Handle one recorded raw update (the inbox worker calls this). A database outage
        propagates so the inbox keeps the update; any other error is logged and the user
        gets the polite error reply, never silence."""
        try:
            await self.handle_update(raw)
        except Exception as exc:
            if is_unavailable(exc):
                raise
            log.error("error while handling a Zalo update", exc_info=exc)
            update = convert(raw) if isinstance(raw, dict) else None
            if update is not None and update.incoming is not None:  # private: groups get nothing more
                # Through the outbox, in a transaction of its own (the failed one rolled back).
                msg = update.incoming
                if self.core.say(msg.user, messages.ERROR, f"error:{msg.update_key}"):
                    self._wake_sender()

    async def handle_update(self, raw: dict[str, Any]) -> None:
        """Handle one raw Zalo update, recorded or not (tests and tools may call it directly)."""
        update = convert(raw) if isinstance(raw, dict) else None
        if update is None:
            log.debug("Zalo update without a message; ignored")
            return
        if update.group:
            await self._group_notice(update.chat_id)
            return
        if update.incoming is None:
            return  # a message without a sender: nothing to answer
        if await self.core.handle(update.incoming):
            self._wake_sender()  # the replies are queued: the sender sends them first

    async def _group_notice(self, chat_id: str) -> None:
        """Private chats only: say so once per group (through the outbox); nothing reaches the core."""
        if self.core.group_notice(CHANNEL, chat_id):
            self._wake_sender()

    def _wake_sender(self) -> None:
        if self.background is not None:
            self.background.wake()

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Check the token (raises ZaloError 401 on a bad one)."""
        me = await self.client.get_me()
        log.info("Zalo bot %s ready", (me or {}).get("display_name") or (me or {}).get("id"))

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll getUpdates into the inbox until ``stop``; errors back off 1 s, 2 s … 60 s."""
        with contextlib.suppress(ZaloError):
            await self.client.delete_webhook()  # getUpdates is refused while a webhook is set
        delay = self.backoff_first
        timeout = self.settings.zalo_poll_timeout_seconds
        while not stop.is_set():
            try:
                self.polls += 1
                updates = await until_stopped(self.client.get_updates(timeout), stop)
                delay = self.backoff_first
            except ZaloError as exc:
                if exc.bad_token:
                    log.error("Zalo refused ZALO_BOT_TOKEN (401); retrying in %.0f s", delay)
                else:
                    log.warning("Zalo getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await wait_or_stop(stop, delay)
                delay = min(BACKOFF_MAX, delay * 2)
                continue
            # Recorded before anything else and before the next poll: the platform has no
            # offsets, so from here the inbox row is the update's only copy. While the database
            # is down this waits; stopped meanwhile, the updates are lost — say so.
            items = [item for raw in updates or [] if isinstance(raw, dict) for item in received(raw)]
            if items and not await record_until_done(self.inbox, items, stop):
                log.error("%d Zalo update(s) returned by getUpdates were lost: stopped before the database "
                          "could record them (polling has no offsets; the webhook is the production path)",
                          len(items))

    @contextlib.asynccontextmanager
    async def running(self, *, poll: bool = True) -> AsyncIterator["ZaloChannel"]:
        """The inbox worker, and long polling unless ``poll`` is False (the webhook server
        then feeds the inbox). Call ``start`` first."""
        stop = asyncio.Event()
        self._tasks = [asyncio.create_task(self.inbox.run(stop), name="zalo-inbox")]
        if poll:
            self._tasks.append(asyncio.create_task(self.poll(stop), name="zalo-poll"))
        try:
            yield self
        finally:
            stop.set()
            await asyncio.wait(self._tasks, timeout=15)

    def is_up(self) -> bool:
        return bool(self._tasks) and all(not task.done() for task in self._tasks)

    def webhook_endpoint(self) -> WebhookEndpoint:
        """How the webhook server takes Zalo's POSTs (secret in X-Bot-Api-Secret-Token)."""
        # Bandit B106 waived: the name of Zalo's secret header, not a secret.
        return WebhookEndpoint(name=CHANNEL, secret_header="X-Bot-Api-Secret-Token",  # nosec B106
                               inbox=self.inbox, received=received, register=self.register_webhook,
                               is_up=self.is_up)

    async def register_webhook(self, url: str, secret: str) -> None:
        await self.client.set_webhook(url, secret)

    async def aclose(self) -> None:
        await self.client.aclose()

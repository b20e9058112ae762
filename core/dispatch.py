"""The channel-neutral core: one incoming event in, queued replies out, in one transaction.

Each event is handled in a single database transaction that also records the update as
processed and puts the replies in the outbox. A channel then sends the replies and marks
them sent; replies left queued by a crash are sent by the outbox sender after restart, and
a redelivered update is recognised and not handled again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import callbacks, choices, messages, metrics, ratelimit
from core.context import AfterCommit, Context, Services
from core.outbox import enqueue
from core.permissions import Refused, refusal_text, scope
from core.router import CANCEL_COMMAND, Router
from core.text import split_message
from core.types import Incoming, Reply
from store.db import is_unavailable, transaction
from store.models import Officer, OutboxMessage, ProcessedUpdate, User

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # longer questions are refused politely


@dataclass
class QueuedReply:
    outbox_id: int
    reply: Reply


class BotCore:
    """Handles neutral messages for every channel."""

    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router

    async def handle(self, msg: Incoming) -> list[QueuedReply]:
        """Handle one event; return the replies to send now (already in the outbox)."""
        key = msg.update_key or f"local-{uuid.uuid4().hex}"
        if not msg.user.private:
            # Channels answer groups themselves (one notice, then leave); the core never
            # records a group as anyone's chat nor queues anything for it.
            log.info("update %s from a group chat ignored by the core", key)
            return []
        jobs: list[AfterCommit] = []
        channel = msg.user.channel
        try:
            with transaction(self.services.session_factory) as session:
                if self._seen(session, channel, key):
                    log.info("update %s already processed; skipping", key)
                    metrics.UPDATES.labels(channel, "duplicate").inc()
                    return []
                user = self._upsert_user(session, msg)
                limited = self._rate_limited(user, msg, key)
                if limited is not None:
                    return self._finish(session, user, key, limited)
                ctx = Context(self.services, session, msg, user, self._officer(session, user))
                replies = await self._dispatch(ctx)
                queued = self._finish(session, user, key, replies)
                jobs = ctx.pending
        except IntegrityError:
            # Another process handled the same update first; its replies are queued there.
            log.info("update %s raced with another worker", key)
            metrics.UPDATES.labels(channel, "duplicate").inc()
            return []
        except Exception as exc:
            if is_unavailable(exc):
                raise  # the database is down: the channel keeps the update and retries it later
            log.exception("update %s handler failed (from %s)", key, msg.user)
            metrics.UPDATES.labels(channel, "error").inc()
            return self._fail(msg, key, key)
        for n, job in enumerate(jobs):
            queued += await self._after_commit(msg, key, n, job)
        log.info("update %s handled, %d repl%s queued", key, len(queued), "y" if len(queued) == 1 else "ies")
        metrics.UPDATES.labels(channel, "handled").inc()
        return queued

    async def _after_commit(self, msg: Incoming, key: str, n: int, job: AfterCommit) -> list[QueuedReply]:
        """Slow work of a handler, outside the update's transaction (see ``AfterCommit``)."""
        sub_key = f"{key}:after{n}"
        try:
            value = await job.prepare()
            with transaction(self.services.session_factory) as session:
                user = self._upsert_user(session, msg)
                ctx = Context(self.services, session, msg, user, self._officer(session, user))
                return self._enqueue(session, user, sub_key, job.finish(ctx, value))
        except Exception:
            log.exception("after-commit work %d failed for update %s from %s", n, key, msg.user)
            return self._fail(msg, key, sub_key)

    def _fail(self, msg: Incoming, key: str, reply_key: str) -> list[QueuedReply]:
        """The polite error reply, queued once even if the update is redelivered."""
        with transaction(self.services.session_factory) as session:
            user = self._upsert_user(session, msg)
            if reply_key == key:
                if self._seen(session, msg.user.channel, key):
                    return []
                return self._finish(session, user, key, messages.text(messages.ERROR))
            return self._enqueue(session, user, reply_key, messages.text(messages.ERROR))

    def _rate_limited(self, user: User, msg: Incoming, key: str) -> Optional[list[Reply]]:
        """None when the message may be handled; else the replies (a notice once, then none)."""
        if msg.membership is not None:
            return None  # blocking / unblocking the bot is not a message
        now, settings = self.services.clock.now(), self.services.settings
        verdict = ratelimit.count_message(user, now, settings)
        if verdict is ratelimit.Verdict.ALLOWED:
            return None
        if verdict is ratelimit.Verdict.NOTIFY:
            log.info("user %s over the rate limit at update %s; quiet until the window passes", user.id, key)
            return messages.text(ratelimit.slow_down_text(user, now, settings))
        return []

    def first_group_notice(self, channel: str, chat_id: str) -> bool:
        """True the first time a group chat is seen: the channel then says once that the bot
        works in private chats only (and leaves where the platform allows)."""
        key = f"group-notice:{chat_id}"
        try:
            with transaction(self.services.session_factory) as session:
                if self._seen(session, channel, key):
                    return False
                session.add(ProcessedUpdate(channel=channel, update_key=key, processed_at=self.services.clock.now()))
        except IntegrityError:
            return False  # another worker said it
        return True

    # -- internals ------------------------------------------------------------
    def _seen(self, session: Session, channel: str, key: str) -> bool:
        return session.scalar(select(ProcessedUpdate.id).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_key == key)) is not None

    def _finish(self, session: Session, user: User, key: str, replies: list[Reply]) -> list[QueuedReply]:
        session.add(ProcessedUpdate(channel=user.channel, update_key=key, processed_at=self.services.clock.now()))
        return self._enqueue(session, user, key, replies, hides_menu=True)

    def _enqueue(self, session: Session, user: User, key: str, replies: list[Reply], *,
                 hides_menu: bool = False) -> list[QueuedReply]:
        """Queue replies; on buttonless channels the last one with buttons becomes the numbered
        menu. ``hides_menu``: the update's own replies without buttons hide the old menu (work
        finished after the commit, like a chart, only adds to what the update answered)."""
        now = self.services.clock.now()
        rows: list[tuple[OutboxMessage, Reply]] = []
        for reply in _split(replies):
            row = enqueue(session, user, reply, key=f"reply:{user.channel}:{key}:{len(rows)}",
                          kind="reply", not_before=now, now=now)
            if row is not None:
                rows.append((row, reply))
        if replies:
            with_buttons = [r for r in replies if r.buttons]
            choices.remember(session, user, with_buttons[-1] if with_buttons else Reply(), now,
                             interactive=hides_menu)
        session.flush()
        return [QueuedReply(row.id, reply) for row, reply in rows]

    def _upsert_user(self, session: Session, msg: Incoming) -> User:
        now = self.services.clock.now()
        ref = msg.user
        user = session.scalar(select(User).where(User.channel == ref.channel, User.external_id == ref.external_id))
        if user is None:
            user = User(channel=ref.channel, external_id=ref.external_id, chat_id=ref.chat_id,
                        display_name=ref.display_name, username=ref.username, reachable=True,
                        created_at=now, last_seen_at=now)
            session.add(user)
            session.flush()
        else:
            user.chat_id, user.last_seen_at = ref.chat_id, now
            if ref.display_name:
                user.display_name = ref.display_name
            if msg.membership != "blocked":
                user.reachable = True
        return user

    def _officer(self, session: Session, user: User) -> Optional[Officer]:
        if user.officer_id is None:
            return None
        officer = session.get(Officer, user.officer_id)
        return officer if officer is not None and officer.active else None

    async def _dispatch(self, ctx: Context) -> list[Reply]:
        """Route the event; a handler's ``Refused`` is audited here, once, and answered politely."""
        try:
            return await self._route(ctx)
        except Refused as refused:
            ctx.audit(refused.action, refused.target[:200], "refused", **refused.detail)
            return messages.text(refused.text or refusal_text(ctx))
        except callbacks.Forged as exc:
            ctx.audit(exc.audit, (ctx.msg.button or "")[:200], "refused", reason=str(exc)[:200])
            return messages.text(exc.text or messages.STALE_BUTTON)

    async def _route(self, ctx: Context) -> list[Reply]:
        msg, router = ctx.msg, self.router
        if msg.membership is not None:
            return await router.on_membership(ctx) if router.on_membership else []
        if msg.command is not None:
            return await self._command(ctx)
        if msg.text is not None and msg.button is None and ctx.user.channel in choices.BUTTONLESS_CHANNELS:
            problem = self._typed_choice(ctx)  # may turn the text into a button press
            if problem is not None:
                return problem
            msg = ctx.msg
        if msg.button is not None:
            return await self._button(ctx, msg.button)
        state = ctx.dialog()
        if state is not None:
            handler = router.dialog_handler(state.name)
            if handler is not None:
                return await handler(ctx)
            log.warning("no handler for dialog state %s; clearing it", state.name)
            ctx.clear_dialog()
        if msg.contact is not None:
            return await router.on_contact(ctx) if router.on_contact else messages.text(messages.CONTACT_OUTSIDE_DIALOG)
        if msg.files:
            return await router.on_file(ctx) if router.on_file else messages.text(messages.FILE_OUTSIDE_DIALOG)
        if msg.location is not None:
            return messages.text(messages.LOCATION_OUTSIDE_DIALOG)
        text = (msg.text or "").strip()
        if not text:
            return messages.text(messages.EMPTY)
        if len(text) > MAX_TEXT:
            return messages.text(messages.TOO_LONG.format(n=f"{len(text):,}".replace(",", "."), limit=f"{MAX_TEXT:,}".replace(",", ".")))
        for text_filter in router.text_filters:
            claimed = await text_filter(ctx)
            if claimed is not None:
                return claimed
        if router.on_text is None:
            return messages.text(messages.EMPTY)
        return await router.on_text(ctx)

    def _typed_choice(self, ctx: Context) -> Optional[list[Reply]]:
        """A typed number or button label on a buttonless channel: a valid answer to the
        active dialog's question wins; else the numbered button; else say what is wrong."""
        text = (ctx.msg.text or "").strip()
        hit = choices.match(ctx.session, ctx.user, text)
        if hit is None:
            return None
        state = ctx.dialog()
        if state is not None:
            if self.router.accepts(ctx, text):
                return None
            if hit.stale:
                return None  # no menu is showing: the dialog reads the number itself
        if hit.data is not None:
            ctx.msg = replace(ctx.msg, button=hit.data, text=None)
            return None
        ctx.audit("choice.invalid", text[:40], "refused")
        return messages.text(hit.problem or messages.STALE_BUTTON)

    async def _button(self, ctx: Context, data: str) -> list[Reply]:
        """Typed buttons are parsed and their action checked here; bad data is audited once."""
        prefix = data.split(":", 1)[0]
        if prefix in self.router.buttons:
            return await self.router.buttons[prefix](ctx)
        try:
            parsed = callbacks.parse(data)
        except callbacks.BadCallback as exc:
            ctx.audit(callbacks.bad_data_audit(prefix), data[:200], "refused", reason=str(exc)[:200])
            refused = callbacks.bad_data_refused(prefix)
            return messages.text(refusal_text(ctx) if refused else messages.STALE_BUTTON)
        route = self.router.callbacks.get(type(parsed))
        if route is None:
            ctx.audit("button.unknown", data[:200], "refused")
            return messages.text(messages.STALE_BUTTON)
        if route.action is not None and not scope(ctx.officer).may(route.action):
            raise Refused(route.action, data, route.refusal)
        return await route.handler(ctx, parsed)

    async def _command(self, ctx: Context) -> list[Reply]:
        name = (ctx.msg.command or "").lower()
        if name == CANCEL_COMMAND:
            state = ctx.dialog()
            if state is None:
                return messages.text(messages.NOTHING_TO_CANCEL)
            hook = self.router.cancel_hooks.get(state.name.split(":", 1)[0])
            if hook is not None:
                return await hook(ctx)  # the hook clears the dialog and may keep a draft
            ctx.clear_dialog()
            return messages.text(messages.CANCELLED)
        if name == "start" and self.router.on_start is not None:
            return await self.router.on_start(ctx)
        info = self.router.commands.get(name)
        if info is None:
            return messages.text(messages.UNKNOWN_COMMAND.format(name=name[:40]))
        if info.action is not None and not scope(ctx.officer).may(info.action):
            text = info.refusal if ctx.officer is not None else None
            raise Refused(info.action, f"/{name}", text)
        return await info.handler(ctx)


def _split(replies: list[Reply]) -> list[Reply]:
    """Break long texts under Telegram's limit; buttons and files stay on the last piece."""
    out: list[Reply] = []
    for reply in replies:
        parts = split_message(reply.text) if reply.text else [""]
        for part in parts[:-1]:
            out.append(Reply(text=part))
        out.append(replace(reply, text=parts[-1]))  # every other field stays on the last piece
    return out

"""The channel-neutral core: one incoming event in, queued replies out, in one transaction.

Each event is handled in a single database transaction that also records the update as
processed and puts the replies in the outbox; the outbox sender sends them (replies left
queued by a crash go out after restart), and a redelivered update is recognised and not
handled again. Routing to the handler is ``core.routing``; the lines a channel owes outside
a handled update (a group's notice, an apology, the edit notice) are queued here too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, replace
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import after_commit, menus, messages, metrics, ratelimit
from core.after_commit import open_jobs
from core.context import AfterCommit, Context, Services
from core.outbox import Candidate, enqueue, enqueue_to_chat, state_of
from core.router import Router
from core.routing import Routing
from core.text import split_message
from core.types import Incoming, Reply, UserRef
from store.db import is_unavailable, transaction
from store.runtime import inbox as store_inbox
from store.models import PENDING_STATES, JobState, MessageKind, Officer, OutboxMessage, ProcessedUpdate, User

log = logging.getLogger(__name__)


@dataclass
class QueuedReply:
    outbox_id: int
    reply: Reply
    channel: str
    chat_id: str

    @property
    def candidate(self) -> Candidate:
        """The row as the sender picks it (a live reply)."""
        return Candidate(self.outbox_id, self.channel, self.chat_id, MessageKind.REPLY)


class BotCore:
    """Handles neutral messages for every channel."""

    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router
        self.routing = Routing(router)

    async def handle(self, msg: Incoming) -> list[QueuedReply]:
        """Handle one event; return the replies to send now (already in the outbox)."""
        key = msg.update_key or f"local-{uuid.uuid4().hex}"
        if not msg.user.private:
            # Channels answer groups with ``group_notice`` (once, for no user); the core never
            # records a group as anyone's chat.
            log.info("update %s from a group chat ignored by the core", key)
            return []
        jobs: list[AfterCommit] = []
        job_ids: list[int] = []
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
                replies = await self.routing.route(ctx)
                queued = self._finish(session, user, key, replies)
                jobs = ctx.pending
                job_ids = open_jobs(session, user, key, [j.task for j in jobs], ctx.now) if jobs else []
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
        for n, (job, job_id) in enumerate(zip(jobs, job_ids)):
            queued += await self._after_commit(msg, key, n, job, job_id)
        log.info("update %s handled, %d repl%s queued", key, len(queued), "y" if len(queued) == 1 else "ies")
        metrics.UPDATES.labels(channel, "handled").inc()
        return queued

    async def _after_commit(self, msg: Incoming, key: str, n: int, job: AfterCommit, job_id: int) -> list[QueuedReply]:
        """Slow work of a handler, outside the update's transaction (see ``core.after_commit``):
        its result, or the polite error, is queued with its row closed; if the process stops
        first (cancelled), the apology is."""
        sub_key = f"{key}:after{n}"
        try:
            value = await asyncio.wait_for(job.prepare(), after_commit.MAX_SECONDS)
            with transaction(self.services.session_factory) as session:
                if not after_commit.close_job(session, job_id, JobState.DONE, self.services.clock.now()):
                    return []  # apologised for meanwhile: the result is not sent as well
                user = self._upsert_user(session, msg)
                ctx = Context(self.services, session, msg, user, self._officer(session, user))
                return self._enqueue(session, user, sub_key, job.finish(ctx, value))
        except asyncio.CancelledError:
            self._interrupted(job_id)
            raise
        except Exception:
            log.exception("after-commit work %d failed for update %s from %s", n, key, msg.user)
            return self._fail(msg, key, sub_key, job_id)

    def _interrupted(self, job_id: int) -> None:
        """The process stops during the work: queue the apology now (sent after the restart)."""
        try:
            with transaction(self.services.session_factory) as session:
                after_commit.interrupt(session, job_id, self.services.clock.now())
        except Exception:
            log.exception("after-commit job %s: could not record the stop; the sweep apologises later", job_id)

    def _fail(self, msg: Incoming, key: str, reply_key: str, job_id: Optional[int] = None) -> list[QueuedReply]:
        """The polite error reply, queued once even if the update is redelivered."""
        with transaction(self.services.session_factory) as session:
            user = self._upsert_user(session, msg)
            if reply_key == key:
                if self._seen(session, msg.user.channel, key):
                    return []
                return self._finish(session, user, key, messages.text(messages.ERROR))
            if job_id is not None and not after_commit.close_job(session, job_id, JobState.FAILED,
                                                                 self.services.clock.now()):
                return []
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

    # -- lines a channel owes outside a handled update (all through the outbox) ------------
    def group_notice(self, channel: str, chat_id: str) -> bool:
        """Queue, once per group, the line that the bot works in private chats only; it leaves
        the group after sending it where the platform allows. No user row is touched: a group
        never becomes anyone's chat. True while that notice is still to be sent (the channel
        must not leave before it); False when it went out long ago."""
        key = f"group-notice:{channel}:{chat_id}"
        now = self.services.clock.now()
        try:
            with transaction(self.services.session_factory) as session:
                state = state_of(session, key)
                if state is None:
                    enqueue_to_chat(session, channel=channel, chat_id=chat_id, user_id=None, key=key,
                                    reply=Reply(text=messages.GROUP_ONLY_PRIVATE, leave_chat=True),
                                    kind=MessageKind.NOTICE, not_before=now, now=now)
                    return True
                return state in PENDING_STATES
        except IntegrityError:
            return True  # another worker queued it just now

    def say(self, ref: UserRef, text: str, key: str) -> bool:
        """Queue one line to a private chat outside a handled update (an edited message, the
        apology after an update whose handling failed and rolled back), in a transaction of
        its own and once per ``key``. The user row is looked up, never changed."""
        if not ref.private:
            return False
        now = self.services.clock.now()
        try:
            with transaction(self.services.session_factory) as session:
                user_id = session.scalar(select(User.id).where(
                    User.channel == ref.channel, User.external_id == ref.external_id))
                row = enqueue_to_chat(session, channel=ref.channel, chat_id=ref.chat_id, user_id=user_id,
                                      reply=Reply(text=text), key=f"say:{ref.channel}:{key}", kind=MessageKind.REPLY,
                                      not_before=now, now=now)
                return row is not None
        except IntegrityError:
            return False  # another worker queued it just now

    # -- internals ------------------------------------------------------------
    def _seen(self, session: Session, channel: str, key: str) -> bool:
        return session.scalar(select(ProcessedUpdate.id).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_key == key)) is not None

    def _finish(self, session: Session, user: User, key: str, replies: list[Reply]) -> list[QueuedReply]:
        session.add(ProcessedUpdate(channel=user.channel, update_key=key, processed_at=self.services.clock.now()))
        store_inbox.mark_processed(session, user.channel, key, self.services.clock.now())
        return self._enqueue(session, user, key, replies, hides_menu=True)

    def _enqueue(self, session: Session, user: User, key: str, replies: list[Reply], *,
                 hides_menu: bool = False) -> list[QueuedReply]:
        """Queue replies; on buttonless channels their buttons get one numbering (core.menus).
        ``hides_menu``: the update's own replies replace the old menu (work finished after the
        commit, like a chart, only adds to what the update answered)."""
        now = self.services.clock.now()
        items = [(f"reply:{user.channel}:{key}:{i}", reply) for i, reply in enumerate(_split(replies))]
        if replies:
            numbered = menus.number_replies(session, user, items, now, interactive=hides_menu)
            items = [(k, reply) for (k, _), reply in zip(items, numbered)]
        rows: list[tuple[OutboxMessage, Reply]] = []
        for item_key, reply in items:
            row = enqueue(session, user, reply, key=item_key, kind=MessageKind.REPLY, not_before=now, now=now)
            if row is not None:
                rows.append((row, reply))
        session.flush()
        return [QueuedReply(row.id, reply, row.channel, row.chat_id) for row, reply in rows]

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

def _split(replies: list[Reply]) -> list[Reply]:
    """Break long texts under Telegram's limit; buttons and files stay on the last piece."""
    out: list[Reply] = []
    for reply in replies:
        parts = split_message(reply.text) if reply.text else [""]
        for part in parts[:-1]:
            out.append(Reply(text=part))
        out.append(replace(reply, text=parts[-1]))  # every other field stays on the last piece
    return out

"""What a handler gets: the incoming message, the user, an open session and the services."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.outbox import enqueue
from core.errors import Refused
from core.settings import Settings
from core.types import FileRef, Incoming, Reply
from store.clock import Clock
from store.models import AuditLog, DialogState, MessageKind, Officer, User

if TYPE_CHECKING:  # types only: a sender-only worker starts without loading search (numpy, bm25s)
    from store.search.rank import SearchIndex
    from store.people.units import UnitIndex

# A public, short-lived URL for a made file (the webhook server's signed /files links) for one
# chat: (path, channel, chat id) -> URL, or None when nothing serves files (no WEBHOOK_URL) or
# the file is not one that gets links; channels that cannot send files use it.
FileLink = Callable[[str, str, str], Optional[str]]

# A channel's way to download a file a user sent (Telegram by file_id, Zalo by URL, console by path).
FetchFile = Callable[[FileRef], Awaitable[bytes]]


class NoFileFetcher(RuntimeError):
    """No channel that can download files is serving this user's channel."""


@dataclass
class AfterCommit:
    """Slow work a handler asks for, done after the update's transaction has committed.

    ``prepare`` runs with no transaction open (downloads, XLSX, charts; blocking work goes
    through ``asyncio.to_thread`` inside it); ``finish`` then runs in a fresh, short transaction
    with its result and returns the replies, queued with keys derived from the update's.
    Each gets a row in the update's transaction (``core.after_commit``): a stop in between
    is apologised for, never silent; the update's own effects were committed first.
    """

    prepare: Callable[[], Awaitable[Any]]
    finish: Callable[["Context", Any], list[Reply]]
    task: str  # what it does, for the apology if the process stops first (core.after_commit.TASKS)

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Dependencies passed into handlers (never fetched from globals)."""

    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock
    search: Optional[SearchIndex] = None  # loaded at start-up (store.search.service.ensure_index)
    search_checked_at: Optional[datetime] = None  # last time the index was checked against the database
    units: Optional[UnitIndex] = None  # provinces and communes, for name matching
    fetchers: dict[str, FetchFile] = field(default_factory=dict)  # by channel, installed by each channel
    telegram_username: Optional[str] = None  # for invite deep links (t.me/<bot>?start=CODE)
    file_link: Optional[FileLink] = None  # set in webhook mode (bot.file_links)

    async def fetch_file(self, channel: str, ref: FileRef) -> bytes:
        """The bytes of a file a user of ``channel`` sent."""
        fetch = self.fetchers.get(channel)
        if fetch is None:
            raise NoFileFetcher(channel)
        return await fetch(ref)


@dataclass
class Context:
    """One incoming event being handled inside one database transaction."""

    services: Services
    session: Session
    msg: Incoming
    user: User
    officer: Optional[Officer] = None
    pending: list[AfterCommit] = field(default_factory=list)
    # The session's identity map holds clean rows weakly: keeping the dialog row here means the
    # later dialog()/set_dialog() calls of this update find it without another SELECT.
    _dialog_row: Optional[DialogState] = field(default=None, repr=False)

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def me(self) -> Officer:
        """The active officer sending this update. The router lets only officers reach a handler
        that declares an officer's action, so this refuses only if a declaration is wrong."""
        if self.officer is None:
            raise Refused("officer.required", f"user:{self.user.id}", reason="not an active officer")
        return self.officer

    # -- dialog state -------------------------------------------------------
    def dialog(self) -> Optional[DialogState]:
        self._dialog_row = self.session.get(DialogState, self.user.id)
        return self._dialog_row

    def set_dialog(self, name: str, data: dict[str, Any]) -> None:
        """Enter or update a dialog; the state is saved with this update's transaction."""
        state = self.session.get(DialogState, self.user.id)
        if state is None:
            state = DialogState(user_id=self.user.id, name=name, data=dict(data), updated_at=self.now)
            self.session.add(state)
        else:
            state.name, state.data, state.updated_at = name, dict(data), self.now

    def clear_dialog(self) -> None:
        state = self.session.get(DialogState, self.user.id)
        if state is not None:
            self.session.delete(state)

    # -- side effects -------------------------------------------------------
    def after_commit(self, prepare: Callable[[], Awaitable[Any]],
                     finish: Callable[["Context", Any], list[Reply]], *, task: str) -> None:
        """Run ``prepare`` outside this update's transaction, then ``finish`` in a new one;
        ``task`` names the work for the apology if the process stops first."""
        self.pending.append(AfterCommit(prepare, finish, task))

    def audit(self, action: str, target: str, outcome: str, **detail: Any) -> None:
        self.session.add(AuditLog(
            at=self.now, user_id=self.user.id, officer_id=self.officer.id if self.officer else None,
            action=action, target=target, outcome=outcome, detail=detail,
        ))

    def audited(self, action: str, target: str, outcome: str = "done") -> bool:
        """Whether the audit log already holds this action on this target with this outcome."""
        return self.session.scalar(select(AuditLog.id).where(
            AuditLog.action == action, AuditLog.target == target, AuditLog.outcome == outcome).limit(1)) is not None

    def notify(self, user: User, reply: Reply, *, key: str, kind: MessageKind = MessageKind.NOTICE,
               delay: timedelta = timedelta(0)) -> None:
        """Queue a message to another user; ``key`` makes a retried update queue it once."""
        enqueue(self.session, user, reply, key=key, kind=kind, not_before=self.now + delay, now=self.now)

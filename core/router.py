"""The registry of what each feature handles; features register here, at startup.

Each command and button declares the action it performs (core/permissions.py); typed buttons
declare their data class (core/callbacks.py); dialogs declare their steps (core/dialogs.py).
The hooks with one owner (plain text, questions mid-dialog, files, contacts, /start,
blocking) are claimed once: a second claimant is a wiring error raised at startup.
Routing one event (core/routing.py) parses, checks and audits before any handler runs; the
dispatcher (core/dispatch.py) wraps that in the update's transaction and outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional, TypeVar

from core.callbacks import CallbackData
from core.context import Context
from core.dialogs import Dialog, QuestionHook
from core.permissions import ROLE_ACTIONS, Role, can
from core.types import Reply
from store.models import Officer

log = logging.getLogger(__name__)

Handler = Callable[[Context], Awaitable[list[Reply]]]
Accepts = Callable[[Context, str], bool]  # is this text an answer for the dialog's current step?
CallbackHandler = Callable[[Context, Any], Awaitable[list[Reply]]]
# Looks at a plain text before the fallback (Q&A); returns replies to claim it, None to pass.
TextFilter = Callable[[Context], Awaitable[Optional[list[Reply]]]]

CANCEL_COMMAND = "huy"


@dataclass
class CommandInfo:
    name: str
    description: str  # Vietnamese, shown by /help and setMyCommands
    handler: Handler
    public: bool = True  # listed for everyone; False: listed only for roles that may use it
    roles: tuple[str, ...] = ()
    action: Optional[str] = None  # checked by the router before the handler runs
    refusal: Optional[str] = None  # the reply to a registered officer who may not (default NOT_ALLOWED)
    # listed by /help only for users who may do this, though the handler answers everyone
    # (/toi tells a stranger how to register): visibility without the router's check
    listed_for: Optional[str] = None
    # listed by /help only to users not yet registered (/dangky): a registered officer has nothing to do with it
    strangers_only: bool = False


@dataclass
class CallbackRoute:
    handler: CallbackHandler
    action: Optional[str] = None
    refusal: Optional[str] = None  # the reply to anyone who may not (default NOT_ALLOWED)


@dataclass
class Router:
    """Commands by name, buttons by typed data, declared dialogs by name, plus fallbacks."""

    commands: dict[str, CommandInfo] = field(default_factory=dict)
    callbacks: dict[type[CallbackData], CallbackRoute] = field(default_factory=dict)
    declared_dialogs: dict[str, Dialog[Any]] = field(default_factory=dict)
    text_filters: list[TextFilter] = field(default_factory=list)  # typed codes (invite, link)
    # One owner each, claimed through the methods below (a second claimant is refused):
    _on_text: Optional[Handler] = field(default=None, repr=False)  # plain text outside dialogs (Q&A)
    _on_question: Optional[QuestionHook] = field(default=None, repr=False)  # a question typed mid-dialog
    _on_contact: Optional[Handler] = field(default=None, repr=False)
    _on_file: Optional[Handler] = field(default=None, repr=False)  # a file sent outside any dialog
    _on_membership: Optional[Handler] = field(default=None, repr=False)
    _on_start: Optional[Handler] = field(default=None, repr=False)  # replaces the plain /start greeting

    # -- the one-owner hooks ------------------------------------------------------------
    def text_fallback(self, fn: Handler) -> Handler:
        """Plain text that no dialog, typed code or command took."""
        self._on_text = _claim(self._on_text, fn, "plain text")
        return fn

    def question_hook(self, fn: QuestionHook) -> QuestionHook:
        """A question typed where a dialog step wants a choice, a number, a date or a place."""
        self._on_question = _claim(self._on_question, fn, "questions mid-dialog")
        return fn

    def contact_handler(self, fn: Handler) -> Handler:
        self._on_contact = _claim(self._on_contact, fn, "a shared contact")
        return fn

    def file_handler(self, fn: Handler) -> Handler:
        self._on_file = _claim(self._on_file, fn, "a file outside dialogs")
        return fn

    def membership_handler(self, fn: Handler) -> Handler:
        self._on_membership = _claim(self._on_membership, fn, "blocked/unblocked")
        return fn

    def start_handler(self, fn: Handler) -> Handler:
        self._on_start = _claim(self._on_start, fn, "/start")
        return fn

    @property
    def on_text(self) -> Optional[Handler]:
        return self._on_text

    @property
    def on_question(self) -> Optional[QuestionHook]:
        return self._on_question

    @property
    def on_contact(self) -> Optional[Handler]:
        return self._on_contact

    @property
    def on_file(self) -> Optional[Handler]:
        return self._on_file

    @property
    def on_membership(self) -> Optional[Handler]:
        return self._on_membership

    @property
    def on_start(self) -> Optional[Handler]:
        return self._on_start

    def command(self, name: str, description: str, *, public: bool = True, roles: tuple[str, ...] = (),
                action: Optional[str] = None, refusal: Optional[str] = None,
                listed_for: Optional[str] = None, strangers_only: bool = False) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = CommandInfo(name, description, fn, public, roles, action, refusal, listed_for,
                                              strangers_only)
            return fn
        return deco

    def callback(self, data_type: type[CallbackData], *, action: Optional[str] = None,
                 refusal: Optional[str] = None) -> Callable[[CallbackHandler], CallbackHandler]:
        """A typed button: the handler gets ``(ctx, data)`` after parsing and the action check."""
        def deco(fn: CallbackHandler) -> CallbackHandler:
            if data_type in self.callbacks:
                raise ValueError(f"button {data_type.prefix}:{data_type.action} registered twice")
            self.callbacks[data_type] = CallbackRoute(fn, action, refusal)
            return fn
        return deco

    def add_dialog(self, dialog: Dialog[Any]) -> None:
        """A declared dialog: its steps, /huy, and questions typed mid-dialog (answered by on_text)."""
        if dialog.name in self.declared_dialogs:
            raise ValueError(f"dialog {dialog.name} registered twice")
        self.declared_dialogs[dialog.name] = dialog

    def finish(self) -> None:
        """After every feature registered: declared dialogs answer questions with the Q&A handler."""
        for dialog in self.declared_dialogs.values():
            dialog.bind(self.on_text, self.on_question)

    def dialog(self, state_name: str) -> Optional[Dialog[Any]]:
        """The declared dialog a stored state belongs to ("report" for "report" and "report:…")."""
        return self.declared_dialogs.get(state_name.split(":", 1)[0])

    def dialog_accepts(self, state_name: str) -> Optional[Accepts]:
        """The dialog's "is this text an answer?" hook (None: the dialog has none)."""
        dialog = self.dialog(state_name)
        return dialog.accepts if dialog is not None else None

    def accepts(self, ctx: Context, text: str) -> bool:
        """Is ``text`` an answer for the user's current dialog step? (False outside dialogs.)"""
        state = ctx.dialog()
        hook = self.dialog_accepts(state.name) if state is not None else None
        return hook is not None and hook(ctx, text)

    def visible_commands(self, officer: Optional[Officer]) -> list[CommandInfo]:
        """Commands this user (None: a stranger) may use, for /help: nothing they would be refused."""
        role = officer.role if officer is not None and officer.active else None
        out = []
        for c in self.commands.values():
            if c.strangers_only and role is not None:
                continue
            needs = c.listed_for or c.action
            if (c.public or _role_may(role, c)) and (needs is None or can(officer, needs)):
                out.append(c)
        return out

    def menu_commands(self) -> list[CommandInfo]:
        """The platform's one command menu (shown to everyone): the commands open to registered users
        as well as strangers; /help gives each user their own list."""
        return [c for c in self.commands.values() if c.public]

    def dialog_handler(self, state_name: str) -> Optional[Handler]:
        dialog = self.dialog(state_name)
        return dialog.handle if dialog is not None else None

    def cancel_hook(self, state_name: str) -> Optional[Handler]:
        """What /huy runs in this dialog (it clears the state and may keep a draft)."""
        dialog = self.dialog(state_name)
        return dialog.cancel if dialog is not None else None


H = TypeVar("H")


def _claim(current: Optional[H], new: H, what: str) -> H:
    """``new`` as the one owner of a hook; a second feature claiming it is a wiring error."""
    if current is not None:
        owner = getattr(current, "__qualname__", None) or repr(current)
        raise ValueError(f"{what} is already handled by {owner}")
    return new


def _role_may(role: Optional[str], info: CommandInfo) -> bool:
    if role is None:
        return False
    if role == Role.ADMIN or role in info.roles:
        return True
    try:
        return info.action is not None and info.action in ROLE_ACTIONS.get(Role(role), frozenset())
    except ValueError:
        return False

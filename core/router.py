"""Routes a neutral message to the feature handler that owns it; features register here.

Each command and button declares the action it performs (core/permissions.py); typed buttons
declare their data class (core/callbacks.py); dialogs declare their steps (core/dialogs.py).
The dispatcher (core/dispatch.py) parses, checks and audits before any handler runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional

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
    dialogs: dict[str, Handler] = field(default_factory=dict)
    declared_dialogs: dict[str, Dialog[Any]] = field(default_factory=dict)
    cancel_hooks: dict[str, Handler] = field(default_factory=dict)
    on_text: Optional[Handler] = None
    text_filters: list[TextFilter] = field(default_factory=list)  # typed codes (invite, link)
    on_question: Optional[QuestionHook] = None  # a question typed mid-dialog (the Q&A feature's entry)
    on_contact: Optional[Handler] = None
    on_file: Optional[Handler] = None  # a file sent outside any dialog (a directive upload)
    on_membership: Optional[Handler] = None
    on_start: Optional[Handler] = None  # replaces the plain /start greeting (registration)

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
        self.dialogs[dialog.name] = dialog.handle
        self.cancel_hooks[dialog.name] = dialog.cancel
        self.declared_dialogs[dialog.name] = dialog

    def finish(self) -> None:
        """After every feature registered: declared dialogs answer questions with the Q&A handler."""
        for dialog in self.declared_dialogs.values():
            dialog.bind(self.on_text, self.on_question)

    def dialog_accepts(self, state_name: str) -> Optional[Accepts]:
        """The dialog's "is this text an answer?" hook (None: the dialog has none)."""
        name = state_name.split(":", 1)[0]
        dialog = self.declared_dialogs.get(name)
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
        return self.dialogs.get(state_name) or self.dialogs.get(state_name.split(":", 1)[0])


def _role_may(role: Optional[str], info: CommandInfo) -> bool:
    if role is None:
        return False
    if role == Role.ADMIN or role in info.roles:
        return True
    try:
        return info.action is not None and info.action in ROLE_ACTIONS.get(Role(role), frozenset())
    except ValueError:
        return False

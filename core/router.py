"""Routes a neutral message to the feature handler that owns it; features register here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Optional

from core.context import Context
from core.permissions import can
from core.types import Reply
from store.models import Officer

log = logging.getLogger(__name__)

Handler = Callable[[Context], Awaitable[list[Reply]]]

CANCEL_COMMAND = "huy"


@dataclass
class CommandInfo:
    name: str
    description: str  # Vietnamese, shown by /help and setMyCommands
    handler: Handler
    public: bool = True  # listed for everyone; False: listed only for roles that may use it
    roles: tuple[str, ...] = ()
    action: Optional[str] = None  # listed only for users who may do this (core.permissions.can)


@dataclass
class Router:
    """Commands by name, buttons by data prefix, dialogs by state name, plus fallbacks."""

    commands: dict[str, CommandInfo] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)
    dialogs: dict[str, Handler] = field(default_factory=dict)
    cancel_hooks: dict[str, Handler] = field(default_factory=dict)
    on_text: Optional[Handler] = None
    on_contact: Optional[Handler] = None
    on_membership: Optional[Handler] = None
    on_start: Optional[Handler] = None  # replaces the plain /start greeting (registration)

    def command(self, name: str, description: str, *, public: bool = True,
                roles: tuple[str, ...] = (), action: Optional[str] = None) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = CommandInfo(name, description, fn, public, roles, action)
            return fn
        return deco

    def button(self, prefix: str) -> Callable[[Handler], Handler]:
        """Buttons whose data is ``prefix`` or starts with ``prefix:``."""
        def deco(fn: Handler) -> Handler:
            if prefix in self.buttons or ":" in prefix:
                raise ValueError(f"bad or duplicate button prefix {prefix!r}")
            self.buttons[prefix] = fn
            return fn
        return deco

    def dialog(self, name: str, *, on_cancel: Optional[Handler] = None) -> Callable[[Handler], Handler]:
        """The handler for messages while a user's dialog state is ``name`` (or ``name:…``)."""
        def deco(fn: Handler) -> Handler:
            self.dialogs[name] = fn
            if on_cancel is not None:
                self.cancel_hooks[name] = on_cancel
            return fn
        return deco

    def visible_commands(self, officer: Optional[Officer]) -> list[CommandInfo]:
        """Commands this user (None: a stranger) may use, for /help and the command menu."""
        role = officer.role if officer is not None and officer.active else None
        return [c for c in self.commands.values()
                if (c.public or (role is not None and (role in c.roles or role == "admin")))
                and (c.action is None or can(officer, c.action))]

    def menu_commands(self) -> list[CommandInfo]:
        """The platform's one command menu (shown to everyone): the commands open to registered users
        as well as strangers; /help gives each user their own list."""
        return [c for c in self.commands.values() if c.public]

    def dialog_handler(self, state_name: str) -> Optional[Handler]:
        return self.dialogs.get(state_name) or self.dialogs.get(state_name.split(":", 1)[0])

    def button_handler(self, data: str) -> Optional[Handler]:
        return self.buttons.get(data.split(":", 1)[0])

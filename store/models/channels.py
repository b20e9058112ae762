"""Per-channel state: numbered menus of channels without buttons, account link codes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class ChoiceMenu(Base):
    """The buttons of the last message with buttons queued for a user of a channel that
    cannot show buttons (console, Zalo): a typed number picks one of them."""

    __tablename__ = "choice_menus"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # [[label, data], ...] in the order the numbers were shown (1-based on screen).
    buttons: Mapped[list[Any]]
    # The message asked for a number: a typed number is the answer, never a choice.
    numbers_answer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class LinkState(str, Enum):
    """open: made, not yet typed; claimed: typed on the second account, waiting for the first
    account's confirmation; linked / declined: the first account decided."""

    OPEN = "open"
    CLAIMED = "claimed"
    LINKED = "linked"
    DECLINED = "declined"


class LinkCode(Base):
    """A one-time code (/lienket) that attaches a second channel account to an officer, once
    the account that made it confirms."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # who asked for it
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    used_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # who typed it
    state: Mapped[str] = mapped_column(String(16), default=LinkState.OPEN.value, server_default="open")
    decided_at: Mapped[Optional[datetime]]  # when the first account confirmed or declined

"""Registration requests waiting for a supervisor, and invite codes for deep links."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.db import Base
from store.models.units import Commune, Officer


class RegistrationRequest(Base):
    """A user asking to become an officer of a commune (or to move to another commune)."""

    __tablename__ = "registration_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="register")  # register, change_unit
    officer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    # The user's own phone as the channel verified it; None when they shared someone else's.
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending approved rejected
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    decided_at: Mapped[Optional[datetime]]
    decided_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))

    commune: Mapped[Commune] = relationship()
    officer: Mapped[Optional[Officer]] = relationship(foreign_keys=[officer_id])


class InviteCode(Base):
    """A deep-link code (``/start CODE``) a supervisor made for one commune."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"))
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    max_uses: Mapped[int] = mapped_column(default=3)
    uses: Mapped[int] = mapped_column(default=0)

    commune: Mapped[Commune] = relationship()

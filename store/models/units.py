"""Administrative units (34 provinces, 3,321 communes since 1 July 2025) and officers."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.db import Base, StrEnumType
from store.roles import Role


class Province(Base):
    __tablename__ = "provinces"

    code: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # the official code (store/gazetteer/data keeps every code stable)
    name: Mapped[str] = mapped_column(String(100))
    folded: Mapped[str] = mapped_column(String(100), index=True)


class Commune(Base):
    __tablename__ = "communes"

    code: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))  # "Xã Tam Đường"
    division_type: Mapped[str] = mapped_column(String(32))  # xã, phường, đặc khu
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    folded: Mapped[str] = mapped_column(String(100), index=True)  # "tam duong" (prefix stripped)

    province: Mapped[Province] = relationship()


class Officer(Base):
    """A person allowed to act: an officer of one commune, a supervisor of provinces, or an admin."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[Optional[str]] = mapped_column(String(20), unique=True)  # normalized 0xxxxxxxxx
    telegram_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 16), default=Role.OFFICER)
    commune_code: Mapped[Optional[int]] = mapped_column(ForeignKey("communes.code"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Role (and name) given by ``admin grant``: an officer-list import never lowers or renames
    # them without --override-granted (store/people/granted.py).
    granted_by_hand: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    # Leavers (store/people/leavers.py): when the officer was removed; their name, phone and chat ids
    # are erased OFFICER_ERASE_AFTER_DAYS later (erased_at), their commune's reports stay.
    removed_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    erased_at: Mapped[Optional[datetime]]

    commune: Mapped[Optional[Commune]] = relationship()
    provinces: Mapped[list["OfficerProvince"]] = relationship(cascade="all, delete-orphan")


class OfficerProvince(Base):
    """A province a supervisor oversees."""

    __tablename__ = "officer_provinces"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), primary_key=True)

"""Officers: granting roles, deactivating, and lookups (lists are imported by ``store.people.importer``)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.people.leavers import restore_officer
from store.models import AuditLog, Commune, Officer, OfficerProvince, Province, User
from store.people.phones import normalize_phone
from store.roles import ROLE_LABELS, Role, parse_role

__all__ = ["ROLE_LABELS", "GrantError", "approvers", "by_phone", "by_telegram_id", "grant_role",
           "link_telegram_user", "set_active", "unit_label", "user_provinces"]


# -- roles, deactivation, lookups ----------------------------------------------
class GrantError(ValueError):
    """A role cannot be granted as asked (message in Vietnamese, shown as is)."""


def grant_role(session: Session, *, role: str, now: datetime, phone: Optional[str] = None,
               telegram_id: Optional[str] = None, province_codes: tuple[int, ...] = (),
               commune_code: Optional[int] = None, full_name: Optional[str] = None,
               actor_user_id: Optional[int] = None, actor_officer_id: Optional[int] = None) -> Officer:
    """Give ``role`` to the officer with this phone or Telegram id (created when missing)."""
    granted, norm = _checked_grant(session, role, phone, telegram_id, province_codes, commune_code)
    officer, old_role = _officer_to_grant(session, norm, telegram_id, full_name, granted, now)
    officer.role = granted
    officer.granted_by_hand = True  # an officer-list import will not undo it (store/people/granted.py)
    officer.commune_code = commune_code if granted is Role.OFFICER else None
    if granted is Role.SUPERVISOR:
        have = {p.province_code for p in officer.provinces}
        for code in province_codes:
            if code not in have:
                officer.provinces.append(OfficerProvince(province_code=code))
    else:
        officer.provinces.clear()
    session.flush()
    if officer.telegram_id:
        link_telegram_user(session, officer)
    session.add(AuditLog(at=now, user_id=actor_user_id, officer_id=actor_officer_id, action="role.grant",
                         target=f"officer:{officer.id}", outcome="done",
                         detail={"from": old_role, "to": granted.value, "provinces": sorted(province_codes),
                                 "commune": commune_code}))
    return officer


def _checked_grant(session: Session, role: str, phone: Optional[str], telegram_id: Optional[str],
                   province_codes: tuple[int, ...], commune_code: Optional[int]) -> tuple[Role, Optional[str]]:
    """(the role, the normalized phone) when the grant can be made as asked; GrantError otherwise."""
    granted = parse_role(role)
    if granted is None:
        raise GrantError(f"không có vai trò “{role}” (chọn: {', '.join(Role)})")
    norm = None
    if phone is not None:
        norm = normalize_phone(phone)
        if norm is None:
            raise GrantError(f"“{phone}” không phải số di động Việt Nam hợp lệ")
    if norm is None and not telegram_id:
        raise GrantError("cần số điện thoại (--phone) hoặc Telegram id (--telegram-id)")
    if granted is Role.SUPERVISOR and not province_codes:
        raise GrantError("cán bộ tỉnh cần ít nhất một tỉnh (--province)")
    if granted is Role.OFFICER and commune_code is None:
        raise GrantError("cán bộ xã cần một xã (--commune, có thể kèm --province)")
    if commune_code is not None and session.get(Commune, commune_code) is None:
        raise GrantError(f"không có xã mã {commune_code}")
    return granted, norm


def _officer_to_grant(session: Session, norm: Optional[str], telegram_id: Optional[str],
                      full_name: Optional[str], role: Role, now: datetime) -> tuple[Officer, Optional[str]]:
    """(officer, their role before) for the officer with this phone, else this Telegram id
    (reactivated, missing ids filled in), or (a new officer, None)."""
    officer = None
    if norm is not None:
        officer = session.scalar(select(Officer).where(Officer.phone == norm))
    if officer is None and telegram_id:
        officer = session.scalar(select(Officer).where(Officer.telegram_id == str(telegram_id)))
    if officer is None:
        officer = Officer(full_name=full_name or (norm or f"Telegram {telegram_id}"), phone=norm,
                          telegram_id=str(telegram_id) if telegram_id else None, role=role,
                          commune_code=None, position="", active=True, created_at=now)
        session.add(officer)
        return officer, None
    if full_name:
        officer.full_name = full_name
    if norm and officer.phone is None:
        officer.phone = norm
    if telegram_id and officer.telegram_id is None:
        officer.telegram_id = str(telegram_id)
    officer.active = True
    restore_officer(officer)  # a grant undoes a removal: erase_due must not erase an active officer
    return officer, officer.role


def link_telegram_user(session: Session, officer: Officer) -> None:
    """Attach the Telegram account with the officer's id, if it has written to the bot."""
    user = session.scalar(select(User).where(User.channel == "telegram", User.external_id == officer.telegram_id))
    if user is not None and user.officer_id is None:
        user.officer_id = officer.id


def set_active(session: Session, officer: Officer, active: bool, *, now: datetime,
               actor_user_id: Optional[int] = None, actor_officer_id: Optional[int] = None) -> bool:
    """Deactivate or reactivate; returns False when nothing changed."""
    if officer.active == active:
        return False
    officer.active = active
    session.add(AuditLog(at=now, user_id=actor_user_id, officer_id=actor_officer_id,
                         action="officer.activate" if active else "officer.deactivate",
                         target=f"officer:{officer.id}", outcome="done", detail={}))
    return True


def by_phone(session: Session, phone: str) -> Optional[Officer]:
    norm = normalize_phone(phone)
    return session.scalar(select(Officer).where(Officer.phone == norm)) if norm else None


def by_telegram_id(session: Session, telegram_id: str) -> Optional[Officer]:
    return session.scalar(select(Officer).where(Officer.telegram_id == str(telegram_id)))


def user_provinces(officer: Optional[Officer]) -> list[int]:
    """The provinces a user acts for: an officer's commune's, a supervisor's; [] for admins/strangers."""
    if officer is None:
        return []
    if officer.role == Role.OFFICER and officer.commune is not None:
        return [officer.commune.province_code]
    if officer.role == Role.SUPERVISOR:
        return sorted(p.province_code for p in officer.provinces)
    return []


def approvers(session: Session, province_code: int) -> list[User]:
    """Reachable users of active supervisors of a province; admins when there are none."""
    supervisors = select(OfficerProvince.officer_id).where(OfficerProvince.province_code == province_code)
    users = list(session.scalars(
        select(User).join(Officer, User.officer_id == Officer.id)
        .where(Officer.active, Officer.role == Role.SUPERVISOR, Officer.id.in_(supervisors), User.reachable)
        .order_by(User.id)))
    if users:
        return users
    return list(session.scalars(
        select(User).join(Officer, User.officer_id == Officer.id)
        .where(Officer.active, Officer.role == Role.ADMIN, User.reachable).order_by(User.id)))


def unit_label(officer: Officer) -> str:
    """Where an officer acts, in words."""
    if officer.role == Role.OFFICER and officer.commune is not None:
        return f"{officer.commune.name}, {officer.commune.province.name}"
    if officer.role == Role.SUPERVISOR:
        names = [p.province_code for p in officer.provinces]

        session = Session.object_session(officer)
        if session is not None and names:
            return ", ".join(session.scalars(select(Province.name).where(Province.code.in_(names)).order_by(Province.name)))
        return ""
    return "toàn quốc"


def chat_is_active_officer(session: Session, channel: str, chat_id: str) -> bool:
    """Whether a channel's chat still belongs to an active, not removed officer (who a signed
    file link was made for)."""
    found = session.scalar(select(Officer.id).join(User, User.officer_id == Officer.id)
                           .where(User.channel == channel, User.chat_id == chat_id,
                                  Officer.active.is_(True), Officer.removed_at.is_(None)).limit(1))
    return found is not None


def commune_officers(session: Session, commune_code: int) -> list[Officer]:
    """The commune's officers not removed, active ones first, by name."""
    return list(session.scalars(select(Officer).where(Officer.commune_code == commune_code, Officer.removed_at.is_(None))
                                .order_by(Officer.active.desc(), Officer.full_name)))


def reachable_officer_ids(session: Session, officer_ids: list[int]) -> set[int]:
    """Which of these officers have a chat account the bot can reach."""
    return set(session.scalars(select(User.officer_id).where(User.officer_id.in_(officer_ids), User.reachable)))


def users_of(session: Session, officer_id: int) -> list[User]:
    """The chat accounts attached to an officer."""
    return list(session.scalars(select(User).where(User.officer_id == officer_id)))


def officer_counts(session: Session, provinces: Optional[frozenset[int]]) -> dict[bool, int]:
    """Commune officers by active flag (in these provinces, or everywhere)."""
    stmt = select(Officer.active, func.count()).where(Officer.role == Role.OFFICER)
    if provinces is not None:
        stmt = stmt.where(Officer.commune_code.in_(select(Commune.code).where(Commune.province_code.in_(provinces))))
    return {active: n for active, n in session.execute(stmt.group_by(Officer.active))}

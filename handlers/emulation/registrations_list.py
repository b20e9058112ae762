"""/dsdangky (danh sách đăng ký): who has registered (đăng ký thi đua) — a bloc leader sees their bloc, the province
every bloc (and gets the XLSX); a commune officer sees their own commune's registration.
"""

from __future__ import annotations

import asyncio
from datetime import date

from core import messages
from core.context import Context
from core.permissions import Refused, Role, can_on_bloc, role_of, scope, supervised_provinces
from core.router import Router
from core.types import Attachment, Button, Reply
from handlers.emulation.export import XLSX_MIME
from handlers.emulation.reg_calls import RegExport, RegList
from handlers.emulation.words import screens, when
from store.clock import as_utc, local
from store.emulation.blocs import blocs_of_year, led_blocs
from store.emulation.pledges import latest_pledge
from store.emulation.registration_export import export_registrations
from store.emulation.registrations import (commune_names, current_round, expected_communes, latest_registration,
                                           registrations_of, round_provinces)
from store.emulation.titles import current_catalogue
from store.models import Bloc, Commune, RegistrationRound

NO_ROUND = "Tỉnh chưa mở đăng ký thi đua. Cán bộ tỉnh đặt hạn bằng: python -m bot registrations deadline …"


async def dsdangky(ctx: Context) -> list[Reply]:
    officer = ctx.me
    if officer.commune is not None:
        return _commune_view(ctx, officer.commune)
    out: list[Reply] = []
    provinces = supervised_provinces(officer)
    if not provinces and role_of(officer) is Role.ADMIN:  # no province of their own: every one
        provinces = round_provinces(ctx.session)
    for province in sorted(provinces):
        rnd = current_round(ctx.session, province, ctx.now)
        if rnd is None:
            continue
        blocs = blocs_of_year(ctx.session, province, rnd.year)
        members = expected_communes(ctx.session, province, rnd.year, _on(rnd))
        done = registrations_of(ctx.session, province, rnd.year)
        lines = [f"Đăng ký thi đua năm {rnd.year}, hạn {when(rnd.due_at)}:"]
        for bloc in blocs:
            codes = members.get(bloc.id, [])
            lines.append(f"• {bloc.name}: {sum(c in done for c in codes)}/{len(codes)} xã đã đăng ký")
        buttons = [[RegList(rnd.id, b.id).button(b.name[:60])] for b in blocs]
        buttons.append([RegExport(rnd.id).button(f"Tải Excel đăng ký năm {rnd.year}")])
        out.append(Reply(text="\n".join(lines), buttons=buttons))
    return out or messages.text(NO_ROUND)


def _on(rnd: RegistrationRound) -> date:
    """The bloc date of a round: membership on the deadline's day."""
    return local(as_utc(rnd.due_at)).date()


def _commune_view(ctx: Context, commune: Commune) -> list[Reply]:
    rnd = current_round(ctx.session, commune.province_code, ctx.now)
    if rnd is None:
        return messages.text(NO_ROUND)
    reg = latest_registration(ctx.session, commune.code, rnd.year)
    cat = current_catalogue(ctx.session, commune.province_code, rnd.year)
    names = cat.names if cat is not None else {}
    if reg is None:
        text = (f"{commune.name} chưa đăng ký thi đua năm {rnd.year} (hạn {when(rnd.due_at)}). "
                "Gõ /dangkythidua để đăng ký.")
    else:
        text = (f"{commune.name} đã đăng ký thi đua năm {rnd.year}: bản {reg.version}, lúc {when(reg.submitted_at)}: "
                + ", ".join(names.get(t, t) for t in reg.titles) + ".")
    buttons: list[list[Button]] = [[RegList(rnd.id, b.id).button(f"Đăng ký của {b.name}"[:60])]
                                   for b in led_blocs(ctx.session, commune.code, rnd.year)
                                   if b.province_code == commune.province_code]
    return [Reply(text=text, buttons=buttons)]


def bloc_lines(ctx: Context, rnd: RegistrationRound, bloc: Bloc) -> list[str]:
    codes = expected_communes(ctx.session, rnd.province_code, rnd.year, _on(rnd)).get(bloc.id, [])
    done = registrations_of(ctx.session, rnd.province_code, rnd.year, codes)
    cat = current_catalogue(ctx.session, rnd.province_code, rnd.year)
    names = cat.names if cat is not None else {}
    communes = commune_names(ctx.session, codes)
    pledge = latest_pledge(ctx.session, bloc.id)
    lines = [f"Đăng ký thi đua năm {rnd.year} – {bloc.name} ({len(done)}/{len(codes)} xã), hạn {when(rnd.due_at)}:"]
    for code in codes:
        reg = done.get(code)
        name = communes.get(code, str(code))
        if reg is None:
            late = " — quá hạn" if as_utc(ctx.now) > as_utc(rnd.due_at) else ""
            lines.append(f"✗ {name}: chưa đăng ký{late}")
        else:
            titles = ", ".join(names.get(t, t) for t in reg.titles)
            lines.append(f"✓ {name} (bản {reg.version}, {when(reg.submitted_at)}): {titles}")
    lines.append(f"Giao ước thi đua: bản {pledge.version}, {when(pledge.created_at)}." if pledge
                 else "Giao ước thi đua: chưa có (trưởng khối gửi bằng /giaouoc).")
    return lines


def _round(ctx: Context, round_id: int, action: str) -> RegistrationRound:
    rnd = ctx.session.get(RegistrationRound, round_id)
    if rnd is None:
        raise Refused(action, f"round:{round_id}", reason="no such round")
    return rnd


async def on_list(ctx: Context, data: RegList) -> list[Reply]:
    rnd = _round(ctx, data.round, "emulation.registrations")
    bloc = ctx.session.get(Bloc, data.bloc) if data.bloc is not None else None
    if bloc is None or bloc.province_code != rnd.province_code or bloc.year != rnd.year \
            or not can_on_bloc(ctx.officer, "emulation.registrations", bloc):
        raise Refused("emulation.registrations", f"round:{rnd.id}:bloc:{data.bloc}", reason="not this bloc")
    return [Reply(text=text) for text in screens(bloc_lines(ctx, rnd, bloc))]


async def on_export(ctx: Context, data: RegExport) -> list[Reply]:
    rnd = _round(ctx, data.round, "emulation.export")
    if not scope(ctx.me).covers_province(rnd.province_code):
        raise Refused("emulation.export", f"round:{rnd.id}", reason="other province")
    name = f"dangky-thidua-{rnd.year}-{local(ctx.now).strftime('%Y%m%d-%H%M%S')}.xlsx"
    path = ctx.services.settings.files_dir / "exports" / f"{ctx.me.id}-{name}"
    factory, round_id, now, year = ctx.services.session_factory, rnd.id, ctx.now, rnd.year

    def write() -> int:
        with factory() as session:
            return export_registrations(session, session.get_one(RegistrationRound, round_id), path, now=now)

    async def prepare() -> int:
        return await asyncio.to_thread(write)

    def sent(done: Context, count: int) -> list[Reply]:
        done.audit("emulation.export", f"registrations:{round_id}", "done", rows=count)
        return [Reply(text=f"Tệp Excel đăng ký thi đua năm {year}: {count} bản đã gửi.",
                      document=Attachment(name, path=str(path), mime_type=XLSX_MIME))]

    ctx.after_commit(prepare, sent, task="emulation.export")
    return []


def register(router: Router) -> None:
    router.command("dsdangky", "Danh sách các xã đã đăng ký thi đua", public=False, action="emulation.registrations")(dsdangky)
    router.callback(RegList, action="emulation.registrations")(on_list)
    router.callback(RegExport, action="emulation.export")(on_export)

"""/denghi: đề nghị khen thưởng in chat.

- The bloc's leading commune: the bloc's published ranking, a commune picked from it, a title
  from the year's catalogue; the nomination is made as a draft with its checklist and hints.
- A nominated commune: its dossiers (to upload the documents).
- The province: the dossiers sent for appraisal, then every nomination of the year.
"""

from __future__ import annotations

from core import messages
from core.context import Context
from core.permissions import Refused, can_on_bloc, supervised_provinces
from core.router import Router
from core.types import Button, Reply
from handlers.awards.access import nomination_turn
from handlers.awards.calls import CouncilVote, ExportNominations, PickCommune, PickTitle, ShowDossier
from handlers.awards.view import dossier_reply
from handlers.emulation.words import num
from store.awards.dossier import State
from store.awards.nominations import nominations_of, published_ranking
from store.awards.wording import STATE_TEXT
from store.awards.proposals import ProposeStatus, nominate, titles_for
from store.clock import local
from store.emulation.blocs import led_blocs
from store.models import Bloc, Commune, Nomination

NOTHING = "Chưa có đề nghị khen thưởng nào."
PROPOSE_TEXT = {
    ProposeStatus.NO_CATALOGUE: "Tỉnh chưa nạp danh mục danh hiệu năm này nên chưa đề nghị được.",
    ProposeStatus.UNKNOWN_TITLE: "Danh hiệu này không còn trong danh mục của tỉnh. Anh/chị gõ /denghi để chọn lại.",
    ProposeStatus.NOT_PUBLISHED: "Xếp hạng của khối chưa được tỉnh công bố (hoặc đang mở lại) nên chưa đề nghị được.",
    ProposeStatus.NOT_RANKED: "Xã này không có trong xếp hạng đã công bố của khối.",
}


def _years(ctx: Context) -> list[int]:
    this = local(ctx.now).year
    return [this, this - 1]


def _list_buttons(noms: list[Nomination], names: dict[int, str]) -> list[list[Button]]:
    return [[ShowDossier(n.id).button(f"{names.get(n.commune_code, n.commune_code)} – {n.title_name}"[:60])]
            for n in noms[:20]]


def _names(ctx: Context, noms: list[Nomination]) -> dict[int, str]:
    return {n.commune_code: c.name for n in noms if (c := ctx.session.get(Commune, n.commune_code)) is not None}


def _leader_replies(ctx: Context, commune_code: int) -> list[Reply]:
    out = []
    for year in _years(ctx):
        for bloc in led_blocs(ctx.session, commune_code, year):
            ranking = published_ranking(ctx.session, bloc)
            if ranking is None:
                continue
            rows = [r for r in ranking.rows if r.get("place") is not None][:10]
            text = [f"{bloc.name} năm {bloc.year} – xếp hạng đã công bố. Chọn xã để đề nghị khen thưởng:"]
            text += [f"{r['place']}. {r['name']} – {num(r['final_total'])} điểm" + (" (đồng hạng)" if r.get("tied") else "")
                     for r in rows]
            buttons = [[PickCommune(bloc.id, int(r["commune_code"])).button(str(r["name"])[:60])]
                       for r in rows]
            noms = nominations_of(ctx.session, bloc_id=bloc.id)
            if noms:
                text.append(f"Đã đề nghị {len(noms)} hồ sơ:")
                buttons += _list_buttons(noms, _names(ctx, noms))
            out.append(Reply(text="\n".join(text), buttons=buttons))
    return out


async def denghi(ctx: Context) -> list[Reply]:
    officer = ctx.me
    if officer.commune is None:
        return _province_view(ctx)
    out = _leader_replies(ctx, officer.commune.code)
    own = [n for y in _years(ctx) for n in nominations_of(ctx.session, year=y, commune_code=officer.commune.code)]
    if own:
        out.append(Reply(text=f"Hồ sơ đề nghị khen thưởng của {officer.commune.name}:",
                         buttons=_list_buttons(own, {officer.commune.code: officer.commune.name})))
    return out or messages.text(f"{NOTHING} Trưởng khối đề nghị sau khi tỉnh công bố xếp hạng.")


def _province_view(ctx: Context) -> list[Reply]:
    provinces = sorted(supervised_provinces(ctx.me))
    noms = [n for p in provinces for y in _years(ctx) for n in nominations_of(ctx.session, province_code=p, year=y)]
    if not noms:
        return messages.text(NOTHING)
    waiting = [n for n in noms if n.state == State.SENT]
    counts = {s: sum(1 for n in noms if n.state == s) for s in State}
    lines = [f"Đề nghị khen thưởng: {len(noms)} hồ sơ."] + [f"• {STATE_TEXT[s]}: {k}" for s, k in counts.items() if k]
    lines.append("Hồ sơ chờ thẩm định:" if waiting else "Không có hồ sơ nào chờ thẩm định.")
    years = sorted({(n.province_code, n.year) for n in noms}, reverse=True)
    exports = [[ExportNominations(p, y).button(f"Tải Excel đề nghị năm {y}")] for p, y in years[:2]]
    votes = [[CouncilVote(p, y).button(f"Ghi biểu quyết của Hội đồng năm {y}")]
             for p, y in sorted({(n.province_code, n.year) for n in waiting}, reverse=True)[:2]]
    return [Reply(text="\n".join(lines), buttons=_list_buttons(waiting or noms, _names(ctx, noms)) + votes + exports)]


def _leader_bloc(ctx: Context, bloc_id: int, commune: int) -> Bloc:
    bloc = ctx.session.get(Bloc, bloc_id)
    if bloc is None or not can_on_bloc(ctx.officer, "award.propose", bloc):
        raise Refused("award.propose", f"bloc:{bloc_id}:commune:{commune}", reason="not the bloc's leader")
    return bloc


async def on_pick_commune(ctx: Context, data: PickCommune) -> list[Reply]:
    bloc = _leader_bloc(ctx, data.bloc, data.commune)
    commune = ctx.session.get(Commune, data.commune)
    titles = titles_for(ctx.session, bloc)
    if commune is None or not titles:
        return messages.text(PROPOSE_TEXT[ProposeStatus.NO_CATALOGUE])
    return [Reply(text=f"Đề nghị {commune.name} ({bloc.name} năm {bloc.year}) cho danh hiệu nào?",
                  buttons=[[PickTitle(bloc.id, commune.code, t.code).button(t.name[:60])] for t in titles])]


async def on_pick_title(ctx: Context, data: PickTitle) -> list[Reply]:
    bloc = _leader_bloc(ctx, data.bloc, data.commune)
    made = nominate(ctx.session, bloc, data.commune, data.title, officer_id=ctx.me.id, now=ctx.now)
    if made.nomination is None:
        return messages.text(PROPOSE_TEXT[made.status])
    ctx.audit("award.propose", f"nomination:{made.nomination.id}", made.status.value)
    note = ("Đã lập đề nghị (bản nháp). Gửi đủ các giấy tờ dưới đây rồi gửi hồ sơ lên tỉnh."
            if made.status is ProposeStatus.DONE else "Xã này đã được đề nghị danh hiệu này rồi.")
    return [dossier_reply(ctx, nomination_turn(ctx, made.nomination.id, "award.view"), note)]


async def on_show(ctx: Context, data: ShowDossier) -> list[Reply]:
    return [dossier_reply(ctx, nomination_turn(ctx, data.nomination, "award.view"))]


def register(router: Router) -> None:
    router.command("denghi", "Đề nghị khen thưởng và hồ sơ", public=False, action="award.view")(denghi)
    router.callback(PickCommune, action="award.propose")(on_pick_commune)
    router.callback(PickTitle, action="award.propose")(on_pick_title)
    router.callback(ShowDossier, action="award.view")(on_show)

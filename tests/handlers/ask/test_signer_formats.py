"""Who signed a directive loaded as DOCX, text PDF or a scan, whatever the signature's layout:
the signer ends the text read from the file, and the answer comes from the parsed fields.

Issue 20's examples ("Chỉ thị 07/CT-UBND của tỉnh Sơn La do ai ký?", "Kế hoạch phát động thi
đua của huyện Phong Thổ do ai ký?") as general cases: seven signature layouts (after "Nơi
nhận", "KT. … / PHÓ …", no recipients, the name in capitals, a "(Đã ký)" stamp line, one block,
recipients on one line) × three formats, each re-issued by another province or district."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from core.dispatch import BotCore
from core.types import Incoming, UserRef
from store.directives.ingest import ingest_paths
from store.search.service import refresh
from tests.handlers.ask.corpus import sample_core
from tests.store.directives.formats import scan_of, to_docx, to_pdf
from tests.store.directives.test_readers import require_tesseract

SAMPLES = Path(__file__).parents[3] / "store" / "sample" / "directives"
RECIPIENTS = "**Nơi nhận:**\n- Như trên;\n- Lưu: VT.\n\n"
LAYOUTS = {  # the signature as offices print it, ending the text
    "sample": RECIPIENTS + "**CHỦ TỊCH**\n\n\n\n**{name}**\n",
    "deputy": RECIPIENTS + "**KT. CHỦ TỊCH  \nPHÓ CHỦ TỊCH**\n\n(Đã ký)\n\n**{name}**\n",
    "no_recipients": "**TM. ỦY BAN NHÂN DÂN  \nCHỦ TỊCH**\n\n**{name}**\n",
    "upper_name": RECIPIENTS + "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n{upper}\n",
    "stamp": RECIPIENTS + "CHỦ TỊCH\n(Đã ký và đóng dấu)\n{name}\n",
    "one_block": RECIPIENTS + "TM. UBND TỈNH\nCHỦ TỊCH\n{name}",
    "inline_recipients": "Nơi nhận: - Như trên; - Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{name}\n",
}
PROVINCES = ("Sơn La", "Hòa Bình", "Yên Bái", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang")
DISTRICTS = ("Phong Thổ", "Sìn Hồ", "Mường Tè")
SIGNERS = ("Hoàng Quốc Khánh", "Lò Văn Tiến", "Cầm Thị Mai")
FORMATS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "txt": ("txt", lambda text: text.encode()), "docx": ("docx", to_docx), "pdf": ("pdf", to_pdf),
}


def _body(sample: str, old_place: str, new_place: str) -> str:
    """A sample's text up to its recipients and signature, re-issued by ``new_place``."""
    text = (SAMPLES / sample).read_text(encoding="utf-8")
    cut = min(i for i in (text.find("**Nơi nhận:**"), text.find("\n- Ban TĐKT tỉnh;")) if i >= 0)
    body = text[:cut].replace(old_place, new_place)
    assert "Trần Tiến Dũng" not in body and "Sùng Lữ Páo" not in body  # the signature is the layout's
    return body


def _directive(n: int, province: str, layout: str, signer: str) -> str:
    body = _body("000_4d78cad3d2d0b3aa.txt", "Lai Châu", province).replace("02/CT-UBND", f"{n:02d}/CT-UBND")
    return f"{body.rstrip()}\n\n" + LAYOUTS[layout].format(name=signer, upper=signer.upper())


def _plan(district: str, layout: str, signer: str) -> str:
    body = _body("004_48ad6208a5052471.txt", "Tam Đường", district)
    return f"{body.rstrip()}\n\n" + LAYOUTS[layout].format(name=signer, upper=signer.upper())


CASES = [(f"{fmt}-{layout}", fmt, layout, 7 + 10 * i + j, PROVINCES[i], SIGNERS[(i + j) % 3])
         for i, layout in enumerate(LAYOUTS) for j, fmt in enumerate(FORMATS)]
PLANS = [(fmt, DISTRICTS[j], list(LAYOUTS)[j * 2], SIGNERS[j]) for j, fmt in enumerate(FORMATS)]


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> BotCore:
    bot = sample_core(tmp_path_factory, "signers")
    folder = tmp_path_factory.mktemp("reissued")
    for key, fmt, layout, n, province, signer in CASES:
        ext, convert = FORMATS[fmt]
        (folder / f"ct-{key}.{ext}").write_bytes(convert(_directive(n, province, layout, signer)))
    for fmt, district, layout, signer in PLANS:
        ext, convert = FORMATS[fmt]
        (folder / f"kh-{fmt}.{ext}").write_bytes(convert(_plan(district, layout, signer)))
    assert not ingest_paths(bot.services.session_factory, [folder], bot.services.clock).errors
    refresh(bot.services)
    return bot


_n = 0


async def ask(core: BotCore, text: str) -> str:
    global _n
    _n += 1
    user = UserRef("test", str(8300 + _n // 10), str(8300 + _n // 10), "Cán bộ")  # under the rate limit
    out = await core.handle(Incoming(user=user, update_key=f"s-{_n}", text=text))
    return "\n".join(o.reply.text for o in out)


@pytest.mark.parametrize("key, fmt, layout, n, province, signer", CASES, ids=[c[0] for c in CASES])
async def test_the_signer_of_a_reissued_directive_is_answered(
        core: BotCore, key: str, fmt: str, layout: str, n: int, province: str, signer: str) -> None:
    for question in (f"Chỉ thị {n:02d}/CT-UBND của tỉnh {province} do ai ký?", f"ai ky chi thi so {n:02d} cua {province}"):
        reply = await ask(core, question)
        assert f"Người ký: {signer}" in reply and f"tỉnh {province}" in reply, (question, reply)


@pytest.mark.parametrize("fmt, district, layout, signer", PLANS, ids=[p[0] for p in PLANS])
async def test_the_signer_of_a_district_plan_is_answered(
        core: BotCore, fmt: str, district: str, layout: str, signer: str) -> None:
    reply = await ask(core, f"Kế hoạch phát động thi đua của huyện {district} do ai ký?")
    assert f"Người ký: {signer}" in reply and f"huyện {district}" in reply, reply


async def test_the_signer_of_a_scanned_directive_is_answered(tmp_path_factory: pytest.TempPathFactory) -> None:
    require_tesseract()
    bot = sample_core(tmp_path_factory, "scan")
    folder = tmp_path_factory.mktemp("scan")
    (folder / "ct-son-la.pdf").write_bytes(scan_of(to_pdf(_directive(7, "Sơn La", "deputy", "Hoàng Quốc Khánh"))))
    assert not ingest_paths(bot.services.session_factory, [folder], bot.services.clock).errors
    refresh(bot.services)
    reply = await ask(bot, "Chỉ thị 07/CT-UBND của tỉnh Sơn La do ai ký?")
    assert "Người ký: Hoàng Quốc Khánh" in reply and "Phó chủ tịch" in reply, reply

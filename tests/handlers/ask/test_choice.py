"""Which document: a short reference several loaded documents answer to gets the candidates as
choices, and the chosen one answers; a place or year in the question narrows it first."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.callbacks import Rest, parse
from core.dispatch import BotCore
from core.types import Incoming, Reply, UserRef
from handlers.ask.buttons import WhichDocument
from handlers.ask.choice import carried, compact
from store.directives.ingest import ingest_paths
from store.search.discourse import Message
from store.search.resolve import resolve
from store.search.service import SearchIndex, refresh
from tests.handlers.ask.corpus import sample_core

SAMPLE = Path(__file__).parents[3] / "store" / "sample" / "directives" / "000_4d78cad3d2d0b3aa.txt"
TWIN_SIGNER = "Hoàng Quốc Khánh"
QUESTIONS = (  # (question, what the chosen document's answer shows: Lai Châu's, Sơn La's)
    ("chỉ thị 02 do ai ký", ("Trần Tiến Dũng", TWIN_SIGNER)),
    ("Dạ cho em hỏi ct 02 ai ký ạ", ("Trần Tiến Dũng", TWIN_SIGNER)),
    ("Chỉ thị số 02 ban hành ngày nào?", ("30 tháng 01 năm 2020", "15 tháng 02 năm 2021")),
    ("02/CT ký ngày nào", ("30 tháng 01 năm 2020", "15 tháng 02 năm 2021")),
)


def _twin(folder: Path) -> None:
    """Sơn La's directive numbered 02/CT-UBND like Lai Châu's, another year and signer."""
    text = SAMPLE.read_text(encoding="utf-8").replace("Lai Châu", "Sơn La").replace("Trần Tiến Dũng", TWIN_SIGNER)
    text = text.replace("ngày 30 tháng 01 năm 2020", "ngày 15 tháng 02 năm 2021")
    folder.mkdir()
    (folder / "son-la-ct-02.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> BotCore:
    bot = sample_core(tmp_path_factory, "choice")
    folder = tmp_path_factory.mktemp("twin") / "docs"
    _twin(folder)
    assert not ingest_paths(bot.services.session_factory, [folder], bot.services.clock).errors
    refresh(bot.services)
    return bot


_n = 0


async def send(core: BotCore, **kw: object) -> Reply:
    global _n
    _n += 1
    user = UserRef("test", str(8100 + _n // 10), str(8100 + _n // 10), "Cán bộ")  # no province: nothing narrows
    out = await core.handle(Incoming(user=user, update_key=f"c-{_n}", **kw))  # type: ignore[arg-type]
    assert len(out) == 1
    return out[0].reply


def _choices(reply: Reply) -> list[WhichDocument]:
    found = [parse(b.data) for row in reply.buttons for b in row]
    assert all(isinstance(f, WhichDocument) for f in found)
    return found  # type: ignore[return-value]


@pytest.mark.parametrize("question, expected", QUESTIONS)
async def test_a_short_number_of_two_documents_asks_which_and_answers_from_the_chosen(
        core: BotCore, question: str, expected: tuple[str, str]) -> None:
    reply = await send(core, text=question)
    assert "Có 2 văn bản là “Chỉ thị số 02”" in reply.text and "văn bản nào" in reply.text
    choices = _choices(reply)
    labels = [b.text for row in reply.buttons for b in row]
    assert len(choices) == 2 and any("Lai Châu" in t for t in labels) and any("Sơn La" in t for t in labels)
    for choice, shown in zip(choices, expected):
        answer = await send(core, button=choice.pack())
        assert shown in answer.text, answer.text
        assert all(other not in answer.text for other in expected if other != shown), answer.text


@pytest.mark.parametrize("question, shown", (
    ("chỉ thị 02 của tỉnh Sơn La do ai ký", TWIN_SIGNER),
    ("chỉ thị 02 của Lai Châu do ai ký", "Trần Tiến Dũng"),
    ("chỉ thị 02 năm 2021 do ai ký", TWIN_SIGNER),
    ("chỉ thị 02 năm 2020 ký ngày nào", "30 tháng 01 năm 2020"),
))
async def test_a_place_or_year_in_the_question_picks_the_document(core: BotCore, question: str, shown: str) -> None:
    reply = await send(core, text=question)
    assert shown in reply.text and not reply.text.startswith("Có 2 văn bản"), reply.text


async def test_a_reference_no_document_has_is_not_loaded(core: BotCore) -> None:
    reply = await send(core, text="chỉ thị 09 do ai ký")
    assert "Chưa có Chỉ thị số 09" in reply.text


async def test_a_button_for_a_document_no_longer_loaded_is_refused_politely(core: BotCore) -> None:
    reply = await send(core, button=WhichDocument(99999, Rest("chi thi 02 do ai ky")).pack())
    assert reply.text and "Traceback" not in reply.text and not reply.buttons


def test_the_button_carries_the_question_compacted_or_nothing() -> None:
    assert compact("Chỉ thị số 02 ban hành ngày nào?") == "chi thi so 02 ban hanh ngay nao"
    assert compact("02/CT ký ngày 30/6/2026?") == "02/CT ky ngay 30/6/2026?"
    assert carried("chỉ thị 02 do ai ký", 12345) == "chi thi 02 do ai ky"
    assert carried("chỉ thị 02 " + "yêu cầu các xã báo cáo kết quả thực hiện " * 3, 12345) is None
    assert WhichDocument(12345, Rest(carried("chỉ thị 02 ban hành ngày nào", 12345) or "")).pack()  # fits 64 bytes


async def test_a_question_too_long_to_carry_lists_the_documents_and_asks_for_the_full_number(core: BotCore) -> None:
    reply = await send(core, text="chỉ thị 02 yêu cầu các cơ quan đơn vị địa phương tổ chức phong trào thi đua thế nào")
    assert not reply.buttons and "số đầy đủ" in reply.text and "Sơn La" in reply.text and "Lai Châu" in reply.text


def test_the_askers_province_picks_the_document_before_asking(core: BotCore) -> None:
    index = core.services.search
    assert isinstance(index, SearchIndex)
    son_la = next(d for d in index.index.docs.values() if d.place == "Sơn La")
    mine = resolve(index, Message("chỉ thị 02 do ai ký"), [son_la.province_code or 0])
    assert not mine.choices and "02/CT-UBND" in mine.question
    anyone = resolve(index, Message("chỉ thị 02 do ai ký"))
    assert len(anyone.choices) == 2 and anyone.reference == "chi thi số 02"
    picked = resolve(index, Message("chỉ thị 02 do ai ký"), chosen=son_la.id)
    assert not picked.choices and "02/CT-UBND" in picked.question

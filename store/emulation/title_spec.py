"""The title catalogue (danh mục danh hiệu thi đua, hình thức khen thưởng) as typed, checked data; pure.

A province configures, per year, the titles its communes may register for and be nominated to:
code, name, level, the dossier documents each requires, and the prerequisites the bot can see
(registered for it; a top-N rank in the bloc; the same title N years in a row), each with the
document it comes from. ``parse_catalogue(data)`` raises ``CatalogueError`` listing every
problem, each naming the title (or document) and the field. Format: README "Title catalogue".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Optional

from store.emulation.table_checks import Problems

__all__ = ["Catalogue", "CatalogueError", "DossierDocument", "PrereqKind", "Prerequisite", "Title", "TitleLevel",
           "parse_catalogue"]

CATALOGUE_KEYS = {"year", "title", "legal_basis", "documents", "titles", "description"}
TITLE_KEYS = {"code", "name", "level", "documents", "prerequisites", "note"}
PREREQ_KEYS = {"kind", "top", "years", "title", "source"}
_CODE = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,39}$")
MAX_TITLES = 50
MAX_TEXT = 300


class CatalogueError(ValueError):
    """A catalogue with problems; ``errors`` lists each one (Vietnamese)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class TitleLevel(StrEnum):
    COMMUNE = "xa"  # Giấy khen, Tập thể lao động tiên tiến (Chủ tịch UBND xã)
    PROVINCE = "tinh"  # Cờ thi đua, Bằng khen của Chủ tịch UBND tỉnh, Tập thể lao động xuất sắc
    NATIONAL = "trung-uong"  # Cờ thi đua của Chính phủ, Bằng khen của Thủ tướng

    @property
    def label(self) -> str:
        return {"xa": "cấp xã", "tinh": "cấp tỉnh", "trung-uong": "cấp trung ương"}[self.value]


class PrereqKind(StrEnum):
    REGISTERED = "registered"  # the commune registered for this title at the start of the year
    TOP_RANK = "top_rank"  # placed in the top ``top`` of its bloc's published ranking
    CONSECUTIVE = "consecutive"  # held ``title`` (default: this one) in the ``years`` years before


@dataclass(frozen=True)
class DossierDocument:
    code: str  # "to-trinh"
    name: str  # "Tờ trình đề nghị khen thưởng"


@dataclass(frozen=True)
class Prerequisite:
    kind: PrereqKind
    source: str = ""  # the document the rule comes from: "Điều 26 Luật Thi đua, khen thưởng 2022"
    top: Optional[int] = None  # TOP_RANK
    years: Optional[int] = None  # CONSECUTIVE
    title: str = ""  # CONSECUTIVE: the title held in earlier years (a code of this catalogue)

    def describe(self, names: dict[str, str]) -> str:
        """The rule in one Vietnamese phrase, with its source."""
        if self.kind is PrereqKind.REGISTERED:
            text = "đã đăng ký thi đua danh hiệu này từ đầu năm"
        elif self.kind is PrereqKind.TOP_RANK:
            text = "dẫn đầu khối thi đua" if self.top == 1 else f"xếp trong {self.top} hạng đầu của khối"
        else:
            text = f"đạt “{names.get(self.title, self.title)}” {self.years} năm liền trước đó"
        return text + (f" (theo {self.source})" if self.source else "")


@dataclass(frozen=True)
class Title:
    code: str  # "tt-ldxs"
    name: str  # "Tập thể lao động xuất sắc"
    level: TitleLevel
    documents: tuple[DossierDocument, ...]
    prerequisites: tuple[Prerequisite, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Catalogue:
    year: int
    title: str
    legal_basis: str
    titles: tuple[Title, ...]
    definition: dict[str, Any] = field(compare=False, repr=False)

    def get(self, code: str) -> Optional[Title]:
        return next((t for t in self.titles if t.code == code), None)

    @property
    def names(self) -> dict[str, str]:
        return {t.code: t.name for t in self.titles}


def _text(raw: Any) -> str:
    return " ".join(str(raw or "").split())[:MAX_TEXT] if not isinstance(raw, (dict, list)) else ""


def _documents(raw: Any, problems: Problems) -> dict[str, DossierDocument]:
    out: dict[str, DossierDocument] = {}
    if not isinstance(raw, dict) or not raw:
        problems.add("Danh mục", "documents phải liệt kê các giấy tờ hồ sơ, dạng mã: tên (ví dụ to-trinh: Tờ trình)")
        return out
    for code, name in raw.items():
        where = f"Giấy tờ “{code}”"
        if not isinstance(code, str) or not _CODE.match(code):
            problems.add(where, "mã chỉ gồm chữ thường không dấu, số, gạch ngang (ví dụ bien-ban-hop)")
        elif not _text(name):
            problems.add(where, "thiếu tên giấy tờ")
        else:
            out[code] = DossierDocument(code, _text(name))
    return out


def _positive(raw: dict[str, Any], key: str, where: str, problems: Problems) -> Optional[int]:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        problems.add(where, f"{key} phải là số nguyên từ 1 đến 20")
        return None
    return value


def _prerequisite(raw: Any, where: str, codes: set[str], problems: Problems) -> Optional[Prerequisite]:
    if not isinstance(raw, dict):
        problems.add(where, "phải là một mục có kind (registered, top_rank hoặc consecutive) và source")
        return None
    for key in sorted(set(raw) - PREREQ_KEYS):
        problems.add(where, f"khóa lạ “{key}”")
    try:
        kind = PrereqKind(str(raw.get("kind")))
    except ValueError:
        problems.add(where, "kind chỉ là registered (đã đăng ký), top_rank (xếp hạng trong khối) "
                            "hoặc consecutive (đạt nhiều năm liền)")
        return None
    source = _text(raw.get("source"))
    if kind is PrereqKind.TOP_RANK:
        top = _positive(raw, "top", where, problems)
        return Prerequisite(kind, source, top=top) if top else None
    if kind is PrereqKind.CONSECUTIVE:
        years = _positive(raw, "years", where, problems)
        held = str(raw.get("title") or "")
        if held and held not in codes:
            problems.add(where, f"title “{held}” không có trong danh mục")
            return None
        return Prerequisite(kind, source, years=years, title=held) if years else None
    return Prerequisite(kind, source)


def _title(raw: Any, index: int, docs: dict[str, DossierDocument], codes: set[str], seen: set[str],
           problems: Problems) -> Optional[Title]:
    if not isinstance(raw, dict):
        problems.add(f"Danh hiệu thứ {index + 1}", "phải là một mục có code, name, level, documents")
        return None
    code = raw.get("code")
    where = f"Danh hiệu {code}" if isinstance(code, str) and code else f"Danh hiệu thứ {index + 1}"
    for key in sorted(set(raw) - TITLE_KEYS):
        problems.add(where, f"khóa lạ “{key}”")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.add(where, "code chỉ gồm chữ thường không dấu, số, gạch ngang (ví dụ tt-ldxs)")
    elif code in seen:
        problems.add(where, "mã bị trùng")
    seen.add(str(code))
    name = _text(raw.get("name"))
    if not name:
        problems.add(where, "thiếu name (tên danh hiệu)")
    try:
        level: Optional[TitleLevel] = TitleLevel(str(raw.get("level")))
    except ValueError:
        problems.add(where, "level chỉ là xa, tinh hoặc trung-uong")
        level = None
    wanted = raw.get("documents") or []
    if not isinstance(wanted, list):
        problems.add(where, "documents phải là danh sách mã giấy tờ")
        wanted = []
    for doc in wanted:
        if doc not in docs:
            problems.add(where, f"giấy tờ “{doc}” không có trong documents của danh mục")
    raw_prereqs = raw.get("prerequisites") or []
    if not isinstance(raw_prereqs, list):
        problems.add(where, "prerequisites phải là danh sách điều kiện")
        raw_prereqs = []
    prereqs = [p for i, item in enumerate(raw_prereqs)
               if (p := _prerequisite(item, f"{where}, điều kiện {i + 1}", codes, problems)) is not None]
    if not name or level is None or not isinstance(code, str):
        return None
    prereqs = [Prerequisite(p.kind, p.source, p.top, p.years, p.title or code)
               if p.kind is PrereqKind.CONSECUTIVE else p for p in prereqs]
    return Title(code, name, level, tuple(docs[d] for d in wanted if d in docs), tuple(prereqs),
                 _text(raw.get("note")))


def parse_catalogue(data: Any) -> Catalogue:
    """Check a catalogue (parsed YAML); raise CatalogueError listing every problem."""
    problems = Problems()
    if not isinstance(data, dict):
        raise CatalogueError(["Danh mục danh hiệu phải là một mục YAML có year, title, documents, titles"])
    for key in sorted(set(data) - CATALOGUE_KEYS):
        problems.add("Danh mục", f"khóa lạ “{key}”")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.add("Danh mục", "year phải là năm, ví dụ 2026")
    heading = _text(data.get("title"))
    if not heading:
        problems.add("Danh mục", "thiếu title (tên danh mục)")
    docs = _documents(data.get("documents"), problems)
    raw_titles = data.get("titles")
    titles: list[Title] = []
    if not isinstance(raw_titles, list) or not raw_titles:
        problems.add("Danh mục", "titles phải là danh sách danh hiệu, ít nhất một")
    elif len(raw_titles) > MAX_TITLES:
        problems.add("Danh mục", f"nhiều nhất {MAX_TITLES} danh hiệu (có {len(raw_titles)})")
    else:
        codes = {str(t["code"]) for t in raw_titles if isinstance(t, dict) and isinstance(t.get("code"), str)}
        seen: set[str] = set()
        titles = [t for i, raw in enumerate(raw_titles)
                  if (t := _title(raw, i, docs, codes, seen, problems)) is not None]
    if problems.errors:
        raise CatalogueError(problems.errors)
    return Catalogue(int(str(year)), heading, _text(data.get("legal_basis")), tuple(titles), data)

"""Who issued a directive: the printed header, else how the text names itself, else clues."""

from __future__ import annotations

import re
from typing import Optional

from store.directives.text import CAP_WORD, fold, title_case
from store.vn.provinces import province_of_place

_LEVEL = r"(?:tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn)"
_SPEAKER = re.compile(
    rf"(?P<organ>(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND)\s+(?P<level>{_LEVEL})"
    rf"|(?P<party>(?:Ban Thường vụ|Ban Chấp hành|Thường trực)\s+(?:Tỉnh|Huyện|Thành|Thị)\s+[uủ]ỷ?y?))"
    rf"(?P<name>(?:\s+{CAP_WORD}){{0,3}})\s*,?\s*"
    r"(?:yêu cầu|phát động|xây dựng kế hoạch|ban hành|chỉ thị|đề nghị|quyết định)")
_SUBORDINATE = re.compile(r"^(SỞ|BAN|PHÒNG|VĂN PHÒNG|HỘI ĐỒNG|TRUNG TÂM|CỤC|CHI CỤC)\b")
_PARTY_PREFIX = {"ban thường vụ": "Ban Thường vụ", "ban chấp hành": "Ban Chấp hành", "thường trực": "Thường trực"}


def normalise_issuer(text: str) -> str:
    """"ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" → "UBND tỉnh Lai Châu"; "TỈNH ỦY LÀO CAI" → "Tỉnh ủy Lào Cai"."""
    s = " ".join(text.split()).lower().replace("uỷ", "ủy")
    m = re.match(rf"^(ủy ban nhân dân|ubnd|hội đồng nhân dân|hđnd)\s*({_LEVEL})?\s*(.*)$", s)
    if m:
        organ = "UBND" if m.group(1) in ("ủy ban nhân dân", "ubnd") else "HĐND"
        return " ".join(x for x in (organ, m.group(2) or "", title_case(m.group(3))) if x)
    m = re.match(r"^(ban thường vụ |ban chấp hành |thường trực )?(tỉnh ủy|huyện ủy|thành ủy|thị ủy|đảng ủy)\s*(.*)$", s)
    if m:
        prefix = _PARTY_PREFIX.get((m.group(1) or "").strip(), "")
        parts = [prefix, m.group(2).capitalize(), title_case(m.group(3))]
        return " ".join(x for x in parts if x)
    m = re.match(rf"^(.*?)\s+({_LEVEL})\s+(.*)$", s)
    if m:
        return f"{m.group(1).capitalize()} {m.group(2)} {title_case(m.group(3))}"
    return s.capitalize()


def derive_issuer(header_lines: list[str], body: str, *, place: str, number: Optional[str],
                  signer_title: Optional[str]) -> str:
    """The issuer as printed in the header, else as the text names itself ("UBND tỉnh … yêu cầu"),
    else a people's committee known from the number or the signature, at the place's level."""
    if header_lines:
        sub = next((i for i, x in enumerate(header_lines) if i and _SUBORDINATE.match(x)), None)
        if sub is None:
            return normalise_issuer(" ".join(header_lines))
        # "UBND TỈNH LAI CHÂU / SỞ NỘI VỤ" → "Sở Nội vụ tỉnh Lai Châu"
        parent = normalise_issuer(" ".join(header_lines[:sub]))
        words = " ".join(header_lines[sub:]).lower().split()
        name = " ".join([w.capitalize() for w in words[:2]] + words[2:])
        scope = re.sub(r"^(UBND|HĐND)\s+", "", parent)
        return f"{name} {scope}".strip()
    place_name = re.sub(rf"^(?:{_LEVEL}|tp\.?)\s+", "", place, flags=re.I).strip() if place else ""
    matches = list(_SPEAKER.finditer(body))
    if matches:
        first = matches[0]
        same = [m for m in matches if (m.group("level"), m.group("party")) == (first.group("level"), first.group("party"))]
        name = next((m.group("name").strip() for m in same if m.group("name").strip()), "") or place_name
        if first.group("party"):
            return normalise_issuer(f"{first.group('party')} {name}")
        organ = first.group("organ").split()[0]
        organ = "UBND" if organ in ("Ủy", "Uỷ", "UBND") else "HĐND"
        return f"{organ} {first.group('level')} {name}".strip()
    # Last resort: a people's committee known from the number ("/CT-UBND") or the signature
    # ("TM. ỦY BAN NHÂN DÂN"), at the level the place suggests.
    code = (number or "").rsplit("-", 1)[-1]
    signed_for = fold(signer_title or "")
    if place and (code == "UBND" or "uy ban nhan dan" in signed_for):
        folded_place = fold(place)
        if folded_place.startswith(("thanh pho", "thi xa", "huyen", "quan", "xa ", "phuong")):
            level = next(x for x in _LEVEL_WORDS if folded_place.startswith(fold(x)))
        else:
            level = "tỉnh" if province_of_place(place) is not None else "huyện"
        return f"UBND {level} {place_name}"
    return ""


_LEVEL_WORDS = ("thành phố", "thị xã", "huyện", "quận", "xã", "phường")

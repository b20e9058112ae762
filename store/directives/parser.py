"""Parses one directive text (OCR'd .txt or markdown) into metadata, sections, campaigns and duties.

Numbers and days left blank in a draft stay blank; an incoming-document stamp in the header
("ĐẾN Số: 351 Ngày 17/1/2021") is not the document's own number or date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from store.directives.campaigns import ParsedCampaign, ParsedDuty, find_campaigns, find_duties, find_launch
from store.directives.sections import ParsedSection, build_tree, marker_of
from store.directives.text import (
    CAP_WORD, DirectiveParseError, blocks, fold, is_md_heading, is_upper_line, nfc, plain,
    sentence_case, title_case,
)
from store.directives.issuer import derive_issuer, normalise_issuer
from store.vn.provinces import issuing_province
from store.directives.readers import read_document

__all__ = ["ParsedDocument", "DirectiveParseError", "parse_directive", "parse_bytes", "normalise_issuer"]

KINDS = {
    "CHỈ THỊ": "Chỉ thị", "KẾ HOẠCH": "Kế hoạch", "PHÁT ĐỘNG THI ĐUA": "Phát động thi đua",
    "QUYẾT ĐỊNH": "Quyết định", "CÔNG VĂN": "Công văn", "THÔNG BÁO": "Thông báo",
    "NGHỊ QUYẾT": "Nghị quyết", "HƯỚNG DẪN": "Hướng dẫn", "CHƯƠNG TRÌNH": "Chương trình",
    "BÁO CÁO": "Báo cáo", "KẾT LUẬN": "Kết luận", "ĐỀ ÁN": "Đề án", "QUY ĐỊNH": "Quy định",
    "LỜI KÊU GỌI": "Lời kêu gọi", "THƯ KÊU GỌI": "Thư kêu gọi", "TỜ TRÌNH": "Tờ trình",
}
_FOLDED_KINDS = {fold(k): v for k, v in KINDS.items()}
HEADER_BLOCKS = 12  # the kind line sits near the top

_NUMBER = re.compile(
    r"\b(?:Số|SỐ|So)\s*[:.]?\s*(?P<n>\d{1,5}(?:/\d{4})?)?\s*(?P<sfx>[/-]\s*[A-ZĐ][A-ZĐ0-9]*(?:\s*[-/]\s*[A-ZĐ][A-ZĐ0-9]*)*)")
_DATE = re.compile(
    r"ngày[\s.…]*(?P<d>\d{1,2})?[\s.…]*tháng[\s.…]*(?P<m>\d{1,2})?[\s.…]*năm[\s.…]*(?P<y>(?:19|20)\d\d)", re.I)
# "Lai Châu, ngày 30/01/2020": the comma after a place tells it from a stamp's "Ngày 17/1/2021".
_DATE_NUMERIC = re.compile(r"(?<=,)\s*ngày\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d\d)", re.I)
_STAMP = re.compile(r"^(ĐẾN|DEN|ĐÉN|Đến|Chuyển|Chuyên|Lưu hồ sơ)\b|^Số\s*:?\s*\d+\s*$")
_NATIONAL = re.compile(r"CỘNG HÒA|CỘNG HOÀ|Độc lập|ĐỘC LẬP")
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?", re.I)
_PERSON = re.compile(rf"^{CAP_WORD}(?:\s+{CAP_WORD}){{1,4}}$")
_ROLE_WORDS = re.compile(r"(CHỦ TỊCH|BÍ THƯ|GIÁM ĐỐC|TRƯỞNG|TM\.|KT\.|Q\.|PHÓ|ỦY BAN|UỶ BAN|BAN THƯỜNG VỤ)", re.I)


@dataclass
class ParsedDocument:
    kind: str
    number: Optional[str] = None
    number_suffix: Optional[str] = None
    issuer: str = ""
    place: str = ""
    issued_year: Optional[int] = None
    issued_month: Optional[int] = None
    issued_day: Optional[int] = None
    title: str = ""
    theme: Optional[str] = None
    signer: Optional[str] = None
    signer_title: Optional[str] = None
    recipients: list[str] = field(default_factory=list)
    body: str = ""
    header: list[str] = field(default_factory=list)
    province_code: Optional[int] = None
    sections: list[ParsedSection] = field(default_factory=list)
    campaigns: list[ParsedCampaign] = field(default_factory=list)
    duties: list[ParsedDuty] = field(default_factory=list)


def parse_bytes(raw: bytes, name: str = "van_ban.txt") -> ParsedDocument:
    """Read a file of any supported format (store.directives.readers) and parse it; raises
    DirectiveParseError with a Vietnamese message."""
    return parse_directive(read_document(name, raw).text, normalized=True)


def _find_kind(blks: list[list[str]]) -> tuple[int, int, str]:
    """(block, line, kind) of the kind line ("CHỈ THỊ"); a letter's "V/v …" line stands for "Công văn"."""
    for i, blk in enumerate(blks[:HEADER_BLOCKS]):
        for j, line in enumerate(blk):
            text = plain(line).upper() if is_upper_line(plain(line)) else ""
            if text in KINDS:
                return i, j, KINDS[text]
            if text and fold(text) in _FOLDED_KINDS:  # OCR slips a mark: "PHÁT ĐỘNG THỊ ĐUA"
                return i, j, _FOLDED_KINDS[fold(text)]
    for i, blk in enumerate(blks[:HEADER_BLOCKS]):
        for j, line in enumerate(blk):
            if re.match(r"^V/v\b", plain(line)):
                return i, j, "Công văn"  # the V/v line itself is the title
    raise DirectiveParseError("không nhận ra loại văn bản (Chỉ thị, Kế hoạch, …)")


def _is_stamp(blk: list[str]) -> bool:
    return any(_STAMP.search(plain(line)) for line in blk) and any("\t" in line or len(plain(line)) < 30 for line in blk)


def _parse_header(doc: ParsedDocument, header_blocks: list[list[str]]) -> list[str]:
    """Number, place and date from the header; returns the issuer lines printed there."""
    issuer_lines: list[str] = []
    for blk in header_blocks:
        if _is_stamp(blk):
            continue
        # Two-column headers (issuer | national motto) arrive as tab-separated cells.
        for line in [plain(cell) for raw in blk for cell in raw.split("\t") if cell.strip()]:
            m = _NUMBER.search(line)
            if m and doc.number is None and doc.number_suffix is None:
                sfx = re.sub(r"\s+", "", m.group("sfx"))
                if m.group("n"):
                    doc.number = m.group("n") + sfx
                else:
                    doc.number_suffix = sfx
                line = (line[:m.start()] + " " + line[m.end():]).strip()
            d = _DATE.search(line) or _DATE_NUMERIC.search(line)
            if d and doc.issued_year is None:
                _set_date(doc, d)
                doc.place = line[:d.start()].strip(" ,.-–")
                line = ""
            if line and is_upper_line(line) and not _NATIONAL.search(line) and len(line) < 80:
                issuer_lines.append(line)
    return issuer_lines


def _set_date(doc: ParsedDocument, m: re.Match[str]) -> None:
    year, month, day = int(m.group("y")), m.group("m"), m.group("d")
    doc.issued_year = year
    if month and 1 <= int(month) <= 12:
        doc.issued_month = int(month)
        if day and 1 <= int(day) <= 31:
            doc.issued_day = int(day)


def _split_tail(blks: list[list[str]]) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """Body blocks, recipients, and signature blocks (after "Nơi nhận" or trailing the body)."""
    idx = next((i for i, b in enumerate(blks) if _RECIPIENTS.match(plain(b[0]))), None)
    if idx is None:
        body, tail = blks, []
    else:
        body, tail = blks[:idx], blks[idx:]
    recipients: list[str] = []
    signature: list[list[str]] = []
    for j, blk in enumerate(tail):
        for k, raw in enumerate(blk):
            line = plain(raw)
            if j == 0 and k == 0:
                rest = _RECIPIENTS.sub("", line).strip()
                if rest:
                    recipients.append(rest.lstrip("-+• ").rstrip(";,."))
                continue
            if re.match(r"^[-+•]\s*", line):
                recipients.append(re.sub(r"^[-+•]\s*", "", line).rstrip(";,.").strip())
            else:
                signature.append([line])
    # A signature printed before "Nơi nhận" (two-column layout read left to right).
    while body and _is_signature_block(body[-1]):
        signature.insert(0, [plain(x) for x in body.pop()])
    return body, recipients, signature


def _is_signature_block(blk: list[str]) -> bool:
    text = plain(" ".join(blk))
    return len(text) < 60 and (is_upper_line(text) and bool(_ROLE_WORDS.search(text)) or bool(_PERSON.match(text)))


def _parse_signature(doc: ParsedDocument, signature: list[list[str]]) -> None:
    lines = [plain(x) for blk in signature for x in blk if plain(x)]
    titles = [x for x in lines if is_upper_line(x) and not _PERSON.match(title_case(x)) or _ROLE_WORDS.match(x)]
    names = [x for x in lines if x not in titles and _PERSON.match(x) and not x.startswith("(")]
    if not names:  # a name set in capitals ("TRẦN TIẾN DŨNG") after the role line
        names = [title_case(x) for x in lines if is_upper_line(x) and not _ROLE_WORDS.search(x)
                 and _PERSON.match(title_case(x))]
    if names:
        doc.signer = title_case(names[-1]) if is_upper_line(names[-1]) else names[-1]
    role_lines = [x for x in lines if is_upper_line(x) and _ROLE_WORDS.search(x)]
    if role_lines:
        doc.signer_title = " - ".join(sentence_case(x) for x in role_lines)


def _paragraphs(body_blocks: list[list[str]]) -> list[str]:
    """Body paragraphs (raw markdown kept), page breaks mended: a lowercase start continues."""
    paras: list[str] = []
    for blk in body_blocks:
        lines = [x.strip() for x in blk]
        if all(re.match(r"^[-+•]\s", x) for x in lines[1:]) and len(lines) > 1:
            paras.extend(lines)  # a list, one item a line
            continue
        raw = " ".join(lines)
        text = plain(raw)
        if re.fullmatch(r"[-–\s]*\d{1,3}[-–\s]*|Trang \d{1,3}(/\d{1,3})?", text):
            continue  # a page number between pages
        if paras and text[:1].islower() and not is_md_heading(blk[0]) and not marker_of(text):
            paras[-1] = f"{paras[-1]} {raw}"
        else:
            paras.append(raw)
    return paras


def _drop_noise(blks: list[list[str]]) -> list[list[str]]:
    """Short stray lines between the title and the text (handwritten notes, stamps read by OCR)."""
    out = list(blks)
    while out:
        text = plain(" ".join(out[0]))
        if len(text) < 40 and not marker_of(text) and not text.endswith((".", ":")) and len(out) > 1:
            out.pop(0)
            continue
        break
    return out


def _title(rest: list[list[str]]) -> tuple[str, list[list[str]]]:
    """The title block after the kind line (and its lowercase continuations), and what follows."""
    if not rest or _RECIPIENTS.match(plain(rest[0][0])):
        return "", rest
    title = plain(" ".join(rest[0]))
    if marker_of(title) or len(title) >= 400:
        return "", rest
    rest = rest[1:]
    while rest and plain(rest[0][0])[:1].islower() and len(title) < 300 and not marker_of(plain(rest[0][0])):
        title = f"{title} {plain(' '.join(rest[0]))}"
        rest = rest[1:]
    title = re.sub(r"^V/v\s*:?\s*", "Về việc ", title)
    return title[:1].upper() + title[1:], rest


def parse_directive(text: str, *, normalized: bool = False) -> ParsedDocument:
    """Parse a directive's text; raises DirectiveParseError when no document kind can be recognised."""
    blks = blocks(text if normalized else nfc(text))
    if not blks:
        raise DirectiveParseError("tệp rỗng")
    kind_block, kind_line, kind = _find_kind(blks)
    doc = ParsedDocument(kind=kind)
    header_blocks = blks[:kind_block]
    if kind_line > 0:  # header lines printed in the same block as the kind line
        header_blocks = header_blocks + [blks[kind_block][:kind_line]]
    issuer_lines = _parse_header(doc, header_blocks)
    is_letter_subject = re.match(r"^V/v\b", plain(blks[kind_block][kind_line])) is not None
    after_kind = blks[kind_block][kind_line + (0 if is_letter_subject else 1):]
    rest = ([after_kind] if after_kind else []) + blks[kind_block + 1:]
    doc.title, rest = _title(rest)
    rest = _drop_noise(rest)
    body_blocks, doc.recipients, signature = _split_tail(rest)
    _parse_signature(doc, signature)
    paras = _paragraphs(body_blocks)
    doc.sections = build_tree(paras)
    doc.body = "\n\n".join(plain(p) for p in paras)
    doc.header = [" ".join(plain(x) for x in b) for b in header_blocks if not _is_stamp(b)]
    doc.issuer = derive_issuer(issuer_lines, doc.body, place=doc.place, number=doc.number or doc.number_suffix,
                               signer_title=doc.signer_title)
    preamble = doc.sections[0] if doc.sections and not doc.sections[0].kind else None
    doc.campaigns, doc.theme = find_campaigns(doc.body, doc.issued_year, len(preamble.text) if preamble else 0)
    launch = find_launch(doc.title, preamble.text if preamble else "")
    if launch is not None and fold(launch.name) not in {fold(c.name) for c in doc.campaigns}:
        doc.campaigns.insert(0, launch)
    doc.duties = find_duties(doc.body)
    doc.province_code = issuing_province(doc.issuer, issuer_lines, doc.place, f"{doc.body}\n" + "\n".join(doc.recipients))
    return doc

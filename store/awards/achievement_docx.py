"""The báo cáo thành tích draft as a DOCX, laid out like the national template for a collective's
achievement report (Nghị định 98/2023/NĐ-CP, mẫu báo cáo thành tích tập thể): the motto header,
"BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG …", I. sơ lược đặc điểm, tình hình; II. thành tích đạt được
(the registration's targets, the score and place in the bloc, the year's progress reports);
III. the forms of commendation received (the decisions recorded for earlier years); the
signature block. What the bot cannot know is marked "[cán bộ bổ sung: …]" for the officer.

``write_achievement(session_factory, nomination_id, path)`` writes it atomically (blocking: call
it in a worker thread, no update's transaction open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy.orm import Session, sessionmaker

from store.awards.achievement import Achievement, gather
from store.awards.history import Award
from store.clock import vn_date
from store.vn.text import fold

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def todo(what: str) -> str:
    return f"[cán bộ bổ sung: {what}]"


def _para(doc: Any, text: str, *, bold: bool = False, italic: bool = False, center: bool = False) -> Any:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if center:
        p.alignment = CENTER
    return p


def _cell(cell: Any, lines: list[tuple[str, bool]]) -> None:
    cell.text = ""
    for n, (text, bold) in enumerate(lines):
        p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        p.alignment = CENTER
        p.add_run(text).bold = bold


def _header(doc: Any, a: Achievement) -> None:
    table = doc.add_table(rows=1, cols=2)
    _cell(table.cell(0, 0), [(todo("tên cơ quan cấp trên"), False), (a.commune.upper(), True)])
    _cell(table.cell(0, 1), [(MOTTO[0], True), (MOTTO[1], True)])
    _para(doc, f"{todo('địa danh')}, ngày … tháng … năm …", italic=True).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "BÁO CÁO THÀNH TÍCH", bold=True, center=True)
    _para(doc, f"ĐỀ NGHỊ TẶNG {a.title.upper()}", bold=True, center=True)
    _para(doc, f"(Thành tích năm {a.year})", italic=True, center=True)
    _para(doc, f"Tên tập thể đề nghị: {a.commune}" + (f", {a.province}" if a.province else ""), bold=True)


def _section_one(doc: Any, a: Achievement) -> None:
    doc.add_heading("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", level=2)
    _para(doc, "1. Đặc điểm, tình hình: " + todo("địa bàn, dân số, cơ cấu tổ chức, cơ sở vật chất; thuận lợi, khó khăn"))
    _para(doc, "2. Chức năng, nhiệm vụ: " + todo("chức năng, nhiệm vụ được giao"))


def _targets(doc: Any, a: Achievement) -> None:
    _para(doc, "1. Kết quả thực hiện chỉ tiêu, nhiệm vụ được giao năm " + str(a.year), bold=True)
    if a.registered_titles:
        _para(doc, "Danh hiệu đã đăng ký thi đua đầu năm: " + "; ".join(a.registered_titles) + ".")
    if a.targets:
        _para(doc, "Chỉ tiêu chủ yếu đã đăng ký (kết quả thực hiện: " + todo("số liệu cả năm") + "):")
        for target in a.targets:
            doc.add_paragraph(target, style="List Bullet")
    else:
        _para(doc, "Chỉ tiêu chủ yếu: " + todo("chưa có bản đăng ký thi đua trong hệ thống"))


def _standing(doc: Any, a: Achievement) -> None:
    s = a.standing
    if s is None:
        _para(doc, "Kết quả chấm điểm thi đua: " + todo("điểm và xếp hạng trong khối"))
        return
    place = (f"xếp thứ {s.place}" + (" (đồng hạng)" if s.tied else "") + f"/{s.ranked} xã"
             if s.place is not None else "chưa được xếp hạng")
    _para(doc, f"Kết quả chấm điểm thi đua ({s.period_label}): {s.score} điểm, {place} của {s.bloc_name}.")


def _reports(doc: Any, a: Achievement) -> None:
    if not a.reports:
        _para(doc, "Số liệu báo cáo định kỳ: " + todo("chưa có báo cáo đã nộp trong năm"))
        return
    _para(doc, f"Số liệu các báo cáo định kỳ đã nộp năm {a.year}:")
    for report in a.reports:
        _para(doc, f"{report.label} (nộp ngày {report.submitted_on})", italic=True)
        table = doc.add_table(rows=1, cols=2, style="Table Grid")
        _cell(table.cell(0, 0), [("Nội dung", True)])
        _cell(table.cell(0, 1), [("Kết quả", True)])
        for question, answer in report.figures:
            row = table.add_row().cells
            row[0].text, row[1].text = question, answer


def _section_two(doc: Any, a: Achievement) -> None:
    doc.add_heading("II. THÀNH TÍCH ĐẠT ĐƯỢC", level=2)
    _targets(doc, a)
    _standing(doc, a)
    _reports(doc, a)
    _para(doc, "2. Những biện pháp hoặc nguyên nhân đạt được thành tích; các phong trào thi đua đã được áp dụng: "
          + todo("giải pháp, sáng kiến, mô hình"))
    _para(doc, "3. Việc thực hiện chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; công tác xây "
          "dựng Đảng và đoàn thể: " + todo("nội dung"))


COMMENDATIONS = ("huan chuong", "huy chuong", "bang khen", "giay khen", "ky niem chuong")  # hình thức khen thưởng


def is_commendation(title_name: str) -> bool:
    """A form of commendation (Bằng khen, Giấy khen, Huân chương…) rather than an emulation title
    (Cờ thi đua, Tập thể lao động xuất sắc…): the template lists them in two tables."""
    return fold(title_name).startswith(COMMENDATIONS)


def _awards_table(doc: Any, heads: tuple[str, str, str], awards: list[Award], empty: str) -> None:
    table = doc.add_table(rows=1, cols=3, style="Table Grid")
    for col, head in enumerate(heads):
        _cell(table.cell(0, col), [(head, True)])
    for award in awards:
        row = table.add_row().cells
        row[0].text, row[1].text = str(award.year), award.title_name
        row[2].text = f"Quyết định số {award.number} ngày {vn_date(award.signed_on)} của {award.level}"
    if not awards:
        table.add_row().cells[1].text = todo(empty)


def _section_three(doc: Any, a: Achievement) -> None:
    doc.add_heading("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", level=2)
    none = "chưa có quyết định nào trong hệ thống; ghi các {} đã nhận"
    _para(doc, "1. Danh hiệu thi đua", bold=True)
    _awards_table(doc, ("Năm", "Danh hiệu thi đua", "Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi "
                        "đua; cơ quan ban hành quyết định"),
                  [w for w in a.earlier if not is_commendation(w.title_name)], none.format("danh hiệu thi đua"))
    _para(doc, "2. Hình thức khen thưởng", bold=True)
    _awards_table(doc, ("Năm", "Hình thức khen thưởng", "Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan "
                        "ban hành quyết định"),
                  [w for w in a.earlier if is_commendation(w.title_name)], none.format("hình thức khen thưởng"))


def _signatures(doc: Any) -> None:
    table = doc.add_table(rows=1, cols=2)
    _cell(table.cell(0, 0), [("XÁC NHẬN CỦA CẤP TRÌNH KHEN", True), ("(Ký, đóng dấu)", False)])
    _cell(table.cell(0, 1), [("THỦ TRƯỞNG ĐƠN VỊ", True), ("(Ký, đóng dấu)", False)])


def build_document(a: Achievement) -> Any:
    """The draft as a python-docx Document (pure: the gathered facts in, the layout out)."""
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    _header(doc, a)
    _section_one(doc, a)
    _section_two(doc, a)
    _section_three(doc, a)
    _signatures(doc)
    return doc


def save_achievement(session: Session, nomination_id: int, path: Path) -> Achievement:
    a = gather(session, nomination_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        build_document(a).save(str(tmp))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return a


def write_achievement(session_factory: sessionmaker[Session], nomination_id: int, path: Path) -> Achievement:
    with session_factory() as session:
        return save_achievement(session, nomination_id, path)

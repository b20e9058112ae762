"""Files made to exhaust a reader, as the audit built them: a ~100 KiB DOCX whose document
part unpacks to tens of MiB (a zip bomb python-docx would parse), and a PDF of about a
kilobyte whose one page is 14,400 pt square and has no text layer (rendered for OCR it
would be a 60,000² bitmap)."""

from __future__ import annotations

import io
import zipfile

import docx

PARAGRAPH = b"<w:p><w:r><w:t>Thi \xc4\x91ua y\xc3\xaau n\xc6\xb0\xe1\xbb\x9bc</w:t></w:r></w:p>"


def zip_bomb_docx(unpacked_mib: int = 32) -> bytes:
    """A valid DOCX whose word/document.xml is ``unpacked_mib`` MiB of paragraphs."""
    buf = io.BytesIO()
    docx.Document().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                count = unpacked_mib * 1024 * 1024 // len(PARAGRAPH)
                data = head + b"<w:body>" + PARAGRAPH * count + tail
            dst.writestr(item.filename, data)
    return out.getvalue()


def page_bomb_pdf(points: int = 14_400) -> bytes:
    """A one-page PDF without text, its page ``points`` pt square (the PDF maximum)."""
    content = b"0 0 1 rg 10 10 100 100 re f"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R /Resources << >> >>"
               % (points, points),
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

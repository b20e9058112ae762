"""Directive formats: ``.venv/bin/python -m benchmarks.ingest_formats [--no-scan]``.

The five samples as .txt, and as DOCX, text PDF and scanned PDF made from them here (the
scan: the text PDF's pages rendered to 200 dpi images, no text layer). For each format:
read + parse time per document, and whether the metadata (kind, number, date, issuer,
place, title, theme, signer, recipients…) and the section tree match the .txt parse.
Scans need Tesseract with the Vietnamese model; OCR is slow, so each scan is read once.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from store.directives.parser import DirectiveParseError, ParsedDocument, parse_bytes
from store.directives.readers import ocr
from tests.store.directives.formats import scan_of, to_docx, to_pdf

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "store" / "sample" / "directives").glob("*.txt"))
META = ("kind", "number", "number_suffix", "issuer", "place", "province_code", "issued_year", "issued_month",
        "issued_day", "title", "theme", "signer", "signer_title", "recipients")
REPEATS = 5


def sections(doc: ParsedDocument) -> list[tuple]:
    return [(s.level, s.path, s.heading, " ".join(s.text.split())) for s in doc.sections]


def measure(name: str, data: bytes, repeats: int) -> tuple[float, ParsedDocument]:
    times, parsed = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        parsed = parse_bytes(data, name)
        times.append(time.perf_counter() - started)
    return statistics.median(times), parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-scan", action="store_true", help="skip the scanned PDFs (OCR takes minutes)")
    scan = ocr.available() and not parser.parse_args().no_scan
    formats = ["txt", "docx", "pdf"] + (["scan"] if scan else [])
    rows: dict[str, list[tuple[float, int, bool]]] = {f: [] for f in formats}
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        pdf = to_pdf(text)
        files = {"txt": sample.read_bytes(), "docx": to_docx(text), "pdf": pdf}
        if scan:
            files["scan"] = scan_of(pdf)
        _, expected = measure(sample.name, files["txt"], 1)
        for fmt in formats:
            name = sample.stem + (".pdf" if fmt == "scan" else f".{fmt}")
            try:
                seconds, got = measure(name, files[fmt], 1 if fmt == "scan" else REPEATS)
            except DirectiveParseError as exc:
                rows[fmt].append((float("nan"), 0, False))
                print(f"{sample.name[:3]} {fmt:5} not read: {exc}")
                continue
            fields = sum(getattr(got, f) == getattr(expected, f) for f in META)
            rows[fmt].append((seconds, fields, sections(got) == sections(expected)))
            print(f"{sample.name[:3]} {fmt:5} {seconds * 1000:8.0f} ms  metadata {fields}/{len(META)} fields"
                  f"  sections {'same' if sections(got) == sections(expected) else 'differ'}"
                  f" ({len(got.sections)}/{len(expected.sections)})"
                  + (f"  signer {got.signer!r}" if fmt == "scan" else ""))
    print()
    for fmt in formats:
        times = [r[0] for r in rows[fmt] if r[0] == r[0]] or [float("nan")]
        full = sum(r[1] == len(META) for r in rows[fmt])
        fields = sum(r[1] for r in rows[fmt])
        same = sum(r[2] for r in rows[fmt])
        print(f"{fmt:5}: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms per document; "
              f"metadata identical {full}/{len(SAMPLES)} ({fields}/{len(META) * len(SAMPLES)} fields); "
              f"sections identical {same}/{len(SAMPLES)}")
    if not scan:
        print("scan : not measured (--no-scan, or Tesseract with the Vietnamese model is not installed)")


if __name__ == "__main__":
    main()

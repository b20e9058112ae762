"""Look-alike directives: the five samples as another province or district would issue them.

Every province launches its emulation movements in the same words. A look-alike is a sample
with its province (and district) names replaced throughout, another signer, the issuing
province's code, and sometimes another year (the issue year and the text's mentions of it).
The document number is kept: "02/CT-UBND" is issued by many provinces. Look-alikes come from
provinces other than the samples' own, so an answer citing one for a question that names a
sample's place is from the wrong document. Rows are written
straight to the database (parsing hundreds of files would measure the parser, not search).
"""

from __future__ import annotations

import random

from sqlalchemy import select

from store.db import transaction
from store.gazetteer import catalogue
from store.models import Document, Section

# What each sample calls its own places, and which of them is the province (by source key prefix).
SAMPLE_PLACES = {
    "000": {"province": "Lai Châu"},
    "001": {"province": "Lai Châu"},
    "002": {"province": "Điện Biên", "district": "Tuần Giáo"},
    "003": {"province": "Lào Cai"},
    "004": {"province": "Lai Châu", "district": "Tam Đường"},
}
SAMPLE_PROVINCES = {"Lai Châu", "Điện Biên", "Lào Cai"}  # look-alikes come from elsewhere
SIGNERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
           "Vũ Thị Giang", "Đỗ Văn Hải", "Bùi Thị Hoa", "Ngô Văn Khánh", "Lò Văn Minh")


def provinces() -> list[tuple[int, str]]:
    return [(p.code, p.name.removeprefix("Thành phố ")) for p in catalogue.provinces()]


def district_pool() -> list[str]:
    names = [w.name.split(" ", 1)[1] for w in catalogue.communes() if w.name.startswith("Xã ")]
    return sorted({n for n in names if len(n.split()) == 2})


def _replacer(mapping: dict[str, str]):
    def swap(text: str) -> str:
        for old, new in mapping.items():
            text = text.replace(old, new)
        return text
    return swap


def add_lookalikes(session_factory, count: int, now, seed: int = 20) -> list[int]:
    """Add ``count`` look-alikes of the loaded samples; returns their document ids."""
    rng = random.Random(seed)
    pool, districts = provinces(), district_pool()
    with session_factory() as session:
        samples = [d for d in session.scalars(select(Document).order_by(Document.id))
                   if d.source_key[:3] in SAMPLE_PLACES]
        templates = [(d.source_key[:3], d, [(s.level, s.label, s.path, s.heading, s.text) for s in d.sections])
                     for d in samples]
    ids: list[int] = []
    with transaction(session_factory) as session:
        for n in range(count):
            key, doc, sections = templates[n % len(templates)]
            own = SAMPLE_PLACES[key]
            code, province = rng.choice([p for p in pool if p[1] not in SAMPLE_PROVINCES])
            mapping = {own["province"]: province}
            place, issuer = province, doc.issuer.replace(own["province"], province)
            if "district" in own:
                district = rng.choice(districts)
                mapping = {own["district"]: district, **mapping}
                place, issuer = district, issuer.replace(own["district"], district)
            year = doc.issued_year
            if year and rng.random() < 0.3:
                new_year = year + rng.choice((-2, -1, 1, 2, 3))
                mapping[f"năm {year}"] = f"năm {new_year}"
                year = new_year
            swap = _replacer(mapping)
            copy = Document(
                source_key=f"lookalike_{n:04d}", content_hash=f"lookalike-{n}-{seed}", kind=doc.kind,
                number=doc.number, number_suffix=doc.number_suffix, issuer=issuer, place=place,
                province_code=code, issued_year=year, issued_month=doc.issued_month, issued_day=doc.issued_day,
                title=swap(doc.title or ""), theme=swap(doc.theme) if doc.theme else None,
                signer=rng.choice(SIGNERS), signer_title=doc.signer_title, recipients=[swap(r) for r in doc.recipients or []],
                body="", ingested_at=now, updated_at=now)
            copy.sections = [Section(ordinal=i, level=lv, label=lb, path=pa, heading=swap(he or ""), text=swap(tx or ""))
                             for i, (lv, lb, pa, he, tx) in enumerate(sections)]
            session.add(copy)
            session.flush()
            ids.append(copy.id)
    return ids

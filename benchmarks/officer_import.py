"""Officer-list import time: 20,000 officers from a CSV (and again: nothing changes).

Run: ``.venv/bin/python -m benchmarks.officer_import [--n 20000] [--database-url URL]``.
Default database: a fresh SQLite file in a temp dir. Prints dry-run, first import and
re-import times.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from bot.services import build_services
from core.settings import Settings
from store.db import transaction
from store.people.importer import import_officers
from store.people.units import package_units, seed_units

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò", "Vi"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu"]
GIVEN = ["Lan", "Bình", "Cường", "Dung", "Em", "Giang", "Hà", "Khánh", "Long", "Mai", "Nam", "Oanh"]
PREFIXES = ["03", "05", "07", "08", "09"]
VALID = {"03": "2345678", "05": "2689", "07": "06789", "08": "123456789", "09": "0123456789"}


def make_csv(path: Path, n: int, seed: int = 11) -> None:
    """n officers over real communes; a third by commune name + province, the rest by code."""
    rng = random.Random(seed)
    provinces, communes = package_units()
    pname = {p["code"]: p["name"] for p in provinces}
    phones: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["ho_ten", "so_dien_thoai", "ma_xa", "xa", "tinh", "vai_tro", "chuc_vu"])
        while len(phones) < n:
            head = rng.choice(PREFIXES)
            phone = head + rng.choice(VALID[head]) + "".join(rng.choice("0123456789") for _ in range(7))
            if phone in phones:
                continue
            phones.add(phone)
            c = rng.choice(communes)
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            shown = rng.choice([phone, f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}", f"{phone[:4]}.{phone[4:7]}.{phone[7:]}"])
            if len(phones) % 3 == 0:
                out.writerow([name, shown, "", c["name"], pname[c["province_code"]], "cán bộ", "Văn phòng - Thống kê"])
            else:
                out.writerow([name, shown, c["code"], "", "", "officer", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        url = args.database_url or f"sqlite:///{tmpdir / 'bench.sqlite3'}"
        settings = Settings(_env_file=None, database_url=url, data_dir=tmpdir / "data", load_samples=False)
        services = build_services(settings, startup=False)
        t0 = time.perf_counter()
        seed_units(services)
        seed_s = time.perf_counter() - t0
        path = tmpdir / "officers.csv"
        make_csv(path, args.n)
        results = []
        for label, dry in (("dry run", True), ("first import", False), ("re-import", False)):
            t0 = time.perf_counter()
            with transaction(services.session_factory) as session:
                report = import_officers(session, path, now=services.clock.now(), dry_run=dry)
            results.append((label, time.perf_counter() - t0, report))
        t0 = time.perf_counter()
        seed_units(services)
        reseed_ms = (time.perf_counter() - t0) * 1000
    backend = url.split(":", 1)[0]
    print(f"Officer import benchmark: {args.n:,} officers ({backend}); units seeded in {seed_s:.2f} s, "
          f"already-seeded start-up check {reseed_ms:.0f} ms")
    for label, seconds, report in results:
        print(f"  {label:<13} {seconds:6.2f} s  ({report.rows / seconds:,.0f} rows/s)  {report.summary()}")


if __name__ == "__main__":
    main()

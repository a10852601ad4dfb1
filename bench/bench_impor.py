"""Import rate of the population CSV, against a baseline measured in the same run.

    make bench                      # 100,000 rows
    uv run python bench/bench_impor.py --rows 1000000

Baseline: the same rows written with a bare COPY into a staging table and one INSERT ... SELECT, with
no checks and no batching (the floor our importer cannot beat; row-level security forbids COPY
straight into the table). Reported: rows per second of each and their ratio, and the importer's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from kependudukan.contoh import csv_text, rows
from kependudukan.impor import COLUMNS, OPTIONAL_COLUMNS, run_import
from kependudukan.models import Impor
from puja_kit import migrations
from puja_kit.catalog import load_catalog
from puja_kit.db import make_engine, make_sessionmaker, new_id, transaction, utcnow
from puja_kit.infra import Postgres, free_port

TENANT = "63.08"


async def importer(url: str, path: Path) -> float:
    engine = make_engine(url, pool_size=2)
    sessionmaker = make_sessionmaker(engine)
    try:
        async with transaction(sessionmaker, tenant=TENANT) as session:
            job = Impor(tenant_id=TENANT, nama_berkas=path.name)
            session.add(job)
        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as lines:
            result = await run_import(sessionmaker, tenant_kode=TENANT, impor_id=job.id, lines=lines)
        elapsed = time.perf_counter() - started
        assert result.ditolak == 0, result.pesan
        return result.berhasil / elapsed
    finally:
        await engine.dispose()


async def baseline(url: str, path: Path) -> float:
    import csv

    from puja_kit.rls import TENANT_SETTING
    from sqlalchemy import text

    engine = make_engine(url, pool_size=1)
    try:
        started = time.perf_counter()
        count = 0
        async with engine.begin() as conn:
            await conn.execute(text(f"SELECT set_config('{TENANT_SETTING}', :t, true)"), {"t": TENANT})
            await conn.execute(text("TRUNCATE penduduk"))
            await conn.execute(text("CREATE TEMP TABLE staging (LIKE penduduk INCLUDING DEFAULTS)"))
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            columns = [
                "id",
                "tenant_id",
                *COLUMNS,
                *OPTIONAL_COLUMNS,
                "status",
                "versi",
                "created_at",
                "updated_at",
            ]
            now = utcnow()
            async with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY staging ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                with path.open(encoding="utf-8", newline="") as handle:
                    for row in csv.DictReader(handle):
                        await copy.write_row(
                            (
                                new_id(),
                                TENANT,
                                *(row[c] or None for c in [*COLUMNS, *OPTIONAL_COLUMNS]),
                                "HIDUP",
                                1,
                                now,
                                now,
                            )
                        )
                        count += 1
            await conn.execute(text("INSERT INTO penduduk SELECT * FROM staging"))
        return count / (time.perf_counter() - started)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        data = base / "penduduk.csv"
        data.write_text(csv_text(rows(TENANT, args.rows, seed=11)), encoding="utf-8")
        pg = Postgres(base / "pg", free_port(), log_path=base / "pg.log").start()
        try:
            url = pg.ensure_database("kependudukan", "bench")
            migrations.upgrade(load_catalog().root / "services" / "kependudukan" / "migrations", url)
            ours = asyncio.run(importer(url, data))
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            floor = asyncio.run(baseline(url, data))
        finally:
            pg.stop()
    print(f"impor penduduk, {args.rows:,} baris")
    print(f"  importer (cek NIK, wilayah, duplikat; batch COPY): {ours:,.0f} baris/detik")
    print(f"  baseline (COPY polos tanpa cek):                   {floor:,.0f} baris/detik")
    print(f"  rasio importer/baseline: {ours / floor:.2f}   memori puncak proses: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

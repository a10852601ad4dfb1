"""Staff search and list of one region at 10k residents and at 1M, and how much slower 1M is.

    make bench                                         # 1,000,000 residents (the import takes minutes)
    uv run python bench/bench_skala.py --rows 200000   # a quicker look

One region is filled through the service's own importer (kependudukan.impor.run_import: the row checks
and the batched COPY the `POST /impor` route runs), first 10,000 rows, measured, then the rest, measured
again. Each query is the route's: kependudukan.service.penduduk.search on the read path (puja_kit.baca:
one read-only statement, penduduk_page_query, scoped to the region with the closed row-level security
policy on), as the service's own database role.
Reported per query: p50/p99 at 10k and at --rows, and the ratio of the two (goal: <= 1.2).

Its own Postgres, in a temporary folder, stopped on exit and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from kependudukan.contoh import rows
from kependudukan.impor import COLUMNS, OPTIONAL_COLUMNS, run_import
from kependudukan.models import Impor
from kependudukan.service import penduduk
from puja_kit import migrations
from puja_kit.baca import Reader, ReadPool
from puja_kit.catalog import load_catalog
from puja_kit.db import make_engine, make_sessionmaker, transaction
from puja_kit.events.catalog import LayananSettings
from puja_kit.infra import Postgres, free_port
from puja_kit.repository import CursorParams, encode_cursor
from puja_kit.tenancy import Tenant
from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

TENANT = "63.08"
FIRST = 10_000
BUDGET_SECONDS = 10.0
# Words a staff member types (whole words of the name, kependudukan.kata): a family name found all
# through the alphabet, a first name whose people sit together in name order, a full name, and a name
# nobody in the region has.
FRAGMENTS = {
    "cari nama (nama belakang, 'rahman')": "rahman",
    "cari nama (nama depan, 'yusuf')": "yusuf",
    "cari nama lengkap ('siti hasanah')": "siti hasanah",
    "cari nama tanpa hasil ('zulkifli')": "zulkifli",
}


def write_csv(path: Path, records: Iterator[dict[str, str]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *OPTIONAL_COLUMNS])
        writer.writeheader()
        count = 0
        for record in records:
            writer.writerow(record)
            count += 1
    return count


async def import_file(sm: async_sessionmaker[AsyncSession], path: Path) -> tuple[int, float]:
    async with transaction(sm, tenant=TENANT) as session:
        job = Impor(tenant_id=TENANT, nama_berkas=path.name)
        session.add(job)
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as lines:
        result = await run_import(sm, tenant_kode=TENANT, impor_id=job.id, lines=lines)
    assert result.ditolak == 0, result.pesan
    return result.berhasil, time.perf_counter() - started


async def settle(url: str) -> None:
    """What autovacuum would do after a big import: statistics and the visibility map."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM (ANALYZE) penduduk, penduduk_kata"))
    finally:
        await engine.dispose()


async def timings(call: Callable[[int], Awaitable[object]], n: int) -> tuple[float, float]:
    for i in range(min(3, n)):  # warm-up
        await call(i)
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
    for i in range(n):
        started = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - started) * 1000)
        if len(samples) >= 20 and started > deadline:  # a slow query: fewer samples, not minutes
            break
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]


async def measure(
    sm: async_sessionmaker[AsyncSession], reader: Reader, n: int
) -> dict[str, tuple[float, float]]:
    rng = random.Random(5)
    async with transaction(sm, tenant=TENANT) as session:
        count = int(await session.scalar(text("SELECT count(*) FROM penduduk")) or 0)
        niks = list(await session.scalars(text("SELECT nik FROM penduduk TABLESAMPLE SYSTEM (5) LIMIT 500")))
        # Cursors deep in the list: the keys of rows at about 50% and 90% of the region.
        deep = [
            list(
                (
                    await session.execute(
                        text("SELECT nama, nik FROM penduduk ORDER BY nama, nik OFFSET :o LIMIT 1"),
                        {"o": offset},
                    )
                ).one()
            )
            for offset in (count // 2, count * 9 // 10)
        ]
    cursors = [encode_cursor(key) for key in deep]

    async def page(q: str | None, cursor: str | None) -> None:
        found = await penduduk.search(
            reader, q=q, kode_wilayah=None, status=None, page=CursorParams(cursor=cursor, limit=20)
        )
        assert found["items"] or q == FRAGMENTS["cari nama tanpa hasil ('zulkifli')"], q

    results = {
        "daftar, halaman pertama": await timings(lambda i: page(None, None), n),
        "daftar, halaman dalam (kursor 50%/90%)": await timings(lambda i: page(None, cursors[i % 2]), n),
        "cari NIK": await timings(lambda i: page(rng.choice(niks), None), n),
    }
    for label, fragment in FRAGMENTS.items():
        results[label] = await timings(lambda i, f=fragment: page(f, None), n)  # type: ignore[misc]
    return results


async def run(url: str, base: Path, total: int, n: int) -> None:
    engine = make_engine(url, pool_size=2)
    sm = make_sessionmaker(engine)
    pool = ReadPool(url, max_size=2)
    await pool.open()
    tenant = Tenant(TENANT, "bench", "Bench", "Asia/Makassar", "kependudukan", LayananSettings())
    reader = Reader(pool, tenant)
    try:
        generated = rows(TENANT, total, seed=7)
        first, rest = base / "pertama.csv", base / "sisanya.csv"
        write_csv(first, itertools.islice(generated, FIRST))
        write_csv(rest, generated)
        imported, seconds = await import_file(sm, first)
        await settle(url)
        small = await measure(sm, reader, n)
        more, more_seconds = await import_file(sm, rest)
        imported += more
        await settle(url)
        large = await measure(sm, reader, n)
    finally:
        await pool.close()
        await engine.dispose()

    print(f"skala penduduk satu daerah: {FIRST:,} lalu {imported:,} baris")
    print(
        f"  impor lewat kependudukan.impor.run_import: {FIRST:,} baris {seconds:.1f} s, "
        f"{more:,} baris {more_seconds:.1f} s ({more / more_seconds:,.0f} baris/detik)"
    )
    print(
        f"  {'kueri (petugas, 20 per halaman)':44} {'p50/p99 10k (ms)':>18} {'p50/p99 besar (ms)':>20} rasio p50/p99"
    )
    for label in small:
        (s50, s99), (l50, l99) = small[label], large[label]
        flag = "" if l50 / s50 <= 1.2 else "  > 1,2"
        print(
            f"  {label:44} {s50:8.2f}/{s99:8.2f} {l50:9.2f}/{l99:9.2f}   {l50 / s50:5.2f}/{l99 / s99:5.2f}{flag}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="kueri per ukuran dan jenis")
    args = parser.parse_args()
    if args.rows <= FIRST:
        parser.error(f"--rows harus lebih dari {FIRST:,}")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        pg = Postgres(base / "pg", free_port(), log_path=base / "pg.log").start()
        try:
            url = pg.ensure_database("kependudukan", "bench")
            migrations.upgrade(load_catalog().root / "services" / "kependudukan" / "migrations", url)
            asyncio.run(run(url, base, args.rows, args.queries))
        finally:  # also on Ctrl-C
            pg.stop()


if __name__ == "__main__":
    main()

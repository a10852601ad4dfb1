"""Bulk import of a region's population from CSV: bad rows are rejected with reasons, good rows kept.

Rows are checked in Python, then written in batches with COPY into a staging table and one
INSERT ... ON CONFLICT DO NOTHING per batch, each batch in its own transaction: a failure later in the
file never loses what was already imported. Existing NIKs are rejected, not overwritten. No event is
published per row: an initial load is not a stream of changes.

Command line, with a progress bar:
    python -m kependudukan.impor penduduk.csv --tenant 63.08
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from puja_kit import wilayah
from puja_kit.db import new_id, transaction, utcnow
from puja_kit.text import has_control_characters
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from kependudukan import validasi
from kependudukan.models import Impor, ImporDitolak

COLUMNS = [
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
]
# SIAK exports carry the mother's name; files without the column still import.
OPTIONAL_COLUMNS = ["nama_ibu"]
logger = logging.getLogger("kependudukan.impor")
STALE_AFTER = timedelta(hours=1)
BATCH = 5_000
MAX_STORED_REJECTIONS = 5_000
_YIELD_EVERY = 500  # rows written to COPY between two turns of the event loop
_SEX = {"L": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "P": "P", "PEREMPUAN": "P"}

Progress = Callable[[int, int, int], None]  # processed, imported, rejected


def parse_date(value: str) -> date | None:
    value = value.strip()
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        if len(value) == 10 and value[2] in "-/":
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
    except ValueError:
        return None
    return None


def check_row(row: dict[str, str], tenant_kode: str) -> tuple[tuple[Any, ...] | None, list[str]]:
    """The values to store, or the reasons the row is refused (all of them, so one pass fixes the file)."""
    reasons = []
    nik = (row.get("nik") or "").strip()
    if problem := validasi.nik_problem(nik):
        reasons.append(problem)
    no_kk = (row.get("no_kk") or "").strip()
    if not (len(no_kk) == 16 and no_kk.isdigit()):
        reasons.append("No. KK harus 16 angka")
    nama = (row.get("nama") or "").strip()
    if not 2 <= len(nama) <= 200:
        reasons.append("nama wajib diisi (2-200 huruf)")
    tempat = (row.get("tempat_lahir") or "").strip()[:100]
    lahir = parse_date(row.get("tanggal_lahir") or "")
    if lahir is None:
        reasons.append("tanggal_lahir tidak valid (TTTT-BB-HH atau HH-BB-TTTT)")
    sex = _SEX.get((row.get("jenis_kelamin") or "").strip().upper())
    if sex is None:
        reasons.append("jenis_kelamin harus L atau P")
    if not reasons and lahir is not None and sex is not None and not validasi.nik_matches(nik, lahir, sex):
        reasons.append("tanggal lahir/jenis kelamin tidak cocok dengan NIK")
    alamat = (row.get("alamat") or "").strip()
    if not 3 <= len(alamat) <= 300:
        reasons.append("alamat wajib diisi")
    rt = (row.get("rt") or "").strip() or None
    rw = (row.get("rw") or "").strip() or None
    if (rt and not (rt.isdigit() and len(rt) <= 3)) or (rw and not (rw.isdigit() and len(rw) <= 3)):
        reasons.append("RT/RW harus angka (maks. 3 digit)")
    kode = (row.get("kode_wilayah") or "").strip()
    desa = wilayah.check(kode, tenant_kode, levels=wilayah.HANYA_DESA)
    if isinstance(desa, wilayah.Masalah):
        reasons.append(desa.message)
    nama_ibu = (row.get("nama_ibu") or "").strip() or None
    if nama_ibu is not None and len(nama_ibu) > 200:
        reasons.append("nama_ibu terlalu panjang (maks. 200 huruf)")
    # A quoted CSV field may hold a tab or a line break; no name or address does (puja_kit.text).
    reasons += [
        f"{column} berisi karakter kontrol"
        for column in ("nama", "tempat_lahir", "alamat", "nama_ibu")
        if has_control_characters((row.get(column) or "").strip())
    ]
    if reasons:
        return None, reasons
    return (nik, no_kk, nama, tempat, lahir, sex, alamat, rt, rw, kode, nama_ibu), []


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    yield from enumerate(reader, start=2)  # line 1 is the header


# One checked row: line number, the NIK as written (for the refusal), the values to store or the reasons.
# Only tuples of strings, dates and numbers, which the garbage collector stops tracking: a list in
# every row would make the 5,000 rows held between two chunks trigger full collections, each a pause
# of the whole process.
Checked = tuple[int, str | None, tuple[Any, ...] | None, tuple[str, ...]]


def _check_chunk(
    numbered: Iterator[tuple[int, dict[str, str]]], tenant_kode: str
) -> tuple[list[Checked], BaseException | None, bool]:
    """Decode, parse and check up to BATCH rows: the CPU work of an import, run in a worker thread.

    Returns the rows checked, the error that stopped the reading (if any) and whether that error came
    from a row's checks (the row then counts as processed, as it always did)."""
    out: list[Checked] = []
    try:
        for number, row in itertools.islice(numbered, BATCH):
            try:
                values, reasons = check_row(row, tenant_kode)
            except Exception as exc:
                return out, exc, True
            out.append((number, (row.get("nik") or "")[:40] or None, values, tuple(reasons)))
    except Exception as exc:  # UnicodeDecodeError, a missing column, a broken CSV: reported by run_import
        return out, exc, False
    return out, None, False


async def _write_batch(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_kode: str, batch: list[tuple[int, tuple[Any, ...]]]
) -> set[str]:
    """COPY the batch into staging, insert what is new; returns the NIKs that already existed."""
    async with transaction(sessionmaker, tenant=tenant_kode) as session:
        conn = await session.connection()
        await conn.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS penduduk_staging (LIKE penduduk INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
        )
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        now = utcnow()
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
        copy_sql = f"COPY penduduk_staging ({', '.join(columns)}) FROM STDIN"
        async with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for index, (_, values) in enumerate(batch, start=1):
                await copy.write_row((new_id(), tenant_kode, *values, "HIDUP", 1, now, now))
                if index % _YIELD_EVERY == 0:
                    # write_row only queues (it never waits): without this, formatting a batch is one
                    # long step of the event loop.
                    await asyncio.sleep(0)
        inserted = await conn.execute(
            text(
                f"INSERT INTO penduduk ({', '.join(columns)}) SELECT {', '.join(columns)} FROM penduduk_staging "
                "ON CONFLICT (tenant_id, nik) DO NOTHING RETURNING nik"
            )
        )
        new = {row[0] for row in inserted}
        return {values[0] for _, values in batch} - new


async def run_import(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    tenant_kode: str,
    impor_id: UUID,
    lines: Iterable[str],
    progress: Progress | None = None,
) -> Impor:
    processed = imported = rejected = 0
    stored_rejections = 0
    seen: set[int] = set()
    batch: list[tuple[int, tuple[Any, ...]]] = []
    refusals: list[tuple[int, str | None, str]] = []

    async def flush() -> None:
        nonlocal imported, rejected, stored_rejections
        existing = await _write_batch(sessionmaker, tenant_kode, batch) if batch else set()
        imported += len(batch) - len(existing)
        for number, values in batch:
            if values[0] in existing:
                refusals.append((number, values[0], "NIK sudah terdaftar"))
        rejected += sum(1 for _ in existing)
        async with transaction(sessionmaker, tenant=tenant_kode) as session:
            for number, nik, reason in refusals:
                if stored_rejections < MAX_STORED_REJECTIONS:
                    session.add(
                        ImporDitolak(
                            tenant_id=tenant_kode, impor_id=impor_id, baris=number, nik=nik, alasan=reason
                        )
                    )
                    stored_rejections += 1
            await session.execute(
                update(Impor)
                .where(col(Impor.id) == impor_id)
                .values(diproses=processed, berhasil=imported, ditolak=rejected)
            )
        batch.clear()
        refusals.clear()
        if progress is not None:
            progress(processed, imported, rejected)

    # Decoding, CSV parsing and the row checks are CPU work that holds the event loop for over a
    # hundred milliseconds per batch; they run in a worker thread, one chunk of BATCH rows ahead of
    # the writes, so the API's other requests keep being served and COPY overlaps the checks. Only
    # the cheap bookkeeping (duplicates within the file, counts) stays on the loop.
    numbered = read_rows(lines)
    ahead: asyncio.Future[tuple[list[Checked], BaseException | None, bool]] | None = None
    try:
        ahead = asyncio.ensure_future(asyncio.to_thread(_check_chunk, numbered, tenant_kode))
        while ahead is not None:
            checked, error, row_failed = await ahead
            ahead = None
            if error is None and checked:
                ahead = asyncio.ensure_future(asyncio.to_thread(_check_chunk, numbered, tenant_kode))
            for number, raw_nik, values, reasons in checked:
                processed += 1
                if values is not None:
                    key = int(values[0])
                    if key in seen:
                        values, reasons = None, ("NIK muncul dua kali dalam berkas",)
                    else:
                        seen.add(key)
                if values is None:
                    rejected += 1
                    refusals.append((number, raw_nik, "; ".join(reasons)))
                else:
                    batch.append((number, values))
                if len(batch) >= BATCH or len(refusals) >= BATCH:
                    await flush()
            if error is not None:
                processed += row_failed
                raise error
        await flush()
        status, message = "SELESAI", None
    except UnicodeDecodeError:
        status, message = "GAGAL", "Berkas bukan teks UTF-8: simpan ulang sebagai CSV UTF-8 lalu unggah lagi."
    except (ValueError, csv.Error) as exc:
        status, message = "GAGAL", f"Berkas tidak dapat dibaca: {exc}"
    except Exception:
        # The rows committed so far stay; the job must not look as if it were still running.
        logger.exception("impor %s berhenti karena kesalahan", impor_id)
        status, message = (
            "GAGAL",
            "Impor terhenti karena kesalahan server; baris yang sudah masuk tetap tersimpan.",
        )
    finally:
        if ahead is not None:  # a write failed while the next chunk was being checked: let it finish
            await asyncio.wait([ahead])
            if not ahead.cancelled():
                ahead.exception()
    async with transaction(sessionmaker, tenant=tenant_kode) as session:
        job = await session.get(Impor, impor_id)
        assert job is not None
        job.status = status
        job.pesan = message
        job.diproses, job.berhasil, job.ditolak = processed, imported, rejected
        job.selesai = utcnow()
        session.add(job)
    return job


def decode_lines(data: bytes) -> Iterator[str]:
    """CSV text from an upload, with or without a byte-order mark, decoded as it is read (a file that
    is not UTF-8 fails inside the import, which records why)."""
    return iter(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))


async def fail_interrupted(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """At start-up: an import still "running" long after it began was cut off by a restart and will
    not finish by itself. (A recent one may belong to another replica, so it is left alone: an API
    upload takes seconds, a million rows from the command line about a minute.)"""
    async with transaction(sessionmaker, all_regions=True) as session:
        await session.execute(
            update(Impor)
            .where(col(Impor.status) == "BERJALAN", col(Impor.mulai) < utcnow() - STALE_AFTER)
            .values(status="GAGAL", selesai=utcnow(), pesan="Impor terputus karena layanan dimulai ulang.")
        )


def main() -> None:
    import typer
    from puja_kit.db import make_engine, make_sessionmaker
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from kependudukan.settings import Settings

    def command(
        berkas: Path, tenant: str = typer.Option(..., help="Kode wilayah daerah, mis. 63.08")
    ) -> None:
        """Impor penduduk dari CSV dengan bilah kemajuan."""
        settings = Settings()
        with berkas.open("rb") as handle:
            total = sum(1 for _ in handle) - 1

        async def go() -> Impor:
            engine = make_engine(settings.database_url.get_secret_value(), pool_size=2)
            sessionmaker = make_sessionmaker(engine)
            try:
                async with transaction(sessionmaker, tenant=tenant) as session:
                    job = Impor(tenant_id=tenant, nama_berkas=berkas.name)
                    session.add(job)
                with (
                    Progress(
                        TextColumn("{task.description}"),
                        BarColumn(),
                        MofNCompleteColumn(),
                        TextColumn("{task.fields[ok]} masuk, {task.fields[bad]} ditolak"),
                        TimeRemainingColumn(),
                    ) as bar,
                    berkas.open(encoding="utf-8-sig", newline="") as lines,
                ):
                    task = bar.add_task("Impor penduduk", total=total, ok=0, bad=0)
                    return await run_import(
                        sessionmaker,
                        tenant_kode=tenant,
                        impor_id=job.id,
                        lines=lines,
                        progress=lambda done, ok, bad: bar.update(task, completed=done, ok=ok, bad=bad),
                    )
            finally:
                await engine.dispose()

        job = asyncio.run(go())
        typer.echo(f"{job.status}: {job.berhasil} masuk, {job.ditolak} ditolak dari {job.diproses} baris.")

    typer.run(command)


if __name__ == "__main__":
    main()

"""The report (aduan) lifecycle in the kit: SLA per region and category in working days, re-routing,
the answer and auto-close on a controlled clock, reopening and rating, per-OPD performance, anonymity,
photos without GPS, nearby duplicates and merging, bulk actions; on tables under row-level security."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from PIL import Image
from puja_kit.auth import Grant, Principal
from puja_kit.db import new_id, service_registry, transaction
from puja_kit.errors import Forbidden, InvalidInput
from puja_kit.events.catalog import LayananSettings
from puja_kit.outbox.models import OutboxEvent
from puja_kit.rls import apply_tenant_policies
from puja_kit.tenancy import Tenant
from puja_kit.workflow.aduan import (
    AturanAduan,
    DiLuarJendela,
    SlaAduan,
    SudahDinilai,
    apply_aduan,
    bulk_apply,
    close_expired,
    kinerja_opd,
    merge,
    possible_duplicates,
    rate,
    receive_aduan,
)
from puja_kit.workflow.aduan_models import AduanBase, AduanRiwayatBase, aduan_in_order, aduan_indexes
from puja_kit.workflow.aduan_view import aduan_view, strip_location
from puja_kit.workflow.machine import TransitionNotAllowed
from sqlalchemy import UniqueConstraint, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, SQLModel, col


class _Base(SQLModel, registry=service_registry()):
    pass


class UjiAduan(AduanBase, _Base, table=True):
    __tablename__ = "uji_aduan"
    __table_args__ = (UniqueConstraint("tenant_id", "nomor"), *aduan_indexes("uji_aduan"))


class UjiAduanRiwayat(AduanRiwayatBase, _Base, table=True):
    __tablename__ = "uji_aduan_riwayat"

    aduan_id: UUID = Field(foreign_key="uji_aduan.id", index=True)


def tenant(kode: str = "63.08") -> Tenant:
    return Tenant(
        kode=kode,
        slug=f"kab-{kode}",
        nama=f"Kabupaten {kode}",
        zona_waktu="WITA",
        layanan="pekerjaan_umum",
        settings=LayananSettings(),
    )


HSU, TABALONG = tenant("63.08"), tenant("63.09")
CITIZEN = Principal(id=new_id(), sid=new_id(), nama="Warga", grants=(Grant("warga"),), nik="6308014107900001")
OTHER = Principal(id=new_id(), sid=new_id(), nama="Lain", grants=(Grant("warga"),))
OPERATOR = Principal(
    id=new_id(), sid=new_id(), nama="Op", grants=(Grant("operator", "63.08", "pekerjaan_umum"),)
)
OPERATOR_TABALONG = Principal(
    id=new_id(), sid=new_id(), nama="Op2", grants=(Grant("operator", "63.09", "pekerjaan_umum"),)
)
OPD_PU = (new_id(), "Dinas PUPR")
OPD_DISHUB = (new_id(), "Dinas Perhubungan")
RULES = AturanAduan(sla={"jalan_rusak": SlaAduan(verifikasi=2, tindak_lanjut=4)}, buka_kembali_hari=5)
P = (-2.4300, 115.2500)  # a point in Amuntai


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in WITA (the regions' zone), as UTC."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+08:00").astimezone(UTC)


@pytest.fixture
async def sm(kit_db: async_sessionmaker[AsyncSession]) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = kit_db.kw["bind"]
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        applied = await conn.run_sync(lambda sync: apply_tenant_policies(sync, _Base.metadata))
    assert {"uji_aduan", "uji_aduan_riwayat"} <= set(applied)
    yield kit_db


async def report(
    session: AsyncSession,
    *,
    region: Tenant = HSU,
    kategori: str = "jalan_rusak",
    when: str = "2026-03-13",
    where: tuple[float, float] | None = P,
    pelapor: Principal = CITIZEN,
    **fields: object,
) -> UjiAduan:
    obj = UjiAduan(
        tenant_id=region.kode,
        nomor="",
        status="",
        kategori=kategori,
        isi="Jalan berlubang di depan pasar",
        pelapor_id=pelapor.id,
        lat=where[0] if where else None,
        lon=where[1] if where else None,
        **fields,
    )
    return await receive_aduan(
        session, obj, UjiAduanRiwayat, tenant=region, aturan=RULES, prefix="PU", now=at(when)
    )


async def act(
    session: AsyncSession,
    obj: UjiAduan,
    action: str,
    when: str,
    *,
    by: Principal | None = OPERATOR,
    region: Tenant = HSU,
    hour: int = 9,
    **kwargs: object,
) -> UjiAduanRiwayat:
    return await apply_aduan(
        session,
        obj,
        UjiAduanRiwayat,
        action=action,
        principal=by,
        tenant=region,
        aturan=RULES,
        now=at(when, hour),
        **kwargs,  # type: ignore[arg-type]
    )


async def answered(session: AsyncSession, obj: UjiAduan, when: str = "2026-03-31") -> UjiAduan:
    await act(session, obj, "verifikasi", "2026-03-16")
    await act(session, obj, "disposisi", "2026-03-16", opd=OPD_PU)
    await act(session, obj, "tindak_lanjut", "2026-03-17", note="Tim turun ke lokasi")
    await act(session, obj, "jawab", when, note="Lubang sudah ditambal")
    return obj


async def history(session: AsyncSession, obj: UjiAduan) -> list[UjiAduanRiwayat]:
    rows = await session.scalars(
        select(UjiAduanRiwayat)
        .where(col(UjiAduanRiwayat.aduan_id) == obj.id)
        .order_by(col(UjiAduanRiwayat.waktu), col(UjiAduanRiwayat.id))
    )
    return list(rows.all())


async def test_a_report_runs_its_lifecycle_with_sla_per_category_in_working_days(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        # Friday 13 March 2026; 18-24 March are Nyepi, Idul Fitri and cuti bersama.
        road = await report(s)
        other = await report(s, kategori="lampu_jalan")
        assert road.status == other.status == "DITERIMA"
        assert road.nomor.startswith("PU-")
        assert (road.sla_tahap, road.sla_jatuh_tempo) == ("verifikasi", date(2026, 3, 17))  # 2 days
        assert other.sla_jatuh_tempo == date(2026, 3, 25)  # the default 3 days

        with pytest.raises(Forbidden):
            await act(s, road, "verifikasi", "2026-03-16", by=CITIZEN)
        with pytest.raises(Forbidden):
            await act(s, road, "verifikasi", "2026-03-16", by=OPERATOR_TABALONG)
        await act(s, road, "verifikasi", "2026-03-16")
        assert (road.status, road.sla_jatuh_tempo) == ("TERVERIFIKASI", None)

        with pytest.raises(InvalidInput):
            await act(s, road, "disposisi", "2026-03-16")  # no OPD
        await act(s, road, "disposisi", "2026-03-16", opd=OPD_PU)
        assert (road.status, road.opd_id, road.sla_tahap) == ("DIDISPOSISI", OPD_PU[0], "tindak_lanjut")
        assert road.sla_jatuh_tempo == date(2026, 3, 27)  # Monday 16 + 4 working days of the category

        # Not this OPD's: re-routed inside the region, the clock restarts for the new OPD.
        with pytest.raises(InvalidInput):
            await act(s, road, "alihkan", "2026-03-25", opd=OPD_DISHUB)  # no reason
        with pytest.raises(InvalidInput):
            await act(s, road, "alihkan", "2026-03-25", opd=OPD_PU, note="salah")  # the same OPD
        await act(s, road, "alihkan", "2026-03-25", opd=OPD_DISHUB, note="Jalan provinsi? bukan, rambu")
        assert (road.status, road.opd_nama, road.sla_jatuh_tempo) == (
            "DIDISPOSISI",
            "Dinas Perhubungan",
            date(2026, 3, 31),
        )

        with pytest.raises(TransitionNotAllowed):
            await act(s, road, "jawab", "2026-03-26", note="x")  # not followed up yet
        await act(s, road, "tindak_lanjut", "2026-03-30", note="Rambu dipasang")
        assert (road.tepat_waktu, road.sla_jatuh_tempo) == (True, None)
        await act(s, road, "jawab", "2026-03-31", note="Sudah selesai")
        assert road.status == "SELESAI" and road.jawaban_ke == 1
        # 10 working days later, at the same local time (3 April 2026 is Good Friday).
        assert road.tutup_otomatis_at == at("2026-04-15")

        await act(s, road, "terima_jawaban", "2026-04-01", by=CITIZEN)
        assert (road.status, road.ditutup_at, road.tutup_otomatis_at) == ("DITUTUP", at("2026-04-01"), None)

        rows = await history(s, road)
        assert [r.aksi for r in rows] == [
            "terima",
            "verifikasi",
            "disposisi",
            "alihkan",
            "tindak_lanjut",
            "jawab",
            "terima_jawaban",
        ]
        rerouted = rows[3]
        assert (rerouted.opd_dari_id, rerouted.opd_dari_nama) == (OPD_PU[0], "Dinas PUPR")
        assert (rerouted.opd_ke_id, rerouted.opd_ke_nama) == (OPD_DISHUB[0], "Dinas Perhubungan")
        assert rerouted.catatan == "Jalan provinsi? bukan, rambu"
        events = (await s.scalars(select(OutboxEvent).where(col(OutboxEvent.subject) == str(road.id)))).all()
        assert len(events) == 7
        assert {e.type for e in events} == {"puja.pekerjaan_umum.aduan.status_changed"}


async def test_outside_the_regions_authority_is_handed_over_with_a_reason_keeping_history(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        obj = await report(s)
        await act(s, obj, "verifikasi", "2026-03-16")
        await act(s, obj, "disposisi", "2026-03-16", opd=OPD_PU)
        with pytest.raises(InvalidInput):
            await act(s, obj, "bukan_kewenangan", "2026-03-17", note="Jalan nasional")  # to whom?
        await act(
            s,
            obj,
            "bukan_kewenangan",
            "2026-03-17",
            note="Jalan nasional",
            dialihkan_ke="BPJN Kalimantan Selatan (Kementerian PU)",
        )
        assert (obj.status, obj.sla_jatuh_tempo) == ("BUKAN_KEWENANGAN", None)
        assert obj.dialihkan_ke == "BPJN Kalimantan Selatan (Kementerian PU)"
        # Handed back: disposed again inside the region, the earlier path stays in the history.
        await act(s, obj, "disposisi", "2026-03-25", opd=OPD_DISHUB)
        assert (obj.status, obj.dialihkan_ke, obj.opd_id) == ("DIDISPOSISI", None, OPD_DISHUB[0])
        rows = await history(s, obj)
        assert [(r.aksi, r.opd_ke_nama) for r in rows] == [
            ("terima", None),
            ("verifikasi", None),
            ("disposisi", "Dinas PUPR"),
            ("bukan_kewenangan", "Dinas PUPR"),
            ("disposisi", "Dinas Perhubungan"),
        ]


async def test_an_answered_report_closes_by_itself_after_10_working_days_per_region(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        mine = await answered(s, await report(s))
        accepted = await answered(s, await report(s))
        await act(s, accepted, "terima_jawaban", "2026-04-01", by=CITIZEN)
        with pytest.raises(Forbidden):
            await act(s, mine, "tutup_otomatis", "2026-04-15", by=OPERATOR)  # the system's alone
    async with transaction(sm, tenant="63.09") as s:
        theirs = await report(s, region=TABALONG)
        for action, extra in (
            ("verifikasi", {}),
            ("disposisi", {"opd": OPD_PU}),
            ("tindak_lanjut", {"note": "ok"}),
            ("jawab", {"note": "ok"}),
        ):
            await act(s, theirs, action, "2026-03-31", by=OPERATOR_TABALONG, region=TABALONG, **extra)

    async with transaction(sm, tenant="63.08") as s:
        assert (
            await close_expired(
                s, UjiAduan, UjiAduanRiwayat, layanan="pekerjaan_umum", now=at("2026-04-15", 8, 59)
            )
            == []
        )
    async with transaction(sm) as s:  # no region named: row-level security shows nothing to close
        assert (
            await close_expired(s, UjiAduan, UjiAduanRiwayat, layanan="pekerjaan_umum", now=at("2026-04-15"))
            == []
        )
    async with transaction(sm, tenant="63.08") as s:
        closed = await close_expired(
            s, UjiAduan, UjiAduanRiwayat, layanan="pekerjaan_umum", now=at("2026-04-15")
        )
        assert closed == [mine.nomor]
    async with transaction(sm, all_regions=True) as s:
        closed = await close_expired(
            s, UjiAduan, UjiAduanRiwayat, layanan="pekerjaan_umum", now=at("2026-04-16")
        )
        assert closed == [theirs.nomor]
        rows = {o.id: o for o in (await s.scalars(select(UjiAduan))).all()}
        assert rows[mine.id].status == rows[theirs.id].status == "DITUTUP"
        assert rows[mine.id].ditutup_at == at("2026-04-15")
        assert rows[accepted.id].ditutup_at == at("2026-04-01")  # the reporter's acceptance stands
        last = (await history(s, rows[mine.id]))[-1]
        assert (last.aksi, last.actor_role, last.actor_id) == ("tutup_otomatis", "sistem", None)
        assert (
            await close_expired(s, UjiAduan, UjiAduanRiwayat, layanan="pekerjaan_umum", now=at("2026-05-01"))
            == []
        )


async def test_the_reporter_reopens_within_the_regions_window_and_rates_each_answer_once(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        obj = await answered(s, await report(s))
        with pytest.raises(Forbidden):
            await rate(s, obj, UjiAduanRiwayat, principal=OTHER, tenant=HSU, nilai=4)
        with pytest.raises(InvalidInput):
            await rate(s, obj, UjiAduanRiwayat, principal=CITIZEN, tenant=HSU, nilai=6)
        await rate(s, obj, UjiAduanRiwayat, principal=CITIZEN, tenant=HSU, nilai=2)
        with pytest.raises(SudahDinilai):
            await rate(s, obj, UjiAduanRiwayat, principal=CITIZEN, tenant=HSU, nilai=5)
        await act(s, obj, "terima_jawaban", "2026-04-01", by=CITIZEN)

        with pytest.raises(Forbidden):
            await act(s, obj, "buka_kembali", "2026-04-02", by=OTHER, note="belum")
        with pytest.raises(InvalidInput):
            await act(s, obj, "buka_kembali", "2026-04-02", by=CITIZEN)  # a reason is required
        # The region's window: 5 working days after closing (1 April); 8 April is the 4th.
        await act(s, obj, "buka_kembali", "2026-04-08", by=CITIZEN, note="Lubang muncul lagi")
        assert (obj.status, obj.opd_id, obj.ditutup_at) == ("DIDISPOSISI", OPD_PU[0], None)
        assert obj.sla_jatuh_tempo == date(2026, 4, 14)  # the OPD's 4 days again
        await act(s, obj, "tindak_lanjut", "2026-04-09", note="Ditambal ulang")
        await act(s, obj, "jawab", "2026-04-09", note="Sudah ditambal ulang")
        assert obj.jawaban_ke == 2
        await rate(s, obj, UjiAduanRiwayat, principal=CITIZEN, tenant=HSU, nilai=5)
        assert (obj.rating, obj.dinilai_jawaban_ke) == (5, 2)
        await act(s, obj, "terima_jawaban", "2026-04-10", by=CITIZEN)
        # 10 April + 5 working days is 17 April; the 20th is too late.
        with pytest.raises(DiLuarJendela):
            await act(s, obj, "buka_kembali", "2026-04-20", by=CITIZEN, note="lagi")
        assert obj.status == "DITUTUP"


async def test_ratings_and_sla_performance_per_opd_for_the_regions_admin(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        on_time = await answered(s, await report(s))
        await rate(s, on_time, UjiAduanRiwayat, principal=CITIZEN, tenant=HSU, nilai=4)
        late = await report(s)
        await act(s, late, "verifikasi", "2026-03-16")
        await act(s, late, "disposisi", "2026-03-16", opd=OPD_PU)  # due 27 March
        await act(s, late, "tindak_lanjut", "2026-03-30", note="terlambat")
        await act(s, late, "jawab", "2026-03-30", note="ok")
        await rate(s, late, UjiAduanRiwayat, principal=CITIZEN, tenant=HSU, nilai=1)
        open_one = await report(s, kategori="rambu")
        await act(s, open_one, "verifikasi", "2026-03-16")
        await act(s, open_one, "disposisi", "2026-03-16", opd=OPD_DISHUB)
        await report(s)  # not disposed yet: no OPD's
    async with transaction(sm, tenant="63.09") as s:
        elsewhere = await report(s, region=TABALONG)
        await act(s, elsewhere, "verifikasi", "2026-03-16", by=OPERATOR_TABALONG, region=TABALONG)
        await act(s, elsewhere, "disposisi", "2026-03-16", by=OPERATOR_TABALONG, region=TABALONG, opd=OPD_PU)

    async with transaction(sm, tenant="63.08") as s:
        stats = {k.opd_nama: k for k in await kinerja_opd(s, UjiAduan, tenant_id="63.08")}
    assert set(stats) == {"Dinas PUPR", "Dinas Perhubungan"}
    pu, dishub = stats["Dinas PUPR"], stats["Dinas Perhubungan"]
    assert (pu.jumlah, pu.ditindaklanjuti, pu.tepat_waktu, pu.persen_tepat_waktu) == (2, 2, 1, 50.0)
    assert (pu.dijawab, pu.dinilai, pu.rata_rata_nilai) == (2, 2, 2.5)
    assert (dishub.jumlah, dishub.ditindaklanjuti, dishub.persen_tepat_waktu, dishub.rata_rata_nilai) == (
        1,
        0,
        None,
        None,
    )


async def test_the_view_hides_the_reporter_where_it_must(sm: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sm, tenant="63.08") as s:
        default = await report(s)
        named = await report(s, anonim_publik=False, lokasi_dibagikan=True)
        secret = await report(s, anonim_publik=False, anonim_opd=True)
        rows = await history(s, named)
    for obj in (default, named, secret):
        public = aduan_view(obj, "publik", pelapor_nama="Siti Aminah", riwayat=rows)
        dumped = public.model_dump_json()
        assert str(CITIZEN.id) not in dumped and (CITIZEN.nik or "") not in dumped
        verifier = aduan_view(obj, "verifikator", pelapor_nama="Siti Aminah")
        assert verifier.pelapor is not None and verifier.pelapor.id == CITIZEN.id
        assert (verifier.lat, verifier.lon) == P
    # Anonymous to the public by default; the location only when the reporter shared it.
    assert aduan_view(default, "publik", pelapor_nama="Siti Aminah").pelapor is None
    assert aduan_view(default, "publik").lat is None
    shown = aduan_view(named, "publik", pelapor_nama="Siti Aminah", riwayat=rows)
    assert shown.pelapor is not None and (shown.pelapor.nama, shown.pelapor.id) == ("Siti Aminah", None)
    assert (shown.lat, shown.lon) == P
    assert [t.status for t in shown.timeline] == ["DITERIMA"]
    # Anonymous to the OPD: only the verifier knows, and so neither does the public.
    assert aduan_view(secret, "opd", pelapor_nama="Siti Aminah").pelapor is None
    assert aduan_view(secret, "publik", pelapor_nama="Siti Aminah").pelapor is None
    opd_view = aduan_view(named, "opd", pelapor_nama="Siti Aminah")
    assert opd_view.pelapor is not None and opd_view.pelapor.id == CITIZEN.id


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (180, 90, 40))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Warga"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (2.0, 25.0, 48.0), 3: "E", 4: (115.0, 15.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def test_photos_lose_their_gps_unless_the_reporter_shares_the_location() -> None:
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)[1] == "S"

    stripped = strip_location(data, keep_location=False)
    image = Image.open(io.BytesIO(stripped))
    exif = image.getexif()
    assert 0x8825 not in exif and exif.get_ifd(0x8825) == {}
    assert exif[0x010F] == "Kamera Warga"  # the rest of the metadata stays
    assert (image.format, image.size) == ("JPEG", (64, 48))

    assert strip_location(data, keep_location=True) == data
    plain = io.BytesIO()
    Image.new("RGB", (8, 8)).save(plain, "PNG")
    assert strip_location(plain.getvalue(), keep_location=False) == plain.getvalue()  # nothing to strip


async def test_nearby_open_reports_of_the_category_are_offered_and_merged(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    follower = Principal(id=new_id(), sid=new_id(), nama="Tetangga", grants=(Grant("warga"),))
    async with transaction(sm, tenant="63.08") as s:
        first = await report(s)
        await report(s, where=(P[0] + 0.0011, P[1]))  # about 122 m north
        await report(s, kategori="drainase")
        archived = await report(s)
        await act(s, archived, "arsipkan", "2026-03-13", note="ganda")
        await report(s, where=None)
    async with transaction(sm, tenant="63.09") as s:
        await report(s, region=TABALONG)  # the same spot, another region
    async with transaction(sm, tenant="63.08") as s:
        second = await report(s, pelapor=follower, where=(P[0] + 0.00027, P[1]))  # about 30 m
        found = await possible_duplicates(
            s,
            UjiAduan,
            tenant_id="63.08",
            kategori="jalan_rusak",
            lat=second.lat or 0,
            lon=second.lon or 0,
            exclude_id=second.id,
        )
        assert [d.aduan.id for d in found] == [first.id]
        assert 29 < found[0].jarak_m < 31
        first = found[0].aduan  # this session's copy
        wider = await possible_duplicates(
            s, UjiAduan, tenant_id="63.08", kategori="jalan_rusak", lat=P[0], lon=P[1], radius_m=150
        )
        assert len(wider) == 3 and wider[0].jarak_m < 1  # first, second, then the one 122 m away

        # At a region's scale the box is read from the location index, not the whole region.
        await s.execute(
            text(
                "INSERT INTO uji_aduan (id, tenant_id, nomor, status, kategori, isi, pelapor_id, lat, lon,"
                " lokasi_dibagikan, anonim_publik, anonim_opd, diterima_at, jawaban_ke)"
                " SELECT gen_random_uuid(), '63.08', 'X-' || i, 'DITERIMA',"
                " (ARRAY['jalan_rusak', 'drainase', 'jembatan'])[1 + i % 3], 'isi', gen_random_uuid(),"
                " -3.5 + (i % 100) * 0.01, 114.5 + (i / 100) * 0.01, false, true, false, now(), 0"
                " FROM generate_series(1, 6000) AS i"
            )
        )
        await s.execute(text("ANALYZE uji_aduan"))
        plan = "\n".join(
            (
                await s.execute(
                    text(
                        "EXPLAIN SELECT id FROM uji_aduan WHERE tenant_id = '63.08' AND kategori = 'jalan_rusak'"
                        " AND lat BETWEEN -2.431 AND -2.429 AND lon BETWEEN 115.249 AND 115.251"
                    )
                )
            ).scalars()
        )
        assert "ix_uji_aduan_daerah_lokasi" in plan

        with pytest.raises(TransitionNotAllowed):
            await act(s, second, "gabungkan", "2026-03-13")  # only through merge
        await merge(
            s,
            UjiAduan,
            UjiAduanRiwayat,
            duplikat=second,
            induk=first,
            principal=OPERATOR,
            tenant=HSU,
            aturan=RULES,
            now=at("2026-03-13", 10),
        )
        assert (second.status, second.mengikuti_id) == ("DIARSIPKAN", first.id)
        assert [
            d.aduan.id
            for d in await possible_duplicates(
                s, UjiAduan, tenant_id="63.08", kategori="jalan_rusak", lat=P[0], lon=P[1]
            )
        ] == [first.id]
        # The second reporter hears of the first report's next steps.
        await act(s, first, "verifikasi", "2026-03-16")
        await s.flush()
        events = (
            await s.scalars(
                select(OutboxEvent)
                .where(col(OutboxEvent.subject) == str(first.id))
                .order_by(col(OutboxEvent.id))
            )
        ).all()
        data = json.loads(events[-1].body)["data"]
        assert data["aksi"] == "verifikasi" and data["pengikut_ids"] == [str(follower.id)]
        assert "isi" not in data and "nama" not in json.dumps(data)


async def test_bulk_actions_apply_each_through_the_workflow_and_report_refusals(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        a, b, c, done = await report(s), await report(s), await report(s), await report(s)
        await act(s, done, "verifikasi", "2026-03-13")
    async with transaction(sm, tenant="63.09") as s:
        foreign = await report(s, region=TABALONG)

    async with transaction(sm, tenant="63.08") as s:
        unknown = new_id()
        result = await bulk_apply(
            s,
            UjiAduan,
            UjiAduanRiwayat,
            ids=[a.id, done.id, b.id, foreign.id, unknown],
            action="verifikasi",
            principal=OPERATOR,
            tenant=HSU,
            aturan=RULES,
            now=at("2026-03-16"),
        )
        assert result.berhasil == [a.id, b.id]
        assert [(r.aduan_id, r.code) for r in result.ditolak] == [
            (done.id, "status_tidak_sesuai"),
            (foreign.id, "tidak_ditemukan"),
            (unknown, "tidak_ditemukan"),
        ]
        refused = await bulk_apply(
            s,
            UjiAduan,
            UjiAduanRiwayat,
            ids=[a.id, b.id],
            action="disposisi",
            principal=CITIZEN,
            tenant=HSU,
            aturan=RULES,
        )
        assert refused.berhasil == [] and {r.code for r in refused.ditolak} == {"tidak_berwenang"}
        disposed = await bulk_apply(
            s,
            UjiAduan,
            UjiAduanRiwayat,
            ids=[a.id, b.id, done.id],
            action="disposisi",
            principal=OPERATOR,
            tenant=HSU,
            aturan=RULES,
            opd=OPD_PU,
            now=at("2026-03-16"),
        )
        assert disposed.berhasil == [a.id, b.id, done.id]
        no_reason = await bulk_apply(
            s,
            UjiAduan,
            UjiAduanRiwayat,
            ids=[c.id, a.id],
            action="arsipkan",
            principal=OPERATOR,
            tenant=HSU,
            aturan=RULES,
        )
        assert [(r.aduan_id, r.code) for r in no_reason.ditolak] == [
            (c.id, "data_tidak_valid"),  # a reason is required
            (a.id, "status_tidak_sesuai"),
        ]
        with pytest.raises(InvalidInput):
            await bulk_apply(
                s,
                UjiAduan,
                UjiAduanRiwayat,
                ids=[a.id],
                action="jawab",
                principal=OPERATOR,
                tenant=HSU,
                aturan=RULES,
            )

    async with transaction(sm, tenant="63.08") as s:
        statuses = {o.id: o.status for o in (await s.scalars(select(UjiAduan))).all()}
        assert statuses == {
            a.id: "DIDISPOSISI",
            b.id: "DIDISPOSISI",
            c.id: "DITERIMA",
            done.id: "DIDISPOSISI",
        }


async def test_the_staff_inbox_lists_running_clocks_nearest_first_per_opd(
    sm: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(sm, tenant="63.08") as s:
        early = await report(s, when="2026-03-12")
        late = await report(s, when="2026-03-13")
        verified = await report(s, when="2026-03-11")
        await act(s, verified, "verifikasi", "2026-03-12")  # no clock: on no one's list by due date
        disposed = await report(s, when="2026-03-11")
        await act(s, disposed, "verifikasi", "2026-03-12")
        await act(s, disposed, "disposisi", "2026-03-12", opd=OPD_PU)
        base = select(UjiAduan).where(col(UjiAduan.tenant_id) == "63.08")
        inbox = (await s.scalars(aduan_in_order(base, UjiAduan, "sla"))).all()
        assert [o.id for o in inbox] == [early.id, late.id, disposed.id]
        opd_inbox = (await s.scalars(aduan_in_order(base, UjiAduan, "sla", opd_id=OPD_PU[0]))).all()
        assert [o.id for o in opd_inbox] == [disposed.id]
        newest = (await s.scalars(aduan_in_order(base, UjiAduan, "terbaru"))).all()
        assert newest[0].id == disposed.id

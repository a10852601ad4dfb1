"""What kesehatan hears from kependudukan: address changes reach the patient view, deaths cancel
waiting bookings, once."""

from __future__ import annotations

from datetime import date
from typing import Any

from puja_kit.db import transaction
from puja_kit.events.catalog import Alamat, PendudukDied, PendudukUpdated
from puja_kit.outbox.models import InboxEvent
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import func, select

from .factories import act, book, in_days, make_booking, make_open_poli, make_warga, read_queue, today

ALAMAT_LAMA = Alamat(
    alamat="Jl. Norman Umar No. 12",
    rt="003",
    rw="001",
    kode_wilayah="63.08.05.1001",
    nama_wilayah="Antasari",
)
ALAMAT_BARU = Alamat(
    alamat="Jl. Negara Dipa No. 7",
    rt="002",
    rw="004",
    kode_wilayah="63.08.02.2001",
    nama_wilayah="Babirik Hulu",
)


async def pasien(layanan: LayananDriver, nik: str) -> dict[str, Any]:
    response = await layanan.client.get(layanan.url(f"/pasien/{nik}"), headers=layanan.operator_x)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_address_change_reaches_the_patient_view(layanan: LayananDriver) -> None:
    siti = make_warga(layanan, "Siti Aminah")
    missing = await layanan.client.get(layanan.url(f"/pasien/{siti.nik}"), headers=layanan.operator_x)
    assert missing.status_code == 404

    await layanan.publish(
        "puja.kependudukan.penduduk.updated",
        PendudukUpdated(
            nik=siti.nik, versi=1, nama="Siti Aminah", alamat=ALAMAT_LAMA, changed=["nama", "alamat"]
        ),
    )

    async def has_old_address() -> dict[str, Any]:
        body = await pasien(layanan, siti.nik)
        assert body["alamat"] is not None
        assert body["alamat"]["alamat"] == ALAMAT_LAMA.alamat
        return body

    body = await layanan.eventually(has_old_address)
    assert body["nik"] == siti.nik
    assert body["nama"] == "Siti Aminah"
    assert body["status"] == "HIDUP"
    assert body["antrian"] == []

    poli = await make_open_poli(layanan)
    booked = await make_booking(layanan, siti, poli["id"])
    await layanan.publish(
        "puja.kependudukan.penduduk.updated",
        PendudukUpdated(nik=siti.nik, versi=2, alamat=ALAMAT_BARU, changed=["alamat"]),
    )

    async def has_new_address() -> dict[str, Any]:
        body = await pasien(layanan, siti.nik)
        assert body["alamat"]["kode_wilayah"] == "63.08.02.2001"
        return body

    body = await layanan.eventually(has_new_address)
    assert body["alamat"] == ALAMAT_BARU.model_dump(mode="json")
    assert body["nama"] == "Siti Aminah"  # unchanged fields stay
    assert [(a["id"], a["status"], a["tanggal"], a["nomor"]) for a in body["antrian"]] == [
        (booked["id"], "TERDAFTAR", today(layanan).isoformat(), 1)
    ]
    # The operator's queue shows the patient as the population record knows them.
    queue = await read_queue(layanan, poli["id"])
    assert queue[0]["pasien_alamat"]["alamat"] == ALAMAT_BARU.alamat

    # A late, older change does not undo the newer one.
    await layanan.publish(
        "puja.kependudukan.penduduk.updated",
        PendudukUpdated(nik=siti.nik, versi=1, alamat=ALAMAT_LAMA, changed=["alamat"]),
    )
    await applied(layanan, "puja.kependudukan.penduduk.updated", 3)
    assert (await pasien(layanan, siti.nik))["alamat"]["alamat"] == ALAMAT_BARU.alamat

    not_staff = await layanan.client.get(layanan.url(f"/pasien/{siti.nik}"), headers=siti.headers)
    assert not_staff.status_code == 403
    not_a_nik = await layanan.client.get(layanan.url("/pasien/12345"), headers=layanan.operator_x)
    assert not_a_nik.status_code == 422


async def applied(layanan: LayananDriver, event_type: str, count: int) -> None:
    """Wait until the penduduk consumer has taken `count` events of this type (applied or skipped)."""

    async def taken() -> None:
        async with transaction(layanan.svc.sessionmaker, all_regions=True) as session:
            seen = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(InboxEvent.type == event_type)  # type: ignore[arg-type]
            )
        assert seen == count

    await layanan.eventually(taken)


async def test_a_death_cancels_waiting_bookings_once_even_when_announced_twice(
    layanan: LayananDriver,
) -> None:
    umum = await make_open_poli(layanan)
    gigi = await make_open_poli(layanan)
    siti = make_warga(layanan, "Siti Aminah")
    today_booking = await make_booking(layanan, siti, umum["id"])
    next_week = await make_booking(layanan, siti, umum["id"], in_days(layanan, 7))
    called = await make_booking(layanan, siti, gigi["id"])
    await act(layanan, called["id"], "panggil")
    someone_else = await make_booking(layanan, make_warga(layanan, "Budi Santoso"), umum["id"])

    died = PendudukDied(nik=siti.nik, versi=1, tanggal_meninggal=today(layanan))
    first_id = await layanan.publish("puja.kependudukan.penduduk.died", died)

    async def cancelled() -> dict[str, Any]:
        body = await pasien(layanan, siti.nik)
        assert body["status"] == "MENINGGAL"
        assert {a["id"]: a["status"] for a in body["antrian"]}[today_booking["id"]] == "DIBATALKAN"
        return body

    after_first = await layanan.eventually(cancelled)
    # The same news again, as a second message (its own Nats-Msg-Id, so the bus lets it through).
    second_id = await layanan.publish("puja.kependudukan.penduduk.died", died)
    assert first_id != second_id
    await applied(layanan, "puja.kependudukan.penduduk.died", 2)

    body = await pasien(layanan, siti.nik)
    assert body == after_first  # the second delivery changed nothing, not even a timestamp
    by_id = {a["id"]: a for a in body["antrian"]}
    assert by_id[today_booking["id"]]["status"] == "DIBATALKAN"
    assert by_id[next_week["id"]]["status"] == "DIBATALKAN"
    # Kept, not deleted, with the reason; a booking already called is left to the operator.
    assert len(by_id) == 3
    assert by_id[called["id"]]["status"] == "DIPANGGIL"
    mine = (await layanan.client.get(layanan.url("/antrian/saya"), headers=siti.headers)).json()
    assert [a["alasan_batal"] for a in mine if a["status"] == "DIBATALKAN"] == ["pemohon meninggal dunia"] * 2

    # Other people's bookings are untouched.
    queue = await read_queue(layanan, umum["id"])
    assert [row["status"] for row in queue if row["id"] == someone_else["id"]] == ["TERDAFTAR"]


async def test_a_citizen_recorded_as_deceased_cannot_book(layanan: LayananDriver) -> None:
    poli = await make_open_poli(layanan)
    siti = make_warga(layanan)
    await layanan.publish(
        "puja.kependudukan.penduduk.died",
        PendudukDied(nik=siti.nik, versi=1, tanggal_meninggal=date(2026, 1, 5)),
    )

    async def recorded() -> None:
        assert (await pasien(layanan, siti.nik))["status"] == "MENINGGAL"

    await layanan.eventually(recorded)
    refused = await book(layanan, siti, poli["id"])
    assert refused.status_code == 422
    assert refused.json()["code"] == "pasien_meninggal"
    assert await read_queue(layanan, poli["id"]) == []

"""A NIK serves an account only once the person proved it is theirs: records matched, or at the counter."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from kependudukan.models import Penduduk
from puja_kit.db import transaction
from puja_kit.events.envelope import Event
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.layanan import LayananDriver, Wilayah
from sqlalchemy import select, update
from sqlmodel import col

from .factories import AYAH, IBU, KAKEK, NO_KK, TETANGGA, warga_headers

AKUN_AYAH = UUID("0192f000-0000-7000-8000-000000000001")
AKUN_LAIN = UUID("0192f000-0000-7000-8000-000000000002")


def unproved(layanan: LayananDriver, nik: str, akun: UUID = AKUN_AYAH) -> dict[str, str]:
    """A citizen's token as akun issues it before the NIK is proved."""
    return warga_headers(layanan, nik, sub=akun, nik_verified=False)


async def verified_events(layanan: LayananDriver) -> list[Event]:
    async with transaction(layanan.svc.sessionmaker, all_regions=True) as session:
        rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
    return [Event.from_bytes(r.body) for r in rows if r.type == "puja.kependudukan.nik.verified"]


async def test_an_unproved_nik_opens_nothing(layanan: LayananDriver) -> None:
    headers = unproved(layanan, AYAH)
    for response in (
        await layanan.client.get(layanan.url("/penduduk/saya"), headers=headers),
        await layanan.client.get(layanan.url(f"/penduduk/{IBU}"), headers=headers),
        await layanan.client.post(layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=headers),
    ):
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "nik_belum_terverifikasi"
        assert "No. KK" in response.json()["detail"]
    status = (await layanan.client.get(layanan.url("/verifikasi-nik"), headers=headers)).json()
    assert status == {
        "terverifikasi": False,
        "metode": None,
        "terverifikasi_pada": None,
        "sisa_percobaan": 5,
        "terkunci_sampai": None,
    }


async def test_the_family_card_and_mothers_name_prove_the_nik(layanan: LayananDriver) -> None:
    headers = unproved(layanan, AYAH)
    wrong = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json={"no_kk": NO_KK, "nama_ibu": "Siti Aisyah"}, headers=headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "verifikasi_gagal"
    assert "Sisa percobaan: 4" in wrong.json()["detail"]
    assert (await layanan.client.get(layanan.url("/verifikasi-nik"), headers=headers)).json()[
        "sisa_percobaan"
    ] == 4
    assert await verified_events(layanan) == []

    # Typed as people type: case, spacing and accents do not matter.
    proved = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json={"no_kk": NO_KK, "nama_ibu": "  SITI   amínah "}, headers=headers
    )
    assert proved.status_code == 200, proved.text
    assert proved.json()["terverifikasi"] is True
    assert proved.json()["metode"] == "MANDIRI"

    # The same token now opens the family's records, before akun's next token says so.
    family = await layanan.client.get(layanan.url("/penduduk/saya"), headers=headers)
    assert family.status_code == 200
    assert {p["nik"] for p in family.json()} == {AYAH, IBU, KAKEK, "6308050906150003"}
    assert all("nama_ibu" not in p for p in family.json()), "the proof's secret is never shown"

    [event] = await verified_events(layanan)
    assert event.tenant == layanan.x.kode
    assert event.data.model_dump() == {"akun_id": AKUN_AYAH, "nik": AYAH, "metode": "MANDIRI"}
    again = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json={"no_kk": NO_KK, "nama_ibu": "Siti Aminah"}, headers=headers
    )
    assert again.status_code == 200
    assert len(await verified_events(layanan)) == 1, "proving again announces nothing new"


async def test_five_misses_lock_the_proof_for_a_day(layanan: LayananDriver) -> None:
    headers = unproved(layanan, KAKEK)
    for left in (4, 3, 2, 1):
        miss = await layanan.client.post(
            layanan.url("/verifikasi-nik"),
            json={"no_kk": "6308050101100002", "nama_ibu": "Fatimah"},
            headers=headers,
        )
        assert miss.status_code == 422
        assert f"Sisa percobaan: {left}" in miss.json()["detail"]
    locked = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json={"no_kk": NO_KK, "nama_ibu": "Salah"}, headers=headers
    )
    assert locked.status_code == 423
    assert locked.json()["code"] == "verifikasi_terkunci"
    assert 23 * 3600 < int(locked.headers["retry-after"]) <= 24 * 3600
    # Even the right answer waits out the lock: guessing cannot continue.
    right = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json={"no_kk": NO_KK, "nama_ibu": "Fatimah"}, headers=headers
    )
    assert right.status_code == 423
    status = (await layanan.client.get(layanan.url("/verifikasi-nik"), headers=headers)).json()
    assert status["terverifikasi"] is False
    assert status["sisa_percobaan"] == 0
    assert status["terkunci_sampai"] is not None


async def test_the_counter_proves_it_with_the_code_from_the_app(layanan: LayananDriver) -> None:
    citizen = unproved(layanan, TETANGGA)
    # SIAK holds no mother's name for her: self-service cannot prove it, and does not count a miss.
    cannot = await layanan.client.post(
        layanan.url("/verifikasi-nik"),
        json={"no_kk": "6308050101100099", "nama_ibu": "Siapa Saja"},
        headers=citizen,
    )
    assert cannot.status_code == 422
    assert "loket" in cannot.json()["detail"]

    # Nor does a placeholder where the name should be: "-" must not be matched by "--".
    async with layanan.svc.sessionmaker() as session, session.begin():
        await session.execute(update(Penduduk).where(col(Penduduk.nik) == TETANGGA).values(nama_ibu="-"))
    placeholder = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json={"no_kk": "6308050101100099", "nama_ibu": "--"}, headers=citizen
    )
    assert placeholder.status_code == 422
    assert "loket" in placeholder.json()["detail"]
    assert (await layanan.client.get(layanan.url("/verifikasi-nik"), headers=citizen)).json()[
        "sisa_percobaan"
    ] == 5

    issued = await layanan.client.post(layanan.url("/verifikasi-nik/kode-loket"), headers=citizen)
    assert issued.status_code == 201
    kode = issued.json()["kode"]
    assert len(kode) == 8

    body = {"nik": TETANGGA, "kode": kode}
    other_region = layanan.operator(Wilayah.of("63.11"))
    for headers, status in ((citizen, 403), (other_region, 403), (layanan.operator_x_lain, 403)):
        refused = await layanan.client.post(layanan.url("/verifikasi-nik/loket"), json=body, headers=headers)
        assert refused.status_code == status, refused.text
    wrong = await layanan.client.post(
        layanan.url("/verifikasi-nik/loket"),
        json={"nik": TETANGGA, "kode": "AAAA2222"},
        headers=layanan.operator_x,
    )
    assert wrong.status_code == 422
    assert (await layanan.client.get(layanan.url("/verifikasi-nik"), headers=citizen)).json()[
        "terverifikasi"
    ] is False

    spoken = f"{kode[:4].lower()}-{kode[4:]}"  # read aloud and typed loosely
    proved = await layanan.client.post(
        layanan.url("/verifikasi-nik/loket"),
        json={"nik": TETANGGA, "kode": spoken},
        headers=layanan.operator_x,
    )
    assert proved.status_code == 200, proved.text
    assert proved.json()["metode"] == "LOKET"
    assert (await layanan.client.get(layanan.url("/penduduk/saya"), headers=citizen)).status_code == 200
    [event] = await verified_events(layanan)
    assert event.data.model_dump()["metode"] == "LOKET"
    reused = await layanan.client.post(
        layanan.url("/verifikasi-nik/loket"), json={"nik": TETANGGA, "kode": kode}, headers=layanan.operator_x
    )
    assert reused.status_code == 422, "a code is used once"


async def test_a_nik_proved_by_one_account_cannot_be_proved_by_another(layanan: LayananDriver) -> None:
    answer: dict[str, Any] = {"no_kk": NO_KK, "nama_ibu": "Halimah"}
    first = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json=answer, headers=unproved(layanan, IBU)
    )
    assert first.status_code == 200
    second = await layanan.client.post(
        layanan.url("/verifikasi-nik"), json=answer, headers=unproved(layanan, IBU, akun=AKUN_LAIN)
    )
    assert second.status_code == 409
    assert "loket" in second.json()["detail"]
    family = await layanan.client.get(
        layanan.url("/penduduk/saya"), headers=unproved(layanan, IBU, akun=AKUN_LAIN)
    )
    assert family.status_code == 403


async def test_bad_input_is_refused_in_indonesian(layanan: LayananDriver) -> None:
    headers = unproved(layanan, AYAH)
    for body in (
        {"no_kk": "123", "nama_ibu": "Siti"},
        {"no_kk": NO_KK},
        {"no_kk": NO_KK, "nama_ibu": "x" * 201},
    ):
        refused = await layanan.client.post(layanan.url("/verifikasi-nik"), json=body, headers=headers)
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
    status = (await layanan.client.get(layanan.url("/verifikasi-nik"), headers=headers)).json()
    assert status["sisa_percobaan"] == 5, "malformed input is not an attempt"
    staff = await layanan.client.post(
        layanan.url("/verifikasi-nik"),
        json={"no_kk": NO_KK, "nama_ibu": "Siti Aminah"},
        headers=layanan.operator_x,
    )
    assert staff.status_code == 403


async def test_the_counter_releases_a_nik_that_another_account_never_proved(layanan: LayananDriver) -> None:
    body = {"nik": IBU, "alasan": "KTP asli diperiksa; akun lama bukan miliknya"}
    for headers, status in (
        (unproved(layanan, IBU), 403),
        (layanan.operator(Wilayah.of("63.11")), 403),
    ):
        refused = await layanan.client.post(layanan.url("/verifikasi-nik/lepas"), json=body, headers=headers)
        assert refused.status_code == status, refused.text
    unknown = await layanan.client.post(
        layanan.url("/verifikasi-nik/lepas"),
        json={**body, "nik": "6308014107900002"},
        headers=layanan.operator_x,
    )
    assert unknown.status_code == 404
    short = await layanan.client.post(
        layanan.url("/verifikasi-nik/lepas"), json={**body, "alasan": "x"}, headers=layanan.operator_x
    )
    assert short.status_code == 422

    released = await layanan.client.post(
        layanan.url("/verifikasi-nik/lepas"), json=body, headers=layanan.operator_x
    )
    assert released.status_code == 202
    assert released.json() == {"nik": IBU, "status": "DILEPAS"}
    async with transaction(layanan.svc.sessionmaker, all_regions=True) as session:
        rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
    [event] = [Event.from_bytes(r.body) for r in rows if r.type == "puja.kependudukan.nik.released"]
    assert event.data.model_dump() == {"nik": IBU, "alasan": body["alasan"]}

    # Once someone proved the NIK, the counter does not take it from them.
    proved = await layanan.client.post(
        layanan.url("/verifikasi-nik"),
        json={"no_kk": NO_KK, "nama_ibu": "Halimah"},
        headers=unproved(layanan, IBU),
    )
    assert proved.status_code == 200
    kept = await layanan.client.post(
        layanan.url("/verifikasi-nik/lepas"), json=body, headers=layanan.operator_x
    )
    assert kept.status_code == 409


async def test_a_proof_made_in_another_region_opens_nothing_here(layanan: LayananDriver) -> None:
    """Region Y's staff could import any record for this NIK; Y's proof does not make it the account's
    here, and this region's counter can still release it to its holder."""
    proved_elsewhere = warga_headers(layanan, AYAH, nik_verified=[layanan.y.kode])
    for response in (
        await layanan.client.get(layanan.url("/penduduk/saya"), headers=proved_elsewhere),
        await layanan.client.post(
            layanan.url("/permohonan"), json={"jenis": "KTP"}, headers=proved_elsewhere
        ),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "nik_belum_terverifikasi"
    proved_here = warga_headers(layanan, AYAH, nik_verified=[layanan.x.kode])
    assert (await layanan.client.get(layanan.url("/penduduk/saya"), headers=proved_here)).status_code == 200

    released = await layanan.client.post(
        layanan.url("/verifikasi-nik/lepas"),
        json={"nik": AYAH, "alasan": "KTP asli diperiksa; bukti daerah lain tidak berlaku di sini"},
        headers=layanan.operator_x,
    )
    assert released.status_code == 202, released.text

"""Population changes reach every service holding a copy, exactly once, through the real gateway.

A citizen asks kependudukan for a change, an operator approves it, and kesehatan and perizinan show it
within seconds; a death cancels the person's bookings, flags their pending permits and closes their
account. The consuming
services are stopped and restarted in the middle of a stream of changes, and each effect still
happens exactly once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from puja_kit.stack import LocalStack

DEMO = "kab-hulu-sungai-utara"
KDK = f"/api/kependudukan/v1/{DEMO}"
KES = f"/api/kesehatan/v1/{DEMO}"
IZN = f"/api/perizinan/v1/{DEMO}"
AYAH = "6308051708900001"  # demo-warga
KAKEK = "6308051511550004"  # in demo-warga's family card
NO_KK = "6308050101100001"  # demo-warga's family card
PDF = b"%PDF-1.4\n% pindaian\n"
PASSWORD = "pujaindah-demo"


@pytest.fixture
async def gw(platform: LocalStack) -> Any:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield client


async def login(gw: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = await gw.post("/api/akun/v1/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def prove_nik(
    gw: httpx.AsyncClient, citizen: dict[str, str], username: str, password: str, *, no_kk: str, nama_ibu: str
) -> dict[str, str]:
    """A new account proves its NIK in kependudukan; akun hears of it, and the next token says so."""
    refused = await gw.get(f"{KES}/antrian/saya", headers=citizen)
    assert refused.status_code == 403, "an unproved NIK books nothing and sees no bookings"
    assert refused.json()["code"] == "nik_belum_terverifikasi"
    proved = await gw.post(
        f"{KDK}/verifikasi-nik", json={"no_kk": no_kk, "nama_ibu": nama_ibu}, headers=citizen
    )
    assert proved.status_code == 200, proved.text
    assert (await gw.get(f"{KDK}/penduduk/saya", headers=citizen)).status_code == 200

    async def marked() -> bool:
        me = (await gw.get("/api/akun/v1/me", headers=citizen)).json()
        return bool(me["nik_terverifikasi"])

    await wait_until(marked, timeout=15)
    fresh = await login(gw, username, password)
    assert (await gw.get(f"{KES}/antrian/saya", headers=fresh)).status_code == 200
    return fresh


async def wait_until(check: Any, timeout: float = 30.0) -> float:
    """Seconds until `check()` held."""
    started = time.perf_counter()
    while not await check():
        if time.perf_counter() - started > timeout:
            raise AssertionError("perubahan tidak sampai dalam batas waktu")
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def request_change(gw: httpx.AsyncClient, citizen: dict[str, str], body: dict[str, Any]) -> str:
    created = await gw.post(f"{KDK}/permohonan", json=body, headers=citizen)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    for jenis in ("KTP", "KK"):
        upload = await gw.post(
            f"{KDK}/permohonan/{pid}/dokumen",
            data={"jenis": jenis},
            files={"berkas": (f"{jenis}.pdf", PDF, "application/pdf")},
            headers=citizen,
        )
        assert upload.status_code == 201, upload.text
    assert (await gw.post(f"{KDK}/permohonan/{pid}/ajukan", headers=citizen)).status_code == 200
    return str(pid)


async def approve(gw: httpx.AsyncClient, operator: dict[str, str], pid: str, nomor: str) -> None:
    response = await gw.post(
        f"{KDK}/permohonan/{pid}/setujui", json={"nomor_dokumen": nomor}, headers=operator
    )
    assert response.status_code == 200, response.text


def move_to(desa: str, street: str) -> dict[str, Any]:
    return {
        "jenis": "PINDAH",
        "alamat_baru": {"alamat": street, "rt": "002", "rw": "001", "kode_wilayah": desa},
    }


async def address_in(gw: httpx.AsyncClient, operator: dict[str, str], path: str, street: str) -> bool:
    response = await gw.get(path, headers=operator)
    return response.status_code == 200 and (response.json().get("alamat") or {}).get("alamat") == street


async def book_a_queue_number(gw: httpx.AsyncClient, citizen: dict[str, str]) -> str:
    facilities = (await gw.get(f"{KES}/fasilitas")).json()["items"]
    for facility in facilities:
        detail = (await gw.get(f"{KES}/fasilitas/{facility['id']}")).json()
        for poli in detail["poli"]:
            days = {j["hari"] for j in poli["jadwal"]}
            for ahead in range(1, 8):
                day = date.today() + timedelta(days=ahead)
                if day.weekday() in days:
                    booked = await gw.post(
                        f"{KES}/antrian",
                        json={"poli_id": poli["id"], "tanggal": day.isoformat()},
                        headers=citizen,
                    )
                    assert booked.status_code == 201, booked.text
                    return str(booked.json()["id"])
    raise AssertionError("tidak ada jadwal poli demo")


async def apply_for_a_permit(gw: httpx.AsyncClient, citizen: dict[str, str]) -> str:
    types = (await gw.get(f"{IZN}/jenis-izin")).json()
    jenis = min(types["items"] if isinstance(types, dict) else types, key=lambda t: len(t["dokumen_wajib"]))
    created = await gw.post(
        f"{IZN}/permohonan",
        json={
            "jenis_izin_id": jenis["id"],
            "nama_usaha": "Warung Kakek",
            "alamat_usaha": "Jl. Norman Umar No. 12",
            "kode_wilayah": "63.08.05.1001",
        },
        headers=citizen,
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    for name in jenis["dokumen_wajib"]:
        upload = await gw.post(
            f"{IZN}/permohonan/{pid}/dokumen",
            data={"jenis": name},
            files={"berkas": ("dok.pdf", PDF, "application/pdf")},
            headers=citizen,
        )
        assert upload.status_code == 201, upload.text
    assert (await gw.post(f"{IZN}/permohonan/{pid}/ajukan", headers=citizen)).status_code == 200
    return str(pid)


async def test_changes_reach_kesehatan_and_perizinan_exactly_once_across_restarts(
    platform: LocalStack, gw: httpx.AsyncClient
) -> None:
    warga = await login(gw, "demo-warga")
    operator = await login(gw, "demo-operator")
    registered = await gw.post(
        "/api/akun/v1/register",
        json={"nik": KAKEK, "nama": "Abdul Hamid", "phone": "081234567890", "password": "rahasia-kakek"},
    )
    assert registered.status_code == 201, registered.text
    kakek = await login(gw, KAKEK, "rahasia-kakek")
    kakek = await prove_nik(gw, kakek, KAKEK, "rahasia-kakek", no_kk=NO_KK, nama_ibu="fatimah")
    booking = await book_a_queue_number(gw, kakek)
    permit = await apply_for_a_permit(gw, kakek)

    # 1. An address change, with every service running.
    pid = await request_change(gw, warga, move_to("63.08.04.2001", "Jl. Basuki Rahmat No. 3"))
    assert (await gw.get(f"{KDK}/permohonan/{pid}", headers=kakek)).status_code in (200, 404)
    await approve(gw, operator, pid, "SKPWNI-1")
    for path in (f"{KES}/pasien/{AYAH}", f"{IZN}/pemohon/{AYAH}"):
        await wait_until(
            lambda path=path: address_in(gw, operator, path, "Jl. Basuki Rahmat No. 3"), timeout=15
        )

    # The applicant hears of it in their account: approved and done, not their own submission.
    async def notified() -> bool:
        inbox = (await gw.get("/api/akun/v1/notifikasi", headers=warga)).json()
        return [n["status"] for n in inbox["items"] if n["permohonan_id"] == pid][:1] == ["SELESAI"]

    await wait_until(notified, timeout=15)
    inbox = (await gw.get("/api/akun/v1/notifikasi", headers=warga)).json()
    assert "DIAJUKAN" not in {n["status"] for n in inbox["items"] if n["permohonan_id"] == pid}

    # 2. The consumers stop; a stream of changes and a death happens meanwhile.
    platform.stop_service("kesehatan")
    platform.stop_service("perizinan")
    for number, (desa, street) in enumerate(
        [("63.08.06.2003", "Jl. Pakapuran No. 8"), ("63.08.02.2001", "Jl. Babirik Hilir No. 21")], start=2
    ):
        await approve(
            gw, operator, await request_change(gw, warga, move_to(desa, street)), f"SKPWNI-{number}"
        )
    death = await request_change(
        gw,
        warga,
        {"jenis": "AKTA_KEMATIAN", "subjek_nik": KAKEK, "tanggal_meninggal": date.today().isoformat()},
    )
    await approve(gw, operator, death, "AKM-1")

    # 3. They come back and catch up, each change applied once, in order.
    platform.start_service("kesehatan")
    platform.start_service("perizinan")
    platform.wait_ready("kesehatan")
    platform.wait_ready("perizinan")
    for path in (f"{KES}/pasien/{AYAH}", f"{IZN}/pemohon/{AYAH}"):
        await wait_until(lambda path=path: address_in(gw, operator, path, "Jl. Babirik Hilir No. 21"))

    async def booking_cancelled() -> bool:
        patient = (await gw.get(f"{KES}/pasien/{KAKEK}", headers=operator)).json()
        return any(a["id"] == booking and a["status"] == "DIBATALKAN" for a in patient.get("antrian", []))

    async def permit_flagged() -> bool:
        applicant = (await gw.get(f"{IZN}/pemohon/{KAKEK}", headers=operator)).json()
        return any(p["id"] == permit and p["pemohon_meninggal"] for p in applicant.get("permohonan", []))

    await wait_until(booking_cancelled)
    await wait_until(permit_flagged)
    patient = (await gw.get(f"{KES}/pasien/{KAKEK}", headers=operator)).json()
    assert patient["status"] == "MENINGGAL"
    history = (await gw.get(f"{IZN}/permohonan/{permit}", headers=operator)).json()["riwayat"]
    assert len([h for h in history if h["actor_role"] == "sistem"]) == 1, "the death is noted once"
    assert (await gw.get(f"{IZN}/permohonan/{permit}", headers=operator)).json()["status"] == "DIAJUKAN"

    # akun heard of the death too: the account is closed and its tokens are refused everywhere.
    async def token_refused() -> bool:
        return (await gw.get(f"{IZN}/permohonan/{permit}", headers=kakek)).status_code == 401

    await wait_until(token_refused)
    relogin = await gw.post("/api/akun/v1/login", json={"username": KAKEK, "password": "rahasia-kakek"})
    assert relogin.status_code == 403


async def test_people_see_only_their_own_and_regions_only_what_they_enabled(gw: httpx.AsyncClient) -> None:
    warga = await login(gw, "demo-warga")
    mine = (await gw.get(f"{KDK}/permohonan/saya", headers=warga)).json()
    other = await gw.post(
        "/api/akun/v1/register",
        json={
            "nik": "6308014107900002",
            "nama": "Siti Lain",
            "email": "siti.lain@example.id",
            "password": "rahasia-siti",
        },
    )
    assert other.status_code == 201, other.text
    siti = await login(gw, "siti.lain@example.id", "rahasia-siti")
    for item in mine["items"]:
        assert (await gw.get(f"{KDK}/permohonan/{item['id']}", headers=siti)).status_code == 404
    # Her NIK is unproved (and unknown to the region): no service serves anything by it.
    for path in (f"{KES}/antrian/saya", f"{KDK}/penduduk/saya", f"{KDK}/penduduk/{AYAH}"):
        response = await gw.get(path, headers=siti)
        assert response.status_code == 403
        assert response.json()["code"] == "nik_belum_terverifikasi"
    unknown = await gw.post(
        f"{KDK}/verifikasi-nik", json={"no_kk": NO_KK, "nama_ibu": "Siti Aminah"}, headers=siti
    )
    assert unknown.status_code == 404
    for path in (
        "kesehatan/v1/kab-tabalong/fasilitas",
        "perizinan/v1/kab-tabalong/jenis-izin",
        "kependudukan/v1/kab-tabalong/lacak/KDK-2345-6789",
    ):
        response = await gw.get(f"/api/{path}")
        assert response.status_code == 404
        assert response.json()["code"] == "layanan_tidak_aktif"


async def test_a_nik_registered_by_someone_else_is_released_at_the_counter(gw: httpx.AsyncClient) -> None:
    ibu = "6308055203920002"  # Rahmah Aulia, in demo-warga's family card
    rahmah = {"nik": ibu, "nama": "Rahmah Aulia", "email": "rahmah@example.id", "password": "rahasia-rahmah"}
    squatter = {
        **rahmah,
        "nama": "Bukan Rahmah",
        "email": "bukan.rahmah@example.id",
        "password": "rahasia-palsu",
    }
    assert (await gw.post("/api/akun/v1/register", json=squatter)).status_code == 201
    squatter_token = await login(gw, "bukan.rahmah@example.id", "rahasia-palsu")
    assert (await gw.post("/api/akun/v1/register", json=rahmah)).status_code == 409, "a NIK registers once"

    operator = await login(gw, "demo-operator")
    released = await gw.post(
        f"{KDK}/verifikasi-nik/lepas",
        json={"nik": ibu, "alasan": "KTP asli diperiksa di loket Disdukcapil"},
        headers=operator,
    )
    assert released.status_code == 202, released.text

    async def squatter_out() -> bool:
        return (await gw.get("/api/akun/v1/me", headers=squatter_token)).status_code == 401

    await wait_until(squatter_out, timeout=15)

    async def registered() -> bool:
        return (await gw.post("/api/akun/v1/register", json=rahmah)).status_code == 201

    await wait_until(registered, timeout=15)
    token = await login(gw, ibu, "rahasia-rahmah")
    token = await prove_nik(gw, token, ibu, "rahasia-rahmah", no_kk=NO_KK, nama_ibu="Halimah")
    family = await gw.get(f"{KDK}/penduduk/saya", headers=token)
    assert family.status_code == 200
    assert ibu in {p["nik"] for p in family.json()}

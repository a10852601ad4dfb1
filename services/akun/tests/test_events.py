"""What akun tells other services (logouts) and what it hears from the registry (regions)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
import jwt
import pytest
from puja_kit.auth import Grant, TokenVerifier
from puja_kit.db import transaction
from puja_kit.errors import LayananTidakAktif, NikBelumTerverifikasi, NotFound, Unauthorized
from puja_kit.events.catalog import (
    AduanStatusChanged,
    NikReleased,
    NikVerified,
    PendudukDied,
    PermohonanStatusChanged,
    PokirStatusChanged,
    SesiRevoked,
    TenantLayananDisabled,
    TenantUpdated,
)
from puja_kit.events.envelope import Event
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.plugin import publish
from sqlalchemy import func, select
from sqlmodel import col

if TYPE_CHECKING:
    from conftest import AkunDriver

HSU = "63.08"
HSU_REF = {
    "kode": HSU,
    "slug": "kab-hulu-sungai-utara",
    "nama": "Kabupaten Hulu Sungai Utara",
    "zona_waktu": "WITA",
}


async def test_logout_is_announced_and_other_services_refuse_the_token(akun: AkunDriver) -> None:
    await akun.register()
    tokens = await akun.login(akun.NIK)
    access = tokens["access_token"]
    settings = akun.svc.settings
    # Another service's verifier: keys from akun's JWKS over HTTP, logouts from the bus.
    other_service = TokenVerifier(
        "http://akun/api/akun/v1/.well-known/jwks.json",
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        transport=httpx.ASGITransport(app=akun.svc.app),
    )
    following = asyncio.create_task(
        other_service.follow_revocations(akun.bus, lookback=timedelta(minutes=16))
    )
    js = await akun.bus.jetstream()
    stream = await akun.bus.ensure_stream("akun")
    revocations = await js.subscribe(
        akun.bus.subject("puja.akun.sesi.revoked"), stream=stream, ordered_consumer=True
    )
    try:
        principal = await other_service.verify(access)
        assert (await akun.me(access)).status_code == 200

        logged_out = await akun.client.post("/api/akun/v1/logout", headers=akun.bearer(access))
        assert logged_out.status_code == 204
        me = await akun.me(access)
        assert me.status_code == 401
        assert me.json()["code"] == "tidak_terautentikasi"
        refreshed = await akun.client.post(
            "/api/akun/v1/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 401

        message = await revocations.next_msg(timeout=10)
        event = Event.from_bytes(message.data)
        assert event.type == "puja.akun.sesi.revoked"
        assert isinstance(event.data, SesiRevoked)
        assert event.data.sid == principal.sid
        assert event.data.akun_id == principal.id
        exp = jwt.decode(access, options={"verify_signature": False})["exp"]
        assert int(event.data.expires_at.timestamp()) == exp

        async def refused() -> None:
            try:
                await other_service.verify(access)
            except Unauthorized:
                return
            raise AssertionError("layanan lain masih menerima token sesi yang sudah keluar")

        await akun.eventually(refused)
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following
        await revocations.unsubscribe()


async def test_staff_follow_what_the_registry_announces(akun: AkunDriver) -> None:
    await akun.announce_region(HSU, "kesehatan", "perizinan")
    admin = await akun.token_for("admin-hsu", Grant("admin_daerah", HSU), tenant_id=HSU)
    url = "/api/akun/v1/kab-hulu-sungai-utara/staff"
    staff = {"username": "andi", "nama": "Andi", "password": akun.PASSWORD, "role": "operator"}
    tenants = akun.svc.app.state.tenants

    await publish(
        akun.bus,
        "puja.tenant_registry.tenant.layanan_disabled",
        TenantLayananDisabled(**HSU_REF, layanan="perizinan"),
        tenant=HSU,
    )

    async def perizinan_disabled() -> None:
        try:
            await tenants.get("kab-hulu-sungai-utara", "perizinan")
        except LayananTidakAktif:
            return
        raise AssertionError("perizinan masih aktif di salinan akun")

    await akun.eventually(perizinan_disabled)
    refused = await akun.client.post(
        url, json={**staff, "layanan": ["perizinan"]}, headers=akun.bearer(admin)
    )
    assert refused.status_code == 404
    assert refused.json()["code"] == "layanan_tidak_aktif"
    created = await akun.client.post(
        url, json={**staff, "layanan": ["kesehatan"]}, headers=akun.bearer(admin)
    )
    assert created.status_code == 201

    await publish(
        akun.bus,
        "puja.tenant_registry.tenant.updated",
        TenantUpdated(**HSU_REF, aktif=False, layanan=["kesehatan"]),
        tenant=HSU,
    )

    async def region_gone() -> None:
        try:
            await tenants.region("kab-hulu-sungai-utara")
        except NotFound:
            return
        raise AssertionError("daerah nonaktif masih terlihat")

    await akun.eventually(region_gone)
    response = await akun.client.get(url, headers=akun.bearer(admin))
    assert response.status_code == 404
    assert "tidak terdaftar atau tidak aktif" in response.json()["detail"]


async def _prove(akun: AkunDriver, akun_id: str, tenant: str, nik: str | None = None) -> None:
    await publish(
        akun.bus,
        "puja.kependudukan.nik.verified",
        NikVerified(akun_id=UUID(akun_id), nik=nik or akun.NIK, metode="MANDIRI"),
        tenant=tenant,
    )


async def test_a_death_recorded_in_kependudukan_closes_the_citizens_account(akun: AkunDriver) -> None:
    registered = (await akun.register()).json()
    await _prove(akun, registered["id"], HSU)
    tokens = await akun.login(akun.NIK)

    async def proved() -> None:
        assert (await akun.me(tokens["access_token"])).json()["nik_terbukti_di"] == [HSU]

    await akun.eventually(proved)
    died = PendudukDied(nik=akun.NIK, versi=2, tanggal_meninggal=date(2026, 11, 1))
    for _ in range(2):  # delivered twice: still one set of revocations
        await publish(akun.bus, "puja.kependudukan.penduduk.died", died, tenant=HSU)

    async def refused() -> bool:
        return (await akun.me(tokens["access_token"])).status_code == 401

    for _ in range(300):
        if await refused():
            break
        await asyncio.sleep(0.05)
    assert await refused()
    login = await akun.client.post(
        "/api/akun/v1/login", json={"username": akun.NIK, "password": akun.PASSWORD}
    )
    assert login.status_code == 403
    assert login.json()["code"] == "akun_nonaktif"
    refresh = await akun.client.post("/api/akun/v1/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        revocations = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(col(OutboxEvent.type) == "puja.akun.sesi.revoked")
        )
    assert revocations == 1


async def test_a_proved_nik_marks_the_account_and_its_next_tokens(akun: AkunDriver) -> None:
    registered = (await akun.register()).json()
    other = (await akun.register(nik=akun.NIK_2, email="lain@example.com")).json()
    tokens = await akun.login(akun.NIK)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["nik_verified_regions"] == []
    me = (await akun.me(tokens["access_token"])).json()
    assert me["nik_terverifikasi"] is False

    # An event naming an account with a NIK that is not its own changes nothing.
    await publish(
        akun.bus,
        "puja.kependudukan.nik.verified",
        NikVerified(akun_id=UUID(other["id"]), nik=akun.NIK, metode="MANDIRI"),
        tenant=HSU,
    )
    proved = NikVerified(akun_id=UUID(registered["id"]), nik=akun.NIK, metode="MANDIRI")
    for _ in range(2):  # delivered twice: applied once
        await publish(akun.bus, "puja.kependudukan.nik.verified", proved, tenant=HSU)

    async def marked() -> dict[str, Any]:
        body: dict[str, Any] = (await akun.me(tokens["access_token"])).json()
        assert body["nik_terverifikasi"] is True
        return body

    await akun.eventually(marked)
    refreshed = await akun.client.post(
        "/api/akun/v1/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    claims = jwt.decode(refreshed.json()["access_token"], options={"verify_signature": False})
    assert claims["nik_verified_regions"] == [HSU]
    other_tokens = await akun.login(akun.NIK_2)
    assert (await akun.me(other_tokens["access_token"])).json()["nik_terverifikasi"] is False


async def test_status_changes_become_the_applicants_notifications(akun: AkunDriver) -> None:
    siti = UUID((await akun.register()).json()["id"])
    budi = UUID((await akun.register(nik=akun.NIK_2, email="budi@example.com")).json()["id"])
    permohonan = UUID("0192f000-0000-7000-8000-0000000000aa")

    def change(layanan: str, nomor: str, dari: str, ke: str, aksi: str, pemohon: UUID) -> tuple[str, Any]:
        return (
            f"puja.{layanan}.permohonan.status_changed",
            PermohonanStatusChanged(
                permohonan_id=permohonan,
                nomor=nomor,
                dari=dari,
                ke=ke,
                aksi=aksi,
                pemohon_id=pemohon,
                sla_jatuh_tempo=None,
            ),
        )

    changes = [
        change("kependudukan", "KDK-2345-6789", "DRAF", "DIAJUKAN", "ajukan", siti),  # her own step
        change("kependudukan", "KDK-2345-6789", "VERIFIKASI", "PERLU_PERBAIKAN", "minta_perbaikan", siti),
        change("perizinan", "IZN-7K3M-9Q2X", "DIPROSES", "SELESAI", "selesaikan", siti),
        change("perizinan", "IZN-AAAA-BBBB", "VERIFIKASI", "DITOLAK", "tolak", budi),
    ]
    for event_type, data in changes:
        await publish(akun.bus, event_type, data, tenant=HSU)

    tokens = await akun.login(akun.NIK)
    headers = akun.bearer(tokens["access_token"])

    async def arrived() -> dict[str, Any]:
        body: dict[str, Any] = (await akun.client.get("/api/akun/v1/notifikasi", headers=headers)).json()
        assert len(body["items"]) == 2
        return body

    inbox = await akun.eventually(arrived)
    assert inbox["belum_dibaca"] == 2
    assert [(n["layanan"], n["nomor"], n["status"]) for n in inbox["items"]] == [
        ("perizinan", "IZN-7K3M-9Q2X", "SELESAI"),
        ("kependudukan", "KDK-2345-6789", "PERLU_PERBAIKAN"),
    ]
    assert "catatan petugas" in inbox["items"][1]["pesan"]

    theirs = await akun.login(akun.NIK_2)
    budi_headers = akun.bearer(theirs["access_token"])
    budi_inbox = (await akun.client.get("/api/akun/v1/notifikasi", headers=budi_headers)).json()
    assert [n["nomor"] for n in budi_inbox["items"]] == ["IZN-AAAA-BBBB"]
    not_his = await akun.client.post(
        f"/api/akun/v1/notifikasi/{inbox['items'][0]['id']}/dibaca", headers=budi_headers
    )
    assert not_his.status_code == 404

    read = await akun.client.post(
        f"/api/akun/v1/notifikasi/{inbox['items'][1]['id']}/dibaca", headers=headers
    )
    assert read.status_code == 204
    assert (await akun.client.get("/api/akun/v1/notifikasi", headers=headers)).json()["belum_dibaca"] == 1
    assert (
        await akun.client.post("/api/akun/v1/notifikasi/dibaca-semua", headers=headers)
    ).status_code == 204
    assert (await akun.client.get("/api/akun/v1/notifikasi", headers=headers)).json()["belum_dibaca"] == 0
    assert (await akun.client.get("/api/akun/v1/notifikasi", headers=budi_headers)).json()[
        "belum_dibaca"
    ] == 1
    assert (await akun.client.get("/api/akun/v1/notifikasi")).status_code == 401


async def test_a_nik_released_at_the_counter_leaves_the_account_that_never_proved_it(
    akun: AkunDriver,
) -> None:
    squatter = (await akun.register(email="bukan.pemilik@example.com")).json()
    tokens = await akun.login(akun.NIK)
    assert (await akun.register(email="pemilik@example.com")).status_code == 409, "a NIK registers once"

    await publish(
        akun.bus,
        "puja.kependudukan.nik.released",
        NikReleased(nik=akun.NIK, alasan="KTP asli diperiksa di loket"),
        tenant=HSU,
    )

    async def refused() -> None:
        assert (await akun.me(tokens["access_token"])).status_code == 401

    await akun.eventually(refused)  # its tokens carried the NIK: its sessions are over
    relogin = await akun.login("bukan.pemilik@example.com")
    me = (await akun.me(relogin["access_token"])).json()
    assert me["id"] == squatter["id"], "the account itself is kept"
    assert me["nik"] is None
    assert "nik" not in jwt.decode(relogin["access_token"], options={"verify_signature": False})
    nik_login = await akun.client.post(
        "/api/akun/v1/login", json={"username": akun.NIK, "password": akun.PASSWORD}
    )
    assert nik_login.status_code == 401

    # The holder registers it now, and once proved, a later release leaves it with them.
    owner = (await akun.register(email="pemilik@example.com")).json()
    await publish(
        akun.bus,
        "puja.kependudukan.nik.verified",
        NikVerified(akun_id=UUID(owner["id"]), nik=akun.NIK, metode="LOKET"),
        tenant=HSU,
    )
    owner_tokens = await akun.login(akun.NIK)

    async def proved() -> None:
        assert (await akun.me(owner_tokens["access_token"])).json()["nik_terverifikasi"] is True

    await akun.eventually(proved)
    marker = await akun.register(nik=akun.NIK_2, email="penanda@example.com")
    assert marker.status_code == 201
    marker_tokens = await akun.login(akun.NIK_2)
    for nik in (akun.NIK, akun.NIK_2):  # one consumer, in order: once NIK_2 is released, NIK was handled
        await publish(
            akun.bus,
            "puja.kependudukan.nik.released",
            NikReleased(nik=nik, alasan="dilepas di loket"),
            tenant=HSU,
        )

    async def marker_released() -> None:
        assert (await akun.me(marker_tokens["access_token"])).status_code == 401

    await akun.eventually(marker_released)
    kept = await akun.me(owner_tokens["access_token"])
    assert kept.status_code == 200
    assert kept.json()["nik"] is not None, "a proved NIK stays with its holder"


TABALONG = "63.09"


async def test_a_proof_counts_only_in_the_region_whose_record_made_it(akun: AkunDriver) -> None:
    """Region B's staff can import any record; B's proof must not make the NIK the account's in A."""
    registered = (await akun.register()).json()
    await _prove(akun, registered["id"], TABALONG)
    tokens = await akun.login(akun.NIK)

    async def proved() -> None:
        assert (await akun.me(tokens["access_token"])).json()["nik_terbukti_di"] == [TABALONG]

    await akun.eventually(proved)
    settings = akun.svc.settings
    other_service = TokenVerifier(
        "http://akun/api/akun/v1/.well-known/jwks.json",
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        transport=httpx.ASGITransport(app=akun.svc.app),
    )
    principal = await other_service.verify((await akun.login(akun.NIK))["access_token"])
    assert principal.ensure_own_nik(TABALONG) == akun.NIK
    with pytest.raises(NikBelumTerverifikasi) as refused:
        principal.ensure_own_nik(HSU)  # kependudukan, kesehatan, perizinan of HSU all ask this
    assert refused.value.code == "nik_belum_terverifikasi"


async def test_a_death_recorded_in_another_region_leaves_the_account_open(akun: AkunDriver) -> None:
    registered = (await akun.register()).json()
    marker = (await akun.register(nik=akun.NIK_2, email="penanda@example.com")).json()
    await _prove(akun, registered["id"], HSU)
    await _prove(akun, marker["id"], TABALONG, nik=akun.NIK_2)
    tokens = await akun.login(akun.NIK)
    marker_tokens = await akun.login(akun.NIK_2)

    async def proved() -> None:
        assert (await akun.me(marker_tokens["access_token"])).json()["nik_terbukti_di"] == [TABALONG]

    await akun.eventually(proved)
    for nik in (akun.NIK, akun.NIK_2):  # one consumer, in order: once NIK_2 is closed, NIK was handled
        died = PendudukDied(nik=nik, versi=2, tanggal_meninggal=date(2026, 11, 1))
        await publish(akun.bus, "puja.kependudukan.penduduk.died", died, tenant=TABALONG)

    async def marker_closed() -> None:
        assert (await akun.me(marker_tokens["access_token"])).status_code == 401

    await akun.eventually(marker_closed)
    me = await akun.me(tokens["access_token"])
    assert me.status_code == 200, "a death recorded by Tabalong does not close an account proved in HSU"
    assert me.json()["aktif"] is True


async def test_the_holder_wins_back_at_the_counter_a_nik_proved_only_in_another_region(
    akun: AkunDriver,
) -> None:
    squatter = (await akun.register(email="bukan.pemilik@example.com")).json()
    await _prove(akun, squatter["id"], TABALONG)  # against a record Tabalong's staff imported
    tokens = await akun.login(akun.NIK)

    async def proved() -> None:
        assert (await akun.me(tokens["access_token"])).json()["nik_terbukti_di"] == [TABALONG]

    await akun.eventually(proved)
    # HSU's counter checks the holder's KTP against HSU's record: Tabalong's proof does not keep it.
    await publish(
        akun.bus,
        "puja.kependudukan.nik.released",
        NikReleased(nik=akun.NIK, alasan="KTP asli diperiksa di loket"),
        tenant=HSU,
    )

    async def released() -> None:
        assert (await akun.me(tokens["access_token"])).status_code == 401

    await akun.eventually(released)
    relogin = await akun.login("bukan.pemilik@example.com")
    me = (await akun.me(relogin["access_token"])).json()
    assert me["nik"] is None
    assert me["nik_terbukti_di"] == []

    # The holder registers and proves it at HSU's counter; it counts in HSU.
    owner = (await akun.register(email="pemilik@example.com")).json()
    await _prove(akun, owner["id"], HSU)
    owner_tokens = await akun.login(akun.NIK)

    async def owner_proved() -> None:
        assert (await akun.me(owner_tokens["access_token"])).json()["nik_terbukti_di"] == [HSU]

    await akun.eventually(owner_proved)
    # A later release at HSU's counter leaves it with the holder proved there.
    marker = (await akun.register(nik=akun.NIK_2, email="penanda@example.com")).json()
    marker_tokens = await akun.login(akun.NIK_2)
    assert marker["id"]
    for nik in (akun.NIK, akun.NIK_2):
        await publish(
            akun.bus,
            "puja.kependudukan.nik.released",
            NikReleased(nik=nik, alasan="dilepas di loket"),
            tenant=HSU,
        )

    async def marker_released() -> None:
        assert (await akun.me(marker_tokens["access_token"])).status_code == 401

    await akun.eventually(marker_released)
    kept = await akun.me(owner_tokens["access_token"])
    assert kept.status_code == 200
    assert kept.json()["nik"] is not None


async def test_a_reports_steps_reach_its_reporter_and_its_followers(akun: AkunDriver) -> None:
    siti = UUID((await akun.register()).json()["id"])
    budi = UUID((await akun.register(nik=akun.NIK_2, email="budi@example.com")).json()["id"])
    laporan = UUID("0192f000-0000-7000-8000-0000000000bb")

    def step(dari: str | None, ke: str, aksi: str, pengikut: list[UUID]) -> AduanStatusChanged:
        return AduanStatusChanged(
            aduan_id=laporan,
            nomor="PU-7K3M-9Q2X",
            dari=dari,
            ke=ke,
            aksi=aksi,
            pelapor_id=siti,
            pengikut_ids=pengikut,
        )

    # Siti reports; Budi's report of the same pothole is merged into hers, so he follows it.
    steps = [
        step(None, "DITERIMA", "terima", []),  # her own step
        step("DITERIMA", "TERVERIFIKASI", "verifikasi", []),
        step("DIDISPOSISI", "SELESAI", "jawab", [budi]),
        step("SELESAI", "DIDISPOSISI", "buka_kembali", [budi]),  # hers: only Budi hears of it
    ]
    for data in steps:
        await publish(akun.bus, "puja.pekerjaan_umum.aduan.status_changed", data, tenant=HSU)
    await publish(
        akun.bus,
        "puja.aspirasi.pokir.status_changed",
        PokirStatusChanged(
            aspirasi_id=laporan, nomor="AS-2345-6789", dari="DIBAHAS_TAPD", ke="MASUK_RENJA", pelapor_id=siti
        ),
        tenant=HSU,
    )

    async def inbox_of(nik: str, count: int) -> list[dict[str, Any]]:
        tokens = await akun.login(nik)
        body = (
            await akun.client.get("/api/akun/v1/notifikasi", headers=akun.bearer(tokens["access_token"]))
        ).json()
        assert len(body["items"]) == count
        items: list[dict[str, Any]] = body["items"]
        return items

    hers = await akun.eventually(lambda: inbox_of(akun.NIK, 3))
    assert [(n["layanan"], n["status"]) for n in hers] == [
        ("aspirasi", "MASUK_RENJA"),
        ("pekerjaan_umum", "SELESAI"),
        ("pekerjaan_umum", "TERVERIFIKASI"),
    ]
    assert "Rencana Kerja" in hers[0]["pesan"] and "buka kembali" in hers[1]["pesan"]
    his = await akun.eventually(lambda: inbox_of(akun.NIK_2, 2))
    assert [n["status"] for n in his] == ["DIDISPOSISI", "SELESAI"]
    assert {n["nomor"] for n in his} == {"PU-7K3M-9Q2X"}

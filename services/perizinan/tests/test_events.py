"""What perizinan hears from kependudukan (deaths, addresses) and what it tells others (permits)."""

from __future__ import annotations

from datetime import date

from puja_kit.db import transaction
from puja_kit.events.catalog import (
    Alamat,
    IzinIssued,
    IzinRevoked,
    Payload,
    PendudukDied,
    PendudukMoved,
    PendudukUpdated,
)
from puja_kit.events.envelope import Event
from puja_kit.outbox.models import InboxEvent
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import func, select
from sqlmodel import col

from .factories import act, diajukan, diproses, make_draf, make_jenis_izin

CONSUMER = "perizinan__penduduk"


async def applied(p: LayananDriver, count: int) -> None:
    """Wait until the citizen-data consumer has taken `count` events (applied or found to be old)."""

    async def check() -> None:
        async with transaction(p.svc.sessionmaker, all_regions=True) as session:
            taken = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(col(InboxEvent.consumer) == CONSUMER)
            )
        assert taken == count

    await p.eventually(check)


async def announce(p: LayananDriver, event_type: str, data: Payload) -> None:
    await p.publish(f"puja.kependudukan.penduduk.{event_type}", data)


async def test_a_death_flags_pending_applications_once_and_changes_nothing_else(
    layanan: LayananDriver,
) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    in_process = await diproses(p, jenis)
    draft = await make_draf(p, jenis)
    cancelled = await diajukan(p, jenis)
    assert (await act(p, cancelled, "batalkan", p.warga_a.headers)).status_code == 200
    someone_else = await diajukan(p, jenis, p.warga_b)

    died = PendudukDied(nik=p.warga_a.nik, versi=4, tanggal_meninggal=date(2026, 11, 20))
    # Published twice, as two messages (different Nats-Msg-Id): the second must change nothing.
    await announce(p, "died", died)
    await announce(p, "died", died)
    await applied(p, 2)

    record = await p.client.get(p.url(f"/pemohon/{p.warga_a.nik}"), headers=p.operator_x)
    assert record.status_code == 200
    body = record.json()
    assert body["status"] == "MENINGGAL"
    flags = {a["id"]: (a["status"], a["pemohon_meninggal"]) for a in body["permohonan"]}
    assert flags == {
        in_process["id"]: ("DIPROSES", True),
        draft["id"]: ("DRAF", True),
        cancelled["id"]: ("DIBATALKAN", False),
    }

    detail = (await p.client.get(p.url(f"/permohonan/{in_process['id']}"), headers=p.operator_x)).json()
    system_rows = [h for h in detail["riwayat"] if h["actor_role"] == "sistem"]
    assert len(system_rows) == 1
    assert system_rows[0]["dari"] == system_rows[0]["ke"] == "DIPROSES"
    assert "meninggal" in system_rows[0]["catatan"]
    queue = (await p.client.get(p.url("/permohonan"), headers=p.operator_x)).json()
    flagged = {i["id"]: i["pemohon_meninggal"] for i in queue["items"]}
    assert flagged[in_process["id"]] is True
    assert flagged[someone_else["id"]] is False

    # The public page does not tell strangers that the applicant died.
    tracking = await p.client.get(p.url(f"/lacak/{in_process['nomor']}"))
    assert "meninggal" not in tracking.text.lower()
    # No permit is issued in a dead person's name; an officer can still decide the application.
    issue = await p.client.post(p.url(f"/permohonan/{in_process['id']}/terbitkan"), headers=p.operator_x)
    assert issue.status_code == 409
    rejected = await act(p, in_process, "tolak", p.operator_x, catatan="Pemohon meninggal dunia")
    assert rejected.status_code == 200


async def test_address_and_name_changes_reach_the_applicant_record(layanan: LayananDriver) -> None:
    p = layanan
    jenis = await make_jenis_izin(p)
    permohonan = await diajukan(p, jenis)
    url = p.url(f"/pemohon/{p.warga_a.nik}")

    before = (await p.client.get(url, headers=p.operator_x)).json()
    assert before["nama"] == "Siti Rahmah"
    assert before["alamat"] is None
    assert before["status"] is None, "no word from kependudukan yet"

    alamat = Alamat(alamat="Jl. Bihman Villa No. 4", rt="002", rw="001", kode_wilayah="63.08.05.1001")
    await announce(
        p,
        "updated",
        PendudukUpdated(
            nik=p.warga_a.nik, versi=2, nama="Siti Rahmah Hayati", alamat=alamat, changed=["nama", "alamat"]
        ),
    )
    await applied(p, 1)
    after = (await p.client.get(url, headers=p.admin_x)).json()
    assert after["nama"] == "Siti Rahmah Hayati"
    assert after["alamat"]["alamat"] == "Jl. Bihman Villa No. 4"
    assert after["alamat"]["kode_wilayah"] == "63.08.05.1001"
    assert after["status"] == "HIDUP"
    assert after["permohonan"] == [
        {
            "id": permohonan["id"],
            "nomor": permohonan["nomor"],
            "status": "DIAJUKAN",
            "pemohon_meninggal": False,
        }
    ]
    queue = (await p.client.get(p.url("/permohonan"), headers=p.operator_x)).json()
    assert queue["items"][0]["pemohon_nama"] == "Siti Rahmah Hayati"

    # A change older than the copy arrives late: it must not undo the newer address.
    stale = Alamat(alamat="Alamat lama", kode_wilayah="63.08.01.2003")
    await announce(
        p, "updated", PendudukUpdated(nik=p.warga_a.nik, versi=1, alamat=stale, changed=["alamat"])
    )
    await applied(p, 2)
    assert (await p.client.get(url, headers=p.operator_x)).json()["alamat"][
        "alamat"
    ] == "Jl. Bihman Villa No. 4"

    await announce(
        p, "moved", PendudukMoved(nik=p.warga_a.nik, versi=3, tujuan_kode_wilayah="63.71", keluar_daerah=True)
    )
    await applied(p, 3)
    moved = (await p.client.get(url, headers=p.operator_x)).json()
    assert moved["status"] == "PINDAH"
    assert moved["permohonan"][0]["status"] == "DIAJUKAN"

    assert (await p.client.get(url, headers=p.warga_a.headers)).status_code == 403
    assert (await p.client.get(url, headers=p.operator_x_lain)).status_code == 403
    assert (await p.client.get(p.url("/pemohon/6308010101900009"), headers=p.operator_x)).status_code == 404
    assert (await p.client.get(p.url("/pemohon/63080"), headers=p.operator_x)).status_code == 422


async def test_issued_and_revoked_permits_are_published_for_other_layanan(layanan: LayananDriver) -> None:
    p = layanan
    permohonan = await diproses(p, await make_jenis_izin(p))
    izin = (
        await p.client.post(p.url(f"/permohonan/{permohonan['id']}/terbitkan"), headers=p.operator_x)
    ).json()
    await p.client.post(
        p.url(f"/izin/{izin['id']}/cabut"),
        json={"alasan": "Usaha tidak lagi beroperasi"},
        headers=p.operator_x,
    )

    js = await p.bus.jetstream()
    stream = await p.bus.ensure_stream("perizinan")
    subscription = await js.subscribe(
        p.bus.subject("puja.perizinan.izin.>"), stream=stream, ordered_consumer=True
    )
    try:
        events = [Event.from_bytes((await subscription.next_msg(timeout=10)).data) for _ in range(2)]
    finally:
        await subscription.unsubscribe()

    issued, revoked = events
    assert issued.type == "puja.perizinan.izin.issued"
    assert issued.tenant == p.x.kode
    assert isinstance(issued.data, IzinIssued)
    assert issued.data.nomor_izin == izin["nomor_izin"]
    assert issued.data.kbli == "56102"
    assert issued.data.pemegang_nik == p.warga_a.nik
    assert issued.data.nama_usaha == "Warung Makan Acil Siti"
    assert revoked.type == "puja.perizinan.izin.revoked"
    assert isinstance(revoked.data, IzinRevoked)
    assert revoked.data.alasan == "Usaha tidak lagi beroperasi"

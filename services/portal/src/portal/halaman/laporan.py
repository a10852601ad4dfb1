"""A report layanan's pages, once for all of them (the portal's side of `puja_kit.workflow.laporan`):
a citizen reports (a category with its questions, a place, a description, a photo), follows it,
accepts, reopens or rates the answer; the public tracks a report by its number and sees the reports the
region published; the staff work the inbox by SLA, act on several at once, merge nearby duplicates,
verify, dispose (to an OPD, or a layanan's own targets such as the DPRD's commissions), re-route and
answer, publish a report; the region's admin sets SLA days per category and sees each OPD's performance.

A layanan's page module declares one `HalamanLaporan` and calls `add_report_pages(router, halaman)`;
its links come from `report_links`, the citizen's list from `reports_of_mine`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from puja_kit.workflow.machine import ADUAN

from portal.backend import Masalah
from portal.halaman.alur import Aksi, actions, check_action, note_of, proxy_download, templates_for
from portal.halaman.dasar import (
    Daerah,
    DaerahDep,
    FormDep,
    Tautan,
    api_of,
    kunci_baru,
    masalah_lokal,
    pindah,
    staff_of,
    teks,
)
from portal.sesi import MasukDep, Pengunjung, PengunjungDep
from portal.tampilan import desimal, page

# Steps with a page of their own (merging) or the system's alone are not offered as buttons.
TANPA_TOMBOL = {"gabungkan", "tutup_otomatis"}
BAHAYA = {"arsipkan", "bukan_kewenangan"}
OPD_AKSI = {"tindak_lanjut", "jawab"}
MASSAL = {"verifikasi": "Verifikasi", "arsipkan": "Arsipkan", "disposisi": "Disposisikan"}
PESAN = {
    "terkirim": "Laporan terkirim. Simpan nomornya untuk melacak.",
    "foto": "Foto ditambahkan.",
    "aksi": "Tindakan tersimpan.",
    "gabung": "Laporan digabung dengan laporan pertama; pelapornya mengikuti laporan itu.",
    "nilai": "Terima kasih, penilaian Anda tersimpan.",
    "terbit": "Tampilan publik laporan diperbarui.",
    "aturan": "Hari kerja kategori tersimpan.",
}
LOKASI = ("lat", "lon")

# (region, visitor) -> the targets a report may be disposed to: dicts with id, nama (and singkatan).
Tujuan = Callable[[Daerah, Pengunjung], Awaitable[list[dict[str, Any]]]]


def opd_daerah(daerah: Daerah) -> list[dict[str, Any]]:
    """The region's active OPDs, from the registry's page of the region."""
    return [o for o in daerah.detail.get("opd", []) if o.get("aktif", True)]


async def _opd(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
    return opd_daerah(daerah)


@dataclass(frozen=True)
class HalamanLaporan:
    layanan: str
    # The reports' name in the layanan's words, and the form's title.
    nama: str
    judul_lapor: str
    # The service's tracking-number prefix (JenisLaporan.prefix), for the example on the tracking form.
    prefix: str
    # What a category is called on the form ("Jenis kerusakan"), the description's hint.
    istilah_kategori: str = "Kategori"
    petunjuk_isi: str = "apa yang terjadi, di mana, sejak kapan"
    # Answers operators use again and again; picked into the note with one tap.
    templat_jawaban: tuple[str, ...] = ()
    # Where a report is disposed to: the region's OPDs unless the layanan has its own targets.
    tujuan_label: str = "OPD"
    tujuan: Tujuan = _opd
    lokasi_wajib: bool = True
    labels: dict[str, str] | None = None
    # The layanan's own fields of a report (its `ekstra`), as (label, value) lines on the report's page.
    ekstra: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    # Links of the layanan's own pages about a report (base of the layanan's pages, the report's detail)
    # -> (label, href): aspirasi's pokir steps.
    tautan_laporan: Callable[[str, dict[str, Any]], list[tuple[str, str]]] | None = None

    @property
    def api(self) -> Callable[[Daerah], str]:
        return api_of(self.layanan)

    @property
    def petugas(self) -> Callable[[Pengunjung, Daerah], bool]:
        return staff_of(self.layanan)

    @property
    def contoh_nomor(self) -> str:
        return f"{self.prefix}-7K3M-9Q2X"

    def base(self, daerah: Daerah) -> str:
        return f"/{daerah.slug}/{self.layanan}"

    def label_of(self, action: str) -> str | None:
        return (self.labels or {}).get(action) or DEFAULT_LABELS.get(action, "").replace(
            "OPD", self.tujuan_label
        )


DEFAULT_LABELS = {
    "verifikasi": "Verifikasi laporan",
    "arsipkan": "Arsipkan laporan",
    "disposisi": "Disposisikan ke OPD",
    "alihkan": "Bukan kewenangan OPD: alihkan",
    "bukan_kewenangan": "Bukan kewenangan daerah: teruskan",
    "tindak_lanjut": "Catat tindak lanjut OPD",
    "jawab": "Kirim jawaban OPD",
    "terima_jawaban": "Terima jawaban dan tutup laporan",
    "buka_kembali": "Buka kembali laporan",
}


def report_links(h: HalamanLaporan, daerah: Daerah, pengunjung: Pengunjung) -> list[Tautan]:
    base = h.base(daerah)
    links = [
        Tautan(
            h.judul_lapor,
            f"{base}/lapor",
            "dengan foto dan lokasi" if h.lokasi_wajib else "sampaikan kepada daerah",
        ),
        Tautan(f"Lacak {h.nama.lower()}", f"{base}/lacak", "dengan nomor laporan"),
        Tautan(f"{h.nama} yang ditampilkan untuk publik", f"{base}/publik", "daftar dan titik lokasi"),
    ]
    if h.petugas(pengunjung, daerah):
        links.append(Tautan(f"Kotak masuk {h.nama.lower()}", f"{base}/kotak-masuk", "untuk petugas"))
        links.append(Tautan(f"Kinerja {h.tujuan_label}", f"{base}/kinerja", "penilaian dan ketepatan waktu"))
    return links


def reports_of_mine(h: HalamanLaporan) -> Callable[[Daerah, Pengunjung], Awaitable[list[dict[str, Any]]]]:
    """The citizen's reports here, for their 'Permohonan saya' page."""

    async def milik_saya(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
        hasil = await pengunjung.api.get(f"{h.api(daerah)}/laporan/saya", limit=50)
        return [
            {
                "layanan": h.nama,
                "nomor": r["nomor"],
                "judul": f"{r['kategori_label']}: {r['alamat'] or r['isi'][:60]}",
                "status_label": r["status_label"],
                "terlambat": r["terlambat"],
                "jatuh_tempo": r.get("sla_jatuh_tempo"),
                "waktu": r["diterima_at"],
                "href": f"{h.base(daerah)}/laporan/{r['id']}",
            }
            for r in hasil["items"]
        ]

    return milik_saya


def _koordinat(isian: dict[str, Any], wajib: bool) -> tuple[float, float] | Masalah | None:
    if not wajib and not (isian.get("lat") or isian.get("lon")):
        return None
    found = []
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        try:
            value = float(str(isian.get(name) or "").replace(",", "."))
        except ValueError:
            return masalah_lokal("Isi lintang dan bujur sebagai angka, mis. -2.4300 dan 115.2500.", name)
        if not low <= value <= high:
            return masalah_lokal("Lintang -90 sampai 90, bujur -180 sampai 180.", name)
        found.append(value)
    return found[0], found[1]


async def _berkas(request: Request) -> tuple[str, bytes, str] | None:
    berkas = (await request.form()).get("berkas")
    if berkas is None or isinstance(berkas, str) or not berkas.filename:
        return None
    return berkas.filename, await berkas.read(), berkas.content_type or "application/octet-stream"


def _atribut(form: dict[str, Any], kategori: dict[str, Any] | None) -> dict[str, Any]:
    """The answers to the chosen category's questions (`atribut.<kategori>.<kode>` fields: every
    category's questions are on the form, which works without script), blanks left out."""
    if kategori is None:
        return {}
    out: dict[str, Any] = {}
    for a in kategori["atribut"]:
        raw = form.get(f"atribut.{kategori['kode']}.{a['kode']}")
        if a["jenis"] == "multivaluelist":
            values = [raw] if isinstance(raw, str) else list(raw or [])
            if values := [v for v in values if v]:
                out[a["kode"]] = values
        elif isinstance(raw, str) and raw.strip():
            out[a["kode"]] = raw.strip()
    return out


def _answers(jawaban: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The category's answered questions as the service words them, numbers with a decimal comma."""
    return [(j["nama"], desimal(j["angka"]) if j.get("angka") is not None else j["nilai"]) for j in jawaban]


def add_report_pages(router: APIRouter, h: HalamanLaporan) -> None:
    """Every report page of `h`'s layanan on its page router (prefix `/{slug}/<layanan>`)."""

    async def kategori_of(daerah: Daerah, pengunjung: Pengunjung) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await pengunjung.api.get(f"{h.api(daerah)}/kategori")
        return found

    async def lapor_page(
        request: Request,
        daerah: Daerah,
        pengunjung: Pengunjung,
        isian: dict[str, Any],
        masalah: Masalah | None,
    ) -> HTMLResponse:
        return page(
            request,
            "laporan/lapor.html",
            status_code=masalah.status if masalah else 200,
            judul=h.judul_lapor,
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            isian=isian,
            masalah=masalah,
            kategori=await kategori_of(daerah, pengunjung),
            kunci=isian.get("idempotency_key") or kunci_baru(),
            terbukti=pengunjung.nik_proved_in(daerah.kode),
        )

    @router.get("/lapor", response_class=HTMLResponse)
    async def lapor_form(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
        return await lapor_page(pengunjung.request, daerah, pengunjung, {"anonim_publik": "1"}, None)

    @router.post("/lapor", response_class=HTMLResponse)
    async def lapor(daerah: DaerahDep, pengunjung: MasukDep, request: Request, form: FormDep) -> Response:
        names = (
            "kategori",
            "isi",
            "alamat",
            "lat",
            "lon",
            "lokasi_dibagikan",
            "anonim_publik",
            "anonim_opd",
            "idempotency_key",
        )
        isian: dict[str, Any] = {k: teks(form, k) for k in names}
        isian |= {k: v for k, v in form.items() if k.startswith("atribut.")}
        where = _koordinat(isian, h.lokasi_wajib)
        if isinstance(where, Masalah):
            return await lapor_page(request, daerah, pengunjung, isian, where)
        kategori = next(
            (k for k in await kategori_of(daerah, pengunjung) if k["kode"] == isian["kategori"]), None
        )
        body: dict[str, Any] = {
            "kategori": isian["kategori"],
            "isi": isian["isi"],
            "atribut": _atribut(form, kategori),
            "lokasi_dibagikan": isian["lokasi_dibagikan"] == "1",
            "anonim_publik": isian["anonim_publik"] == "1",
            "anonim_opd": isian["anonim_opd"] == "1",
        }
        if where is not None:
            body["lat"], body["lon"] = where
        if isian["alamat"]:
            body["alamat"] = isian["alamat"]
        try:
            response = await pengunjung.api.call(
                "POST",
                f"{h.api(daerah)}/laporan",
                json=body,
                idempotency_key=isian["idempotency_key"] or None,
            )
        except Masalah as exc:
            return await lapor_page(request, daerah, pengunjung, isian, exc)
        created = response.json()
        berkas = await _berkas(request)
        # A resent draft finds its report already made (and its photo sent with it the first time).
        if berkas is not None and not response.headers.get("Idempotent-Replayed"):
            try:
                await send_photo(pengunjung, daerah, created["id"], berkas)
            except Masalah as exc:
                return await laporan_page(daerah, pengunjung, created["id"], masalah=exc)
        return pindah(f"{h.base(daerah)}/laporan/{created['id']}?pesan=terkirim")

    async def send_photo(
        pengunjung: Pengunjung, daerah: Daerah, laporan_id: str, berkas: tuple[str, bytes, str]
    ) -> None:
        await pengunjung.api.call(
            "POST", f"{h.api(daerah)}/laporan/{laporan_id}/foto", files={"berkas": berkas}
        )

    def aksi_of(status: str, *, staff: bool, pelapor: bool, opd: bool) -> list[Aksi]:
        labels = {name: label for name in DEFAULT_LABELS if (label := h.label_of(name))}
        found = actions(ADUAN, status, pemohon=pelapor and not staff, petugas=staff, labels=labels)
        return [
            replace(a, bahaya=a.nama in BAHAYA)
            for a in found
            if a.nama not in TANPA_TOMBOL and (not opd or a.nama in OPD_AKSI)
        ]

    async def laporan_page(
        daerah: Daerah,
        pengunjung: Pengunjung,
        laporan_id: str,
        *,
        pesan: str | None = None,
        masalah: Masalah | None = None,
    ) -> HTMLResponse:
        data = await pengunjung.api.get(f"{h.api(daerah)}/laporan/{laporan_id}")
        staff = h.petugas(pengunjung, daerah)
        # An OPD's operator follows up and answers; verifying, routing, merging and publishing are the
        # verifiers' (the service refuses them too).
        opd = staff and pengunjung.opd_of(daerah.kode, h.layanan) is not None
        duplikat: list[dict[str, Any]] = []
        if staff and not opd:
            duplikat = await pengunjung.api.get(f"{h.api(daerah)}/laporan/{laporan_id}/duplikat")
        received = datetime.fromisoformat(data["diterima_at"])
        mergeable = staff and data["status"] in ("DITERIMA", "TERVERIFIKASI") and not data["mengikuti_id"]
        return page(
            pengunjung.request,
            "laporan/laporan.html",
            status_code=masalah.status if masalah else 200,
            judul=f"{h.nama} {data['nomor']}",
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            p=data,
            atribut=_answers(data["jawaban"]),
            ekstra=h.ekstra(data["ekstra"]) if h.ekstra else [],
            tautan=h.tautan_laporan(h.base(daerah), data) if h.tautan_laporan else [],
            aksi=aksi_of(data["status"], staff=staff, pelapor=pengunjung.warga, opd=opd),
            petugas=staff,
            verifikator=staff and not opd,
            duplikat=duplikat,
            # The second report follows the first: only reports received earlier are offered to merge into.
            induk={d["id"] for d in duplikat if datetime.fromisoformat(d["diterima_at"]) < received}
            if mergeable
            else set(),
            tujuan=await h.tujuan(daerah, pengunjung) if staff and not opd else [],
            foto_boleh=not staff and data["status"] not in ("DIARSIPKAN", "DITUTUP", "BUKAN_KEWENANGAN"),
            pesan=pesan,
            masalah=masalah,
            templat=await templates_for(pengunjung, daerah, h.layanan, h.templat_jawaban) if staff else [],
        )

    @router.get("/laporan/{laporan_id}", response_class=HTMLResponse)
    async def laporan(
        daerah: DaerahDep,
        pengunjung: MasukDep,
        laporan_id: str,
        pesan: Annotated[str | None, Query(max_length=20)] = None,
    ) -> HTMLResponse:
        return await laporan_page(daerah, pengunjung, laporan_id, pesan=PESAN.get(pesan or ""))

    @router.get("/laporan/{laporan_id}/foto/{foto_id}")
    async def foto(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, foto_id: str) -> Response:
        return proxy_download(
            await pengunjung.api.call("GET", f"{h.api(daerah)}/laporan/{laporan_id}/foto/{foto_id}")
        )

    @router.post("/laporan/{laporan_id}/foto", response_class=HTMLResponse)
    async def tambah_foto(
        daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, request: Request, form: FormDep
    ) -> Response:
        berkas = await _berkas(request)
        if berkas is None:
            return await laporan_page(
                daerah,
                pengunjung,
                laporan_id,
                masalah=masalah_lokal("Pilih foto yang akan diunggah.", "berkas"),
            )
        try:
            await send_photo(pengunjung, daerah, laporan_id, berkas)
        except Masalah as exc:
            return await laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
        return pindah(f"{h.base(daerah)}/laporan/{laporan_id}?pesan=foto")

    async def chosen_target(
        daerah: Daerah, pengunjung: Pengunjung, form: dict[str, Any]
    ) -> dict[str, Any] | Masalah:
        chosen = next(
            (o for o in await h.tujuan(daerah, pengunjung) if o["id"] == teks(form, "opd_id")), None
        )
        if chosen is None:
            return masalah_lokal(f"Pilih {h.tujuan_label} dari daftar.", "opd_id")
        return {"opd_id": chosen["id"], "opd_nama": chosen["nama"]}

    @router.post("/laporan/{laporan_id}/aksi/{jalur}", response_class=HTMLResponse)
    async def aksi(
        daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, jalur: str, form: FormDep
    ) -> Response:
        allowed = [
            a
            for a in actions(ADUAN, teks(form, "status"), pemohon=True, petugas=True)
            if a.nama not in TANPA_TOMBOL
        ]
        check_action(allowed, jalur)
        body: dict[str, Any] = {}
        catatan = await note_of(pengunjung, daerah, h.layanan, h.templat_jawaban, form)
        if catatan:
            body["catatan"] = catatan
        if jalur in ("disposisi", "alihkan") and teks(form, "opd_id"):
            target = await chosen_target(daerah, pengunjung, form)
            if isinstance(target, Masalah):
                return await laporan_page(daerah, pengunjung, laporan_id, masalah=target)
            body |= target
        if jalur == "bukan-kewenangan" and teks(form, "dialihkan_ke"):
            body["dialihkan_ke"] = teks(form, "dialihkan_ke")
        try:
            await pengunjung.api.post(f"{h.api(daerah)}/laporan/{laporan_id}/{jalur}", body)
        except Masalah as exc:
            return await laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
        return pindah(f"{h.base(daerah)}/laporan/{laporan_id}?pesan=aksi")

    @router.post("/laporan/{laporan_id}/gabungkan", response_class=HTMLResponse)
    async def gabungkan(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
        try:
            await pengunjung.api.post(
                f"{h.api(daerah)}/laporan/{laporan_id}/gabungkan", {"induk_id": teks(form, "induk_id")}
            )
        except Masalah as exc:
            return await laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
        return pindah(f"{h.base(daerah)}/laporan/{laporan_id}?pesan=gabung")

    @router.post("/laporan/{laporan_id}/nilai", response_class=HTMLResponse)
    async def nilai(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
        raw = teks(form, "nilai")
        if raw not in {"1", "2", "3", "4", "5"}:
            return await laporan_page(
                daerah, pengunjung, laporan_id, masalah=masalah_lokal("Pilih nilai 1 sampai 5.", "nilai")
            )
        try:
            await pengunjung.api.post(f"{h.api(daerah)}/laporan/{laporan_id}/nilai", {"nilai": int(raw)})
        except Masalah as exc:
            return await laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
        return pindah(f"{h.base(daerah)}/laporan/{laporan_id}?pesan=nilai")

    @router.post("/laporan/{laporan_id}/terbitkan", response_class=HTMLResponse)
    async def terbitkan(daerah: DaerahDep, pengunjung: MasukDep, laporan_id: str, form: FormDep) -> Response:
        try:
            await pengunjung.api.post(
                f"{h.api(daerah)}/laporan/{laporan_id}/terbitkan", {"terbit": teks(form, "terbit") == "1"}
            )
        except Masalah as exc:
            return await laporan_page(daerah, pengunjung, laporan_id, masalah=exc)
        return pindah(f"{h.base(daerah)}/laporan/{laporan_id}?pesan=terbit")

    # --- tracking and the public list ----------------------------------------------------------------

    @router.get("/lacak", response_class=HTMLResponse)
    async def lacak_form(
        daerah: DaerahDep,
        pengunjung: PengunjungDep,
        nomor: Annotated[str | None, Query(max_length=30)] = None,
    ) -> Response:
        if nomor and nomor.strip():
            return pindah(f"{h.base(daerah)}/lacak/{nomor.strip()}")
        return page(
            pengunjung.request,
            "laporan/lacak.html",
            judul=f"Lacak {h.nama.lower()}",
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            laporan=None,
            nomor="",
        )

    @router.get("/lacak/{nomor}", response_class=HTMLResponse)
    async def lacak(daerah: DaerahDep, pengunjung: PengunjungDep, nomor: str) -> HTMLResponse:
        """The public view of a report: its status and timeline, never who reported it."""
        try:
            laporan = await pengunjung.api.get(f"{h.api(daerah)}/lacak/{nomor}")
        except Masalah as exc:
            if exc.status not in (404, 422):
                raise
            laporan = None
        return page(
            pengunjung.request,
            "laporan/lacak.html",
            status_code=200 if laporan else 404,
            judul=f"Lacak {h.nama.lower()}",
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            laporan=laporan,
            nomor=nomor,
        )

    @router.get("/publik", response_class=HTMLResponse)
    async def publik(
        daerah: DaerahDep,
        pengunjung: PengunjungDep,
        kategori: Annotated[str | None, Query(max_length=60)] = None,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> HTMLResponse:
        """The reports the region published: a list, each point opening the phone's map app (`geo:`)."""
        hasil = await pengunjung.api.get(
            f"{h.api(daerah)}/publik", kategori=kategori or None, cursor=cursor, limit=30
        )
        return page(
            pengunjung.request,
            "laporan/publik.html",
            judul=f"{h.nama} untuk publik",
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            hasil=hasil,
            kategori=await kategori_of(daerah, pengunjung),
            dipilih=kategori or "",
        )

    # --- the staff -----------------------------------------------------------------------------------

    async def inbox_page(
        daerah: Daerah,
        pengunjung: Pengunjung,
        *,
        status: str | None,
        urut: str | None,
        cursor: str | None,
        pesan: str | None = None,
        masalah: Masalah | None = None,
    ) -> HTMLResponse:
        order = "terbaru" if urut == "terbaru" else "sla"
        hasil = await pengunjung.api.get(
            f"{h.api(daerah)}/laporan", status=status, cursor=cursor, limit=50, urut=order
        )
        return page(
            pengunjung.request,
            "laporan/kotak_masuk.html",
            status_code=masalah.status if masalah else 200,
            judul=f"Kotak masuk {h.nama.lower()}",
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            hasil=hasil,
            status=status or "",
            urut=order,
            states=ADUAN.states,
            massal={} if pengunjung.opd_of(daerah.kode, h.layanan) else MASSAL,
            tujuan=await h.tujuan(daerah, pengunjung),
            pesan=pesan,
            masalah=masalah,
        )

    @router.get("/kotak-masuk", response_class=HTMLResponse)
    async def kotak_masuk(
        daerah: DaerahDep,
        pengunjung: MasukDep,
        status: Annotated[str | None, Query(max_length=30)] = None,
        urut: Annotated[str | None, Query(max_length=10)] = None,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> HTMLResponse:
        """The staff inbox: the nearest SLA due date first (only reports whose clock runs), overdue marked;
        or every report newest first. Several can be verified, archived or disposed at once."""
        return await inbox_page(daerah, pengunjung, status=status, urut=urut, cursor=cursor)

    @router.post("/kotak-masuk/massal", response_class=HTMLResponse)
    async def massal(daerah: DaerahDep, pengunjung: MasukDep, form: FormDep) -> Response:
        raw = form.get("ids") or []
        ids = [raw] if isinstance(raw, str) else list(raw)
        jalur = teks(form, "aksi")
        if jalur not in MASSAL or not ids:
            problem = masalah_lokal("Pilih laporan dan tindakannya.", "ids")
            return await inbox_page(daerah, pengunjung, status=None, urut=None, cursor=None, masalah=problem)
        body: dict[str, Any] = {"aksi": jalur, "ids": ids[:100]}
        catatan = await note_of(pengunjung, daerah, h.layanan, h.templat_jawaban, form)
        if catatan:
            body["catatan"] = catatan
        if jalur == "disposisi":
            target = await chosen_target(daerah, pengunjung, form)
            if isinstance(target, Masalah):
                return await inbox_page(
                    daerah, pengunjung, status=None, urut=None, cursor=None, masalah=target
                )
            body |= target
        try:
            hasil = await pengunjung.api.post(f"{h.api(daerah)}/laporan/aksi-massal", body)
        except Masalah as exc:
            return await inbox_page(daerah, pengunjung, status=None, urut=None, cursor=None, masalah=exc)
        told = f"{len(hasil['berhasil'])} laporan diproses."
        if hasil["ditolak"]:
            told += " Tidak diproses: " + "; ".join(r["pesan"] for r in hasil["ditolak"][:5])
        return await inbox_page(daerah, pengunjung, status=None, urut=None, cursor=None, pesan=told)

    @router.get("/kinerja", response_class=HTMLResponse)
    async def kinerja(daerah: DaerahDep, pengunjung: MasukDep) -> HTMLResponse:
        """Each OPD's (or commission's) reports: followed up on time, answered, the average rating."""
        return page(
            pengunjung.request,
            "laporan/kinerja.html",
            judul=f"Kinerja {h.tujuan_label} — {h.nama.lower()}",
            daerah=daerah,
            h=h,
            base=h.base(daerah),
            kinerja=await pengunjung.api.get(f"{h.api(daerah)}/kinerja-opd"),
            aturan=await kategori_of(daerah, pengunjung),
            admin=pengunjung.has("admin_daerah", tenant=daerah.kode),
            pesan=PESAN.get(teks(dict(pengunjung.request.query_params), "pesan")),
        )

    @router.post("/aturan/{kategori}", response_class=HTMLResponse)
    async def aturan(daerah: DaerahDep, pengunjung: MasukDep, kategori: str, form: FormDep) -> Response:
        """The region admin's own SLA days for one category."""
        try:
            body = {
                k: int(teks(form, k)) for k in ("sla_verifikasi", "sla_tindak_lanjut", "buka_kembali_hari")
            }
        except ValueError:
            return pindah(f"{h.base(daerah)}/kinerja")
        await pengunjung.api.call("PUT", f"{h.api(daerah)}/aturan-kategori/{kategori}", json=body)
        return pindah(f"{h.base(daerah)}/kinerja?pesan=aturan")

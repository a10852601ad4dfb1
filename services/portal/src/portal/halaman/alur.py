"""An application's page, the same for every layanan on a kit workflow: the actions this visitor may
take now (from the workflow itself), document upload and download, and acting on several at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from puja_kit.workflow.machine import Workflow

from portal import templat
from portal.backend import Masalah
from portal.halaman.dasar import Daerah, DaerahDep, FormDep, masalah_lokal, pindah, teks
from portal.sesi import MasukDep, Pengunjung


@dataclass(frozen=True)
class Aksi:
    nama: str  # the workflow's transition name
    jalur: str  # the API's path segment: /permohonan/{id}/<jalur>
    label: str  # the button
    catatan_wajib: bool
    bahaya: bool = False


def actions(
    workflow: Workflow,
    status: str,
    *,
    pemohon: bool,
    petugas: bool,
    paths: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> list[Aksi]:
    """The transitions open from `status` to this visitor, as buttons."""
    actors = {"pemohon"} if pemohon else set()
    if petugas:
        actors |= {"operator", "admin_daerah"}
    found: list[Aksi] = []
    for transition in workflow.available(status, actors):
        if transition.guard is not None and not petugas and not pemohon:
            continue
        segment = (paths or {}).get(transition.name, transition.name.replace("_", "-"))
        label = (labels or {}).get(transition.name, transition.label)
        found.append(
            Aksi(
                transition.name,
                segment,
                label,
                transition.note_required,
                bahaya=transition.target in ("DITOLAK", "DIBATALKAN"),
            )
        )
    return found


def proxy_download(response: Any) -> Response:
    """A document or PDF from a service, passed to the browser as it came (type and file name)."""
    headers = {
        k: v for k, v in response.headers.items() if k.lower() in ("content-disposition", "content-type")
    }
    headers["Cache-Control"] = "private, no-store"
    return Response(response.content, headers=headers)


async def act_on_many(
    pengunjung: Pengunjung, base: str, ids: list[str], jalur: str, catatan: str | None
) -> tuple[int, list[str]]:
    """One action on several applications (bulk verify, say): how many went through, and why others did not."""
    done, refused = 0, []
    for ident in ids:
        try:
            await pengunjung.api.post(
                f"{base}/permohonan/{ident}/{jalur}", {"catatan": catatan} if catatan else {}
            )
            done += 1
        except Masalah as exc:
            refused.append(exc.detail)
    return done, refused


async def send_upload(pengunjung: Pengunjung, request: Request, base: str, jenis: str) -> Masalah | None:
    """The posted `berkas` sent on to `{base}/dokumen` as the document `jenis`; the problem to show, if any."""
    berkas = (await request.form()).get("berkas")
    if berkas is None or isinstance(berkas, str) or not berkas.filename:
        return masalah_lokal("Pilih berkas yang akan diunggah.", "berkas")
    content = await berkas.read()
    try:
        await pengunjung.api.call(
            "POST",
            f"{base}/dokumen",
            data={"jenis": jenis},
            files={"berkas": (berkas.filename, content, berkas.content_type or "application/octet-stream")},
        )
    except Masalah as exc:
        return exc
    return None


def check_action(allowed: list[Aksi], jalur: str) -> None:
    if jalur not in {a.jalur for a in allowed}:
        raise Masalah(
            404, {"title": "Tindakan tidak dikenal", "detail": "Tindakan ini tidak ada untuk permohonan ini."}
        )


async def note_of(
    pengunjung: Pengunjung, daerah: Daerah, layanan: str, built_in: tuple[str, ...], form: dict[str, Any]
) -> str:
    """The note an action carries: what was typed, or a saved answer template picked from the list."""
    return teks(form, "catatan") or await templat.chosen(
        pengunjung.request.app.state.sessionmaker, daerah.kode, layanan, built_in, teks(form, "templat")
    )


async def templates_for(
    pengunjung: Pengunjung, daerah: Daerah, layanan: str, built_in: tuple[str, ...]
) -> list[str]:
    return await templat.offered(pengunjung.request.app.state.sessionmaker, daerah.kode, layanan, built_in)


# (region, visitor, application id, problem to show) -> the application's page.
ApplicationPage = Callable[..., Awaitable[Response]]


def add_document_pages(
    router: APIRouter, *, layanan: str, api: Callable[[Daerah], str], application_page: ApplicationPage
) -> None:
    """An application's document upload and download, the same for every layanan on a kit workflow
    (the portal's side of puja_kit.workflow.routes.add_dokumen_routes)."""

    @router.post("/permohonan/{permohonan_id}/dokumen", response_class=HTMLResponse)
    async def unggah(
        daerah: DaerahDep, pengunjung: MasukDep, permohonan_id: str, request: Request, form: FormDep
    ) -> Response:
        problem = await send_upload(
            pengunjung, request, f"{api(daerah)}/permohonan/{permohonan_id}", teks(form, "jenis")
        )
        if problem is not None:
            return await application_page(daerah, pengunjung, permohonan_id, masalah=problem)
        return pindah(f"/{daerah.slug}/{layanan}/permohonan/{permohonan_id}?pesan=dokumen")

    @router.get("/permohonan/{permohonan_id}/dokumen/{dokumen_id}")
    async def unduh_dokumen(
        daerah: DaerahDep, pengunjung: MasukDep, permohonan_id: str, dokumen_id: str
    ) -> Response:
        path = f"{api(daerah)}/permohonan/{permohonan_id}/dokumen/{dokumen_id}"
        return proxy_download(await pengunjung.api.call("GET", path))

"""Signing up, in and out, and the person's notifications."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from puja_kit.db import SessionDep

from portal.backend import Masalah
from portal.halaman.dasar import FormDep, pindah, teks
from portal.sesi import MasukDep, PengunjungDep, sign_in, sign_out
from portal.tampilan import page

router = APIRouter()


def _lanjut(value: Any) -> str:
    """Only a path of this site: never an open redirect to somewhere else."""
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else "/"


@router.get("/masuk", response_class=HTMLResponse)
async def masuk_form(
    pengunjung: PengunjungDep, lanjut: Annotated[str, Query(max_length=500)] = "/"
) -> HTMLResponse:
    return page(pengunjung.request, "akun/masuk.html", judul="Masuk", lanjut=_lanjut(lanjut), isian={})


@router.post("/masuk", response_class=HTMLResponse)
async def masuk(pengunjung: PengunjungDep, form: FormDep, session: SessionDep) -> Response:
    username, lanjut = teks(form, "username"), _lanjut(form.get("lanjut"))
    try:
        pair = await pengunjung.api.post(
            "/api/akun/v1/login", {"username": username, "password": str(form.get("password") or "")}
        )
        pengunjung.api.headers["Authorization"] = f"Bearer {pair['access_token']}"
        me = await pengunjung.api.get("/api/akun/v1/me")
    except Masalah as exc:
        return page(
            pengunjung.request,
            "akun/masuk.html",
            status_code=exc.status if exc.status < 500 else 400,
            judul="Masuk",
            lanjut=lanjut,
            isian={"username": username},
            masalah=exc,
        )
    await sign_in(session, pengunjung, pair, me)
    return pindah(lanjut)


@router.get("/daftar", response_class=HTMLResponse)
async def daftar_form(pengunjung: PengunjungDep) -> HTMLResponse:
    return page(pengunjung.request, "akun/daftar.html", judul="Daftar akun warga", isian={})


@router.post("/daftar", response_class=HTMLResponse)
async def daftar(pengunjung: PengunjungDep, form: FormDep, session: SessionDep) -> Response:
    isian = {name: teks(form, name) for name in ("nik", "nama", "email", "phone")}
    body: dict[str, Any] = {k: v for k, v in isian.items() if v}
    body["password"] = str(form.get("password") or "")
    try:
        if body["password"] != str(form.get("password2") or ""):
            raise Masalah(
                422,
                {
                    "title": "Isian belum benar",
                    "detail": "Kedua kata sandi tidak sama.",
                    "errors": [{"field": "password2", "message": "Ketik ulang kata sandi yang sama."}],
                },
            )
        await pengunjung.api.post("/api/akun/v1/register", body)
        pair = await pengunjung.api.post(
            "/api/akun/v1/login", {"username": isian["nik"], "password": body["password"]}
        )
        pengunjung.api.headers["Authorization"] = f"Bearer {pair['access_token']}"
        me = await pengunjung.api.get("/api/akun/v1/me")
    except Masalah as exc:
        return page(
            pengunjung.request,
            "akun/daftar.html",
            status_code=exc.status if exc.status < 500 else 400,
            judul="Daftar akun warga",
            isian=isian,
            masalah=exc,
        )
    await sign_in(session, pengunjung, pair, me)
    return pindah("/?pesan=daftar")


@router.post("/keluar")
async def keluar(pengunjung: PengunjungDep, form: FormDep, session: SessionDep) -> Response:
    await sign_out(session, pengunjung)
    return pindah("/")


@router.get("/notifikasi", response_class=HTMLResponse)
async def notifikasi(
    pengunjung: MasukDep, cursor: Annotated[str | None, Query(max_length=200)] = None
) -> HTMLResponse:
    hasil = await pengunjung.api.get("/api/akun/v1/notifikasi", cursor=cursor, limit=20)
    return page(
        pengunjung.request,
        "akun/notifikasi.html",
        judul="Notifikasi",
        hasil=hasil,
        belum_dibaca=hasil.get("belum_dibaca", 0),
    )


@router.post("/notifikasi/dibaca-semua")
async def baca_semua(pengunjung: MasukDep, form: FormDep) -> Response:
    await pengunjung.api.post("/api/akun/v1/notifikasi/dibaca-semua")
    return pindah("/notifikasi")

"""Domain errors and RFC 9457 problem+json responses in Bahasa Indonesia."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("puja_kit.errors")

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """An expected failure with a status code, a stable code and an Indonesian title."""

    status_code = 400
    code = "permintaan_tidak_valid"
    title = "Permintaan tidak valid"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers
        # A refusal whose bookkeeping must be saved anyway (a failed-login count, a session ended for
        # safety): the unit of work commits before the problem is answered.
        self.keep_changes = keep_changes


class NotFound(DomainError):
    status_code = 404
    code = "tidak_ditemukan"
    title = "Data tidak ditemukan"


class Conflict(DomainError):
    status_code = 409
    code = "konflik"
    title = "Data sudah ada"


class Unauthorized(DomainError):
    status_code = 401
    code = "tidak_terautentikasi"
    title = "Perlu masuk terlebih dahulu"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(DomainError):
    status_code = 403
    code = "tidak_berwenang"
    title = "Anda tidak berwenang melakukan ini"


class AksesDitolak(Forbidden):
    """The route does not admit this kind of caller (puja_kit.access), before any row is looked up."""

    code = "akses_ditolak"
    title = "Akses ditolak"


class NikBelumTerverifikasi(Forbidden):
    code = "nik_belum_terverifikasi"
    title = "NIK belum terverifikasi"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            detail
            or "Buktikan dulu bahwa NIK ini milik Anda: cocokkan No. KK dan nama ibu kandung di layanan "
            "kependudukan daerah Anda, atau datang ke loket Disdukcapil membawa KTP. Setelah itu perbarui "
            "token Anda (refresh)."
        )


class Terkunci(DomainError):
    """Too many failed attempts: 423 with Retry-After until the lock ends. Subclasses say what is locked."""

    status_code = 423
    code = "terkunci"
    title = "Terkunci sementara"

    def __init__(self, until: datetime, *, keep_changes: bool = False) -> None:
        seconds = max(1, math.ceil((until - datetime.now(UTC)).total_seconds()))
        super().__init__(
            self.message(seconds), headers={"Retry-After": str(seconds)}, keep_changes=keep_changes
        )

    @staticmethod
    def wait(seconds: int) -> str:
        """How long, as a person would say it."""
        if seconds < 60:
            return f"{seconds} detik"
        return (
            f"{math.ceil(seconds / 60)} menit" if seconds <= 2 * 3600 else f"{math.ceil(seconds / 3600)} jam"
        )

    def message(self, seconds: int) -> str:
        return f"Terlalu banyak percobaan yang gagal. Coba lagi dalam {self.wait(seconds)}."


class TerlaluSering(Terkunci):
    """The same refusal for the one who asks too often (429), when nothing is locked for anyone else."""

    status_code = 429
    code = "terlalu_sering"
    title = "Terlalu banyak percobaan"


class InvalidInput(DomainError):
    status_code = 422
    code = "data_tidak_valid"
    title = "Data yang dikirim tidak valid"


class LayananTidakAktif(NotFound):
    code = "layanan_tidak_aktif"
    title = "Layanan tidak aktif di daerah ini"


class TooLarge(DomainError):
    status_code = 413
    code = "permintaan_terlalu_besar"
    title = "Ukuran permintaan melebihi batas"


class EventTooLarge(TooLarge):
    """The change would announce an event larger than the bus carries (puja_kit.outbox.add_event)."""

    code = "perubahan_terlalu_besar"
    title = "Perubahan terlalu besar untuk diumumkan ke layanan lain"


def problem(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://pujaindah.go.id/masalah/{code}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail or title,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_VALIDATION_MESSAGES = {
    "missing": "wajib diisi",
    "string_type": "harus berupa teks",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "int_from_float": "harus berupa bilangan bulat",
    "float_parsing": "harus berupa angka",
    "bool_parsing": "harus bernilai benar atau salah",
    "bool_type": "harus bernilai benar atau salah",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa objek",
    "model_type": "harus berupa objek",
    "model_attributes_type": "harus berupa objek",
    "json_invalid": "JSON tidak valid",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "greater_than": "terlalu kecil",
    "greater_than_equal": "terlalu kecil",
    "less_than": "terlalu besar",
    "less_than_equal": "terlalu besar",
    "too_short": "terlalu sedikit isinya",
    "too_long": "terlalu banyak isinya",
    "enum": "bukan pilihan yang dikenal",
    "literal_error": "bukan pilihan yang dikenal",
    "uuid_parsing": "bukan pengenal yang valid",
    "uuid_type": "bukan pengenal yang valid",
    "date_parsing": "bukan tanggal yang valid (TTTT-BB-HH)",
    "date_from_datetime_parsing": "bukan tanggal yang valid (TTTT-BB-HH)",
    "datetime_parsing": "bukan waktu yang valid",
    "datetime_from_date_parsing": "bukan waktu yang valid",
    "value_error": "nilainya tidak valid",
    "extra_forbidden": "tidak dikenal",
    "url_parsing": "bukan alamat URL yang valid",
    # puja_kit.text
    "string_blank": "tidak boleh kosong",
    "string_control_character": "tidak boleh berisi karakter kontrol",
}


def field_errors(raw: Any) -> list[dict[str, Any]]:
    out = []
    for err in raw:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body",)]
        kind = err.get("type", "value_error")
        message = _VALIDATION_MESSAGES.get(kind, "nilainya tidak valid")
        if kind == "value_error":
            # Our own validators raise ValueError with an Indonesian message already.
            message = str(err.get("ctx", {}).get("error", message)) or message
        out.append({"field": ".".join(loc) or "body", "code": kind, "message": message})
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(
            exc.status_code,
            exc.code,
            exc.title,
            exc.detail,
            instance=request.url.path,
            errors=exc.errors,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(
            422,
            InvalidInput.code,
            InvalidInput.title,
            "Periksa kembali isian yang ditandai.",
            instance=request.url.path,
            errors=field_errors(exc.errors()),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {
            404: ("tidak_ditemukan", "Alamat tidak ditemukan"),
            405: ("metode_tidak_diizinkan", "Metode tidak diizinkan untuk alamat ini"),
            413: (TooLarge.code, TooLarge.title),
        }
        code, title = titles.get(exc.status_code, ("kesalahan_http", "Permintaan tidak dapat diproses"))
        return problem(exc.status_code, code, title, instance=request.url.path)

    @app.exception_handler(DataError)
    @app.exception_handler(UnicodeEncodeError)
    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        # Text the database cannot hold (a NUL character, a lone surrogate) or a value out of its range
        # (a time zone offset of +20:00): the client's input, refused; the transaction is rolled back.
        logger.info("isian tidak dapat disimpan pada %s: %s", request.url.path, type(exc).__name__)
        return problem(
            422,
            InvalidInput.code,
            InvalidInput.title,
            "Ada isian berisi karakter atau nilai yang tidak dapat disimpan.",
            instance=request.url.path,
        )

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> JSONResponse:
        # Two requests raced past a check and a constraint caught the second one.
        logger.info("bentrok data pada %s", request.url.path)
        return problem(
            409,
            Conflict.code,
            Conflict.title,
            "Data ini bentrok dengan data lain yang baru saja disimpan; muat ulang lalu coba lagi.",
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Only what the middleware below cannot catch (a failure in an outer middleware) lands here.
        logger.exception("kesalahan tak terduga pada %s", request.url.path)
        return server_error(request.url.path)

    app.add_middleware(UnexpectedErrorMiddleware)


def server_error(path: str) -> JSONResponse:
    return problem(
        500,
        "kesalahan_server",
        "Terjadi kesalahan pada server",
        "Silakan coba lagi beberapa saat lagi.",
        instance=path,
    )


class UnexpectedErrorMiddleware:
    """A bug is answered with the 500 problem, and the connection stays open.

    Starlette's outermost middleware answers a bug too, but then raises it again for the server to log,
    and uvicorn closes the connection of a request that raised. The gateway keeps its connections to a
    service open and sends the next request, anyone's, down the one being closed: that request never
    reaches the service and the gateway answers it 502. So the bug stops here: logged, recorded on the
    request's span, answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except Exception as exc:
            if started:
                raise  # half a response cannot be mended: the server has to end the connection
            path = scope.get("path", "")
            logger.exception("kesalahan tak terduga pada %s", path)
            span = trace.get_current_span()
            span.record_exception(exc)
            span.set_status(StatusCode.ERROR, type(exc).__name__)
            await server_error(path)(scope, receive, send)

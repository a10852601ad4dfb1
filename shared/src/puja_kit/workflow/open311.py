"""Open311 GeoReport v2 for a report layanan of a region, so the apps and dashboards that speak it work
with the region's reports: `GET services.json`, `GET services/{code}.json` (a category's questions as
attributes), `GET requests.json`, `GET requests/{id}.json` and `POST requests.json`, JSON only, under
`/api/<layanan>/v1/{tenant}/open311/v2/`.

What this endpoint decides where the specification leaves it open:
- The jurisdiction is the region in the path; a `jurisdiction_id` naming another region is refused.
- `GET requests.json` lists the reports the region published (its public map and list); one report is
  found by its number (`service_request_id`), as the public tracking page finds it. Neither ever shows
  the reporter; the point and the address only when the reporter shared the location.
- `POST requests.json` takes the form fields of the specification and, instead of an `api_key`, the
  bearer token of a citizen whose NIK is proved in the region: a report is followed up on their word.
  Names, e-mail and phone in the form are not taken: the account holds who the reporter is.
- Status: `open` while the region works on it (DITERIMA to DITINDAKLANJUTI), `closed` once answered,
  closed, archived or handed outside the region; `status_notes` says which in words.
- Errors are the specification's list of `{code, description}`, in Bahasa Indonesia.
"""

# No `from __future__ import annotations`: the routes are built inside `add_open311_routes`.

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import col

from puja_kit.access import Publik, Warga
from puja_kit.db import SessionDep
from puja_kit.errors import DomainError
from puja_kit.tenancy import Tenant, TenantDep
from puja_kit.text import Nama, Saringan
from puja_kit.workflow import laporan as svc
from puja_kit.workflow.aduan_models import LaporanBase
from puja_kit.workflow.aduan_view import aduan_view
from puja_kit.workflow.laporan import JenisLaporan
from puja_kit.workflow.laporan_schemas import LaporanCreate
from puja_kit.workflow.sla import ZONES

BASE = "/open311/v2"
OPEN = frozenset({"DITERIMA", "TERVERIFIKASI", "DIDISPOSISI", "DITINDAKLANJUTI"})
# The specification's defaults: the last 90 days, at most 1,000 requests.
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
Daftar = Annotated[str, Saringan(max_length=2000)]


def problem(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


# Our field names as the specification's form calls them.
FIELDS = {"kategori": "service_code", "isi": "description", "alamat": "address_string", "lon": "long"}


def _field(name: object) -> str:
    text = str(name)
    if text.startswith("atribut."):
        return f"attribute[{text.removeprefix('atribut.')}]"
    return FIELDS.get(text, text)


def _error_of(exc: DomainError) -> JSONResponse:
    """A refusal in the specification's words: a bad request is 400 (the platform's 422)."""
    details = "; ".join(f"{_field(e.get('field'))}: {e.get('message')}" for e in exc.errors or [])
    text = exc.detail or exc.title
    status = 400 if exc.status_code == 422 else exc.status_code
    return problem(status, f"{text} ({details})" if details else text)


def _w3c(moment: datetime | None, tenant: Tenant) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(ZONES.get(tenant.zona_waktu, ZONES["WIB"])).isoformat(timespec="seconds")


def _parse_w3c(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{name} harus waktu W3C, mis. 2026-12-01T00:00:00+08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def service_list(jenis: JenisLaporan) -> list[dict[str, Any]]:
    return [
        {
            "service_code": k.kode,
            "service_name": k.nama,
            "description": k.keterangan or k.nama,
            "metadata": bool(k.atribut),
            "type": "realtime",
            "keywords": ", ".join(k.kata_kunci),
            "group": jenis.nama,
        }
        for k in jenis.kategori
    ]


def service_definition(jenis: JenisLaporan, kode: str) -> dict[str, Any] | None:
    kategori = jenis.kategori_of(kode)
    if kategori is None:
        return None
    return {
        "service_code": kategori.kode,
        "attributes": [
            {
                "variable": True,
                "code": a.kode,
                "datatype": a.jenis,
                "required": a.wajib,
                "datatype_description": a.keterangan or "",
                "order": order,
                "description": a.nama,
                "values": [{"key": key, "name": name} for key, name in a.pilihan.items()],
            }
            for order, a in enumerate(kategori.atribut, start=1)
        ],
    }


def request_of(jenis: JenisLaporan, obj: LaporanBase, tenant: Tenant) -> dict[str, Any]:
    """A report as Open311 shows it: never the reporter; the place only when shared."""
    view = aduan_view(obj, "publik")
    expected = None
    if obj.sla_jatuh_tempo is not None:
        zone = ZONES.get(tenant.zona_waktu, ZONES["WIB"])
        expected = datetime.combine(obj.sla_jatuh_tempo, time(23, 59, 59), zone).isoformat()
    return {
        "service_request_id": obj.nomor,
        "status": "open" if obj.status in OPEN else "closed",
        "status_notes": view.status_label,
        "service_name": jenis.label(obj.kategori),
        "service_code": obj.kategori,
        "description": obj.isi,
        "agency_responsible": obj.opd_nama or obj.dialihkan_ke or "",
        "service_notice": "",
        "requested_datetime": _w3c(obj.diterima_at, tenant),
        "updated_datetime": _w3c(obj.updated_at, tenant),
        "expected_datetime": expected,
        "address": obj.alamat if obj.lokasi_dibagikan else "",
        "address_id": "",
        "zipcode": "",
        "lat": view.lat,
        "long": view.lon,
        "media_url": "",
    }


def _attributes(form: Any) -> dict[str, Any]:
    """`attribute[code]=value` fields; a repeated one (a multivaluelist) becomes a list."""
    found: dict[str, Any] = {}
    for key in form:
        if key.startswith("attribute[") and key.endswith("]"):
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            found[key[len("attribute[") : -1]] = values if len(values) > 1 else (values[0] if values else "")
    return found


def _float(form: Any, name: str) -> float | None:
    raw = form.get(name)
    if raw in (None, ""):
        return None
    return float(str(raw))


def add_open311_routes(router: APIRouter, jenis: JenisLaporan) -> None:
    """The Open311 GeoReport v2 endpoint of `jenis`'s reports on a layanan's router under `/{tenant}`."""

    def _check_jurisdiction(tenant: Tenant, jurisdiction_id: str | None) -> JSONResponse | None:
        if jurisdiction_id and jurisdiction_id not in (tenant.slug, tenant.kode):
            return problem(404, "jurisdiction_id tidak dilayani endpoint ini.")
        return None

    @router.get(f"{BASE}/services.json", summary="Open311: jenis laporan daerah (publik).")
    async def services(
        tenant: TenantDep,
        _: Publik,
        jurisdiction_id: Annotated[Annotated[str, Nama(max_length=60)] | None, Query()] = None,
    ) -> Any:
        """Open311 GeoReport v2 `GET services`: setiap kategori laporan di daerah ini (publik)."""
        return _check_jurisdiction(tenant, jurisdiction_id) or service_list(jenis)

    @router.get(
        BASE + "/services/{service_code}.json", summary="Open311: pertanyaan satu jenis laporan (publik)."
    )
    async def service(
        service_code: Annotated[str, Nama(max_length=60)],
        tenant: TenantDep,
        _: Publik,
        jurisdiction_id: Annotated[Annotated[str, Nama(max_length=60)] | None, Query()] = None,
    ) -> Any:
        """Open311 GeoReport v2 `GET service definition`: pertanyaan kategori sebagai atribut (publik)."""
        if (refused := _check_jurisdiction(tenant, jurisdiction_id)) is not None:
            return refused
        found = service_definition(jenis, service_code)
        return found if found is not None else problem(404, "service_code tidak dikenal.")

    @router.get(f"{BASE}/requests.json", summary="Open311: laporan yang ditampilkan daerah (publik).")
    async def requests(
        tenant: TenantDep,
        session: SessionDep,
        _: Publik,
        service_request_id: Annotated[Daftar | None, Query()] = None,
        service_code: Annotated[Daftar | None, Query()] = None,
        start_date: Annotated[Annotated[str, Saringan(max_length=40)] | None, Query()] = None,
        end_date: Annotated[Annotated[str, Saringan(max_length=40)] | None, Query()] = None,
        status: Annotated[Annotated[str, Saringan(max_length=20)] | None, Query()] = None,
        jurisdiction_id: Annotated[Annotated[str, Nama(max_length=60)] | None, Query()] = None,
    ) -> Any:
        """Open311 GeoReport v2 `GET service requests`: laporan yang ditampilkan daerah, terbaru dahulu,
        90 hari terakhir dan paling banyak 1.000 kecuali disaring lain; dengan `service_request_id`
        (dipisah koma) laporan bernomor itu (publik)."""
        if (refused := _check_jurisdiction(tenant, jurisdiction_id)) is not None:
            return refused
        try:
            start, end = _parse_w3c(start_date, "start_date"), _parse_w3c(end_date, "end_date")
        except ValueError as exc:
            return problem(400, str(exc))
        statuses = {s.strip() for s in (status or "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            return problem(400, "status hanya open atau closed.")
        await svc.scope(session, tenant)
        model = jenis.laporan
        stmt = select(model).where(col(model.tenant_id) == tenant.kode)
        if service_request_id:
            numbers = [n.strip().upper() for n in service_request_id.split(",") if n.strip()][:MAX_REQUESTS]
            stmt = stmt.where(col(model.nomor).in_(numbers))
        else:
            stmt = stmt.where(col(model.diterbitkan).is_(True), col(model.mengikuti_id).is_(None))
            if start is None and end is None:
                start = datetime.now(UTC) - WINDOW
            if start is not None:
                stmt = stmt.where(col(model.diterima_at) >= start)
            if end is not None:
                stmt = stmt.where(col(model.diterima_at) <= end)
        if service_code:
            stmt = stmt.where(col(model.kategori).in_([c.strip() for c in service_code.split(",")]))
        if statuses == {"open"}:
            stmt = stmt.where(col(model.status).in_(OPEN))
        elif statuses == {"closed"}:
            stmt = stmt.where(col(model.status).not_in(OPEN))
        rows = (await session.scalars(stmt.order_by(col(model.id).desc()).limit(MAX_REQUESTS))).all()
        return [request_of(jenis, row, tenant) for row in rows]

    @router.get(BASE + "/requests/{service_request_id}.json", summary="Open311: satu laporan (publik).")
    async def request(
        service_request_id: Annotated[str, Nama(max_length=20)],
        tenant: TenantDep,
        session: SessionDep,
        _: Publik,
        jurisdiction_id: Annotated[Annotated[str, Nama(max_length=60)] | None, Query()] = None,
    ) -> Any:
        """Open311 GeoReport v2 `GET service request`: laporan dengan nomor itu (publik)."""
        if (refused := _check_jurisdiction(tenant, jurisdiction_id)) is not None:
            return refused
        try:
            obj = await svc.by_nomor(jenis, session, tenant, service_request_id)
        except DomainError as exc:
            return _error_of(exc)
        return [request_of(jenis, obj, tenant)]

    @router.post(
        f"{BASE}/requests.json",
        summary="Open311: membuat laporan (warga dengan NIK terbukti di daerah ini).",
        openapi_extra={
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["service_code", "description"],
                            "properties": {
                                "jurisdiction_id": {"type": "string", "maxLength": 60},
                                "service_code": {"type": "string", "maxLength": 60},
                                "lat": {"type": "number"},
                                "long": {"type": "number"},
                                "address_string": {"type": "string", "maxLength": 300},
                                "description": {"type": "string", "maxLength": 2000},
                            },
                        }
                    }
                }
            }
        },
    )
    async def create_request(
        request: Request, tenant: TenantDep, session: SessionDep, principal: Warga
    ) -> Any:
        """Open311 GeoReport v2 `POST service request`: field formulir spesifikasi (`service_code`,
        `lat`/`long` atau `address_string`, `description`, `attribute[kode]`), dengan token warga sebagai
        pengganti `api_key` (warga dengan NIK terbukti di daerah ini)."""
        form = await request.form()
        if (
            refused := _check_jurisdiction(tenant, str(form.get("jurisdiction_id") or "") or None)
        ) is not None:
            return refused
        try:
            lat, lon = _float(form, "lat"), _float(form, "long")
        except ValueError:
            return problem(400, "lat dan long harus angka.")
        if lat is None and lon is None and not form.get("address_string") and not form.get("address_id"):
            return problem(400, "Sebutkan lokasi: lat dan long, atau address_string.")
        try:
            data = LaporanCreate.model_validate(
                {
                    "kategori": form.get("service_code") or "",
                    "isi": form.get("description") or "",
                    "lat": lat,
                    "lon": lon,
                    "alamat": form.get("address_string") or None,
                    "atribut": _attributes(form),
                }
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return problem(400, f"{_field(where)}: {first['msg']}")
        try:
            obj = await svc.create(jenis, session, principal, tenant=tenant, data=data)
        except DomainError as exc:
            await session.rollback()
            return _error_of(exc)
        notice = f"{jenis.nama} diterima; lacak dengan nomor {obj.nomor}."
        return [{"service_request_id": obj.nomor, "service_notice": notice, "account_id": None}]


__all__ = ["add_open311_routes", "request_of", "service_definition", "service_list"]

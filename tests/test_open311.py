"""Open311 GeoReport v2 on every report layanan, through Traefik, by a client written from the published
specification (wiki.open311.org/GeoReport_v2): the client checks each response against what the
specification says a response holds, never against this platform's own schemas. The layanan are found
from the catalog's OpenAPI, so a new report layanan is covered without a line here."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from puja_kit.catalog import load_catalog
from puja_kit.stack import LocalStack

PASSWORD = "pujaindah-demo"
SLUG = "kab-hulu-sungai-utara"
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
SERVICE_TYPES = {"realtime", "batch", "blackbox"}
# The fields of a service request in `GET requests` (GeoReport v2, "Response" of Get Service Requests).
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


class GeoReportError(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


def w3c(value: str | None) -> datetime | None:
    """A W3C datetime ("2010-04-14T06:37:38-08:00"): the specification's only format for times."""
    if value in (None, ""):
        return None
    assert isinstance(value, str)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)", value), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class GeoReportClient:
    """GeoReport v2 over JSON: `services`, a service's definition, posting a request (form-encoded,
    with `attribute[code]` fields), and reading requests."""

    http: httpx.AsyncClient
    endpoint: str
    token: str | None = None

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.request(method, f"{self.endpoint}/{path}", headers=headers, **kwargs)
        if response.status_code >= 400:
            body = response.json()
            # Errors are a list of {code, description}.
            if isinstance(body, list):
                for error in body:
                    assert set(error) >= {"code", "description"}, error
                    assert isinstance(error["description"], str) and error["description"]
                raise GeoReportError(response.status_code, body)
            raise GeoReportError(
                response.status_code, [{"code": response.status_code, "description": str(body)}]
            )
        assert response.headers["content-type"].startswith("application/json"), response.headers
        return response.json()

    async def services(self) -> list[dict[str, Any]]:
        found = await self._call("GET", "services.json")
        assert isinstance(found, list)
        for service in found:
            assert {
                "service_code",
                "service_name",
                "description",
                "metadata",
                "type",
                "keywords",
                "group",
            } <= set(service), service
            assert isinstance(service["metadata"], bool) and service["type"] in SERVICE_TYPES
        return found

    async def definition(self, service_code: str) -> dict[str, Any]:
        found = await self._call("GET", f"services/{service_code}.json")
        assert found["service_code"] == service_code
        orders = []
        for attribute in found["attributes"]:
            assert {
                "variable",
                "code",
                "datatype",
                "required",
                "datatype_description",
                "order",
                "description",
            } <= set(attribute), attribute
            assert attribute["datatype"] in DATATYPES and isinstance(attribute["required"], bool)
            if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
                assert attribute["values"], attribute
                for value in attribute["values"]:
                    assert set(value) >= {"key", "name"}
            orders.append(attribute["order"])
        assert orders == sorted(orders)
        return found

    async def post_request(self, service_code: str, **fields: Any) -> dict[str, Any]:
        attributes = fields.pop("attributes", {})
        form = {"service_code": service_code, **fields}
        form |= {f"attribute[{code}]": value for code, value in attributes.items()}
        found = await self._call("POST", "requests.json", data=form)
        assert isinstance(found, list) and len(found) == 1
        (created,) = found
        assert "service_request_id" in created or "token" in created
        return created

    @staticmethod
    def _check_request(request: dict[str, Any]) -> dict[str, Any]:
        assert set(request) >= REQUEST_FIELDS, set(REQUEST_FIELDS) - set(request)
        assert request["status"] in ("open", "closed")
        assert w3c(request["requested_datetime"]) is not None
        w3c(request["updated_datetime"])
        w3c(request["expected_datetime"])
        return request

    async def requests(self, **params: Any) -> list[dict[str, Any]]:
        found = await self._call("GET", "requests.json", params=params)
        return [self._check_request(r) for r in found]

    async def request(self, service_request_id: str) -> dict[str, Any]:
        found = await self._call("GET", f"requests/{service_request_id}.json")
        assert isinstance(found, list) and len(found) == 1
        return self._check_request(found[0])


def report_layanan(gw_openapi: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(
        name
        for name, spec in gw_openapi.items()
        if any(path.endswith("/open311/v2/services.json") for path in spec.get("paths", {}))
    )


@pytest.fixture
async def gw(platform: LocalStack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield client


async def token_of(gw: httpx.AsyncClient, username: str) -> str:
    response = await gw.post("/api/akun/v1/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def test_every_report_layanan_speaks_georeport_v2(gw: httpx.AsyncClient) -> None:
    catalog = load_catalog()
    openapi = {}
    for service in catalog.services:
        if service.root:
            continue
        response = await gw.get(f"/api/{service.prefix}/openapi.json")
        assert response.status_code == 200, (service.name, response.status_code)
        openapi[service.name] = response.json()
    found = report_layanan(openapi)
    assert "pekerjaan_umum" in found, found
    warga, operator = await token_of(gw, "demo-warga"), await token_of(gw, "demo-operator")
    for name in found:
        prefix = catalog.service(name).prefix
        await _walk(gw, f"/api/{prefix}/v1/{SLUG}", warga, operator)


async def _walk(gw: httpx.AsyncClient, base: str, warga: str, operator: str) -> None:
    endpoint = f"{base}/open311/v2"
    anonymous = GeoReportClient(gw, endpoint)
    citizen = GeoReportClient(gw, endpoint, warga)

    services = await anonymous.services()
    assert services, base
    with_metadata = [s for s in services if s["metadata"]]
    service = with_metadata[0] if with_metadata else services[0]
    attributes: dict[str, Any] = {}
    if service["metadata"]:
        definition = await anonymous.definition(service["service_code"])
        for attribute in definition["attributes"]:
            if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
                attributes[attribute["code"]] = attribute["values"][0]["key"]
            elif attribute["datatype"] == "number":
                attributes[attribute["code"]] = "12"
            elif attribute["required"]:
                attributes[attribute["code"]] = "Keterangan uji Open311"
    with pytest.raises(GeoReportError) as unknown:
        await anonymous.definition("bukan_layanan")
    assert unknown.value.status == 404

    # Posting needs a citizen's token (instead of an api_key): without one it is refused.
    description = f"Laporan uji Open311 untuk {service['service_name']} di depan balai desa."
    with pytest.raises(GeoReportError) as refused:
        await anonymous.post_request(
            service["service_code"], lat="-2.4301", long="115.2502", description=description
        )
    assert refused.value.status == 401
    with pytest.raises(GeoReportError) as no_place:
        await citizen.post_request(service["service_code"], description=description)
    assert no_place.value.status == 400
    with pytest.raises(GeoReportError) as bad_code:
        await citizen.post_request("bukan_layanan", lat="-2.43", long="115.25", description=description)
    assert bad_code.value.status == 400 and "service_code" in bad_code.value.errors[0]["description"]
    created = await citizen.post_request(
        service["service_code"],
        lat="-2.4301",
        long="115.2502",
        address_string="Depan balai desa",
        description=description,
        attributes=attributes,
        # Who reports is the account's: names and contacts in the form are not taken.
        first_name="Nama Lain",
        email="lain@example.org",
    )
    number = created["service_request_id"]

    one = await anonymous.request(number)
    assert (one["service_request_id"], one["service_code"], one["status"]) == (
        number,
        service["service_code"],
        "open",
    )
    assert one["description"] == description
    assert one["lat"] is None and one["long"] is None and one["address"] == "", "the place was not shared"
    assert "Nama Lain" not in str(one) and "lain@example.org" not in str(one)
    with pytest.raises(GeoReportError) as missing:
        await anonymous.request("XX-0000-0000")
    assert missing.value.status == 404

    # `GET requests` lists what the region published, not every report.
    assert number not in {r["service_request_id"] for r in await anonymous.requests()}
    staff = {"Authorization": f"Bearer {operator}"}
    inbox = (await gw.get(f"{base}/laporan", params={"urut": "terbaru"}, headers=staff)).json()["items"]
    ident = next(r["id"] for r in inbox if r["nomor"] == number)
    published = await gw.post(f"{base}/laporan/{ident}/terbitkan", json={"terbit": True}, headers=staff)
    assert published.status_code == 200, published.text
    listed = await anonymous.requests(service_code=service["service_code"])
    assert number in {r["service_request_id"] for r in listed}
    assert number in {r["service_request_id"] for r in await anonymous.requests(status="open")}
    assert number not in {r["service_request_id"] for r in await anonymous.requests(status="closed")}
    assert number not in {
        r["service_request_id"] for r in await anonymous.requests(end_date="2020-01-01T00:00:00Z")
    }
    by_id = await anonymous.requests(service_request_id=f"{number},XX-0000-0000")
    assert [r["service_request_id"] for r in by_id] == [number]
    with pytest.raises(GeoReportError) as bad_date:
        await anonymous.requests(start_date="kemarin")
    assert bad_date.value.status == 400
    with pytest.raises(GeoReportError) as other_place:
        await anonymous.requests(jurisdiction_id="kota-lain")
    assert other_place.value.status == 404

"""Every route of every service in the catalog, called as every kind of caller, through Traefik.

The routes and who may call them come from each service's OpenAPI (`x-puja-akses`, written by
puja_kit.access), so a new layanan is covered without a line here. Two walls are checked:

- the route: each caller gets exactly what the declaration admits (401 without a token, 403
  `akses_ditolak` for a kind it does not admit, anything but those for a kind it admits);
- the rows: what region X's lists show (read by X's staff and by citizen A) is never read or changed
  by region Y's staff through Y's slug, and citizen A's rows never by citizen B.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from puja_kit.access import KINDS, OPENAPI_KEY
from puja_kit.catalog import load_catalog
from puja_kit.layanan import LAYANAN
from puja_kit.stack import LocalStack

PASSWORD = "pujaindah-demo"
X = "kab-hulu-sungai-utara"  # the demo region, with demo data in every layanan
Y_KODE = "64.71"  # Kota Balikpapan: onboarded here, with the same layanan
WARGA_A = "demo-warga"
WARGA_A_NIK = "6308051708900001"
NO_KK = "6308050101100001"
METHODS = ("get", "post", "put", "patch", "delete")
CALLERS = (
    "anonim",
    "warga_a",
    "warga_b",
    "operator_x",
    "operator_x_lain",
    "operator_y",
    "admin_x",
    "admin_y",
    "pusat",
)


@dataclass(frozen=True)
class Route:
    service: str
    layanan: str | None
    method: str
    path: str
    kinds: frozenset[str]
    operation: dict[str, Any] = field(hash=False, compare=False)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def admitted(route: Route, caller: str) -> bool:
    """What the declaration promises each kind of caller, on region X's slug."""
    k = route.kinds
    if "publik" in k:
        return True
    if caller == "anonim":
        return False
    if "akun" in k:
        return True
    return {
        "warga_a": "warga" in k,
        "warga_b": "warga" in k,
        "operator_x": "operator" in k,
        # An operator of X for another layanan; for a platform service any operator of X is one.
        "operator_x_lain": "operator" in k and route.layanan is None,
        "operator_y": False,
        "admin_x": "admin_daerah" in k,
        "admin_y": False,
        "pusat": "admin_pusat" in k,
    }[caller]


class Gateway:
    """A client through Traefik that waits out the per-address rate limit rather than failing on it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.count = 0

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        for _ in range(50):
            self.count += 1
            response = await self.client.request(method, url, **kwargs)
            if response.status_code != 429:
                return response
            await asyncio.sleep(float(response.headers.get("retry-after", "0.2") or 0.2))
        raise AssertionError(f"{method} {url}: tetap 429")


async def login(gw: Gateway, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = await gw.request(
        "POST", "/api/akun/v1/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def until(gw: Gateway, method: str, url: str, ok: set[int], **kwargs: Any) -> httpx.Response:
    """Repeat a call until the bus has carried what it depends on (a new region, a new layanan)."""
    for _ in range(200):
        response = await gw.request(method, url, **kwargs)
        if response.status_code in ok:
            return response
        await asyncio.sleep(0.1)
    raise AssertionError(f"{method} {url}: {response.status_code} {response.text}")


@dataclass
class Callers:
    usernames: dict[str, tuple[str, str]]
    headers: dict[str, dict[str, str]]
    y_slug: str

    async def refresh(self, gw: Gateway, caller: str) -> None:
        self.headers[caller] = await login(gw, *self.usernames[caller])


def layanan_services() -> list[str]:
    return [s.name for s in load_catalog().services if s.name in LAYANAN]


async def staff(
    gw: Gateway, slug: str, by: dict[str, str], username: str, role: str, layanan: list[str]
) -> None:
    body = {"username": username, "nama": username, "password": PASSWORD, "role": role, "layanan": layanan}
    await until(gw, "POST", f"/api/akun/v1/{slug}/staff", {201}, json=body, headers=by)


async def set_up_callers(gw: Gateway) -> Callers:
    pusat = await login(gw, "demo-pusat")
    admin_x = await login(gw, "demo-admin")
    layanan = layanan_services()
    onboarded = await gw.request("POST", "/api/tenants/v1/tenants", json={"kode": Y_KODE}, headers=pusat)
    assert onboarded.status_code == 201, onboarded.text
    y = onboarded.json()["slug"]
    await staff(gw, y, pusat, "matriks-admin-y", "admin_daerah", [])
    admin_y = await login(gw, "matriks-admin-y")
    for name in layanan:
        for slug, admin in ((X, admin_x), (y, admin_y)):
            enabled = await gw.request(
                "PUT", f"/api/tenants/v1/tenants/{slug}/layanan/{name}", json={}, headers=admin
            )
            assert enabled.status_code == 200, enabled.text
        await staff(gw, X, admin_x, f"matriks-op-x-{name}", "operator", [name])
    await staff(gw, y, admin_y, "matriks-op-y", "operator", layanan)

    # Citizen B: a resident of X outside citizen A's family (a family reads each other's records),
    # proved at the counter the way a person without their mother's name on record is.
    residents = await gw.request(
        "GET", f"/api/kependudukan/v1/{X}/penduduk", params={"limit": 50}, headers=admin_x
    )
    assert residents.status_code == 200, residents.text
    warga_b_nik = next(r["nik"] for r in residents.json()["items"] if r["no_kk"] != NO_KK)
    register = {"nik": warga_b_nik, "nama": "Warga B", "email": "warga.b@example.id", "password": "rahasia-b"}
    registered = await gw.request("POST", "/api/akun/v1/register", json=register)
    assert registered.status_code == 201, registered.text
    warga_b = await login(gw, warga_b_nik, "rahasia-b")
    code = await gw.request("POST", f"/api/kependudukan/v1/{X}/verifikasi-nik/kode-loket", headers=warga_b)
    assert code.status_code == 201, code.text
    proved = await gw.request(
        "POST",
        f"/api/kependudukan/v1/{X}/verifikasi-nik/loket",
        json={"nik": warga_b_nik, "kode": code.json()["kode"]},
        headers=await login(gw, "demo-operator"),
    )
    assert proved.status_code == 200, proved.text

    async def marked() -> bool:
        fresh = await login(gw, warga_b_nik, "rahasia-b")
        me = await gw.request("GET", "/api/akun/v1/me", headers=fresh)
        return bool(me.json()["nik_terverifikasi"])

    for _ in range(200):
        if await marked():
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("akun tidak mendengar pembuktian NIK")

    usernames = {
        "warga_a": (WARGA_A, PASSWORD),
        "warga_b": (warga_b_nik, "rahasia-b"),
        "admin_x": ("demo-admin", PASSWORD),
        "admin_y": ("matriks-admin-y", PASSWORD),
        "operator_y": ("matriks-op-y", PASSWORD),
        "pusat": ("demo-pusat", PASSWORD),
    }
    callers = Callers(usernames=usernames, headers={"anonim": {}}, y_slug=y)
    for caller in usernames:
        await callers.refresh(gw, caller)
    return callers


async def collect_routes(gw: Gateway) -> list[Route]:
    found: list[Route] = []
    for entry in load_catalog().services:
        spec = (await gw.request("GET", f"/api/{entry.prefix}/openapi.json")).json()
        for path, item in spec["paths"].items():
            if not path.startswith(f"/api/{entry.prefix}/v1"):
                continue
            for method in METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                kinds = operation.get(OPENAPI_KEY)
                assert kinds, f"{method.upper()} {path} tidak menyatakan aksesnya"
                assert set(kinds) <= set(KINDS), kinds
                layanan = entry.name if entry.name in LAYANAN else None
                found.append(Route(entry.name, layanan, method, path, frozenset(kinds), operation))
    return found


def example(schema: dict[str, Any], name: str, route: Route) -> str:
    """A value of the parameter's type that names nothing that exists."""
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("type") == "integer":
        return "1"
    pattern = schema.get("pattern", "")
    if "16" in pattern:
        return "6308051708900001"
    if name == "layanan":
        # A layanan the platform knows but no service here serves: the walk's writes (enable, disable)
        # must not switch off what the other tests use.
        return next(n for n in LAYANAN if n not in {s.name for s in load_catalog().services})
    return "X2345"


def url_for(route: Route, slug: str, ids: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    path = route.path
    query: dict[str, str] = {}
    for param in route.operation.get("parameters", []):
        name, where = param["name"], param["in"]
        schema = param.get("schema", {})
        if where == "path":
            value = slug if name == "tenant" else (ids or {}).get(name) or example(schema, name, route)
            path = path.replace("{" + name + "}", value)
        elif where == "query" and param.get("required"):
            query[name] = example(schema, name, route)
    return path, query


def body_for(route: Route) -> dict[str, Any]:
    content = route.operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return {"json": {}}
    if "multipart/form-data" in content:
        return {"files": {"kosong": ("kosong.txt", b"", "text/plain")}}
    return {}


def refused_properly(response: httpx.Response, caller: str) -> bool:
    if caller == "anonim":
        return response.status_code == 401
    return response.status_code == 403 and response.json().get("code") == "akses_ditolak"


def let_through(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return False
    if response.status_code == 403:
        return response.json().get("code") != "akses_ditolak"
    return True


async def token_still_valid(gw: Gateway, headers: dict[str, str]) -> bool:
    return (await gw.request("GET", "/api/akun/v1/me", headers=headers)).status_code == 200


def ids_in(data: Any) -> list[str]:
    if isinstance(data, dict):
        items = data.get("items", [])
    elif isinstance(data, list):
        items = data
    else:
        return []
    return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item][:2]


@pytest.fixture
async def gw(platform: LocalStack) -> Any:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield Gateway(client)


async def test_every_route_admits_exactly_the_callers_it_declares_and_no_row_crosses(gw: Gateway) -> None:
    callers = await set_up_callers(gw)
    all_routes = await collect_routes(gw)
    services = {r.service for r in all_routes}
    # The portal (the root service) serves pages and no API: it holds no authority of its own, and
    # every call it makes on a person's behalf meets the routes walked here. It must stay that way.
    apis = {s.name for s in load_catalog().services if not s.root}
    assert services == apis, "every service's routes were walked, and the portal has none under /v1"

    # The rows first, on the demo's state as it was seeded.
    await rows_never_cross(gw, callers, all_routes)

    # Writes after reads, and akun's last: a logout ends a session (a fresh login follows, so the next
    # route is judged with a live token) and a key rotation signs new tokens with a key the other
    # services fetch only on their next JWKS refresh.
    ordered = sorted(all_routes, key=lambda r: (r.service == "akun", r.method != "get", r.path))
    mismatches: list[str] = []
    for route in ordered:
        for caller in CALLERS:
            who = caller
            if caller in ("operator_x", "operator_x_lain"):
                name = route.layanan
                if caller == "operator_x":
                    who = f"matriks-op-x-{name}" if name else "demo-operator"
                else:
                    other = next((n for n in layanan_services() if n != name), None)
                    who = f"matriks-op-x-{other}" if name else "demo-operator"
                if callers.usernames.get(caller, ("", ""))[0] != who:
                    callers.usernames[caller] = (who, PASSWORD)
                    await callers.refresh(gw, caller)
            headers = callers.headers[caller]
            path, query = url_for(route, X)
            response = await gw.request(route.method, path, params=query, headers=headers, **body_for(route))
            expected = admitted(route, caller)
            ok = let_through(response) if expected else refused_properly(response, caller)
            if response.status_code >= 500:
                ok = False
            if not ok:
                mismatches.append(
                    f"{route} sebagai {caller}: {response.status_code} {response.text[:160]}"
                    f" (deklarasi {sorted(route.kinds)}, {'boleh' if expected else 'ditolak'})"
                )
            if caller != "anonim" and route.method != "get" and not await token_still_valid(gw, headers):
                await callers.refresh(gw, caller)
    assert not mismatches, "\n".join(mismatches)
    await settle_after_key_rotation(gw, all_routes)


async def settle_after_key_rotation(gw: Gateway, all_routes: list[Route]) -> None:
    """The walk rotated akun's signing key; wait until every service accepts a token signed with the new
    one (each refreshes its JWKS on an unknown key at most every 10 s), so later tests start clean."""
    fresh = await login(gw, WARGA_A)
    for service in {r.service for r in all_routes}:
        probe = next(
            (r for r in all_routes if r.service == service and r.method == "get" and "warga" in r.kinds), None
        )
        if probe is None:
            continue
        path, query = url_for(probe, X)
        for _ in range(300):
            if (await gw.request("GET", path, params=query, headers=fresh)).status_code != 401:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"{service} tidak menerima token dengan kunci baru")


def collection_of(path: str) -> str:
    """The list a row id in `path` comes from: `.../permohonan/{permohonan_id}/ajukan` -> `.../permohonan`."""
    return re.split(r"/\{\w+_id\}", path, maxsplit=1)[0]


async def rows_never_cross(gw: Gateway, callers: Callers, all_routes: list[Route]) -> None:
    """Ids read from region X's lists (by its staff and by citizen A) are tried by Y and by B."""
    harvested: dict[str, set[str]] = {}
    for route in all_routes:
        if route.method != "get" or "{tenant}" not in route.path or re.search(r"\{(?!tenant\})", route.path):
            continue
        for caller in ("admin_x", "warga_a"):
            if not admitted(route, caller):
                continue
            path, query = url_for(route, X)
            response = await gw.request("GET", path, params=query, headers=callers.headers[caller])
            if response.status_code == 200 and response.headers["content-type"].startswith(
                "application/json"
            ):
                # A citizen's own list (`.../permohonan/saya`) holds rows of the collection itself.
                collection = route.path.removesuffix("/saya")
                harvested.setdefault(collection, set()).update(ids_in(response.json()))
    assert any(harvested.values()), "the demo region's lists show rows to try"

    leaks: list[str] = []
    tried = 0
    for route in all_routes:
        names = re.findall(r"\{(\w+_id)\}", route.path)
        by_nik = "{nik}" in route.path
        if "{tenant}" not in route.path or not (names or by_nik):
            continue
        candidates = sorted(harvested.get(collection_of(route.path), set())) if names else [""]
        for row_id in candidates:
            # Citizen A's own record is region X's row that a NIK names.
            ids = {**dict.fromkeys(names, row_id), **({"nik": WARGA_A_NIK} if by_nik else {})}
            attempts = [("operator_y", callers.y_slug), ("admin_y", callers.y_slug)]
            if "publik" not in route.kinds:
                attempts.append(("warga_b", X))
            for caller, slug in attempts:
                tried += 1
                path, query = url_for(route, slug, ids)
                response = await gw.request(
                    route.method, path, params=query, headers=callers.headers[caller], **body_for(route)
                )
                if response.status_code < 300 or response.status_code >= 500:
                    leaks.append(
                        f"{route} sebagai {caller} lewat {slug} untuk {row_id}: {response.status_code}"
                    )
                if route.method != "get" and not await token_still_valid(gw, callers.headers[caller]):
                    await callers.refresh(gw, caller)
    assert tried, "rows of region X were tried through the routes that take their ids"
    assert not leaks, "\n".join(leaks)

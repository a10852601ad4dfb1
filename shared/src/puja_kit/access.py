"""Who may call a route, declared once in its signature and published in its OpenAPI operation.

Every route under `/api/<prefix>/v1` takes exactly one of these typed dependencies as its caller:

    async def create_jenis_izin(body: JenisIzinCreate, tenant: TenantDep, principal: Petugas) -> ...

The kinds a route admits are:

| kind           | who                                                                             |
| -------------- | ------------------------------------------------------------------------------- |
| `publik`       | anyone, with or without a token                                                 |
| `akun`         | any signed-in account, for its own data                                         |
| `warga`        | a signed-in citizen, for their own data (ownership is checked where it is read) |
| `operator`     | an operator of the path's region for this service's layanan                     |
| `admin_daerah` | the admin of the path's region                                                  |
| `admin_pusat`  | the ministry                                                                    |

`create_service_app` refuses to build an app with a route that declares nothing, and writes each
route's kinds into its operation as `x-puja-akses`; tests/test_access_matrix.py reads them and calls
every route as every kind of caller. The region of `operator` and `admin_daerah` is the `{tenant}`
path parameter, resolved by the app's `region_resolver` (the layanan's tenant copy by default).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from functools import cache
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from puja_kit.auth import BearerDep, Principal
from puja_kit.auth import verify_bearer as _verify
from puja_kit.errors import AksesDitolak, Unauthorized

Kind = Literal["publik", "akun", "warga", "operator", "admin_daerah", "admin_pusat"]
KINDS: tuple[Kind, ...] = get_args(Kind)
REGIONAL: frozenset[Kind] = frozenset({"operator", "admin_daerah"})
OPENAPI_KEY = "x-puja-akses"

KIND_LABEL: dict[Kind, str] = {
    "publik": "siapa saja",
    "akun": "pemilik akun yang masuk",
    "warga": "warga pemilik data",
    "operator": "operator layanan ini di daerah tersebut",
    "admin_daerah": "admin daerah tersebut",
    "admin_pusat": "kementerian (admin pusat)",
}

# (request, region slug from the path) -> the region's kode wilayah, or a 404 problem.
RegionResolver = Callable[[Request, str], Awaitable[str]]


async def _path_region(request: Request) -> str:
    slug = request.path_params.get("tenant")
    if not isinstance(slug, str):
        raise RuntimeError(f"{request.url.path}: akses per daerah butuh parameter jalur {{tenant}}")
    memo: dict[str, str] = request.scope.setdefault("puja.region", {})
    if slug not in memo:
        resolver: RegionResolver = request.app.state.region_resolver
        memo[slug] = await resolver(request, slug)
    return memo[slug]


def _refusal(kinds: tuple[Kind, ...]) -> AksesDitolak:
    who = ", ".join(KIND_LABEL[k] for k in kinds)
    return AksesDitolak(f"Hanya {who} yang dapat melakukan ini.")


def akses(*kinds: Kind) -> Callable[..., Awaitable[Principal | None]]:
    """A dependency admitting a caller of any of `kinds`; 401 without a token, 403 otherwise."""
    unknown = set(kinds) - set(KINDS)
    if not kinds or unknown:
        raise ValueError(f"jenis akses tidak dikenal: {sorted(unknown) or 'kosong'}")
    # One dependency per set of kinds, whatever order they were named in.
    return _akses(tuple(k for k in KINDS if k in kinds))


@cache
def _akses(kinds: tuple[Kind, ...]) -> Callable[..., Awaitable[Principal | None]]:

    async def caller(request: Request, credentials: BearerDep) -> Principal | None:
        if "publik" in kinds:
            # A stale or foreign token on a public route (a login, a refresh) is no token at all.
            try:
                return await _verify(request, credentials)
            except Unauthorized:
                return None
        principal = await _verify(request, credentials)
        if principal is None:
            raise Unauthorized()
        if "akun" in kinds:
            return principal
        if "warga" in kinds and principal.has("warga"):
            return principal
        if "admin_pusat" in kinds and principal.is_admin_pusat:
            return principal
        if REGIONAL & set(kinds) and (principal.has("operator") or principal.has("admin_daerah")):
            kode = await _path_region(request)
            layanan: str | None = request.app.state.layanan
            if "operator" in kinds and principal.has("operator", tenant=kode, layanan=layanan):
                return principal
            if "admin_daerah" in kinds and principal.has("admin_daerah", tenant=kode):
                return principal
        raise _refusal(kinds)

    caller.__puja_akses__ = kinds  # type: ignore[attr-defined]
    return caller


Publik = Annotated[Principal | None, Depends(akses("publik"))]
Akun = Annotated[Principal, Depends(akses("akun"))]
Warga = Annotated[Principal, Depends(akses("warga"))]
Operator = Annotated[Principal, Depends(akses("operator"))]
Petugas = Annotated[Principal, Depends(akses("operator", "admin_daerah"))]
WargaAtauPetugas = Annotated[Principal, Depends(akses("warga", "operator", "admin_daerah"))]
AdminDaerah = Annotated[Principal, Depends(akses("admin_daerah"))]
AdminPusat = Annotated[Principal, Depends(akses("admin_pusat"))]
AdminPusatAtauDaerah = Annotated[Principal, Depends(akses("admin_daerah", "admin_pusat"))]


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def declared_kinds(route: APIRoute) -> tuple[Kind, ...] | None:
    """The kinds a route admits, or None when it declares none; two different declarations are an error."""
    found = {
        kinds
        for dep in _walk(route.dependant)
        if (kinds := getattr(dep.call, "__puja_akses__", None)) is not None
    }
    if len(found) > 1:
        raise RuntimeError(f"{route.path}: lebih dari satu deklarasi akses {sorted(found)}")
    return next(iter(found), None)


def publish_access(routers: Sequence[APIRouter]) -> None:
    """Write every route's kinds into its OpenAPI operation; refuse a route that declares none.

    Done on the routers before they are included in the app (FastAPI includes them by reference)."""
    missing: list[str] = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            kinds = declared_kinds(route)
            if kinds is None:
                missing.append(f"{','.join(sorted(route.methods or ()))} {route.path}")
                continue
            if REGIONAL & set(kinds) and "{tenant}" not in route.path:
                raise RuntimeError(f"{route.path}: akses per daerah butuh parameter jalur {{tenant}}")
            extra: dict[str, Any] = dict(route.openapi_extra or {})
            extra[OPENAPI_KEY] = list(kinds)
            route.openapi_extra = extra
            note = "Akses: " + "; ".join(KIND_LABEL[k] for k in kinds) + "."
            if note not in (route.description or ""):
                route.description = f"{route.description.rstrip()}\n\n{note}" if route.description else note
    if missing:
        raise RuntimeError("Rute tanpa deklarasi akses (puja_kit.access): " + "; ".join(missing))

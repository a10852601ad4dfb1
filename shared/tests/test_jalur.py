"""The fast lane (puja_kit.jalur) answers what FastAPI answers, byte for byte, for the routes it takes,
and leaves every other route to FastAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.responses import Response
from httpx import ASGITransport, AsyncClient
from puja_kit.access import Akun, Publik
from puja_kit.app import add_routes
from puja_kit.auth import TokenVerifier
from puja_kit.baca import json_response
from puja_kit.errors import NotFound, install_error_handlers
from puja_kit.jalur import FastLane, lane_node
from puja_kit.repository import CursorDep
from pydantic import BaseModel

calls: list[str] = []


async def _daerah(request: Request, tenant: str) -> str:
    calls.append("daerah")
    if tenant == "hilang":
        raise NotFound("Daerah tidak ditemukan.")
    return tenant.upper()


DaerahDep = Annotated[str, Depends(_daerah)]


async def _dua_kali(daerah: DaerahDep) -> str:
    # Depends on _daerah too: FastAPI calls it once per request, and so must the lane.
    return daerah + "!"


async def _dengan_yield() -> AsyncIterator[str]:
    yield "y"


class Isi(BaseModel):
    nama: str


def _routes() -> APIRouter:
    router = APIRouter(prefix="/{tenant}")

    @router.post("/baca")
    async def tulis(tenant: str) -> Response:
        return json_response({"tulis": tenant})

    @router.get("/baca")
    async def baca(
        daerah: DaerahDep,
        seru: Annotated[str, Depends(_dua_kali)],
        principal: Publik,
        page: CursorDep,
        q: Annotated[str | None, Query(min_length=2, max_length=10)] = None,
        n: Annotated[int, Query(ge=1, le=5)] = 3,
        status: Annotated[str | None, Query(pattern="^(A|B)$")] = None,
        tag: Annotated[list[str] | None, Query()] = None,
        x_bahasa: Annotated[str | None, Header()] = None,
    ) -> Response:
        return json_response(
            {
                "daerah": daerah,
                "seru": seru,
                "masuk": principal is not None,
                "cursor": page.cursor,
                "limit": page.limit,
                "q": q,
                "n": n,
                "status": status,
                "tag": tag,
                "bahasa": x_bahasa,
            }
        )

    # Registered before /khusus: the router gives /khusus to this route, and the lane must too.
    @router.get("/{nama}/rinci")
    async def umum(tenant: str, nama: str) -> Response:
        return json_response({"umum": nama})

    @router.get("/khusus/rinci")
    async def khusus(tenant: str) -> Response:
        return json_response({"khusus": tenant})

    @router.get("/akun")
    async def akun(principal: Akun) -> Response:
        return json_response({"akun": str(principal.id)})

    @router.get("/kamus")
    async def kamus(daerah: DaerahDep) -> dict[str, str]:
        return {"kamus": daerah}

    @router.get("/yield")
    async def dengan_yield(nilai: Annotated[str, Depends(_dengan_yield)]) -> Response:
        return json_response({"nilai": nilai})

    @router.get("/angka/{nomor}")
    async def angka(nomor: int) -> Response:
        return json_response({"nomor": nomor})

    return router


def _app(*, lane: bool) -> FastAPI:
    app = FastAPI()
    app.state.verifier = TokenVerifier("file:///tidak-ada.json", issuer="uji", audience="uji")
    if lane:
        app.add_middleware(FastLane, fastapi=app)
    install_error_handlers(app)
    add_routes(app, _routes(), prefix="/v1")
    if lane:
        for route in app.router.routes:
            if lane_node(route) is not None:
                # Were FastAPI to serve a lane route, the request would fail.
                route.app = _not_here  # type: ignore[attr-defined]
    return app


async def _not_here(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError(f"FastAPI served {scope['path']}, a lane route")


REQUESTS: list[tuple[str, dict[str, str]]] = [
    ("/v1/kab/baca", {}),
    ("/v1/kab/baca?q=siti&n=5&status=A&tag=a&tag=b&cursor=abc&limit=7", {"x-bahasa": "id"}),
    ("/v1/kab/baca?q=s&n=9&status=C&limit=0", {}),  # four wrong values: one 422 naming each
    ("/v1/kab/baca?n=dua", {}),
    ("/v1/hilang/baca", {}),  # a dependency's problem
    ("/v1/kab/baca", {"authorization": "Bearer rusak"}),  # a public route ignores a bad token
    ("/v1/kab/akun", {}),  # 401, with its WWW-Authenticate
    ("/v1/kab/akun", {"authorization": "Bearer rusak"}),
    ("/v1/kab/khusus/rinci", {}),
    ("/v1/kab/lain/rinci", {}),
    ("/v1/kab/kamus", {}),
    ("/v1/kab/yield", {}),
    ("/v1/kab/angka/12", {}),
    ("/v1/kab/angka/dua", {}),
    ("/v1/kab/tidak-ada", {}),
]


@pytest.mark.parametrize(("path", "headers"), REQUESTS)
async def test_the_lane_answers_as_fastapi_does(path: str, headers: dict[str, str]) -> None:
    answers = []
    for lane in (True, False):
        calls.clear()
        async with AsyncClient(transport=ASGITransport(app=_app(lane=lane)), base_url="http://t") as client:
            response = await client.get(path, headers=headers)
        answers.append(
            (
                response.status_code,
                response.headers.get("content-type"),
                response.headers.get("www-authenticate"),
                response.content,
                calls[:],
            )
        )
    assert answers[0] == answers[1]


async def test_other_methods_go_to_fastapi() -> None:
    async with AsyncClient(transport=ASGITransport(app=_app(lane=True)), base_url="http://t") as client:
        response = await client.post("/v1/kab/baca")
    assert response.json() == {"tulis": "kab"}


def test_the_lane_takes_only_what_it_can_serve_as_fastapi_would() -> None:
    app = _app(lane=False)
    taken = {route.path for route in app.router.routes if lane_node(route) is not None}  # type: ignore[attr-defined]
    assert taken == {
        "/v1/{tenant}/baca",  # the GET one; the POST is FastAPI's
        "/v1/{tenant}/akun",
        "/v1/{tenant}/{nama}/rinci",
        "/v1/{tenant}/khusus/rinci",
        "/v1/{tenant}/angka/{nomor}",
    }
    # Not: a response model to serialise (/kamus), a dependency with yield (/yield).


async def test_dependency_overrides_send_every_request_to_fastapi() -> None:
    app = _app(lane=False)
    app.add_middleware(FastLane, fastapi=app)

    async def _lain(tenant: str) -> str:
        return "GANTI"

    app.dependency_overrides[_daerah] = _lain
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/v1/kab/baca")).json()["daerah"] == "GANTI"

"""Problem+json in Bahasa Indonesia for every failure, and the body limit."""

from __future__ import annotations

import asyncio

import httpx
import uvicorn
from fastapi import FastAPI
from puja_kit.app import BodyLimitMiddleware
from puja_kit.errors import Conflict, install_error_handlers
from puja_kit.infra import free_port
from pydantic import BaseModel


class Body(BaseModel):
    nama: str
    umur: int


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=1000)

    @app.post("/isi")
    async def isi(body: Body) -> dict[str, str]:
        return {"ok": body.nama}

    @app.post("/konflik")
    async def konflik() -> None:
        raise Conflict("Sudah ada.")

    @app.get("/rusak")
    async def rusak() -> None:
        raise RuntimeError("bug")

    return app


async def call(method: str, path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_validation_errors_name_each_field_in_indonesian() -> None:
    response = await call("POST", "/isi", json={"umur": "tua"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "data_tidak_valid"
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "nama": "wajib diisi",
        "umur": "harus berupa bilangan bulat",
    }


async def test_malformed_json_is_a_problem_not_a_crash() -> None:
    response = await call("POST", "/isi", content=b"{nama:", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "JSON tidak valid"


async def test_domain_errors_keep_their_status_and_code() -> None:
    response = await call("POST", "/konflik")
    assert response.status_code == 409
    assert response.json() == {
        "type": "https://pujaindah.go.id/masalah/konflik",
        "title": "Data sudah ada",
        "status": 409,
        "code": "konflik",
        "detail": "Sudah ada.",
        "instance": "/konflik",
    }


async def test_unknown_paths_and_methods() -> None:
    assert (await call("GET", "/tidak-ada")).json()["title"] == "Alamat tidak ditemukan"
    assert (await call("GET", "/isi")).status_code == 405


async def test_an_oversized_body_is_refused_before_it_is_read() -> None:
    response = await call("POST", "/isi", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "permintaan_terlalu_besar"


async def test_an_oversized_chunked_body_is_refused_too() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 500

    response = await call("POST", "/isi", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_a_bug_is_a_500_problem_without_internals() -> None:
    response = await call("GET", "/rusak")
    assert response.status_code == 500
    assert response.json()["title"] == "Terjadi kesalahan pada server"
    assert "bug" not in response.text


async def test_after_a_bug_the_connection_serves_the_next_request() -> None:
    """Under a real server: the gateway keeps its connections to a service open, and a connection closed
    after a 500 made it answer the next request on it with 502."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(), host="127.0.0.1", port=port, log_level="critical"))
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        answers = []
        for path in ("/rusak", "/tidak-ada"):
            writer.write(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            answers.append(head.split(b"\r\n")[0])
            await asyncio.sleep(0.1)  # the server closed at once when it did
        writer.close()
        assert answers == [b"HTTP/1.1 500 Internal Server Error", b"HTTP/1.1 404 Not Found"]
    finally:
        server.should_exit = True
        await serving


async def test_text_the_database_cannot_hold_is_a_422_not_a_500(kit_db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    app = FastAPI()
    install_error_handlers(app)

    @app.post("/simpan")
    async def simpan(body: Body) -> dict[str, str]:
        async with kit_db() as session:
            await session.execute(
                text("INSERT INTO applied (event_id, note) VALUES ('x', :n)"), {"n": body.nama}
            )
            await session.execute(text("SELECT cast(:t AS time with time zone)"), {"t": "10:38:33+20:01"})
        return {"ok": "ya"}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for nama in ("a\\u0000b", "S\\udaab", "biasa"):
            response = await client.post(
                "/simpan",
                content=f'{{"nama": "{nama}", "umur": 1}}',
                headers={"content-type": "application/json"},
            )
            assert response.status_code == 422, nama
            assert response.json()["code"] == "data_tidak_valid"


async def test_a_race_caught_by_a_constraint_is_a_409(kit_db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    app = FastAPI()
    install_error_handlers(app)

    @app.post("/catat")
    async def catat() -> dict[str, str]:
        async with kit_db() as session:
            insert = "INSERT INTO inbox_event (event_id, consumer, type) VALUES ('e1', 'c', 't')"
            await session.execute(text(insert))
            await session.execute(text(insert))
        return {"ok": "ya"}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/catat")
    assert response.status_code == 409
    assert response.json()["code"] == "konflik"

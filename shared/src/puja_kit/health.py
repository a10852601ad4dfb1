"""/healthz (the process is alive) and /readyz (database, bus and migrations at head)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from puja_kit.bus import BusUnavailable
from puja_kit.migrations import current_revisions

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    checks: dict[str, Any] = {}
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        revisions = await current_revisions(state.engine)
        checks["migrations"] = "ok" if revisions == state.migration_heads else "tertinggal"
    except Exception as exc:
        checks["database"] = f"gagal: {type(exc).__name__}"
    try:
        await state.bus.client()
        checks["bus"] = "ok"
    except BusUnavailable:
        checks["bus"] = "terputus"
    checks["outbox_backlog"] = await state.relay.backlog() if checks.get("database") == "ok" else None
    ready = (
        all(checks[k] == "ok" for k in ("database", "migrations", "bus") if k in checks) and len(checks) >= 4
    )
    return JSONResponse(
        {"status": "siap" if ready else "belum_siap", "checks": checks}, 200 if ready else 503
    )

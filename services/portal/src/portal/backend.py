"""The services behind the portal, called through the gateway's internal entrypoint (backend-for-frontend).

Every call carries the person's access token (from their session) and their address, so the services'
access rules, throttles and audit logs see the person, not the portal. A problem+json answer becomes a
`Masalah` that the page shows in its own words; an unreachable service becomes `TakTerjangkau`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from fastapi import Request


class Masalah(Exception):
    """A service refused: status, stable code, its Indonesian detail and the fields at fault."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.code = str(body.get("code") or "")
        self.title = str(body.get("title") or "Permintaan tidak dapat diproses")
        self.detail = str(body.get("detail") or self.title)
        self.errors: list[dict[str, Any]] = list(body.get("errors") or [])
        super().__init__(self.detail)

    def field(self, name: str) -> str | None:
        """The message for one form field, if the service named it."""
        for error in self.errors:
            if str(error.get("field", "")).split(".")[-1] == name:
                return str(error.get("message"))
        return None


class TakTerjangkau(Exception):
    """The service did not answer (down, restarting, or the network between)."""


class Backend:
    """One page's calls, as one person. `token` is None for someone not signed in."""

    def __init__(self, client: httpx.AsyncClient, *, token: str | None, address: str | None) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if address:
            self.headers["X-Forwarded-For"] = address

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        headers = dict(self.headers)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = await self.client.request(
                method,
                path,
                params={k: v for k, v in (params or {}).items() if v not in (None, "")},
                json=json,
                data=data,
                files=files,
                headers=headers,
            )
        except httpx.TransportError as exc:
            raise TakTerjangkau(str(exc)) from exc
        if response.status_code >= 400:
            if response.status_code in (502, 503, 504):
                raise TakTerjangkau(f"{response.status_code} {path}")
            try:
                body = response.json()
            except ValueError:
                body = {"detail": response.text[:200] or None}
            raise Masalah(response.status_code, body if isinstance(body, dict) else {})
        return response

    async def get(self, path: str, **params: Any) -> Any:
        return (await self.call("GET", path, params=params)).json()

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        response = await self.call("POST", path, json=json, **kwargs)
        return response.json() if response.content else None

    async def put(self, path: str, json: Any = None) -> Any:
        response = await self.call("PUT", path, json=json)
        return response.json() if response.content else None

    async def patch(self, path: str, json: Any = None) -> Any:
        response = await self.call("PATCH", path, json=json)
        return response.json() if response.content else None

    async def delete(self, path: str) -> None:
        await self.call("DELETE", path)


def client_address(request: Request) -> str | None:
    """The person's address as the gateway told this app (believed from trusted proxies only)."""
    return request.client.host if request.client else None

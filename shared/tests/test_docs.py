"""Every service's /api/<prefix>/docs works without internet: Swagger UI's files come from the service."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from fastapi import APIRouter
from puja_kit.app import create_service_app
from puja_kit.settings import BaseServiceSettings


async def test_the_docs_page_loads_swagger_ui_from_the_service_itself(tmp_path: Path) -> None:
    settings = BaseServiceSettings(environment="test", service_name="contoh", run_background=False)
    app = create_service_app(
        settings,
        prefix="contoh",
        title="Contoh",
        routers=[APIRouter()],
        migrations_path=tmp_path,
        uses_tenants=False,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/api/contoh/docs")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        assert not re.search(r"https?://", html), "the page names no outside address (no CDN)"

        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        js = [s for s in sources if s.endswith(".js")]
        css = [s for s in sources if s.endswith(".css")]
        assert js and css
        for url in [*js, *css, *[s for s in sources if s.endswith(".png")]]:
            # Under the service's own prefix, so the gateway routes it to the service.
            assert url.startswith("/api/contoh/"), url
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000, url
        bundle = (await client.get(js[0])).text
        assert "SwaggerUIBundle" in bundle

        assert "'/api/contoh/openapi.json'" in html
        spec = (await client.get("/api/contoh/openapi.json")).json()
        assert "/api/contoh/docs" not in spec["paths"], "the page is no API operation"

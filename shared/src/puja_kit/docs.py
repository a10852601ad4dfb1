"""Swagger UI at /api/<prefix>/docs from files the service serves itself, so it works without internet.

FastAPI's own page loads swagger-ui-dist from a CDN. The fastapi-offline wheel ships the same
swagger-ui-dist 5 files (5 is the first to read OpenAPI 3.1, which FastAPI writes; swagger-ui-bundle
stops at 4.15); they are mounted at /api/<prefix>/docs-assets/, inside the prefix the gateway routes
to the service.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS_PACKAGE = ("fastapi_offline", "static")


def install_docs(app: FastAPI, *, prefix: str, title: str) -> None:
    """Serve Swagger UI at /api/<prefix>/docs for `app.openapi_url`, with every asset local.

    The app is built with `docs_url=None`, so FastAPI adds no page of its own.
    """
    assets = f"/api/{prefix}/docs-assets"
    app.mount(assets, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")
    # Swagger UI would otherwise ask validator.swagger.io about the document.
    parameters: dict[str, Any] = {**(app.swagger_ui_parameters or {}), "validatorUrl": None}

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets}/favicon.png",
            swagger_ui_parameters=parameters,
        )

    # A plain route, not an API operation: it stays out of the OpenAPI document and the access rules.
    app.add_route(f"/api/{prefix}/docs", swagger_ui, methods=["GET"], include_in_schema=False)

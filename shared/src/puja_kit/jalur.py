"""The fast lane: a service's GET routes that answer with their own Response, served without FastAPI's
per-request machinery.

Measured on the staff resident list (one uvicorn worker, in-process, per request): FastAPI 0.165's
route handling, dependency solving and middleware around a read cost about as much as the read itself
(~0.7 ms of ~1.3 ms), most of it per-request bookkeeping (cache keys, scope contexts, callable
classification, one pydantic call per parameter) that does not depend on the request. The lane does
what that machinery does for the routes it can take, with the route's own declarations:

- the route is the one the router would pick: the app's routes are tried in their order with their
  own path patterns, and the first that matches the path and takes GET decides: the lane serves it
  only if it is a lane route;
- the endpoint's dependencies are FastAPI's own `Dependant` tree, solved in the same order, each
  dependency called once per request (FastAPI's cache), each parameter validated by FastAPI's own
  per-field step (so a bad value is the same 422), with what FastAPI looks up per request (aliases,
  whether a query parameter is a list) looked up once per route;
- an error raised on the way is answered by the app's own exception handlers (the problem+json
  responses); anything else goes up to UnexpectedErrorMiddleware, as from FastAPI.

A route is a lane route when FastAPI would do nothing with its endpoint's result (the endpoint returns a
`Response`: a read-path JSON body, a feed, a file) and every dependency is an `async def` function or
callable taking only path, query and header parameters, the request, or other such dependencies (no
body, no `yield`, no BackgroundTasks or Response parameter, no security scopes). Everything else, and
every request while `app.dependency_overrides` is set (the tests' seams), goes to FastAPI as before.
The OpenAPI document is FastAPI's: the lane changes nothing in it.

The lane uses a few of FastAPI's private helpers (pinned by uv.lock); shared/tests/test_jalur.py
compares its answers with FastAPI's, byte for byte, on valid and invalid requests, so an upgrade that
changes them fails there.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi._compat import ModelField, Undefined, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import (
    _get_param_aliases,
    _get_param_model,
    _is_json_field,
    _validate_value_with_model_field,
)
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import Headers, ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

LANE_METHOD = "GET"


@dataclass(frozen=True)
class _Entry:
    """One of the app's routes, in the router's order: its pattern, and the lane route if it is one."""

    pattern: re.Pattern[str]
    # The methods it answers (None: any, as a mount); the lane route and its endpoint if it is one.
    methods: frozenset[str] | None
    route: APIRoute | None
    node: _Node | None


def _eligible_dependant(dependant: Dependant) -> bool:
    if (
        dependant.body_params
        or dependant.cookie_params
        or dependant.background_tasks_param_name
        or dependant.response_param_name
        or dependant.security_scopes_param_name
        or dependant.websocket_param_name
        or dependant.own_oauth_scopes
    ):
        return False
    return all(_eligible_call(sub.call) and _eligible_dependant(sub) for sub in dependant.dependencies)


def _eligible_call(call: Callable[..., Any] | None) -> bool:
    if call is None:
        return False
    if inspect.isasyncgenfunction(call) or inspect.isgeneratorfunction(call):
        return False
    if inspect.iscoroutinefunction(call):
        return True
    # A callable instance (HTTPBearer): its __call__ decides.
    method = getattr(type(call), "__call__", None)  # noqa: B004 (the method, to classify it)
    return (
        not inspect.isfunction(call)
        and not inspect.isclass(call)
        and method is not None
        and inspect.iscoroutinefunction(method)
    )


def lane_node(route: BaseRoute) -> _Node | None:
    """The endpoint of `route` as the lane calls it, or None if the lane cannot serve it (see the
    module's docstring)."""
    if not isinstance(route, APIRoute) or LANE_METHOD not in (route.methods or ()):
        return None
    if not inspect.iscoroutinefunction(route.endpoint):
        return None
    if inspect.signature(route.endpoint).return_annotation not in (Response, "Response"):
        return None
    try:
        return _node(route.dependant)
    except _NotEligible:
        return None


def _entries(app: FastAPI) -> list[_Entry]:
    """The app's routes up to the first the lane cannot place (one without its own path pattern, such
    as a lazily included router): the routes after it are left to FastAPI."""
    entries: list[_Entry] = []
    for route in app.router.routes:
        pattern = getattr(route, "path_regex", None)
        if not isinstance(pattern, re.Pattern):
            break
        methods = getattr(route, "methods", None)
        node = lane_node(route)
        entries.append(
            _Entry(
                pattern,
                frozenset(methods) if methods is not None else None,
                route if node is not None else None,  # type: ignore[arg-type]
                node,
            )
        )
    return entries


@dataclass(frozen=True)
class _Param:
    """A path, query or header parameter, with what FastAPI works out per request worked out once."""

    field: ModelField
    source: str  # "path" | "query" | "header"
    aliases: tuple[str, ...]  # request keys in preference order
    sequence: bool  # read as a list (a repeated query parameter)


@dataclass(frozen=True)
class _Node:
    """A dependency (or the endpoint): what to call, what it takes."""

    call: Callable[..., Any]
    name: str | None
    use_cache: bool
    subs: tuple[_Node, ...]
    params: tuple[_Param, ...]
    request_names: tuple[str, ...]


def _param(field: ModelField, source: str) -> _Param:
    if _get_param_model(field) is not None:
        raise _NotEligible("a parameter model")
    aliases = tuple(alias for _, alias in _get_param_aliases(field))
    sequence = not _is_json_field(field) and field_annotation_is_sequence(field.field_info.annotation)
    return _Param(field, source, aliases, sequence and source != "path")


class _NotEligible(Exception):
    pass


def _node(dependant: Dependant, *, name: str | None = None, use_cache: bool = True) -> _Node:
    if not _eligible_dependant(dependant):
        raise _NotEligible(dependant.path)
    assert dependant.call is not None
    return _Node(
        dependant.call,
        name,
        use_cache,
        tuple(_node(sub, name=sub.name, use_cache=sub.use_cache) for sub in dependant.dependencies),
        tuple(
            _param(field, source)
            for source, fields in (
                ("path", dependant.path_params),
                ("query", dependant.query_params),
                ("header", dependant.header_params),
            )
            for field in fields
        ),
        tuple(n for n in (dependant.request_param_name, dependant.http_connection_param_name) if n),
    )


def _received(param: _Param, request: Request) -> Any:
    """The raw value of `param` in the request, or Undefined (FastAPI's _get_multidict_value)."""
    source: Mapping[str, Any] = (
        request.path_params
        if param.source == "path"
        else request.query_params
        if param.source == "query"
        else request.headers
    )
    alias = next((a for a in param.aliases if a in source), param.aliases[0])
    if param.sequence and isinstance(source, ImmutableMultiDict | Headers):
        value: Any = source.getlist(alias)
        return value if value else Undefined
    value = source.get(alias)
    return Undefined if value is None else value


async def _solve(
    node: _Node, request: Request, cache: dict[Callable[..., Any], Any], errors: list[Any]
) -> dict[str, Any]:
    """The values of `node`'s parameters, as FastAPI's solve_dependencies finds them: dependencies in
    order, each called once per request, then the parameters, each validated as FastAPI does."""
    values: dict[str, Any] = {}
    for sub in node.subs:
        if sub.use_cache and sub.call in cache:
            solved = cache[sub.call]
        else:
            before = len(errors)
            sub_values = await _solve(sub, request, cache, errors)
            if len(errors) > before:
                continue
            solved = await sub.call(**sub_values)
            cache.setdefault(sub.call, solved)
        if sub.name is not None:
            values[sub.name] = solved
    for param in node.params:
        value, wrong = _validate_value_with_model_field(
            field=param.field,
            value=_received(param, request),
            values=values,
            loc=(param.source, param.aliases[0]),
        )
        if wrong:
            errors.extend(wrong)
        else:
            values[param.field.name] = value
    for name in node.request_names:
        values[name] = request
    return values


class FastLane:
    """ASGI middleware: serves the app's lane routes itself and passes every other request on."""

    def __init__(self, app: ASGIApp, fastapi: FastAPI) -> None:
        self.app = app
        self.fastapi = fastapi
        self._routes: list[_Entry] | None = None

    def _table(self) -> list[_Entry]:
        # Built on the first request: every route is added by then (the app is complete once served).
        if self._routes is None:
            self._routes = _entries(self.fastapi)
        return self._routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != LANE_METHOD or self.fastapi.dependency_overrides:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        for entry in self._table():
            match = entry.pattern.match(path)
            if match is None or (entry.methods is not None and LANE_METHOD not in entry.methods):
                continue  # another path, or only a partial match (Starlette goes on looking too)
            if entry.route is None or entry.node is None:
                break  # the router's first choice is not a lane route
            await self._serve(entry.route, entry.node, match, scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _serve(
        self, route: APIRoute, node: _Node, match: re.Match[str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        params = {key: route.param_convertors[key].convert(value) for key, value in match.groupdict().items()}
        scope["path_params"] = {**scope.get("path_params", {}), **params}
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        request = Request(scope, receive, send)
        try:
            errors: list[Any] = []
            values = await _solve(node, request, {}, errors)
            if errors:
                raise RequestValidationError(errors)
            response: Response = await node.call(**values)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        await response(scope, receive, send)

    def _handler(self, exc: Exception) -> Callable[..., Any] | None:
        """The app's handler for `exc`, as Starlette's ExceptionMiddleware finds it (by the exception's
        classes, nearest first); the catch-all `Exception` handler is left to the middleware above."""
        handlers = self.fastapi.exception_handlers
        for cls in type(exc).__mro__:
            if cls is Exception:
                return None
            if cls in handlers:
                return handlers[cls]
        return None

"""Hostile text through the gateway, at every service of the catalog.

Read from each service's OpenAPI, so a new layanan is covered without a line here: every string field
of every JSON body (inside nested objects and lists too), every text query parameter of a read and every
text path parameter of a read is sent blank, with a tab and a newline, with a NUL, with a lone surrogate
(as raw bytes, and as a JSON escape) and 100,000 characters long, by a caller the route admits, on the
demo region. Nothing may answer 5xx (the gateway's 502 included), and what is answered 2xx never holds
a blank name or a control character.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from puja_kit.catalog import load_catalog
from puja_kit.layanan import LAYANAN
from puja_kit.stack import LocalStack

PASSWORD = "pujaindah-demo"
SLUG = "kab-hulu-sungai-utara"  # the demo region
NIK = "6308051708900001"  # demo-warga's
METHODS = ("get", "post", "put", "patch", "delete")
# The demo account that passes each kind of access the routes declare (puja_kit.access), most able first.
ACCOUNT_OF = {
    "operator": "demo-operator",
    "admin_daerah": "demo-admin",
    "warga": "demo-warga",
    "akun": "demo-warga",
    "admin_pusat": "demo-pusat",
    "publik": "demo-warga",
}
PLACEHOLDER = "\ue000hostile\ue000"
# Each variant as it goes into a JSON body (bytes, so a lone surrogate can be sent as it is) and into a URL.
HOSTILE: dict[str, tuple[bytes, str]] = {
    "spasi": (b'"     "', "%20%20%20%20%20"),
    "tab_baris_baru": (b'"Uji\\t\\nCoba"', "Uji%09%0ACoba"),
    "nul": (b'"Uji\\u0000Coba"', "Uji%00Coba"),
    "surrogat_mentah": (b'"Uji\xed\xa0\x80Coba"', "Uji%ED%A0%80Coba"),
    "surrogat_json": (b'"Uji\\ud800Coba"', "Uji%ED%A0%80Coba"),
    # A URL holds at most 64 KiB (httpx refuses more): the query and path variant is shorter.
    "panjang": (b'"' + b"x" * 100_000 + b'"', "x" * 60_000),
}
# At most this many fields per operation, so the run stays short however large the schemas grow.
FIELDS_PER_OPERATION = 8
# Values a pattern of the platform's may ask for, tried in turn for required fields.
PATTERN_SAMPLES = (
    "63.08.05",
    "63.08.05.1001",
    "63.08",
    "63",
    NIK,
    "47111",
    "1234567890123",
    "12",
    "U",
    "081234567890",
    "HIDUP",
    "kabupaten",
    "DIAJUKAN",
)


@dataclass
class Operation:
    service: str
    method: str
    path: str
    spec: dict[str, Any]
    components: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    @property
    def body_schema(self) -> dict[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return self.resolve(schema) if schema is not None else None

    @property
    def kinds(self) -> list[str]:
        return list(self.spec.get("x-puja-akses", []))


def non_null(schema: dict[str, Any], op: Operation) -> dict[str, Any]:
    schema = op.resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [op.resolve(s) for s in schema[key] if op.resolve(s).get("type") != "null"]
            return non_null(options[0], op) if options else schema
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return non_null(schema["allOf"][0], op)
    return schema


def is_text(schema: dict[str, Any]) -> bool:
    """Free text: a string that is no enum and no uuid, date or time."""
    return (
        schema.get("type") == "string"
        and "enum" not in schema
        and "const" not in schema
        and schema.get("format") not in ("uuid", "date", "date-time", "time", "binary")
    )


def sample(schema: dict[str, Any], op: Operation, depth: int = 0) -> Any:
    """A value the schema accepts, as far as one can tell: required fields only."""
    schema = non_null(schema, op)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date":
            return datetime.now(UTC).date().isoformat()
        if fmt == "date-time":
            return datetime.now(UTC).isoformat()
        if fmt == "time":
            return "08:00:00"
        if "pattern" in schema:
            return next((s for s in PATTERN_SAMPLES if re.search(schema["pattern"], s)), "x")
        return "Uji Coba Puja"[: schema.get("maxLength", 100)].ljust(schema.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        high = schema.get("maximum", low)
        return min(max(low, 1), high)
    if kind == "boolean":
        return False
    if kind == "array":
        return [sample(schema.get("items", {}), op, depth + 1)] * schema.get("minItems", 0)
    if kind == "object" and depth < 4:
        properties = schema.get("properties", {})
        return {name: sample(properties[name], op, depth + 1) for name in schema.get("required", [])}
    return None


Location = tuple[str | int, ...]


def text_fields(schema: dict[str, Any], op: Operation, path: Location = ()) -> Iterator[Location]:
    """The location of every free-text value in a body: property names, and 0 for a list's item."""
    schema = non_null(schema, op)
    if is_text(schema):
        yield path
    elif schema.get("type") == "array" and len(path) < 4:
        yield from text_fields(schema.get("items", {}), op, (*path, 0))
    elif schema.get("type") == "object" and len(path) < 4:
        for name, prop in schema.get("properties", {}).items():
            yield from text_fields(prop, op, (*path, name))


def place(body: Any, schema: dict[str, Any], op: Operation, path: Location) -> Any:
    """The body with the placeholder at `path`, filling in the objects and lists on the way."""
    if not path:
        return PLACEHOLDER
    schema = non_null(schema, op)
    head, rest = path[0], path[1:]
    if head == 0:
        inner = schema.get("items", {})
        return [place(sample(inner, op), inner, op, rest)]
    prop = schema.get("properties", {})[head]
    current = body.get(head) if isinstance(body, dict) else None
    if current is None:
        current = sample(prop, op)
    return {**(body or {}), head: place(current, prop, op, rest)}


def encode(body: Any, variant: str) -> bytes:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw.replace(json.dumps(PLACEHOLDER, ensure_ascii=False).encode(), HOSTILE[variant][0])


def suspicious(data: Any, target: str = "", key: str = "") -> list[str]:
    """What a 2xx answer must never hold: a blank name (or a blank `target`, the field just sent), a NUL,
    a tab or another control character."""
    found: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            found += suspicious(v, target, k)
    elif isinstance(data, list):
        for v in data:
            found += suspicious(v, target, key)
    elif isinstance(data, str):
        if ("nama" in key or key == target) and not data.strip():
            found.append(f"{key} kosong")
        if any(c < " " and c != "\n" for c in data) or "\x7f" in data:
            found.append(f"{key} berisi karakter kontrol: {data[:40]!r}")
    return found


@dataclass
class Run:
    client: httpx.AsyncClient
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    fields: int = 0

    async def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Through the gateway, waiting out its per-address rate limit rather than failing on it."""
        for _ in range(50):
            self.requests += 1
            response = await self.client.request(method, url, **kwargs)
            if response.status_code != 429:
                return response
            await asyncio.sleep(float(response.headers.get("retry-after", "0.2") or 0.2))
        raise AssertionError(f"{method} {url}: tetap 429")

    async def login(self, account: str) -> dict[str, str]:
        body = {"username": account, "password": PASSWORD}
        response = await self.send("POST", "/api/akun/v1/login", json=body)
        assert response.status_code == 200, response.text
        self.tokens[account] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return self.tokens[account]

    async def headers(self, account: str) -> dict[str, str]:
        return self.tokens.get(account) or await self.login(account)

    async def caller(self, op: Operation, path: str) -> str:
        """A demo account the route admits: from its declaration (puja_kit.access), or the first one the
        route does not refuse."""
        declared = [account for kind, account in ACCOUNT_OF.items() if kind in op.kinds]
        if declared:
            return declared[0]
        # A list where an object is expected: refused once access is passed, so nothing is changed.
        probe = {} if op.method == "get" else {"json": []}
        for account in dict.fromkeys(ACCOUNT_OF.values()):
            response = await self.send(op.method, path, headers=await self.headers(account), **probe)
            if response.status_code not in (401, 403):
                return account
        return "demo-warga"

    async def row_id(self, op: Operation, operations: list[Operation], name: str, account: str) -> str:
        """An id of a row of the demo region that the route's path names, so the input reaches the
        service's own code, or a random one when no list shows such rows."""
        collection = op.path.split("/{" + name + "}", 1)[0]
        if collection not in self.ids:
            self.ids[collection] = str(uuid.uuid4())
            lists = [o for o in operations if o.method == "get" and o.path == collection]
            if lists:
                url = self.fill(lists[0], {})
                response = await self.send("GET", url, headers=await self.headers(account))
                data = response.json() if response.status_code == 200 else None
                items = data.get("items", []) if isinstance(data, dict) else data or []
                found = [str(i["id"]) for i in items if isinstance(i, dict) and "id" in i]
                if found:
                    self.ids[collection] = found[0]
        return self.ids[collection]

    def fill(self, op: Operation, values: dict[str, str]) -> str:
        path = op.path
        for param in op.spec.get("parameters", []):
            if param["in"] != "path":
                continue
            name, schema = param["name"], non_null(param.get("schema", {}), op)
            value = values.get(name)
            if value is None:
                if name in ("tenant", "slug"):
                    value = SLUG
                elif name == "layanan":
                    value = op.service if op.service in LAYANAN else next(iter(LAYANAN))
                elif name == "nik":
                    value = NIK
                else:
                    value = quote(str(sample(schema, op)), safe="")
            path = path.replace("{" + name + "}", value)
        return path

    def judge(self, op: Operation, what: str, variant: str, response: httpx.Response) -> None:
        where = f"{op} {what} [{variant}]"
        self.answers[variant, response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{where}: {response.status_code} {response.text[:200]}")
        elif response.status_code < 300 and "json" in response.headers.get("content-type", ""):
            target = what.rsplit(".", 1)[-1]
            self.failures += [f"{where}: 2xx, {problem}" for problem in suspicious(response.json(), target)]

    async def attack(self, op: Operation, operations: list[Operation]) -> None:
        rng = random.Random(str(op))
        path_ids = [p["name"] for p in op.spec.get("parameters", []) if p["in"] == "path"]
        account = await self.caller(
            op, self.fill(op, {n: str(uuid.uuid4()) for n in path_ids if n.endswith("_id")})
        )
        ids = {n: await self.row_id(op, operations, n, account) for n in path_ids if n.endswith("_id")}
        url = self.fill(op, ids)

        async def call(target: str = url, content: bytes | None = None) -> httpx.Response:
            for _ in range(2):
                headers = await self.headers(account)
                if content is not None:
                    headers = {**headers, "Content-Type": "application/json"}
                response = await self.send(op.method, target, headers=headers, content=content)
                if response.status_code != 401:
                    break
                await self.login(account)  # the session ended (a logout): once more, signed in again
            return response

        schema = op.body_schema
        if schema is not None:
            fields = list(text_fields(schema, op))
            for location in sorted(rng.sample(fields, min(len(fields), FIELDS_PER_OPERATION)), key=str):
                self.fields += 1
                body = place(sample(schema, op), schema, op, location)
                for variant in HOSTILE:
                    response = await call(content=encode(body, variant))
                    self.judge(op, ".".join(str(p) for p in location if p != 0), variant, response)
        if op.method != "get":
            return
        for param in op.spec.get("parameters", []):
            if param["in"] not in ("query", "path") or not is_text(non_null(param.get("schema", {}), op)):
                continue
            if param["name"] in ("tenant", "slug"):
                continue
            for variant, (_, in_url) in HOSTILE.items():
                if param["in"] == "query":
                    target = f"{url}?{param['name']}={in_url}"
                else:
                    target = self.fill(op, {**ids, param["name"]: in_url})
                self.judge(op, f"{param['in']}.{param['name']}", variant, await call(target))


async def operations_of_the_catalog(run: Run) -> list[Operation]:
    found: list[Operation] = []
    for entry in load_catalog().services:
        response = await run.send("GET", f"/api/{entry.prefix}/openapi.json")
        assert response.status_code == 200, f"{entry.name}: {response.status_code}"
        spec = response.json()
        components = spec.get("components", {}).get("schemas", {})
        for path, item in sorted(spec["paths"].items()):
            if path.startswith(f"/api/{entry.prefix}/v1"):
                for method in METHODS:
                    if method in item:
                        found.append(Operation(entry.name, method, path, item[method], components))
    return found


@pytest.fixture
async def client(platform: LocalStack) -> Any:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield client


async def test_no_hostile_text_gets_a_5xx_or_is_kept(client: httpx.AsyncClient) -> None:
    started = time.monotonic()
    run = Run(client)
    operations = await operations_of_the_catalog(run)
    # The portal (the root service) has no API of its own; its forms reach these same operations.
    assert {o.service for o in operations} == {s.name for s in load_catalog().services if not s.root}
    attacked = [o for o in operations if o.body_schema is not None or o.method == "get"]
    for op in attacked:
        await run.attack(op, operations)
    bodies = [o for o in attacked if o.body_schema is not None and list(text_fields(o.body_schema, o))]
    assert len(bodies) >= len(load_catalog().services), "every service has bodies with text to try"
    for entry in load_catalog().services:  # and every service still answers
        assert (await run.send("GET", f"/api/{entry.prefix}/healthz")).status_code == 200
    elapsed = time.monotonic() - started
    print(
        f"\n{run.requests} permintaan, {len(attacked)} operasi, {run.fields} isian badan, {elapsed:.1f} s:",
        dict(sorted(run.answers.items())),
    )
    assert not run.failures, f"{len(run.failures)} dari {run.requests} permintaan:\n" + "\n".join(
        run.failures
    )

"""Uploaded documents (scans, photos) through one interface: a local folder by default.

Files never go into the database; rows keep the storage key. Types are checked by their content, not by
the name or the header the client sent, and sizes are limited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Protocol

import anyio
from fastapi import Depends, Request

from puja_kit.db import new_id
from puja_kit.errors import InvalidInput, TooLarge

# Magic bytes of the formats a scan or photo may come in.
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    content_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    for signature, content_type in _SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    return None


def check_upload(data: bytes, *, max_bytes: int = MAX_BYTES, allowed: frozenset[str] | None = None) -> str:
    if len(data) > max_bytes:
        raise TooLarge(f"Berkas melebihi {max_bytes // (1024 * 1024)} MB.")
    if not data:
        raise InvalidInput("Berkas kosong.")
    content_type = sniff(data)
    if content_type is None or (allowed is not None and content_type not in allowed):
        raise InvalidInput("Jenis berkas tidak didukung: unggah PDF, JPG atau PNG.")
    return content_type


class Storage(Protocol):
    async def put(self, folder: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> StoredFile: ...

    async def get(self, key: str) -> bytes: ...


def _app_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


# The storage a service opened at startup (`app.state.storage`), for routes that take or serve files.
StorageDep = Annotated[Storage, Depends(_app_storage)]


class LocalStorage:
    """Files under one folder, named by a random id; keys are relative paths."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise InvalidInput("Kunci berkas tidak valid.")
        return path

    async def put(self, folder: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> StoredFile:
        content_type = check_upload(data, max_bytes=max_bytes)
        key = f"{folder}/{new_id()}.{EXTENSIONS[content_type]}"
        path = self._path(key)
        await anyio.Path(path.parent).mkdir(parents=True, exist_ok=True)
        await anyio.Path(path).write_bytes(data)
        return StoredFile(
            key=key, content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest()
        )

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        if not await anyio.Path(path).exists():
            raise InvalidInput("Berkas tidak ditemukan.")
        return await anyio.Path(path).read_bytes()

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from puja_kit.text import Nama
from pydantic import BaseModel, ConfigDict


class ContohCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(min_length=3, max_length=200)]


class ContohRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nama: str

"""Signed test tokens with a real Ed25519 key, verified by the services through a JWKS file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from puja_kit.db import new_id

# The regions the test drivers use (puja_kit.testing.layanan REGION_X, REGION_Y).
TEST_REGIONS = ("63.08", "63.09")


def _proved_in(nik: str, nik_verified: bool | Sequence[str]) -> list[str]:
    """`True`: proved in the test regions and in the NIK's own (its first four digits)."""
    if nik_verified is False:
        return []
    if nik_verified is True:
        return sorted({*TEST_REGIONS, f"{nik[:2]}.{nik[2:4]}"})
    return list(nik_verified)


class TokenFactory:
    def __init__(
        self, folder: Path, *, issuer: str = "puja-indah/akun", audience: str = "puja-indah"
    ) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = "test-key"
        self.issuer = issuer
        self.audience = audience
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "EdDSA", "use": "sig"})
        self.jwks_path = folder / "jwks.json"
        self.jwks_path.write_text(json.dumps({"keys": [jwk]}))

    @property
    def jwks_url(self) -> str:
        return f"file://{self.jwks_path}"

    def issue(
        self,
        *grants: dict[str, Any],
        sub: UUID | None = None,
        sid: UUID | None = None,
        nik: str | None = None,
        nik_verified: bool | Sequence[str] = True,
        name: str = "Pengguna Uji",
        expires_in: timedelta = timedelta(minutes=15),
        **extra: Any,
    ) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(sub or new_id()),
            "sid": str(sid or new_id()),
            "typ": "access",
            "name": name,
            "grants": list(grants),
            "iat": int(now.timestamp()),
            "exp": int((now + expires_in).timestamp()),
            # A citizen's NIK is taken as proved unless a test says otherwise: nik_verified=False, or the
            # regions (kode) whose records proved it.
            **({"nik": nik, "nik_verified_regions": _proved_in(nik, nik_verified)} if nik else {}),
            **extra,
        }
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, *grants: dict[str, Any], **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issue(*grants, **kwargs)}"}


def grant(
    role: str, tenant: str | None = None, layanan: str | None = None, *, opd: object | None = None
) -> dict[str, Any]:
    claim = {"role": role, "tenant": tenant, "layanan": layanan}
    return claim | ({"opd": str(opd)} if opd is not None else {})

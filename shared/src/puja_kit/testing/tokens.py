"""Signed test tokens with a real Ed25519 key, verified by the services through a JWKS file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from puja_kit.db import new_id


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
        nik_verified: bool = True,
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
            # A citizen's NIK is taken as proved unless a test says otherwise (nik_verified=False).
            **({"nik": nik, "nik_verified": nik_verified} if nik else {}),
            **extra,
        }
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, *grants: dict[str, Any], **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issue(*grants, **kwargs)}"}


def grant(role: str, tenant: str | None = None, layanan: str | None = None) -> dict[str, Any]:
    return {"role": role, "tenant": tenant, "layanan": layanan}

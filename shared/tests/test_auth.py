"""Token verification: only akun's keys, the right audience, unexpired, not logged out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from puja_kit.auth import TokenVerifier
from puja_kit.errors import Unauthorized
from puja_kit.testing.tokens import TokenFactory, grant


def verifier_for(tokens: TokenFactory) -> TokenVerifier:
    return TokenVerifier(tokens.jwks_url, issuer=tokens.issuer, audience=tokens.audience)


async def test_a_valid_token_gives_the_principal_and_its_grants(tmp_path: Path) -> None:
    tokens = TokenFactory(tmp_path)
    principal = await verifier_for(tokens).verify(
        tokens.issue(grant("operator", "63.08", "kesehatan"), nik="6308014107900001")
    )
    assert principal.has("operator", tenant="63.08", layanan="kesehatan")
    assert not principal.has("operator", tenant="63.09")
    assert not principal.has("operator", tenant="63.08", layanan="perizinan")
    assert not principal.has("admin_daerah", tenant="63.08")
    assert principal.nik == "6308014107900001"


@pytest.mark.parametrize(
    "change",
    ["forged", "expired", "audience", "issuer", "alg_none", "refresh_type", "garbage"],
)
async def test_bad_tokens_are_refused(tmp_path: Path, change: str) -> None:
    tokens = TokenFactory(tmp_path)
    verifier = verifier_for(tokens)
    now = datetime.now(UTC)
    claims = {
        "iss": tokens.issuer,
        "aud": tokens.audience,
        "sub": "018f0000-0000-7000-8000-000000000001",
        "sid": "018f0000-0000-7000-8000-000000000002",
        "typ": "access",
        "grants": [],
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    key = tokens.key
    headers = {"kid": tokens.kid}
    if change == "forged":
        key = Ed25519PrivateKey.generate()
    elif change == "expired":
        claims["exp"] = int((now - timedelta(minutes=5)).timestamp())
    elif change == "audience":
        claims["aud"] = "other"
    elif change == "issuer":
        claims["iss"] = "someone-else"
    elif change == "refresh_type":
        claims["typ"] = "refresh"
    if change == "alg_none":
        token = jwt.encode(claims, None, algorithm="none", headers=headers)
    elif change == "garbage":
        token = "bukan.token.sah"
    else:
        token = jwt.encode(claims, key, algorithm="EdDSA", headers=headers)
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_a_logged_out_session_is_refused(tmp_path: Path) -> None:
    tokens = TokenFactory(tmp_path)
    verifier = verifier_for(tokens)
    token = tokens.issue(grant("warga"))
    principal = await verifier.verify(token)
    verifier.revoked.add(principal.sid, datetime.now(UTC) + timedelta(minutes=15))
    with pytest.raises(Unauthorized):
        await verifier.verify(token)

"""Values at rest encrypted with keys derived from a service's secret_key, and keyed lookup hashes.

One `Sealer` per service (its `context` names whose keys they are, so two services with the same secret
still derive different keys): `seal`/`open` with Fernet, `index` an HMAC that finds a row by a value
without storing the value in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr


class SecretKeyMismatch(RuntimeError):
    """Stored values were sealed with another secret_key than the one configured now."""


def derive(secret: SecretStr, context: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"puja-{context}/{purpose}".encode())
    return hkdf.derive(secret.get_secret_value().encode())


class Sealer:
    def __init__(self, secret_key: SecretStr, *, context: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(derive(secret_key, context, "seal")))
        self._index_key = derive(secret_key, context, "index")

    def seal(self, value: bytes) -> str:
        return self._fernet.encrypt(value).decode()

    def open(self, sealed: str) -> bytes:
        try:
            return self._fernet.decrypt(sealed.encode())
        except InvalidToken:
            raise SecretKeyMismatch(
                "data terenkripsi tidak dapat dibuka: secret_key berbeda dari yang dipakai menyimpannya"
            ) from None

    def index(self, value: str) -> str:
        """A stable keyed hash: finds a row by a value without storing the value in the clear."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()

"""Tracking numbers a person can read aloud over the phone: no 0/O, 1/I/L or U, grouped by four."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def tracking_number(prefix: str, groups: int = 2) -> str:
    """For example `KDK-7K3M-9Q2X`: 30^8 (6.5e11) values per prefix, unique per region by constraint."""
    body = "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(groups))
    return f"{prefix}-{body}"

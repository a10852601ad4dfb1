"""Masking personal data for public views and logs (UU 27/2022), the same way in every service."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lokal import partial_mask

if TYPE_CHECKING:
    from puja_kit.auth import Principal
    from puja_kit.tenancy import Tenant

# The audit trail of reads of a citizen's data: one logger and one line format on the whole platform.
audit_logger = logging.getLogger("puja_kit.privasi")


def mask_nik(nik: str) -> str:
    """'6308055203920002' -> '6308********0002'."""
    return str(partial_mask("NIK", nik))


def mask_nama(nama: str) -> str:
    """'Siti Rahmah' -> 'S*** R*****': enough to recognise, not enough to identify."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in nama.split())


def log_akses(principal: Principal, tenant: Tenant, *, nik: str, data: str) -> None:
    """One audit line for a read of the personal data of the citizen `nik` (UU 27/2022): what was read,
    whose (the NIK masked), by which account, in which region and layanan.

    'akses data penduduk 6308********0001 oleh akun 0193... di 63.08 (kependudukan)'
    """
    audit_logger.info(
        "akses data %s %s oleh akun %s di %s (%s)",
        data,
        mask_nik(nik),
        principal.id,
        tenant.kode,
        tenant.layanan,
    )

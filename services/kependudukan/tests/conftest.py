import pytest
from kependudukan.contoh import csv_text
from puja_kit.events.catalog import LayananSettings
from puja_kit.testing.layanan import LayananDriver

from .factories import family_rows, import_csv


@pytest.fixture
def layanan_settings() -> LayananSettings:
    """The regions ask for a KTP and a KK scan with every request and promise 3 working days."""
    return LayananSettings(sla_hari=3, dokumen_wajib=["KTP", "KK"])


@pytest.fixture
async def layanan(layanan: LayananDriver) -> LayananDriver:
    """The kit's `layanan`, with the demo family and their neighbour imported into region X."""
    job = await import_csv(layanan, csv_text(family_rows()))
    assert job["berhasil"] == 5
    return layanan

import pytest
from puja_kit.events.catalog import LayananSettings

from .factories import OPD


@pytest.fixture
def layanan_settings() -> LayananSettings:
    """Regions X and Y promise 5 working days and name their licensing office."""
    return LayananSettings(sla_hari=5, opd_nama=OPD)

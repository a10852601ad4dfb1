"""Pekerjaan umum: damage reports of public works (roads, bridges, drainage, street lights) on the kit's
report lifecycle (SP4N-LAPOR!), with location, photos without GPS, nearby duplicates and the OPD that
acts. The infrastructure inventory, projects and heavy-equipment rental come later."""

# The inventory's and the rental's tables join the service's metadata whenever the service is imported
# (migrations/env.py and tests/test_migrations.py read `pekerjaan_umum.models.Base.metadata`).
from pekerjaan_umum.inventaris import models as _inventaris_models  # noqa: F401
from pekerjaan_umum.sewa import models as _sewa_models  # noqa: F401

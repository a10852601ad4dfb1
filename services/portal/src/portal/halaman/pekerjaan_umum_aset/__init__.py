"""Pekerjaan umum's inventory, projects and heavy-equipment rental in the portal: the public reads the
inventory with the km of road per condition, each item's condition history, the projects and the
machines' calendars; a signed-in citizen books a machine and follows the booking; the staff work the
booking inbox (approve, reject, record the retribusi paid, hand over, take back) with the queue shown.
The region's staff also keep the records: add and edit an asset and link a damage report to it, add a
project, move its status and record its progress, add and edit a machine and set the daily tariffs.

Included by the layanan's page module (portal.halaman.pekerjaan_umum), whose prefix it shares."""

from portal.halaman.pekerjaan_umum_aset import alat, aset, proyek, sewa  # noqa: F401 (their routes)
from portal.halaman.pekerjaan_umum_aset.sewa import milik_saya
from portal.halaman.pekerjaan_umum_aset.umum import router, tautan

__all__ = ["milik_saya", "router", "tautan"]

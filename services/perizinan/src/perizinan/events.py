"""What perizinan does when kependudukan reports a change to a citizen it holds a copy of."""

from __future__ import annotations

from puja_kit.events.envelope import Event
from puja_kit.penduduk import WargaSalinan
from puja_kit.rls import set_tenant
from puja_kit.workflow import PERMOHONAN
from sqlalchemy.ext.asyncio import AsyncSession

from perizinan.models import PermohonanRiwayat
from perizinan.repository import PermohonanRepository, RiwayatRepository


async def on_change(session: AsyncSession, copy: WargaSalinan, event: Event) -> None:
    """A death flags the person's pending applications for an officer; nothing else changes.

    The status stays as it is and nothing is deleted: only an officer may decide, for example, to
    reject an application or to let an heir continue it. The history label stays neutral because the
    public tracking page shows labels (never notes): the cause is in the note.
    """
    if copy.status != "MENINGGAL":
        return
    await set_tenant(session, copy.tenant_id)
    permohonan = PermohonanRepository(session, copy.tenant_id)
    riwayat = RiwayatRepository(session, copy.tenant_id)
    tanggal = copy.tanggal_meninggal.isoformat() if copy.tanggal_meninggal else "tanggal tidak diketahui"
    for obj in await permohonan.pending_of_nik(copy.nik, PERMOHONAN.terminal):
        if obj.pemohon_meninggal:
            continue
        obj.pemohon_meninggal = True
        session.add(obj)
        riwayat.add(
            PermohonanRiwayat(
                tenant_id=copy.tenant_id,
                permohonan_id=obj.id,
                dari=obj.status,
                ke=obj.status,
                aksi="tandai_pemohon_meninggal",
                label="Ditinjau karena perubahan data kependudukan",
                actor_id=None,
                actor_role="sistem",
                catatan=(
                    f"Data kependudukan mencatat pemohon meninggal dunia ({tanggal}). "
                    "Status tidak diubah; petugas perlu meninjau permohonan ini."
                ),
            )
        )
    await session.flush()

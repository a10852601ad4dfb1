"""dokumen kit

The document table takes the kit's shape (puja_kit.workflow.dokumen.DokumenBase), as perizinan's:
`created_at` becomes `diunggah_at`, the `diganti` flag becomes the time `diganti_at` (when the next scan
of the same jenis came, or the scan's own upload time when there is none), the applicant's file name is
kept (`nama_berkas`), a jenis may be 120 characters, and at most one current scan of a jenis per
application (a partial unique index).

Revision ID: c48b80485c8b
Revises: f480f17f6d8a
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'c48b80485c8b'
down_revision: str | None = 'f480f17f6d8a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every region's rows: the migration is no request of one region (puja_kit.rls).
    op.execute("SELECT set_config('puja.semua_daerah', 'on', true)")
    op.alter_column('dokumen', 'created_at', new_column_name='diunggah_at')
    op.alter_column(
        'dokumen',
        'jenis',
        type_=sqlmodel.sql.sqltypes.AutoString(length=120),
        existing_type=sqlmodel.sql.sqltypes.AutoString(length=60),
        existing_nullable=False,
    )
    op.add_column('dokumen', sa.Column('nama_berkas', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
    op.add_column('dokumen', sa.Column('diganti_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        """UPDATE dokumen AS d SET diganti_at = coalesce(
            (SELECT min(n.diunggah_at) FROM dokumen AS n
             WHERE n.permohonan_id = d.permohonan_id AND n.jenis = d.jenis
               AND (n.diunggah_at, n.id) > (d.diunggah_at, d.id)),
            d.diunggah_at)
        WHERE d.diganti"""
    )
    op.drop_column('dokumen', 'diganti')
    # Should two current scans of one jenis exist, the older counts as replaced when the newer came.
    op.execute(
        """UPDATE dokumen AS d SET diganti_at = later.diunggah_at
        FROM (
            SELECT id, lead(diunggah_at) OVER (
                PARTITION BY permohonan_id, jenis ORDER BY diunggah_at, id
            ) AS diunggah_at
            FROM dokumen WHERE diganti_at IS NULL
        ) AS later
        WHERE d.id = later.id AND later.diunggah_at IS NOT NULL"""
    )
    op.create_index(
        'uq_dokumen_berlaku',
        'dokumen',
        ['permohonan_id', 'jenis'],
        unique=True,
        postgresql_where=sa.text('diganti_at IS NULL'),
    )


def downgrade() -> None:
    op.execute("SELECT set_config('puja.semua_daerah', 'on', true)")
    op.drop_index('uq_dokumen_berlaku', table_name='dokumen', postgresql_where=sa.text('diganti_at IS NULL'))
    op.add_column('dokumen', sa.Column('diganti', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute('UPDATE dokumen SET diganti = diganti_at IS NOT NULL')
    op.alter_column('dokumen', 'diganti', server_default=None)
    op.drop_column('dokumen', 'diganti_at')
    op.drop_column('dokumen', 'nama_berkas')
    op.alter_column(
        'dokumen',
        'jenis',
        type_=sqlmodel.sql.sqltypes.AutoString(length=60),
        existing_type=sqlmodel.sql.sqltypes.AutoString(length=120),
        existing_nullable=False,
        postgresql_using='left(jenis, 60)',
    )
    op.alter_column('dokumen', 'diunggah_at', new_column_name='created_at')

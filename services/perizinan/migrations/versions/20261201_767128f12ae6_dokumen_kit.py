"""dokumen kit

The document table takes the kit's shape (puja_kit.workflow.dokumen.DokumenBase), which adds one rule:
at most one current (not replaced) document of a jenis per application, kept by a partial unique index.
Should two current ones exist, the older counts as replaced when the newer was uploaded.

Revision ID: 767128f12ae6
Revises: 9fade2405a17
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '767128f12ae6'
down_revision: str | None = '9fade2405a17'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every region's rows: the migration is no request of one region (puja_kit.rls).
    op.execute("SELECT set_config('puja.semua_daerah', 'on', true)")
    op.execute(
        """UPDATE permohonan_dokumen AS d SET diganti_at = later.diunggah_at
        FROM (
            SELECT id, lead(diunggah_at) OVER (
                PARTITION BY permohonan_id, jenis ORDER BY diunggah_at, id
            ) AS diunggah_at
            FROM permohonan_dokumen WHERE diganti_at IS NULL
        ) AS later
        WHERE d.id = later.id AND later.diunggah_at IS NOT NULL"""
    )
    op.create_index(
        'uq_permohonan_dokumen_berlaku',
        'permohonan_dokumen',
        ['permohonan_id', 'jenis'],
        unique=True,
        postgresql_where=sa.text('diganti_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index(
        'uq_permohonan_dokumen_berlaku',
        table_name='permohonan_dokumen',
        postgresql_where=sa.text('diganti_at IS NULL'),
    )

"""versi daerah

Each region carries a version (`tenant.versi`), bumped in the transaction of every change to the region,
its layanan or its OPDs and sent with every tenant event; the kit's tenant copy (`daerah`,
`layanan_aktif`) keeps it too, so an event older than the copy changes nothing (puja_kit.tenancy).

Revision ID: 1e8bcc4c5803
Revises: 85ca9a3f28dd
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from puja_kit.migrations import add_tenant_versions, drop_tenant_versions

revision: str = '1e8bcc4c5803'
down_revision: str | None = '85ca9a3f28dd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('tenant', sa.Column('versi', sa.Integer(), server_default='0', nullable=False))
    op.alter_column('tenant', 'versi', server_default=None)
    add_tenant_versions()


def downgrade() -> None:
    drop_tenant_versions()
    op.drop_column('tenant', 'versi')

"""aspirasi awal

The kit's tables and the example table; row-level security on region-owned tables is applied by
every upgrade (puja_kit.rls), not written here.

Revision ID: 81a6afd0e553
Revises:
Create Date: 2026-12-01 14:05:20
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from puja_kit.migrations import create_kit_tables, drop_kit_tables

revision: str = '81a6afd0e553'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables()
    op.create_table('contoh',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contoh')),
    sa.UniqueConstraint('tenant_id', 'nama', name=op.f('uq_contoh_tenant_id_nama'))
    )
    op.create_index(op.f('ix_contoh_tenant_id'), 'contoh', ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_contoh_tenant_id'), table_name='contoh')
    op.drop_table('contoh')
    drop_kit_tables()

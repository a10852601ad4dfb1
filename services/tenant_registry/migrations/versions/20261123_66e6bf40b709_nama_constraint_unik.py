"""nama constraint unik

Unique constraints take the kit's naming convention (every column in the name), so autogenerate sees
no difference between the models and the database.

Revision ID: 66e6bf40b709
Revises: 9cb76895b1b9
Create Date: 2026-11-23 20:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '66e6bf40b709'
down_revision: str | None = '9cb76895b1b9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute('ALTER TABLE opd RENAME CONSTRAINT uq_opd_tenant_id TO uq_opd_tenant_id_nama')


def downgrade() -> None:
    op.execute('ALTER TABLE opd RENAME CONSTRAINT uq_opd_tenant_id_nama TO uq_opd_tenant_id')

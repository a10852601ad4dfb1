"""nama constraint unik

Unique constraints take the kit's naming convention (every column in the name), so autogenerate sees
no difference between the models and the database.

Revision ID: 9fade2405a17
Revises: 9d825afb1605
Create Date: 2026-11-23 20:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '9fade2405a17'
down_revision: str | None = '9d825afb1605'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute('ALTER TABLE jenis_izin RENAME CONSTRAINT uq_jenis_izin_tenant_id TO uq_jenis_izin_tenant_id_nama')
    op.execute('ALTER TABLE permohonan RENAME CONSTRAINT uq_permohonan_tenant_id TO uq_permohonan_tenant_id_nomor')


def downgrade() -> None:
    op.execute('ALTER TABLE permohonan RENAME CONSTRAINT uq_permohonan_tenant_id_nomor TO uq_permohonan_tenant_id')
    op.execute('ALTER TABLE jenis_izin RENAME CONSTRAINT uq_jenis_izin_tenant_id_nama TO uq_jenis_izin_tenant_id')

"""nama constraint unik

Unique constraints take the kit's naming convention (every column in the name), so autogenerate sees
no difference between the models and the database.

Revision ID: 7aba0db524fb
Revises: 59d23753a03d
Create Date: 2026-11-23 20:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7aba0db524fb'
down_revision: str | None = '59d23753a03d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute('ALTER TABLE fasilitas RENAME CONSTRAINT uq_fasilitas_tenant_id TO uq_fasilitas_tenant_id_nama')
    op.execute('ALTER TABLE poli RENAME CONSTRAINT uq_poli_fasilitas_id TO uq_poli_fasilitas_id_nama')
    op.execute('ALTER TABLE antrian RENAME CONSTRAINT uq_antrian_poli_id TO uq_antrian_poli_id_tanggal_nomor')


def downgrade() -> None:
    op.execute('ALTER TABLE antrian RENAME CONSTRAINT uq_antrian_poli_id_tanggal_nomor TO uq_antrian_poli_id')
    op.execute('ALTER TABLE poli RENAME CONSTRAINT uq_poli_fasilitas_id_nama TO uq_poli_fasilitas_id')
    op.execute('ALTER TABLE fasilitas RENAME CONSTRAINT uq_fasilitas_tenant_id_nama TO uq_fasilitas_tenant_id')

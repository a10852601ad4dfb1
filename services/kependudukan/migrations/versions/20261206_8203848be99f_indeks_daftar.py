"""indeks daftar dan pembersihan

The relay's prune DELETEs (outbox published_at, inbox processed_at, idempotency created_at) filter on
indexed columns (puja_kit.migrations.add_prune_indexes; a no-op where create_kit_tables made them).

Staff lists that grow with a region read in an index's order: residents by (tenant_id, nama, nik),
applications by (tenant_id, id) and (tenant_id, status, id); keyset pages (puja_kit.repository).
Name fragments through a pg_trgm GIN index on nama (the extension is created here).

Revision ID: 8203848be99f
Revises: 69f16a856ca4
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

from alembic import op
from puja_kit.migrations import add_prune_indexes, drop_prune_indexes

revision: str = "8203848be99f"
down_revision: str | None = "69f16a856ca4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_prune_indexes()
    op.create_index("ix_penduduk_nama", "penduduk", ["tenant_id", "nama", "nik"])
    # Trusted since Postgres 13: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_penduduk_nama_trgm",
        "penduduk",
        ["nama"],
        postgresql_using="gin",
        postgresql_ops={"nama": "gin_trgm_ops"},
    )
    op.create_index("ix_permohonan_daerah_id", "permohonan", ["tenant_id", "id"])
    op.create_index("ix_permohonan_daerah_status_id", "permohonan", ["tenant_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_permohonan_daerah_status_id", table_name="permohonan")
    op.drop_index("ix_permohonan_daerah_id", table_name="permohonan")
    op.drop_index("ix_penduduk_nama_trgm", table_name="penduduk")
    op.drop_index("ix_penduduk_nama", table_name="penduduk")
    drop_prune_indexes()

"""indeks daftar dan pembersihan

The relay's prune DELETEs (outbox published_at, inbox processed_at, idempotency created_at) filter on
indexed columns (puja_kit.migrations.add_prune_indexes; a no-op where create_kit_tables made them).

The staff list of applications reads in an index's order: (tenant_id, id) and
(tenant_id, status, id); keyset pages (puja_kit.repository).

Revision ID: 476a3217f400
Revises: a02611ba3b37
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

from alembic import op
from puja_kit.migrations import add_prune_indexes, drop_prune_indexes

revision: str = "476a3217f400"
down_revision: str | None = "a02611ba3b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_prune_indexes()
    op.create_index("ix_permohonan_daerah_id", "permohonan", ["tenant_id", "id"])
    op.create_index("ix_permohonan_daerah_status_id", "permohonan", ["tenant_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_permohonan_daerah_status_id", table_name="permohonan")
    op.drop_index("ix_permohonan_daerah_id", table_name="permohonan")
    drop_prune_indexes()

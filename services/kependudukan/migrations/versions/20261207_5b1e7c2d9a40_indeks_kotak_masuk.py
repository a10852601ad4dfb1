"""indeks kotak masuk

The operators' inbox reads applications nearest SLA due date first (GET /permohonan?urut=sla): the open
ones by (tenant_id, sla_jatuh_tempo, id) where selesai_at is null, one status by (tenant_id, status,
sla_jatuh_tempo, id); keyset pages (puja_kit.repository).

Revision ID: 5b1e7c2d9a40
Revises: 8203848be99f
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e7c2d9a40"
down_revision: str | None = "8203848be99f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_permohonan_daerah_sla_terbuka",
        "permohonan",
        ["tenant_id", "sla_jatuh_tempo", "id"],
        postgresql_where=sa.text("selesai_at IS NULL"),
    )
    op.create_index(
        "ix_permohonan_daerah_status_sla", "permohonan", ["tenant_id", "status", "sla_jatuh_tempo", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_permohonan_daerah_status_sla", table_name="permohonan")
    op.drop_index("ix_permohonan_daerah_sla_terbuka", table_name="permohonan")

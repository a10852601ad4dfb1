"""templat jawaban: answers the region's operators saved per layanan

Row-level security on this region-owned table is applied by every upgrade (puja_kit.rls).

Revision ID: 7f3b2a9c4e11
Revises: 5e0a7c1b2d90
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "7f3b2a9c4e11"
down_revision: str | None = "5e0a7c1b2d90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "templat_jawaban",
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("layanan", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("isi", sa.Text(), nullable=False),
        sa.Column("dibuat_oleh", sa.Uuid(), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_templat_jawaban")),
    )
    op.create_index(op.f("ix_templat_jawaban_tenant_id"), "templat_jawaban", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_templat_jawaban_tenant_id"), table_name="templat_jawaban")
    op.drop_table("templat_jawaban")

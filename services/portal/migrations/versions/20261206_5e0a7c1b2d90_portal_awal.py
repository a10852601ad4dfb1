"""portal awal: the kit's tables and the signed-in sessions

Revision ID: 5e0a7c1b2d90
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

from puja_kit.migrations import create_kit_tables, drop_kit_tables

revision: str = "5e0a7c1b2d90"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables()
    op.create_table(
        "sesi",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("akun_id", sa.Uuid(), nullable=False),
        sa.Column("nama", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("grants", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("nik_terbukti_di", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("access_berlaku_sampai", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("berakhir", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sesi")),
    )
    op.create_index(op.f("ix_sesi_akun_id"), "sesi", ["akun_id"], unique=False)
    op.create_index(op.f("ix_sesi_berakhir"), "sesi", ["berakhir"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sesi_berakhir"), table_name="sesi")
    op.drop_index(op.f("ix_sesi_akun_id"), table_name="sesi")
    op.drop_table("sesi")
    drop_kit_tables()

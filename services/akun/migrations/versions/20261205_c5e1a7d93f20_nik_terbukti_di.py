"""nik terbukti di daerah

Revision ID: c5e1a7d93f20
Revises: b7d2c51e9a40
Create Date: 2026-12-05 10:00:00.000000

The regions (kode) whose population record proved the account's NIK. A proof counts only where the
record that proved it lives, so proofs recorded before this revision, whose region akun never stored,
are not carried over: those citizens prove their NIK again in their region (records or counter).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c5e1a7d93f20"
down_revision: str | None = "b7d2c51e9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "akun",
        sa.Column(
            "nik_terbukti_di",
            postgresql.ARRAY(sa.String(length=13)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("akun", "nik_terbukti_di")

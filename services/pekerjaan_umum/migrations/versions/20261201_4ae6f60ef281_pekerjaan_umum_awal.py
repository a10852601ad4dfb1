"""pekerjaan_umum awal

The kit's tables (the layanan's own come in the next revision); row-level security on region-owned
tables is applied by every upgrade (puja_kit.rls), not written here.

Revision ID: 4ae6f60ef281
Revises:
Create Date: 2026-12-01 13:10:16
"""

from collections.abc import Sequence

from puja_kit.migrations import create_kit_tables, drop_kit_tables

revision: str = '4ae6f60ef281'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables()


def downgrade() -> None:
    drop_kit_tables()

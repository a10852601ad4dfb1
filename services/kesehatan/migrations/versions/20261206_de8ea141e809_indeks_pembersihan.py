"""indeks pembersihan

The relay's prune DELETEs (outbox published_at, inbox processed_at, idempotency created_at) filter on
indexed columns (puja_kit.migrations.add_prune_indexes; a no-op where create_kit_tables made them).

Revision ID: de8ea141e809
Revises: a0b1d991d25c
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

from puja_kit.migrations import add_prune_indexes, drop_prune_indexes

revision: str = "de8ea141e809"
down_revision: str | None = "a0b1d991d25c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_prune_indexes()


def downgrade() -> None:
    drop_prune_indexes()

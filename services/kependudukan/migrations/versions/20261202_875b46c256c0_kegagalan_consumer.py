"""kegagalan consumer

The kit's `consumer_failure` (a message's own failures, what the dead-letter limit counts; an outage
counts nothing) and `dead_letter.replayed_at` (set by `puja dead-letter replay`).

Revision ID: 875b46c256c0
Revises: c48b80485c8b
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

from puja_kit.migrations import add_consumer_failures_and_replay, drop_consumer_failures_and_replay

revision: str = '875b46c256c0'
down_revision: str | None = 'c48b80485c8b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_consumer_failures_and_replay()


def downgrade() -> None:
    drop_consumer_failures_and_replay()

"""login throttle, kunci ditarik

Failed logins are counted per (account, address), per account and per address in `login_throttle`
instead of locking the account (`akun.failed_logins` and `akun.locked_until` go); a signing key can be
withdrawn (`signing_key.withdrawn_at`, and `replaced_by` when it was the current one).

Revision ID: b7d2c51e9a40
Revises: 6e5bbc4bbb85
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'b7d2c51e9a40'
down_revision: str | None = '6e5bbc4bbb85'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('wait_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('known_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('forget_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    op.create_index(op.f('ix_login_throttle_forget_at'), 'login_throttle', ['forget_at'], unique=False)
    op.add_column('signing_key', sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('signing_key', sa.Column('replaced_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.drop_column('akun', 'locked_until')
    op.drop_column('akun', 'failed_logins')


def downgrade() -> None:
    op.add_column('akun', sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
    op.add_column('akun', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_column('signing_key', 'replaced_by')
    op.drop_column('signing_key', 'withdrawn_at')
    op.drop_index(op.f('ix_login_throttle_forget_at'), table_name='login_throttle')
    op.drop_table('login_throttle')

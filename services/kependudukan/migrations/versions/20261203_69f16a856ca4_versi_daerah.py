"""versi daerah

The kit's tenant copy (`daerah`, `layanan_aktif`) keeps the registry's version of each region, so an
event older than the copy changes nothing (puja_kit.tenancy).

Revision ID: 69f16a856ca4
Revises: 875b46c256c0
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

from puja_kit.migrations import add_tenant_versions, drop_tenant_versions

revision: str = '69f16a856ca4'
down_revision: str | None = '875b46c256c0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_tenant_versions()


def downgrade() -> None:
    drop_tenant_versions()

"""Row-level security: the second wall behind the repositories' tenant filter, closed by default.

A region-owned table (every `TenantModel` table, and the kit's `warga_salinan`) admits a row only when
the transaction names its region (`set_tenant`), or when the code says outright that it works across
regions (`see_all_regions`: registry lists, logins, housekeeping). With neither, a query sees no rows
and an insert is refused, so a route that forgot its tenant, or code after a mid-request commit, finds
nothing instead of everything.

The policies are not written by hand in migrations: every `alembic upgrade` of a service ends with
`apply_tenant_policies`, which (re)states the policy on each region-owned table that exists, the way
a repeatable migration does.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncSession

TENANT_SETTING = "puja.tenant_id"
ALL_REGIONS_SETTING = "puja.semua_daerah"
POLICY_SQL = (
    f"tenant_id = current_setting('{TENANT_SETTING}', true)"
    f" OR current_setting('{ALL_REGIONS_SETTING}', true) = 'on'"
)
# Region-owned tables of the kit that are not TenantModel subclasses.
KIT_REGION_TABLES = ("warga_salinan",)


async def set_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Scope this transaction to one region: policies admit only its rows until the transaction ends."""
    await session.execute(text(f"SELECT set_config('{TENANT_SETTING}', :t, true)"), {"t": tenant_id})


async def see_all_regions(session: AsyncSession) -> None:
    """Say outright that this transaction works across regions (lists of every region, housekeeping)."""
    await session.execute(text(f"SELECT set_config('{ALL_REGIONS_SETTING}', 'on', true)"))


def tenant_tables(metadata: MetaData) -> list[Table]:
    """The tables of `metadata` mapped by TenantModel subclasses."""
    from puja_kit.db import TenantModel

    found: dict[str, Table] = {}
    pending: list[type] = [TenantModel]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        table = getattr(cls, "__table__", None)
        if isinstance(table, Table) and table.metadata is metadata:
            found[table.name] = table
    return [found[name] for name in sorted(found)]


def apply_tenant_policies(connection: Connection, metadata: MetaData) -> list[str]:
    """Force RLS with the closed policy on every region-owned table that exists; returns their names."""
    names = [t.name for t in tenant_tables(metadata)] + list(KIT_REGION_TABLES)
    existing = [
        name
        for name in names
        if connection.execute(text("SELECT to_regclass(:n)"), {"n": f"public.{name}"}).scalar() is not None
    ]
    for name in existing:
        connection.execute(text(f'ALTER TABLE "{name}" ENABLE ROW LEVEL SECURITY'))
        connection.execute(text(f'ALTER TABLE "{name}" FORCE ROW LEVEL SECURITY'))
        connection.execute(text(f'DROP POLICY IF EXISTS "{name}_tenant" ON "{name}"'))
        connection.execute(
            text(f'CREATE POLICY "{name}_tenant" ON "{name}" USING ({POLICY_SQL}) WITH CHECK ({POLICY_SQL})')
        )
    return existing

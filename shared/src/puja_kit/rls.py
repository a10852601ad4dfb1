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

from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, event, text
from sqlalchemy.ext.asyncio import AsyncSession

TENANT_SETTING = "puja.tenant_id"
ALL_REGIONS_SETTING = "puja.semua_daerah"
POLICY_SQL = (
    f"tenant_id = current_setting('{TENANT_SETTING}', true)"
    f" OR current_setting('{ALL_REGIONS_SETTING}', true) = 'on'"
)
# Run by a superuser in each service database when it is created (puja_kit.infra.ensure_database,
# deploy/postgres/init-databases.sh). Under the policies the planner may evaluate a query's own
# condition before the policy, or inside an index, only if its function is LEAKPROOF: `=`, `<`, `>` on
# text and uuid are, ILIKE's `texticlike` is not, so without this a name search (`nama ILIKE '%q%'`)
# cannot use its pg_trgm index and reads the whole region. texticlike's only errors come from the
# pattern (a trailing escape character), never from the row's value, so it reveals nothing about rows
# the policy hides. Without this step searches stay correct, only slower.
SUPERUSER_SQL = ("ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF",)
# Region-owned tables of the kit that are not TenantModel subclasses.
KIT_REGION_TABLES = ("warga_salinan",)


# session.info key: (the transaction the tenant was set in, the tenant).
_TENANT_SET = "puja.tenant_set"
# Execution option of a connection about to begin: settings its BEGIN states (begin_with_settings).
BEGIN_SETTINGS = "puja_begin_settings"


def _innermost(session: AsyncSession) -> object | None:
    sync = session.sync_session
    return sync.get_nested_transaction() or sync.get_transaction()


def _not_begun(session: AsyncSession) -> bool:
    """Whether the session holds no connection yet: its next statement would begin a transaction."""
    transaction = session.sync_session.get_transaction()
    if transaction is None:
        return True
    # SQLAlchemy says whether a transaction holds a connection only through this attribute.
    connections = getattr(transaction, "_connections", None)
    return isinstance(connections, dict) and not connections


async def _set(session: AsyncSession, name: str, value: str) -> None:
    if _not_begun(session):
        # The setting travels with the BEGIN, in the same round trip (begin_with_settings).
        await session.connection(execution_options={BEGIN_SETTINGS: ((name, value),)})
    else:
        await session.execute(text("SELECT set_config(:n, :v, true)"), {"n": name, "v": value})


async def set_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Scope this transaction to one region: policies admit only its rows until the transaction ends.

    Said before the transaction's first statement, it goes with the BEGIN (no round trip of its own);
    said again for the same region in the same transaction (the tenant dependency, then the service),
    it costs nothing: the setting holds until that transaction (or the savepoint it was made in) ends."""
    done = session.info.get(_TENANT_SET)
    current = _innermost(session)
    if (
        done is not None
        and done[0] is current
        and done[1] == tenant_id
        and getattr(current, "is_active", False)
    ):
        return
    await _set(session, TENANT_SETTING, tenant_id)
    session.info[_TENANT_SET] = (_innermost(session), tenant_id)


async def see_all_regions(session: AsyncSession) -> None:
    """Say outright that this transaction works across regions (lists of every region, housekeeping)."""
    await _set(session, ALL_REGIONS_SETTING, "on")


def _literal(value: str) -> str:
    if "\x00" in value:
        raise ValueError("nilai pengaturan transaksi memuat karakter NUL")
    return "'" + value.replace("'", "''") + "'"


def begin_sql(settings: tuple[tuple[str, str], ...] = ()) -> str:
    """BEGIN and the transaction's settings as one simple-protocol query (one round trip)."""
    return "BEGIN" + "".join(
        f"; SELECT set_config({_literal(name)}, {_literal(value)}, true)" for name, value in settings
    )


def begin_with_settings(engine: Engine) -> None:
    """The engine's connections run in the driver's autocommit mode, and each SQLAlchemy transaction
    starts with an explicit BEGIN that also states the settings the session asked for before its first
    statement (`set_tenant`, `see_all_regions`): the driver's own BEGIN would be a round trip of its own,
    and so would each setting. Commit and rollback go to the driver as before (psycopg sends COMMIT or
    ROLLBACK whenever the server is in a transaction, autocommit or not)."""

    # The settings go from the Connection (its execution options) to the dialect's do_begin, which sends
    # the BEGIN: there a failure (a connection lost meanwhile) is handled like any statement's, wrapped
    # as a DBAPIError and the connection invalidated.
    @event.listens_for(engine, "begin")
    def _settings_of(conn: Connection) -> None:
        conn.connection.info[BEGIN_SETTINGS] = conn.get_execution_options().get(BEGIN_SETTINGS, ())

    def do_begin(dbapi_connection: Any) -> None:
        sql = begin_sql(dbapi_connection.info.pop(BEGIN_SETTINGS, ()))
        dbapi_connection.dbapi_connection.run_async(lambda driver: driver.execute(sql, prepare=False))

    engine.dialect.do_begin = do_begin  # type: ignore[method-assign]


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

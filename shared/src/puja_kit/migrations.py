"""Alembic helpers: one env.py for every service, the kit's own tables, and row-level security."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command, context, op
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from puja_kit.idempotency import IdempotencyRecord
from puja_kit.outbox.models import ConsumerFailure, DeadLetter, InboxEvent, OutboxEvent
from puja_kit.penduduk import WargaSalinan
from puja_kit.rls import apply_tenant_policies
from puja_kit.tenancy import Daerah, LayananAktif

KIT_TABLES: list[type[SQLModel]] = [
    OutboxEvent,
    InboxEvent,
    DeadLetter,
    ConsumerFailure,
    IdempotencyRecord,
    Daerah,
    LayananAktif,
]
# Only for services that keep a copy of citizens (see puja_kit.penduduk).
WARGA_TABLES: list[type[SQLModel]] = [WargaSalinan]
KIT_TABLE_NAMES = {str(model.__tablename__) for model in [*KIT_TABLES, *WARGA_TABLES]}


def alembic_config(migrations_path: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(migrations_path: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_path, database_url), revision)


def heads(migrations_path: Path) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(migrations_path, "postgresql://"))
    return set(script.get_heads())


async def current_revisions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
        return {row[0] for row in rows}


def not_kit_object(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    """The kit's own tables (and their indexes) come from create_kit_tables(), not from autogenerate."""
    table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in KIT_TABLE_NAMES


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: sqlalchemy.url belum diatur")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        # Several replicas may start at once: one migrates, the others wait and then find it done.
        connection.execute(text("SELECT pg_advisory_lock(hashtext('puja-alembic'))"))
        connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            include_object=not_kit_object,
        )
        with context.begin_transaction():
            context.run_migrations()
            # Repeatable: the closed tenant policy on every region-owned table (puja_kit.rls).
            apply_tenant_policies(connection, target_metadata)


def create_kit_tables(*, warga: bool = False) -> None:
    """For a service's first migration: outbox, inbox, dead letters, idempotency, the tenant copy,
    and with `warga=True` the copy of citizens."""
    bind = op.get_bind()
    for model in [*KIT_TABLES, *(WARGA_TABLES if warga else [])]:
        model.__table__.create(bind)  # type: ignore[attr-defined]


def drop_kit_tables(*, warga: bool = False) -> None:
    bind = op.get_bind()
    for model in reversed([*KIT_TABLES, *(WARGA_TABLES if warga else [])]):
        # checkfirst: a later revision's downgrade may already have dropped a table added after the first.
        model.__table__.drop(bind, checkfirst=True)  # type: ignore[attr-defined]


# The first migration creates the kit tables as the models are now; the revisions below bring a database
# made before a change up to date, so each is a no-op on a database made after it.


def add_consumer_failures_and_replay() -> None:
    """`consumer_failure` (what the dead-letter limit counts) and `dead_letter.replayed_at`."""
    bind = op.get_bind()
    ConsumerFailure.__table__.create(bind, checkfirst=True)  # type: ignore[attr-defined]
    op.execute("ALTER TABLE dead_letter ADD COLUMN IF NOT EXISTS replayed_at timestamptz")


def drop_consumer_failures_and_replay() -> None:
    bind = op.get_bind()
    ConsumerFailure.__table__.drop(bind, checkfirst=True)  # type: ignore[attr-defined]
    op.execute("ALTER TABLE dead_letter DROP COLUMN IF EXISTS replayed_at")


def add_tenant_versions() -> None:
    """`versi` on the tenant copy (`daerah`, `layanan_aktif`): the registry's version of the region a
    row was written at (puja_kit.tenancy). Rows copied before carry 0, older than any versioned event."""
    for table in ("daerah", "layanan_aktif"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS versi integer NOT NULL DEFAULT 0")
        # As the model declares it (create_kit_tables): no server default.
        op.execute(f"ALTER TABLE {table} ALTER COLUMN versi DROP DEFAULT")


def drop_tenant_versions() -> None:
    for table in ("daerah", "layanan_aktif"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS versi")


PRUNE_INDEXES = (
    ("ix_outbox_event_published_at", "outbox_event (published_at) WHERE published_at IS NOT NULL"),
    ("ix_inbox_event_processed_at", "inbox_event (processed_at)"),
    ("ix_idempotency_record_created_at", "idempotency_record (created_at)"),
)


def add_prune_indexes() -> None:
    """Indexes on the columns the relay's prune DELETEs filter on (published_at, processed_at,
    created_at): the hourly prune reads only what it removes, not the whole outbox/inbox."""
    for name, target in PRUNE_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_prune_indexes() -> None:
    for name, _target in PRUNE_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def enable_tenant_rls(table: str) -> None:
    """Kept for the revisions that called it; the policy itself is now stated after every upgrade
    (puja_kit.rls.apply_tenant_policies), so new revisions never call this."""
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"""CREATE POLICY {table}_tenant ON {table} USING (
            coalesce(current_setting('puja.tenant_id', true), '') = ''
            OR tenant_id = current_setting('puja.tenant_id', true))"""
    )


def revision(migrations_path: Path, database_url: str, message: str) -> None:
    """Autogenerate a revision against a database at head (used by `puja revision`)."""
    command.revision(alembic_config(migrations_path, database_url), message=message, autogenerate=True)

"""The database's own wall, on the running platform with its demo data: in every service, a query that
names no region sees none of the region-owned rows, and one region's scope sees none of another's."""

from __future__ import annotations

import importlib

from puja_kit import rls
from puja_kit.catalog import load_catalog
from puja_kit.stack import LocalStack
from sqlalchemy import create_engine, inspect, text


def test_no_region_owned_row_is_seen_without_naming_its_region(platform: LocalStack) -> None:
    seen_anywhere = 0
    for entry in load_catalog().services:
        url = platform.service_env(entry)[f"{entry.env_prefix}DATABASE_URL"]
        metadata = importlib.import_module(f"{entry.name}.models").Base.metadata
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                present = set(inspect(conn).get_table_names())
            tables = {t.name for t in rls.tenant_tables(metadata)} | (set(rls.KIT_REGION_TABLES) & present)
            for table in sorted(tables):
                with engine.begin() as conn:
                    unscoped = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                with engine.begin() as conn:
                    conn.execute(text("SELECT set_config('puja.tenant_id', '64.09', true)"))
                    other_region = conn.execute(
                        text(f"SELECT count(*) FROM \"{table}\" WHERE tenant_id <> '64.09'")
                    ).scalar()
                with engine.begin() as conn:
                    conn.execute(text("SELECT set_config('puja.semua_daerah', 'on', true)"))
                    everywhere = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                assert unscoped == 0, f"{entry.name}.{table}: {unscoped} baris terlihat tanpa daerah"
                assert other_region == 0, f"{entry.name}.{table}: baris daerah lain terlihat"
                seen_anywhere += int(everywhere or 0)
        finally:
            engine.dispose()
    assert seen_anywhere > 0, "the demo data is there to be hidden"

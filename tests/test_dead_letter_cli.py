"""`puja dead-letter list|show|replay <service>`: what ops run against a service's own database, with
the service's own handlers."""

from __future__ import annotations

import pytest
from puja_kit.cli import app
from puja_kit.db import new_id
from puja_kit.events.catalog import LayananSettings, TenantLayananEnabled
from puja_kit.events.envelope import make_event
from puja_kit.testing.plugin import Infra
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

EVENT = "puja.tenant_registry.tenant.layanan_enabled"


def test_ops_list_show_and_replay_a_dead_letter_once(
    puja_infra: Infra, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = puja_infra.fresh_database("kesehatan")
    for name, value in {
        "DATABASE_URL": url,
        "NATS_URL": puja_infra.nats.url,
        "ENVIRONMENT": "test",
        "SUBJECT_PREFIX": "dlcli.",
        "JWKS_URL": puja_infra.tokens.jwks_url,
    }.items():
        monkeypatch.setenv(f"PUJA_KESEHATAN_{name}", value)
    event = make_event(
        EVENT,
        TenantLayananEnabled(
            kode="63.08",
            slug="kab-hulu-sungai-utara",
            nama="Kabupaten Hulu Sungai Utara",
            zona_waktu="WITA",
            layanan="kesehatan",
            settings=LayananSettings(),
        ),
        tenant="63.08",
    )
    letter_id = new_id()
    engine = create_engine(url)

    def enabled() -> int:
        with engine.connect() as conn:
            conn.execute(text("SELECT set_config('puja.semua_daerah', 'on', false)"))
            return int(conn.scalar(text("SELECT count(*) FROM layanan_aktif")) or 0)

    try:
        with engine.begin() as conn:
            # What the consumer wrote when the handler failed on every delivery (its cause since fixed).
            conn.execute(
                text(
                    "INSERT INTO dead_letter (id, consumer, event_id, subject, body, error, deliveries)"
                    " VALUES (:id, 'kesehatan__tenant', :event_id, :subject, :body, :error, 5)"
                ),
                {
                    "id": letter_id,
                    "event_id": event.id,
                    "subject": f"dlcli.{EVENT}",
                    "body": event.to_bytes(),
                    "error": "Traceback ...\nValueError: kode wilayah belum dikenal\n",
                },
            )
        cli = CliRunner()

        listed = cli.invoke(app, ["dead-letter", "list", "kesehatan"])
        assert listed.exit_code == 0, listed.output
        assert str(letter_id) in listed.output and "menunggu" in listed.output
        assert "kode wilayah belum dikenal" in listed.output

        shown = cli.invoke(app, ["dead-letter", "show", "kesehatan", str(letter_id)])
        assert shown.exit_code == 0, shown.output
        assert event.id in shown.output and "kesehatan__tenant" in shown.output and "63.08" in shown.output

        missing = cli.invoke(app, ["dead-letter", "show", "kesehatan", str(new_id())])
        assert missing.exit_code == 1 and "tidak ada" in missing.output

        assert enabled() == 0
        replayed = cli.invoke(app, ["dead-letter", "replay", "kesehatan", str(letter_id)])
        assert replayed.exit_code == 0, replayed.output
        assert "diterapkan" in replayed.output
        assert enabled() == 1

        again = cli.invoke(app, ["dead-letter", "replay", "kesehatan", str(letter_id)])
        assert again.exit_code == 0, again.output
        assert "sudah diulang" in again.output
        assert enabled() == 1

        waiting = cli.invoke(app, ["dead-letter", "list", "kesehatan"])
        assert str(letter_id) not in waiting.output
        everything = cli.invoke(app, ["dead-letter", "list", "kesehatan", "--semua"])
        assert str(letter_id) in everything.output and "diulang" in everything.output
    finally:
        engine.dispose()

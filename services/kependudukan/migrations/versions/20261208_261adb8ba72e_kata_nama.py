"""kata nama

The staff search matches whole words of a name (kependudukan.kata): `penduduk_kata` holds each
resident's keys, one row a key, with the name and NIK: every word of the name, and every two of its
words (`kunci_nama`). One word's, or two words', residents in name order are then a range of its
primary key (tenant_id, kata, nama, nik), flat at any size of the region; the table has no other index
(each costs the importer), and the triggers find a record's rows by its keys and name.

Triggers on penduduk keep it in step for every write path (the ORM, the importer's INSERT ... SELECT
from its COPY staging, consumers, SQL by hand). They fire once per statement with transition tables:
a batch of the importer is one INSERT ... SELECT into the word table, not a call per row. The words
come from `kata_nama(text)`, the same rule as kependudukan.kata.words, under the built-in pg_c_utf8
collation so that lower() and [:alpha:] are Unicode's whatever the database's locale.

Name fragments (ILIKE '%q%') are no longer searched: the pg_trgm index on nama goes (the extension
stays, created by 8203848be99f).

Revision ID: 261adb8ba72e
Revises: 5b1e7c2d9a40
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "261adb8ba72e"
down_revision: str | None = "5b1e7c2d9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KATA_NAMA = """
CREATE FUNCTION kata_nama(nama text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT DISTINCT kata
    FROM regexp_split_to_table(
        translate(lower(nama COLLATE "pg_c_utf8"), '''‘’`ʼ', ''), '[^[:alpha:]0-9]+'
    ) AS kata
    WHERE kata <> ''
$$
"""

# A name's keys in penduduk_kata: each word, and each two of its words joined by a space, the smaller
# first in code-point order (COLLATE "C"): two words of a query are then one range of the index too.
KUNCI_NAMA = """
CREATE FUNCTION kunci_nama(nama text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    WITH w AS (SELECT kata FROM kata_nama(nama) AS k(kata))
    SELECT kata FROM w
    UNION ALL
    SELECT a.kata || ' ' || b.kata FROM w AS a JOIN w AS b ON a.kata COLLATE "C" < b.kata COLLATE "C"
$$
"""

TAMBAH = """
CREATE FUNCTION penduduk_kata_tambah() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO penduduk_kata (tenant_id, kata, nama, nik)
    SELECT b.tenant_id, k.kata, b.nama, b.nik FROM baru AS b, kunci_nama(b.nama) AS k(kata);
    RETURN NULL;
END
$$
"""

UBAH = """
CREATE FUNCTION penduduk_kata_ubah() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the rows whose name, NIK or region changed; first every old word, then the new ones (two
    -- residents may swap NIKs in one statement).
    DELETE FROM penduduk_kata AS k
    USING lama AS l JOIN baru AS b ON b.id = l.id, kunci_nama(l.nama) AS o(kata)
    WHERE (l.tenant_id, l.nik, l.nama) IS DISTINCT FROM (b.tenant_id, b.nik, b.nama)
        AND (k.tenant_id, k.kata, k.nama, k.nik) = (l.tenant_id, o.kata, l.nama, l.nik);
    INSERT INTO penduduk_kata (tenant_id, kata, nama, nik)
    SELECT b.tenant_id, k.kata, b.nama, b.nik
    FROM lama AS l JOIN baru AS b ON b.id = l.id, kunci_nama(b.nama) AS k(kata)
    WHERE (l.tenant_id, l.nik, l.nama) IS DISTINCT FROM (b.tenant_id, b.nik, b.nama);
    RETURN NULL;
END
$$
"""

HAPUS = """
CREATE FUNCTION penduduk_kata_hapus() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM penduduk_kata AS k USING lama AS l, kunci_nama(l.nama) AS o(kata)
    WHERE (k.tenant_id, k.kata, k.nama, k.nik) = (l.tenant_id, o.kata, l.nama, l.nik);
    RETURN NULL;
END
$$
"""

KOSONGKAN = """
CREATE FUNCTION penduduk_kata_kosongkan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE penduduk_kata;
    RETURN NULL;
END
$$
"""

TRIGGERS = (
    "CREATE TRIGGER penduduk_kata_tambah AFTER INSERT ON penduduk REFERENCING NEW TABLE AS baru"
    " FOR EACH STATEMENT EXECUTE FUNCTION penduduk_kata_tambah()",
    "CREATE TRIGGER penduduk_kata_ubah AFTER UPDATE ON penduduk REFERENCING OLD TABLE AS lama"
    " NEW TABLE AS baru FOR EACH STATEMENT EXECUTE FUNCTION penduduk_kata_ubah()",
    "CREATE TRIGGER penduduk_kata_hapus AFTER DELETE ON penduduk REFERENCING OLD TABLE AS lama"
    " FOR EACH STATEMENT EXECUTE FUNCTION penduduk_kata_hapus()",
    "CREATE TRIGGER penduduk_kata_kosongkan AFTER TRUNCATE ON penduduk"
    " FOR EACH STATEMENT EXECUTE FUNCTION penduduk_kata_kosongkan()",
)


def upgrade() -> None:
    # Every region's rows: the migration is no request of one region (puja_kit.rls).
    op.execute("SELECT set_config('puja.semua_daerah', 'on', true)")
    op.create_table(
        "penduduk_kata",
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
        sa.Column("kata", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("nama", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("nik", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    )
    op.execute(KATA_NAMA)
    op.execute(KUNCI_NAMA)
    op.execute(
        "INSERT INTO penduduk_kata (tenant_id, kata, nama, nik)"
        " SELECT p.tenant_id, k.kata, p.nama, p.nik FROM penduduk AS p, kunci_nama(p.nama) AS k(kata)"
    )
    # After the backfill: one sort, not an index grown row by row.
    op.create_primary_key("pk_penduduk_kata", "penduduk_kata", ["tenant_id", "kata", "nama", "nik"])
    for function in (TAMBAH, UBAH, HAPUS, KOSONGKAN):
        op.execute(function)
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.drop_index("ix_penduduk_nama_trgm", table_name="penduduk")


def downgrade() -> None:
    op.create_index(
        "ix_penduduk_nama_trgm",
        "penduduk",
        ["nama"],
        postgresql_using="gin",
        postgresql_ops={"nama": "gin_trgm_ops"},
    )
    for name in ("kosongkan", "hapus", "ubah", "tambah"):
        op.execute(f"DROP TRIGGER penduduk_kata_{name} ON penduduk")
        op.execute(f"DROP FUNCTION penduduk_kata_{name}()")
    op.drop_table("penduduk_kata")
    op.execute("DROP FUNCTION kunci_nama(text)")
    op.execute("DROP FUNCTION kata_nama(text)")

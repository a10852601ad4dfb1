"""At a region's scale: the staff lists are keyset pages read in an index's order, with row-level security on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kependudukan.repository import PermohonanRepository
from puja_kit.baca import Query, ReadPool
from puja_kit.db import transaction
from puja_kit.repository import CursorParams, RepositoryBase, encode_cursor
from puja_kit.rls import TENANT_SETTING
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import create_async_engine

from .factories import AYAH, IBU, KAKEK, TETANGGA
from .test_api import request_with_scans

ROWS = 50_000


async def test_the_staff_search_walks_keyset_pages_and_refuses_a_bad_cursor(layanan: LayananDriver) -> None:
    url = layanan.url("/penduduk")
    seen: list[tuple[str, str]] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = await layanan.client.get(url, params=params, headers=layanan.operator_x)
        assert page.status_code == 200, page.text
        body = page.json()
        assert "total" not in body and body["limit"] == 2
        seen += [(r["nama"], r["nik"]) for r in body["items"]]
        if body["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": body["next_cursor"]}
    assert len(seen) == 5 and seen == sorted(seen)

    by_nik = (await layanan.client.get(url, params={"q": TETANGGA}, headers=layanan.operator_x)).json()
    assert [r["nik"] for r in by_nik["items"]] == [TETANGGA] and by_nik["next_cursor"] is None

    for cursor in ["bukan kursor", encode_cursor([AYAH])]:
        refused = await layanan.client.get(url, params={"cursor": cursor}, headers=layanan.operator_x)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["code"] == "kursor_tidak_valid"
        assert problem["title"] == "Kursor halaman tidak valid"
        assert problem["errors"][0]["field"] == "cursor"
    too_many = await layanan.client.get(url, params={"limit": 101}, headers=layanan.operator_x)
    assert too_many.status_code == 422


def _nodes(plan: dict[str, Any], *, subplans: bool = True) -> list[dict[str, Any]]:
    children = [c for c in plan.get("Plans", []) if subplans or c.get("Parent Relationship") != "SubPlan"]
    return [plan, *(n for child in children for n in _nodes(child, subplans=subplans))]


async def test_staff_search_and_list_plans_use_the_indexes_at_50k_residents(
    layanan: LayananDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statements `GET /penduduk` sends on the read path (puja_kit.baca, one statement a page) read
    in index order under the closed row-level security policy (50,000 rows over two regions): no Seq
    Scan, and no Sort, for the first page, a deep page, a word of the name (first and deep page), two
    words, a word nobody has, and a NIK lookup."""
    x = layanan.x.kode
    sm = layanan.svc.sessionmaker
    async with transaction(sm, all_regions=True) as session:
        await session.execute(
            text(
                """INSERT INTO penduduk (id, tenant_id, nik, no_kk, nama, tempat_lahir, tanggal_lahir,
                    jenis_kelamin, alamat, kode_wilayah, status, versi, created_at, updated_at)
                SELECT gen_random_uuid(), CASE WHEN g % 10 = 0 THEN :y ELSE :x END,
                    lpad(g::text, 16, '0'), lpad((g / 4)::text, 16, '8'),
                    (ARRAY['Siti', 'Budi', 'Ahmad', 'Rina', 'Dewi'])[g % 5 + 1] || ' '
                        || (ARRAY['Hasanah', 'Rahman', 'Noor'])[g % 3 + 1] || ' ' || md5(g::text),
                    'Amuntai', DATE '1990-01-01', 'L', 'Jl. Uji', '63.08.05.1001', 'HIDUP', 1, now(), now()
                FROM generate_series(1, :n) AS g"""
            ),
            {"x": x, "y": layanan.y.kode, "n": ROWS},
        )
    vacuum = create_async_engine(sm.kw["bind"].url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with vacuum.connect() as connection:  # as autovacuum would after a large import
        await connection.execute(text("VACUUM (ANALYZE) penduduk, penduduk_kata"))
    await vacuum.dispose()

    # The route's own statement and values, as it hands them to the read pool.
    read_pool: ReadPool = layanan.svc.app.state.read_pool
    sent: list[tuple[str, Query, dict[str, Any]]] = []
    fetch = read_pool.fetch

    async def recording_fetch(tenant: str, query: Query, values: Any) -> list[dict[str, Any]]:
        sent.append((tenant, query, dict(values)))
        return await fetch(tenant, query, values)

    monkeypatch.setattr(read_pool, "fetch", recording_fetch)

    async def route_statement(params: dict[str, str]) -> tuple[str, Query, dict[str, Any]]:
        sent.clear()
        page = await layanan.client.get(layanan.url("/penduduk"), params=params, headers=layanan.operator_x)
        assert page.status_code == 200, page.text
        assert len(sent) == 1, sent  # one statement a page
        return sent[0]

    async def plan(tenant: str, query: Query, values: dict[str, Any]) -> list[dict[str, Any]]:
        """EXPLAIN of the statement as the read pool runs it: read-only, scoped to the region."""
        async with read_pool.pool.connection() as conn:
            await conn.execute("BEGIN READ ONLY")
            await conn.execute("SELECT set_config(%s, %s, true)", (TENANT_SETTING, tenant))
            cursor = await conn.execute(f"EXPLAIN (FORMAT JSON) {query.sql}", query.params(values))
            row = await cursor.fetchone()
        assert row is not None
        found = json.loads(row[0]) if isinstance(row[0], str) else row[0]
        return [found[0]["Plan"]]

    cases: list[tuple[str, dict[str, str], str]] = [
        ("halaman pertama", {}, "ix_penduduk_nama"),
        ("halaman dalam", {"cursor": encode_cursor(["Rina 8", "0"])}, "ix_penduduk_nama"),
        # A word of the name: its range of the word index, in name order (a fifth of the region).
        ("cari nama", {"q": "siti"}, "pk_penduduk_kata"),
        (
            "cari nama, halaman dalam",
            {"q": "siti", "cursor": encode_cursor(["Siti Noor 8", "0"])},
            "pk_penduduk_kata",
        ),
        # Two common words: one key, the pair's range.
        ("cari dua kata", {"q": "siti hasanah"}, "pk_penduduk_kata"),
        # A third word: the two longest words' range, the third checked on each name of it.
        ("cari tiga kata", {"q": "siti hasanah rahman"}, "pk_penduduk_kata"),
        ("cari NIK", {"q": "0000000000012345"}, "uq_penduduk_tenant_id_nik"),
        ("cari nama langka", {"q": "Zulkifli"}, "pk_penduduk_kata"),
    ]
    for label, params, index in cases:
        tenant, query, values = await route_statement(params)
        assert tenant == x and values["tenant"] == x
        top = (await plan(tenant, query, values))[0]
        nodes = _nodes(top)
        kinds = [n["Node Type"] for n in nodes]
        assert "Seq Scan" not in kinds, (label, kinds)
        assert index in [n.get("Index Name") for n in nodes], (label, nodes)
        if label == "cari NIK":
            continue  # sorting what a unique key found costs nothing
        # A page of the list or of a word reads in index order: no sort, but of one name's own words
        # (the third word's check, a SubPlan per name).
        assert "Sort" not in [n["Node Type"] for n in _nodes(top, subplans=False)], (label, kinds)
        assert "Bitmap Heap Scan" not in kinds, (label, kinds)
        if label.startswith("cari"):
            # The word's range drives a nested loop that stops at the page's LIMIT: each resident's
            # row by NIK, never a scan of the region's residents.
            assert "Nested Loop" in kinds, (label, kinds)
            assert "ix_penduduk_nama" not in [n.get("Index Name") for n in nodes], (label, nodes)
        if label == "cari dua kata":
            # Two words are one key of the index: only the residents with both are read.
            scan = next(n for n in nodes if n.get("Index Name") == index)
            assert "hasanah siti" in scan["Index Cond"], scan
        if label in ("halaman dalam", "cari nama, halaman dalam"):
            # The cursor bounds the index scan itself, so a deep page reads only its own rows.
            scan = next(n for n in nodes if n.get("Index Name") == index)
            assert "ROW(" in scan["Index Cond"], scan


async def test_the_inbox_lists_open_applications_nearest_due_date_first_in_keyset_pages(
    layanan: LayananDriver,
) -> None:
    """`urut=sla`: the open applications by due date (a finished one is no one's work), page by page,
    read in the order of ix_permohonan_daerah_sla_terbuka; one status in its own index's order."""
    ids: dict[str, str] = {}
    for nik in (AYAH, IBU, KAKEK, TETANGGA):
        ids[nik] = (await request_with_scans(layanan, nik, {"jenis": "KTP"}))["id"]
    due = {AYAH: "2026-12-20", IBU: "2026-12-10", KAKEK: "2026-12-15", TETANGGA: "2026-12-01"}
    async with transaction(layanan.svc.sessionmaker, all_regions=True) as session:
        for nik, day in due.items():
            await session.execute(
                text(
                    "UPDATE permohonan SET sla_jatuh_tempo = CAST(:day AS date) WHERE id = CAST(:id AS uuid)"
                ),
                {"day": day, "id": ids[nik]},
            )
    url = layanan.url("/permohonan")
    pid = ids[TETANGGA]
    for action, body in (("verifikasi", {}), ("tolak", {"catatan": "Dokumen bukan milik pemohon."})):
        done = await layanan.client.post(f"{url}/{pid}/{action}", json=body, headers=layanan.operator_x)
        assert done.status_code == 200, done.text

    seen: list[str] = []
    params: dict[str, Any] = {"urut": "sla", "limit": 1}
    while True:
        page = await layanan.client.get(url, params=params, headers=layanan.operator_x)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += [i["id"] for i in body["items"]]
        if body["next_cursor"] is None:
            break
        params = {"urut": "sla", "limit": 1, "cursor": body["next_cursor"]}
    assert seen == [ids[IBU], ids[KAKEK], ids[AYAH]]

    rejected = (
        await layanan.client.get(url, params={"urut": "sla", "status": "DITOLAK"}, headers=layanan.operator_x)
    ).json()
    assert [i["id"] for i in rejected["items"]] == [pid]
    newest = (await layanan.client.get(url, headers=layanan.operator_x)).json()
    assert len(newest["items"]) == 4
    bad = await layanan.client.get(url, params={"urut": "acak"}, headers=layanan.operator_x)
    assert bad.status_code == 422

    sm = layanan.svc.sessionmaker
    async with sm() as session:
        repo = PermohonanRepository(session, layanan.x.kode)
        deep = RepositoryBase.page_statement(
            repo.listing(status=None, jenis=None, urut="sla"),
            CursorParams(cursor=encode_cursor(["2026-12-10", ids[IBU]])),
        )
        one_status = RepositoryBase.page_statement(
            repo.listing(status="DIAJUKAN", jenis=None, urut="sla"), CursorParams()
        )
    for stmt, index in (
        (deep, "ix_permohonan_daerah_sla_terbuka"),
        (one_status, "ix_permohonan_daerah_status_sla"),
    ):
        async with transaction(sm, tenant=layanan.x.kode) as session:
            # Four rows would be read by a scan; what matters is that the index gives the order.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            connection = await session.connection()
            compiled = stmt.compile(dialect=connection.dialect)
            driver = (await connection.get_raw_connection()).driver_connection
            async with driver.cursor() as cursor:
                await cursor.execute(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
                row = await cursor.fetchone()
        found = json.loads(row[0]) if isinstance(row[0], str) else row[0]
        nodes = _nodes(found[0]["Plan"])
        assert "Sort" not in [n["Node Type"] for n in nodes], nodes
        assert index in [n.get("Index Name") for n in nodes], nodes

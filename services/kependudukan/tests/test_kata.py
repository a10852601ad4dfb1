"""The staff search by name matches whole words, in any order, whatever the case; the words of every
resident are kept in step by the database itself, whichever way a record is written."""

from __future__ import annotations

from datetime import date
from typing import Any

from kependudukan.kata import keys, words
from kependudukan.models import Penduduk
from kependudukan.repository import PendudukRepository
from puja_kit.db import transaction
from puja_kit.testing.layanan import LayananDriver
from sqlalchemy import text

from .factories import TETANGGA

# Names that test the rule's edges: apostrophes of every kind, dots and commas, double and outer
# spaces, hyphens, letters outside ASCII (precomposed), capitals, digits, a dotted capital I.
AWKWARD = [
    "Nur'aini",
    "NUR’AINI binti Ma`ruf",
    "Abd. Rahman",
    "Dr. H. M.Yusuf, S.H.",
    "  Siti   Hasanah  ",
    "Siti-Hasanah",
    "ÉLISE Dupont",
    "José Ñoño Zoë",
    "Nguyễn Thị Minh Khai",
    "İBRAHIM",
    "ΣΟΦΙΑ",
    "Raden Ayu 2",
    "Ahmad_Fauzan",
    "...",
    "",
]


async def test_the_database_splits_names_into_the_words_python_splits_queries_into(
    layanan: LayananDriver,
) -> None:
    async with transaction(layanan.svc.sessionmaker, tenant=layanan.x.kode) as session:
        for name in AWKWARD:
            found = (await session.execute(text("SELECT array(SELECT kata_nama(:n))"), {"n": name})).scalar()
            assert sorted(found or []) == sorted(words(name)), name
            stored = (
                await session.execute(text("SELECT array(SELECT kunci_nama(:n))"), {"n": name})
            ).scalar()
            assert sorted(stored or []) == sorted(keys(name)), name
    assert words("Nur'aini Abd. Rahman") == ["nuraini", "abd", "rahman"]
    assert words("ÉLISE élise") == ["élise"]
    assert words("İbrahim") == ["ibrahim"]
    assert keys("Siti Nur Hasanah") == ["siti", "nur", "hasanah", "nur siti", "hasanah siti", "hasanah nur"]


async def _add(layanan: LayananDriver, tenant: str, people: dict[str, str]) -> None:
    """Residents written through the ORM (an INSERT the word triggers see like the importer's)."""
    async with transaction(layanan.svc.sessionmaker, tenant=tenant) as session:
        for nik, nama in people.items():
            session.add(
                Penduduk(
                    tenant_id=tenant,
                    nik=nik,
                    no_kk="6308050101100077",
                    nama=nama,
                    tempat_lahir="Amuntai",
                    tanggal_lahir=date(1990, 1, 1),
                    jenis_kelamin="P",
                    alamat="Jl. Uji",
                    kode_wilayah="63.08.05.1001",
                )
            )


HASANAH, NUR_SITI, NURAINI, ELISE = (
    "6308054101900011",
    "6308054101900012",
    "6308054101900013",
    "6308054101900014",
)


async def test_a_name_search_matches_whole_words_in_any_order_and_any_case(layanan: LayananDriver) -> None:
    await _add(
        layanan,
        layanan.x.kode,
        {
            HASANAH: "Siti Hasanah",
            NUR_SITI: "Nur Siti",
            NURAINI: "Nur'aini Abd. Rahman",
            ELISE: "ÉLISE Dupont",
        },
    )
    await _add(layanan, layanan.y.kode, {HASANAH: "Siti Hasanah"})  # another region's: never seen

    async def names(q: str, **params: Any) -> list[str]:
        found = await layanan.client.get(
            layanan.url("/penduduk"), params={"q": q, **params}, headers=layanan.operator_x
        )
        assert found.status_code == 200, found.text
        return [r["nama"] for r in found.json()["items"]]

    # A whole word, anywhere in the name, in name order; the imported neighbour (COPY) too.
    assert await names("siti") == ["Nur Siti", "Siti Hasanah", "Siti Tetangga"]
    assert await names("SiTi") == await names("siti")
    assert await names("tetangga") == ["Siti Tetangga"]
    # A fragment is no word.
    for fragment in ("sit", "iti", "hasan", "anah siti", "ur'ain"):
        assert await names(fragment) == [], fragment
    # Every word must be there, in any order; words may repeat or be separated by anything.
    assert await names("hasanah siti") == ["Siti Hasanah"]
    assert await names("Siti, Hasanah.") == ["Siti Hasanah"]
    assert await names("siti siti  HASANAH") == ["Siti Hasanah"]
    assert await names("siti nur") == ["Nur Siti"]
    assert await names("siti rahman") == []
    assert await names("nuraini abd siti") == []  # a third word is required too
    # Apostrophes are dropped, dots separate, letters outside ASCII fold like the rest.
    for q in (
        "nuraini",
        "Nur'aini",
        "NUR’AINI",
        "abd rahman",
        "Abd.",
        "rahman nuraini",
        "rahman abd nuraini",
    ):
        assert await names(q) == ["Nur'aini Abd. Rahman"], q
    assert await names("nur") == ["Nur Siti"]
    assert await names("élise") == ["ÉLISE Dupont"]
    assert await names("Élise DUPONT") == ["ÉLISE Dupont"]
    assert await names("elise") == []  # an accent is part of the letter

    # Keyset pages of a word, one at a time, in the same order.
    seen: list[str] = []
    params: dict[str, Any] = {"q": "siti", "limit": 1}
    while True:
        page = await layanan.client.get(layanan.url("/penduduk"), params=params, headers=layanan.operator_x)
        body = page.json()
        seen += [r["nama"] for r in body["items"]]
        if body["next_cursor"] is None:
            break
        params = {"q": "siti", "limit": 1, "cursor": body["next_cursor"]}
    assert seen == ["Nur Siti", "Siti Hasanah", "Siti Tetangga"]
    # The other filters still apply to a name search.
    assert await names("siti", status="MENINGGAL") == []
    assert await names("siti", kode_wilayah="63.08.05.1001") == ["Nur Siti", "Siti Hasanah", "Siti Tetangga"]


async def test_a_query_without_a_word_is_refused_in_bahasa_indonesia(layanan: LayananDriver) -> None:
    for q in ("...", "'", " - "):
        refused = await layanan.client.get(
            layanan.url("/penduduk"), params={"q": q}, headers=layanan.operator_x
        )
        assert refused.status_code == 422, (q, refused.text)
        problem = refused.json()
        assert problem["errors"][0]["field"] == "q"
        assert "sedikitnya satu kata" in problem["errors"][0]["message"]


async def test_the_words_follow_every_write_of_a_record(layanan: LayananDriver) -> None:
    await _add(layanan, layanan.x.kode, {HASANAH: "Siti Hasanah", NUR_SITI: "Nur Siti"})

    async def niks(q: str) -> list[str]:
        found = await layanan.client.get(
            layanan.url("/penduduk"), params={"q": q}, headers=layanan.operator_x
        )
        assert found.status_code == 200, found.text
        return [r["nik"] for r in found.json()["items"]]

    # A correction of the name (the ORM, as an approved PERBAIKAN_DATA writes it): the new words only.
    async with transaction(layanan.svc.sessionmaker, tenant=layanan.x.kode) as session:
        record = await PendudukRepository(session, layanan.x.kode).by_nik(HASANAH)
        assert record is not None
        record.nama = "Siti Aminah"
        record.alamat = "Jl. Baru"
        session.add(record)
    assert await niks("hasanah") == []
    assert await niks("aminah") == [HASANAH]
    assert await niks("siti aminah") == [HASANAH]
    assert await niks("siti") == [NUR_SITI, HASANAH, TETANGGA]  # once each, in the new name's order
    # Another column only: the words stay.
    async with transaction(layanan.svc.sessionmaker, tenant=layanan.x.kode) as session:
        await session.execute(text("UPDATE penduduk SET status = 'PINDAH' WHERE nik = :n"), {"n": NUR_SITI})
    assert await niks("nur") == [NUR_SITI]
    # A record removed (by hand in SQL): its words go with it.
    async with transaction(layanan.svc.sessionmaker, tenant=layanan.x.kode) as session:
        await session.execute(text("DELETE FROM penduduk WHERE nik = :n"), {"n": NUR_SITI})
    assert await niks("nur") == []
    async with transaction(layanan.svc.sessionmaker, tenant=layanan.x.kode) as session:
        left = await session.execute(
            text("SELECT count(*) FROM penduduk_kata WHERE nik = :n"), {"n": NUR_SITI}
        )
        assert left.scalar() == 0

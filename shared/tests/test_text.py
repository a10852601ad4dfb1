"""Text from clients: trimmed, normalised and checked the same way in every schema, query and form."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Form, Query
from puja_kit.errors import install_error_handlers
from puja_kit.text import Kode, Nama, Sandi, Saringan, Teks
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError


class Isian(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nama: Annotated[str, Nama(min_length=3, max_length=20)]
    catatan: Annotated[str, Teks(max_length=50)] | None = None
    kbli: Annotated[str, Kode(r"\d{5}")] | None = None
    sandi: Annotated[str, Sandi()] | None = None


Cari = Annotated[str, Saringan(max_length=10)]
Jenis = Annotated[str, Nama(max_length=10)]


def codes(**fields: Any) -> dict[str, str]:
    try:
        Isian.model_validate({"nama": "Klinik Sehat", **fields})
    except ValidationError as exc:
        return {".".join(map(str, e["loc"])): e["type"] for e in exc.errors()}
    return {}


def test_a_name_is_one_clean_line() -> None:
    assert Isian(nama="  Klinik \u00a0  Sehat\n").nama == "Klinik Sehat"
    assert Isian(nama="Cafe\u0301 Amuntai").nama == "Caf\u00e9 Amuntai"  # NFC: one character, not two
    assert codes(nama="     ") == {"nama": "string_blank"}
    assert codes(nama=" \t\n ") == {"nama": "string_blank"}
    for hostile in (
        "Klinik\t\nSehat",
        "Klinik\x00",
        "Klinik\x1b[31m",
        "Klinik\u202eSehat",
        "Klinik\u2028Sehat",
    ):
        assert codes(nama=hostile) == {"nama": "string_control_character"}, ascii(hostile)
    assert codes(nama="Klinik\ud800") == {"nama": "string_control_character"}  # a lone surrogate
    assert codes(nama="ab") == {"nama": "string_too_short"}
    assert codes(nama="   ab   ") == {"nama": "string_too_short"}  # counted once trimmed
    assert codes(nama="x" * 100_000) == {"nama": "string_too_long"}
    assert Isian(nama=" " * 30 + "Klinik" + " " * 30).nama == "Klinik"  # the limit counts what is kept


def test_free_text_keeps_its_lines_and_nothing_else() -> None:
    assert Isian(nama="Klinik", catatan=" baris satu  \r\nbaris dua\rtiga\n\n").catatan == (
        "baris satu\nbaris dua\ntiga"
    )
    assert (
        Isian(nama="Klinik", catatan="oke \U0001f469\u200d\u2695\ufe0f").catatan
        == "oke \U0001f469\u200d\u2695\ufe0f"
    )
    assert codes(catatan="\n \n") == {"catatan": "string_blank"}
    assert codes(catatan="kolom\tkolom") == {"catatan": "string_control_character"}
    assert codes(catatan="Uji\t\nCoba") == {"catatan": "string_control_character"}
    assert codes(catatan="a\x00") == {"catatan": "string_control_character"}
    assert codes(catatan="x" * 51) == {"catatan": "string_too_long"}


def test_a_code_keeps_its_pattern_with_ascii_digits_only() -> None:
    assert Isian(nama="Klinik", kbli=" 47111 ").kbli == "47111"
    assert codes(kbli="4711") == {"kbli": "string_pattern_mismatch"}
    assert codes(kbli="47111\n1") == {"kbli": "string_control_character"}
    assert codes(kbli="\u0664\u0667\u0661\u0661\u0661") == {"kbli": "string_pattern_mismatch"}  # Arabic-Indic
    assert codes(kbli="  ") == {"kbli": "string_blank"}


def test_a_password_is_kept_as_typed() -> None:
    assert Isian(nama="Klinik", sandi="  rahasia sekali  ").sandi == "  rahasia sekali  "
    assert Isian(nama="Klinik", sandi="Cafe\u0301-rahasia").sandi == "Cafe\u0301-rahasia"  # not normalised
    assert codes(sandi="        ") == {"sandi": "string_blank"}
    assert codes(sandi="rahasia\x00sekali") == {"sandi": "string_control_character"}
    assert codes(sandi="rahasia\ud800sekali") == {"sandi": "string_control_character"}
    assert codes(sandi="pendek") == {"sandi": "string_too_short"}


def test_the_json_schema_states_the_limits() -> None:
    schema = Isian.model_json_schema()["properties"]
    assert schema["nama"] == {"type": "string", "minLength": 3, "maxLength": 20, "title": "Nama"}
    kbli = next(s for s in schema["kbli"]["anyOf"] if s.get("type") == "string")
    assert kbli["pattern"] == r"^(?:\d{5})$"


def test_a_marker_on_an_optional_type_is_a_mistake_caught_at_once() -> None:
    with pytest.raises(TypeError, match="hanya untuk str"):
        TypeAdapter(Annotated[str | None, Nama()])


async def test_queries_and_forms_are_cleaned_and_refused_in_indonesian() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/cari")
    async def cari(q: Annotated[Cari | None, Query()] = None) -> dict[str, str | None]:
        return {"q": q}

    @app.post("/unggah")
    async def unggah(jenis: Annotated[Jenis, Form()]) -> dict[str, str]:
        return {"jenis": jenis}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/cari", params={"q": "  ktp  "})).json() == {"q": "ktp"}
        assert (await client.get("/cari")).json() == {"q": None}
        # An empty search box is no filter; text that no field may hold is refused all the same.
        assert (await client.get("/cari", params={"q": "   "})).json() == {"q": None}
        control = await client.get("/cari", params={"q": "ktp\x00"})
        assert control.status_code == 422
        assert control.json()["errors"] == [
            {
                "field": "query.q",
                "code": "string_control_character",
                "message": "tidak boleh berisi karakter kontrol",
            }
        ]
        blank = await client.post("/unggah", data={"jenis": "   "})
        assert blank.json()["errors"] == [
            {"field": "jenis", "code": "string_blank", "message": "tidak boleh kosong"}
        ]
        assert (await client.post("/unggah", data={"jenis": " KTP "})).json() == {"jenis": "KTP"}
        assert (await client.post("/unggah", data={"jenis": "KTP\t\n"})).json() == {"jenis": "KTP"}
        control = await client.post("/unggah", data={"jenis": "K\tTP"})
        assert control.status_code == 422
        assert control.json()["errors"][0]["message"] == "tidak boleh berisi karakter kontrol"

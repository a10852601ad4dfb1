"""Text from clients, cleaned and checked in one place.

Every text a client sends goes through one of these markers, in a schema or as a Query/Form parameter:

    nama: Annotated[str, Nama(min_length=3, max_length=200)]          # one line: a name, an address
    catatan: Annotated[str, Teks(max_length=2000)] | None = None      # free text, several lines
    kbli: Annotated[str, Kode(r"\\d{5}", max_length=5)]               # a code with its own pattern
    password: Annotated[str, Sandi(min_length=8)]                     # kept exactly as typed
    q: Annotated[Annotated[str, Saringan(max_length=100)] | None, Query()] = None   # blank: no filter
    jenis: Annotated[Annotated[str, Nama(max_length=120)], Form()]

An optional field (a PATCH body's) is `Annotated[str, Nama()] | None`: None stays None, any text is
checked. Services name their recurring ones once (`NamaFasilitas = Annotated[str, Nama(...)]`).

All of them refuse what no field may hold: control characters (NUL, tab, escape, ...), format characters
such as the bidirectional overrides, lone surrogates (which no database or UTF-8 response can carry), and
text that is blank once trimmed. `Nama`, `Saringan` and `Kode` are one line: Unicode NFC, surrounding
whitespace trimmed, inner runs of spaces made one space (`Kode` keeps them; its pattern decides), no line
break inside. `Teks` keeps line breaks (CRLF and CR become LF) and trims each line's end. `Sandi` changes
nothing, so a password is compared as typed.

Lengths are counted after cleaning, in characters. Refusals are pydantic errors that the problem+json
handler renders per field in Bahasa Indonesia (`puja_kit.errors.field_errors`): `string_blank` "tidak
boleh kosong", `string_control_character` "tidak boleh berisi karakter kontrol", and pydantic's own
`string_too_short`, `string_too_long`, `string_pattern_mismatch`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = ["BLANK", "CONTROL", "Kode", "Nama", "Nik", "Sandi", "Saringan", "Teks", "has_control_characters"]

# Error codes, with the Indonesian messages errors.py shows for them.
BLANK = "string_blank"
CONTROL = "string_control_character"

# Zero-width joiners are part of emoji sequences and of some scripts' spelling: fine in free text.
_JOINERS = frozenset("\u200c\u200d")
# Unicode's space separators (Zs): what a line of free text may end with and lose.
_SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _control(value: str, *, newlines: bool = False, joiners: bool = False, format_chars: bool = True) -> bool:
    """Whether `value` holds a character no field takes: C0/C1 controls, line or paragraph separators,
    lone surrogates, and (unless `format_chars` is off) invisible format characters."""
    if value.isprintable():  # the usual case, at C speed
        return False
    for char in value:
        kind = unicodedata.category(char)
        if kind == "Cc" and not (newlines and char == "\n"):
            return True
        if kind == "Cf" and format_chars and not (joiners and char in _JOINERS):
            return True
        if kind in ("Cs", "Zl", "Zp"):
            return True
    return False


def has_control_characters(value: str, *, newlines: bool = False) -> bool:
    """The markers' check, for text that no schema reads (a row of an imported file)."""
    return _control(value, newlines=newlines, joiners=newlines)


def _refuse(code: str) -> PydanticCustomError:
    messages = {BLANK: "tidak boleh kosong", CONTROL: "tidak boleh berisi karakter kontrol"}
    return PydanticCustomError(code, messages[code])


@dataclass(frozen=True, kw_only=True)
class _Text:
    """A marker for `Annotated[str, ...]`: pydantic calls `clean` after checking the value is a string."""

    min_length: int = 1
    max_length: int = 200

    def clean(self, value: str) -> str | None:
        raise NotImplementedError

    def _one_line(self, value: str) -> str:
        value = unicodedata.normalize("NFC", value).strip()
        if _control(value):
            raise _refuse(CONTROL)
        return self._lengths(" ".join(value.split()))

    def _lengths(self, value: str) -> str:
        if not value.strip():
            raise _refuse(BLANK)
        if len(value) < self.min_length:
            raise PydanticCustomError(
                "string_too_short",
                "terlalu pendek",
                {"min_length": self.min_length},
            )
        if len(value) > self.max_length:
            raise PydanticCustomError(
                "string_too_long",
                "terlalu panjang",
                {"max_length": self.max_length},
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if source is not str:
            # `Annotated[str | None, Nama()]` would hand None to `clean`: write `Annotated[str, Nama()] | None`.
            raise TypeError(f"{type(self).__name__} hanya untuk str, bukan {source!r}")
        return core_schema.no_info_after_validator_function(self.clean, core_schema.str_schema())

    def json_schema_extra(self) -> dict[str, Any]:
        return {"minLength": self.min_length, "maxLength": self.max_length}

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), **self.json_schema_extra()}


@dataclass(frozen=True, kw_only=True)
class Nama(_Text):
    """One line of text: a name, a place, an address, a document's number."""

    def clean(self, value: str) -> str:
        return self._one_line(value)


@dataclass(frozen=True, kw_only=True)
class Saringan(_Text):
    """A search term or a list filter in a query: one line like `Nama`, but left blank (`?q=`, an empty
    search box) it means no filter, None, instead of a refusal: `Annotated[str, Saringan()] | None`."""

    def clean(self, value: str) -> str | None:
        return self._one_line(value) if value.strip() else None


@dataclass(frozen=True, kw_only=True)
class Teks(_Text):
    """Free text over several lines: a note, a reason. A tab is refused like any other control character,
    also at a line's end (only the text's own ends are trimmed of every kind of whitespace)."""

    max_length: int = 2000

    def clean(self, value: str) -> str:
        value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
        value = "\n".join(line.rstrip(_SPACES) for line in value.split("\n")).strip()
        if _control(value, newlines=True, joiners=True):
            raise _refuse(CONTROL)
        return self._lengths(value)


@dataclass(frozen=True, kw_only=True)
class Kode(_Text):
    """A code with its own pattern (KBLI, kode wilayah, NIK): one line, trimmed, then matched whole.

    The pattern is matched with ASCII classes: `\\d` is 0-9 only, never another script's digits."""

    pattern: str = field(kw_only=False)
    max_length: int = 60

    def clean(self, value: str) -> str:
        value = unicodedata.normalize("NFC", value).strip()
        if _control(value):
            raise _refuse(CONTROL)
        value = self._lengths(value)
        if not re.fullmatch(self.pattern, value, re.ASCII):
            raise PydanticCustomError(
                "string_pattern_mismatch", "formatnya tidak sesuai", {"pattern": self.pattern}
            )
        return value

    def json_schema_extra(self) -> dict[str, Any]:
        anchored = self.pattern.startswith("^") and self.pattern.endswith("$")
        return {
            **super().json_schema_extra(),
            "pattern": self.pattern if anchored else f"^(?:{self.pattern})$",
        }


@dataclass(frozen=True, kw_only=True)
class Sandi(_Text):
    """A password: never trimmed or normalised (it is compared as typed), but never blank and never
    holding control characters or lone surrogates, which no hash function is given."""

    min_length: int = 8
    max_length: int = 256

    def clean(self, value: str) -> str:
        if _control(value, format_chars=False):
            raise _refuse(CONTROL)
        return self._lengths(value)


# A NIK as kependudukan keeps it: 16 ASCII digits (whether it is a valid one is the service's to say).
Nik = Annotated[str, Kode(r"\d{16}", max_length=16)]

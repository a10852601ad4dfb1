"""Akun's API as citizens, staff and other services meet it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import jwt
import pytest
from akun.models import Akun
from akun.settings import Settings
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from puja_kit.auth import Grant, TokenVerifier
from puja_kit.db import transaction
from puja_kit.outbox.models import OutboxEvent
from puja_kit.testing.tokens import TokenFactory, grant
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import col

if TYPE_CHECKING:
    from conftest import AkunDriver, StartAkun

REGISTER = "/api/akun/v1/register"
LOGIN = "/api/akun/v1/login"
REFRESH = "/api/akun/v1/refresh"
JWKS = "/api/akun/v1/.well-known/jwks.json"
HSU, BALANGAN = "63.08", "63.11"
STAFF_HSU = "/api/akun/v1/kab-hulu-sungai-utara/staff"


def external_verifier(akun: AkunDriver) -> TokenVerifier:
    """Another service's verifier, reading akun's JWKS over HTTP (here in-process)."""
    settings = akun.svc.settings
    return TokenVerifier(
        f"http://akun{JWKS}",
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        min_refetch_seconds=0,
        transport=httpx.ASGITransport(app=akun.svc.app),
    )


async def account_count(akun: AkunDriver) -> int:
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        return int(await session.scalar(select(func.count()).select_from(Akun)) or 0)


async def test_citizen_signs_up_and_logs_in_by_nik_email_or_phone(akun: AkunDriver) -> None:
    created = await akun.register(email="Siti@Example.COM", phone="0812-3456-7890")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["nik"] == "6308********0001"
    assert body["email"] == "siti@example.com"
    assert body["phone"] == "+6281234567890"
    assert body["grants"] == [{"role": "warga", "tenant": None, "layanan": None, "opd_id": None}]
    assert akun.NIK not in created.text

    for username in (
        akun.NIK,
        "6308 0517 0890 0001",
        "SITI@example.com",
        "+62 812 3456 7890",
        "081234567890",
    ):
        tokens = await akun.login(username)
        assert tokens["token_type"] == "bearer"
        assert tokens["expires_in"] == 15 * 60
    me = await akun.me(tokens["access_token"])
    assert me.status_code == 200
    assert me.json()["nama"] == "Siti Aminah"
    assert me.json()["nik"] == "6308********0001"


async def test_sign_up_refusals_are_explained_and_change_nothing(akun: AkunDriver) -> None:
    assert (await akun.register()).status_code == 201
    cases: dict[str, list[tuple[dict[str, Any], str]]] = {
        "nik": [
            ({"nik": "6308"}, "NIK harus 16 angka"),
            ({"nik": "63080517089000AB"}, "NIK harus 16 angka"),
            ({"nik": "6308053208900001"}, "NIK tidak valid: kode wilayah atau tanggal lahirnya tidak sesuai"),
            ({"nik": "9908051708900001"}, "NIK tidak valid: kode wilayah atau tanggal lahirnya tidak sesuai"),
            ({"nik": 6308051708900001}, "harus berupa teks"),
        ],
        "password": [({"password": "pendek"}, "terlalu pendek")],
        "email": [({"email": "bukan-email"}, "alamat e-mail tidak valid")],
        "phone": [({"email": None, "phone": "12345"}, "nomor telepon tidak valid (contoh: 0812-3456-7890)")],
        "nama": [
            ({"nama": "   "}, "tidak boleh kosong"),
            ({"nama": "Siti\tAminah"}, "tidak boleh berisi karakter kontrol"),
        ],
    }
    for field, attempts in cases.items():
        for fields, message in attempts:
            response = await akun.register(**fields)
            assert response.status_code == 422, fields
            assert response.headers["content-type"] == "application/problem+json"
            messages = {e["field"]: e["message"] for e in response.json()["errors"]}
            assert messages[field] == message, response.json()

    no_contact = await akun.register(nik=akun.NIK_2, email=None)
    assert no_contact.status_code == 422
    assert {e["field"] for e in no_contact.json()["errors"]} == {"email", "phone"}

    again = await akun.register(nama="Orang Lain", email="lain@example.com", password="kata-sandi-lain")
    assert again.status_code == 409
    assert again.json()["errors"] == [
        {"field": "nik", "code": "sudah_terdaftar", "message": "NIK ini sudah terdaftar"}
    ]
    same_email = await akun.register(nik=akun.NIK_2, email="SITI@example.com")
    assert same_email.status_code == 409
    assert [e["field"] for e in same_email.json()["errors"]] == ["email"]

    # The first account is untouched: same name, same password.
    assert await account_count(akun) == 1
    tokens = await akun.login(akun.NIK)
    assert (await akun.me(tokens["access_token"])).json()["nama"] == "Siti Aminah"


async def test_an_oversized_body_is_refused(start_akun: StartAkun) -> None:
    akun = await start_akun(max_body_bytes=2_000)
    response = await akun.register(nama="x" * 5_000)
    assert response.status_code == 413
    assert response.json()["code"] == "permintaan_terlalu_besar"
    assert await account_count(akun) == 0


async def test_a_retried_sign_up_returns_the_first_answer(akun: AkunDriver) -> None:
    body = {"nik": akun.NIK, "nama": "Siti Aminah", "email": "siti@example.com", "password": akun.PASSWORD}
    headers = {"Idempotency-Key": "daftar-siti-0001"}
    first = await akun.client.post(REGISTER, json=body, headers=headers)
    retried = await akun.client.post(REGISTER, json=body, headers=headers)
    assert first.status_code == retried.status_code == 201
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json() == first.json()
    without_key = await akun.client.post(REGISTER, json=body)
    assert without_key.status_code == 409
    assert await account_count(akun) == 1


async def test_wrong_password_and_unknown_account_get_the_same_answer(akun: AkunDriver) -> None:
    await akun.register()
    wrong = await akun.client.post(LOGIN, json={"username": akun.NIK, "password": "salah-sekali"})
    unknown = await akun.client.post(LOGIN, json={"username": akun.NIK_2, "password": "salah-sekali"})
    nobody = await akun.client.post(LOGIN, json={"username": "tidak-ada", "password": "salah-sekali"})
    assert wrong.status_code == unknown.status_code == nobody.status_code == 401
    assert wrong.json() == unknown.json() == nobody.json()
    assert wrong.json()["code"] == "login_gagal"
    assert akun.NIK not in wrong.text


async def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(akun: AkunDriver) -> None:
    await akun.register()
    first = await akun.login(akun.NIK)
    rotated = await akun.client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await akun.me(second["access_token"])).status_code == 200

    # Someone replays the first refresh token: refused, and the whole session ends.
    replayed = await akun.client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "sesi_berakhir"
    assert "sudah pernah dipakai" in replayed.json()["detail"]
    assert (
        await akun.client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    ).status_code == 401
    assert (await akun.me(second["access_token"])).status_code == 401

    garbage = await akun.client.post(REFRESH, json={"refresh_token": "bukan-token"})
    assert garbage.status_code == 401
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        types = (await session.scalars(select(col(OutboxEvent.type)))).all()
    assert types == ["puja.akun.sesi.revoked"]


async def test_access_tokens_verify_with_the_kit_and_carry_grants(akun: AkunDriver) -> None:
    await akun.register()
    citizen = await external_verifier(akun).verify((await akun.login(akun.NIK))["access_token"])
    assert citizen.nik == akun.NIK
    assert citizen.nama == "Siti Aminah"
    assert citizen.has("warga")
    assert not citizen.has("operator")

    await akun.make_account(
        "operator-hsu",
        Grant("operator", HSU, "kesehatan"),
        Grant("operator", HSU, "perizinan"),
        tenant_id=HSU,
    )
    staff = await external_verifier(akun).verify((await akun.login("Operator-HSU"))["access_token"])
    assert staff.nik is None
    assert staff.has("operator", tenant=HSU, layanan="perizinan")
    assert not staff.has("operator", tenant=BALANGAN)
    assert not staff.has("operator", tenant=HSU, layanan="pendidikan")


async def test_key_rotation_keeps_earlier_tokens_valid(akun: AkunDriver) -> None:
    pusat = await akun.token_for("pusat", Grant("admin_pusat"))
    await akun.register()
    citizen_token = (await akun.login(akun.NIK))["access_token"]
    old_kid = akun.kid_of(citizen_token)

    admin_hsu = await akun.token_for("admin-hsu", Grant("admin_daerah", HSU), tenant_id=HSU)
    for token in (citizen_token, admin_hsu):
        refused = await akun.client.post("/api/akun/v1/keys/rotate", headers=akun.bearer(token))
        assert refused.status_code == 403
        assert refused.json()["code"] == "akses_ditolak"
    assert (await akun.client.post("/api/akun/v1/keys/rotate")).status_code == 401
    rotated = await akun.client.post("/api/akun/v1/keys/rotate", headers=akun.bearer(pusat))
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["kid_sebelumnya"] == old_kid
    new_kid = rotated.json()["kid"]
    assert new_kid != old_kid

    jwks = await akun.client.get(JWKS)
    assert jwks.headers["cache-control"] == "public, max-age=300"
    assert {k["kid"] for k in jwks.json()["keys"]} == {old_kid, new_kid}
    assert all(k["kty"] == "OKP" and k["alg"] == "EdDSA" and "d" not in k for k in jwks.json()["keys"])

    fresh_token = (await akun.login(akun.NIK))["access_token"]
    assert akun.kid_of(fresh_token) == new_kid
    assert (await akun.me(citizen_token)).status_code == 200
    assert (await akun.me(fresh_token)).status_code == 200
    verifier = external_verifier(akun)
    assert (await verifier.verify(citizen_token)).nik == akun.NIK
    assert (await verifier.verify(fresh_token)).nik == akun.NIK


async def test_forged_expired_and_foreign_tokens_are_refused(akun: AkunDriver, tokens: TokenFactory) -> None:
    await akun.register()
    genuine = (await akun.login(akun.NIK))["access_token"]
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = akun.kid_of(genuine)
    now = datetime.now(UTC)

    forged = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})
    unsigned = jwt.encode(claims, "", algorithm="none", headers={"kid": kid})
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        signer = await akun.runtime.keys.signer(session)
    expired = signer.sign(
        {
            **claims,
            "iat": int((now - timedelta(hours=1)).timestamp()),
            "exp": int((now - timedelta(minutes=5)).timestamp()),
        }
    )
    other_audience = signer.sign({**claims, "aud": "layanan-lain"})
    # Signed by a key akun never published (the kit's test key).
    foreign = tokens.issue(grant("admin_pusat"), sub=claims["sub"], sid=claims["sid"])
    for token in (forged, unsigned, expired, other_audience, foreign, "bukan.token.sah"):
        response = await akun.me(token)
        assert response.status_code == 401, token
        assert response.headers["content-type"] == "application/problem+json"
    assert "berakhir" in (await akun.me(expired)).json()["detail"]
    assert (await akun.me(genuine)).status_code == 200


async def test_region_admins_manage_staff_of_their_own_region_only(akun: AkunDriver) -> None:
    await akun.announce_region(HSU, "kesehatan", "perizinan")
    await akun.announce_region(BALANGAN, "kesehatan")
    admin_hsu = await akun.token_for("admin-hsu", Grant("admin_daerah", HSU), tenant_id=HSU)
    admin_balangan = await akun.token_for(
        "admin-balangan", Grant("admin_daerah", BALANGAN), tenant_id=BALANGAN
    )
    pusat = await akun.token_for("pusat", Grant("admin_pusat"))
    operator = {
        "username": "Rina.Kesehatan",
        "nama": "Rina",
        "password": akun.PASSWORD,
        "role": "operator",
        "layanan": ["perizinan", "kesehatan"],
    }

    created = await akun.client.post(STAFF_HSU, json=operator, headers=akun.bearer(admin_hsu))
    assert created.status_code == 201, created.text
    assert created.json()["username"] == "rina.kesehatan"
    assert created.json()["layanan"] == ["kesehatan", "perizinan"]
    assert created.json()["tenant"] == HSU
    tokens = await akun.login("rina.kesehatan")
    grants = (await akun.me(tokens["access_token"])).json()["grants"]
    assert {(g["role"], g["tenant"], g["layanan"]) for g in grants} == {
        ("operator", HSU, "kesehatan"),
        ("operator", HSU, "perizinan"),
    }

    other = {**operator, "username": "budi"}
    foreign = await akun.client.post(STAFF_HSU, json=other, headers=akun.bearer(admin_balangan))
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "akses_ditolak"
    as_operator = await akun.client.post(STAFF_HSU, json=other, headers=akun.bearer(tokens["access_token"]))
    assert as_operator.status_code == 403
    assert as_operator.json()["code"] == "akses_ditolak"
    await akun.register()
    citizen = (await akun.login(akun.NIK))["access_token"]
    as_citizen = await akun.client.post(STAFF_HSU, json=other, headers=akun.bearer(citizen))
    assert as_citizen.status_code == 403
    assert (await akun.client.get(STAFF_HSU, headers=akun.bearer(citizen))).status_code == 403
    not_enabled = await akun.client.post(
        STAFF_HSU, json={**other, "layanan": ["pendidikan"]}, headers=akun.bearer(admin_hsu)
    )
    assert not_enabled.status_code == 404
    assert not_enabled.json()["code"] == "layanan_tidak_aktif"
    unknown_region = await akun.client.post(
        "/api/akun/v1/kab-tidak-ada/staff", json=other, headers=akun.bearer(pusat)
    )
    assert unknown_region.status_code == 404
    no_layanan = await akun.client.post(
        STAFF_HSU, json={**other, "layanan": []}, headers=akun.bearer(admin_hsu)
    )
    assert no_layanan.status_code == 422
    taken = await akun.client.post(STAFF_HSU, json=operator, headers=akun.bearer(admin_hsu))
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "username"
    bad_name = await akun.client.post(
        STAFF_HSU, json={**other, "username": "6308"}, headers=akun.bearer(admin_hsu)
    )
    assert bad_name.status_code == 422
    assert bad_name.json()["errors"][0]["field"] == "username"
    no_token = await akun.client.post(STAFF_HSU, json=other)
    assert no_token.status_code == 401

    by_pusat = await akun.client.post(
        "/api/akun/v1/kab-balangan/staff",
        json={
            "username": "admin2-balangan",
            "nama": "Admin Dua",
            "password": akun.PASSWORD,
            "role": "admin_daerah",
        },
        headers=akun.bearer(pusat),
    )
    assert by_pusat.status_code == 201, by_pusat.text
    assert by_pusat.json()["role"] == "admin_daerah"

    listed = await akun.client.get(STAFF_HSU, headers=akun.bearer(admin_hsu))
    assert listed.status_code == 200
    assert [s["username"] for s in listed.json()["items"]] == ["admin-hsu", "rina.kesehatan"]
    searched = await akun.client.get(STAFF_HSU, params={"q": "rina"}, headers=akun.bearer(pusat))
    assert [s["username"] for s in searched.json()["items"]] == ["rina.kesehatan"]
    assert (await akun.client.get(STAFF_HSU, headers=akun.bearer(admin_balangan))).status_code == 403
    rina_url = f"{STAFF_HSU}/{created.json()['id']}"
    cross = await akun.client.patch(rina_url, json={"aktif": False}, headers=akun.bearer(admin_balangan))
    assert cross.status_code == 403
    assert cross.json()["code"] == "akses_ditolak"
    assert (await akun.me(tokens["access_token"])).json()["aktif"] is True


async def test_deactivating_staff_ends_their_sessions(akun: AkunDriver) -> None:
    await akun.announce_region(HSU, "kesehatan", "perizinan")
    admin = await akun.token_for("admin-hsu", Grant("admin_daerah", HSU), tenant_id=HSU)
    created = await akun.client.post(
        STAFF_HSU,
        json={
            "username": "rina",
            "nama": "Rina",
            "password": akun.PASSWORD,
            "role": "operator",
            "layanan": ["kesehatan"],
        },
        headers=akun.bearer(admin),
    )
    staff_url = f"{STAFF_HSU}/{created.json()['id']}"
    session_one = await akun.login("rina")
    session_two = await akun.login("rina")

    changed = await akun.client.patch(staff_url, json={"layanan": ["perizinan"]}, headers=akun.bearer(admin))
    assert changed.json()["layanan"] == ["perizinan"]
    deactivated = await akun.client.patch(staff_url, json={"aktif": False}, headers=akun.bearer(admin))
    assert deactivated.status_code == 200
    assert deactivated.json()["aktif"] is False
    for tokens in (session_one, session_two):
        assert (await akun.me(tokens["access_token"])).status_code == 401
        assert (
            await akun.client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
        ).status_code == 401
    refused = await akun.client.post(LOGIN, json={"username": "rina", "password": akun.PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["code"] == "akun_nonaktif"
    async with transaction(akun.svc.sessionmaker, all_regions=True) as session:
        revoked = (
            await session.scalars(
                select(OutboxEvent).where(col(OutboxEvent.type) == "puja.akun.sesi.revoked")
            )
        ).all()
    assert len(revoked) == 2

    own_id = (await akun.me(admin)).json()["id"]
    self_off = await akun.client.patch(
        f"{STAFF_HSU}/{own_id}", json={"aktif": False}, headers=akun.bearer(admin)
    )
    # A region's admins are appointed and changed by the ministry only, themselves included: the route
    # admits the region's admin, the service refuses the change of an admin.
    assert self_off.status_code == 403
    assert self_off.json()["code"] == "tidak_berwenang"
    co_admin = await akun.client.post(
        STAFF_HSU,
        json={
            "username": "admin-kedua",
            "nama": "Admin Kedua",
            "password": akun.PASSWORD,
            "role": "admin_daerah",
        },
        headers=akun.bearer(admin),
    )
    assert co_admin.status_code == 403
    assert co_admin.json()["code"] == "tidak_berwenang"
    not_enabled = await akun.client.patch(staff_url, json={"layanan": ["sosial"]}, headers=akun.bearer(admin))
    assert not_enabled.json()["code"] == "layanan_tidak_aktif"

    reactivated = await akun.client.patch(staff_url, json={"aktif": True}, headers=akun.bearer(admin))
    assert reactivated.json() | {"dibuat": None} == {
        "id": created.json()["id"],
        "username": "rina",
        "nama": "Rina",
        "role": "operator",
        "tenant": HSU,
        "layanan": ["perizinan"],
        "opd_id": None,
        "aktif": True,
        "dibuat": None,
    }
    tokens = await akun.login("rina")
    assert (await akun.me(tokens["access_token"])).json()["grants"] == [
        {"role": "operator", "tenant": HSU, "layanan": "perizinan", "opd_id": None}
    ]


async def test_the_api_documents_itself(akun: AkunDriver) -> None:
    spec = (await akun.client.get("/api/akun/openapi.json")).json()
    assert {"/api/akun/v1/login", "/api/akun/v1/register", "/api/akun/v1/{tenant}/staff"} <= set(
        spec["paths"]
    )
    assert spec["paths"]["/api/akun/v1/login"]["post"]["summary"].startswith("Masuk dengan NIK")
    assert (await akun.client.get("/api/akun/docs")).status_code == 200


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="secret_key"):
        Settings(environment="production", database_url="postgresql+psycopg://akun:kuat@db/akun")
    with pytest.raises(ValidationError, match="database_url"):
        Settings(environment="production", secret_key="rahasia-yang-sebenarnya")
    settings = Settings(
        environment="production",
        secret_key="rahasia-yang-sebenarnya",
        database_url="postgresql+psycopg://akun:kuat@db/akun",
    )
    assert settings.argon2_memory_cost >= 65536


async def test_an_opd_operator_carries_its_opd_in_the_token(akun: AkunDriver) -> None:
    await akun.announce_region(HSU, "pekerjaan_umum", "kesehatan")
    admin = await akun.token_for("admin-hsu", Grant("admin_daerah", HSU), tenant_id=HSU)
    pupr = "0192f000-0000-7000-8000-00000000c0de"
    created = await akun.client.post(
        STAFF_HSU,
        json={
            "username": "andi.pupr",
            "nama": "Andi",
            "password": akun.PASSWORD,
            "role": "operator",
            "layanan": ["pekerjaan_umum"],
            "opd_id": pupr,
        },
        headers=akun.bearer(admin),
    )
    assert created.status_code == 201, created.text
    assert created.json()["opd_id"] == pupr
    claims = jwt.decode((await akun.login("andi.pupr"))["access_token"], options={"verify_signature": False})
    assert claims["grants"] == [{"role": "operator", "tenant": HSU, "layanan": "pekerjaan_umum", "opd": pupr}]

    # Another layanan keeps the OPD; taking the OPD away makes the operator a verifier again.
    url = f"{STAFF_HSU}/{created.json()['id']}"
    changed = await akun.client.patch(
        url, json={"layanan": ["pekerjaan_umum", "kesehatan"]}, headers=akun.bearer(admin)
    )
    assert changed.json()["opd_id"] == pupr and changed.json()["layanan"] == ["kesehatan", "pekerjaan_umum"]
    cleared = await akun.client.patch(url, json={"hapus_opd": True}, headers=akun.bearer(admin))
    assert cleared.json()["opd_id"] is None
    claims = jwt.decode((await akun.login("andi.pupr"))["access_token"], options={"verify_signature": False})
    assert all("opd" not in g for g in claims["grants"]) and len(claims["grants"]) == 2

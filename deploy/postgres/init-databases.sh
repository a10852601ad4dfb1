#!/usr/bin/env bash
# One database and one role per Puja Indah service, both named like the service, and no other role may
# connect to it. Run by the postgres image once, when its data volume is first initialised.
#
# docker-compose.yml (rendered from catalog.toml) passes PUJA_DATABASES, the catalog's service names,
# and for each service <NAME>_DB_PASSWORD. Adding a service to an existing volume: run this script again
# with `docker compose exec postgres bash /docker-entrypoint-initdb.d/10-puja-databases.sh`; it is
# idempotent.
#
# The image may source this file instead of running it, so it neither sets shell options nor exits on
# success.

if [ -z "${PUJA_DATABASES:-}" ]; then
    echo "PUJA_DATABASES kosong: tidak ada basis data layanan yang dibuat" >&2
    exit 1
fi

for name in $PUJA_DATABASES; do
    password_var="${name^^}_DB_PASSWORD"
    password="${!password_var:-}"
    if [ -z "$password" ]; then
        echo "$password_var belum diatur" >&2
        exit 1
    fi
    # psql quotes the values itself (:'name', :'password'); \gexec runs each generated statement.
    psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        --set name="$name" --set password="$password" <<'SQL' || exit 1
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'name', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', :'name') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'name', :'name') \gexec
SQL
    # What only a superuser may do inside the service's database (puja_kit.rls.SUPERUSER_SQL): lets a
    # name search use its trigram index under row-level security.
    psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "$name" \
        -c 'ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF' || exit 1
    echo "basis data $name siap"
done

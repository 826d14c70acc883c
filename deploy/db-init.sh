#!/bin/sh
# The database's first start (compose.yaml mounts this in /docker-entrypoint-initdb.d; the postgres
# image runs it once, when the data folder is new): the serving login, a role that is a member of
# lintas_app and nothing more, with the password of the db_serving_password secret. The Lintas
# processes serve requests through it (DATABASE_APP_URL), so no statement on their connections can
# act as the schema's owner; `lintas migrate` and the jobs that work across members log in as the
# owner (POSTGRES_USER). lintas_app is made here when the cluster lacks it, so that the login can
# join it before the first migration (which keeps a lintas_app it finds). Run again, it changes
# nothing but the password.
set -eu
password="$(cat "${DB_SERVING_PASSWORD_FILE:-/run/secrets/db_serving_password}")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set=password="$password" <<'SQL'
SELECT 'CREATE ROLE lintas_app NOLOGIN NOSUPERUSER NOBYPASSRLS'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lintas_app') \gexec
SELECT 'CREATE ROLE lintas_serving LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB IN ROLE lintas_app'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lintas_serving') \gexec
ALTER ROLE lintas_serving PASSWORD :'password';
SQL

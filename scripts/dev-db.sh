#!/usr/bin/env bash
# Creates (or recreates) the development database that `sqlx::query!` checks against when
# DATABASE_URL is set, by applying every migration with psql. Prints the URL to export.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=${DEV_DB_SERVER:-postgres://postgres@127.0.0.1:5432}
DB=${DEV_DB_NAME:-sluice_dev}
psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "drop database if exists $DB" -c "create database $DB"
for migration in migrations/*.sql; do
  psql "$SERVER/$DB" -qX -v ON_ERROR_STOP=1 -f "$migration" >/dev/null
done
echo "export DATABASE_URL=$SERVER/$DB"

#!/usr/bin/env bash
# Regenerates `.sqlx/`, the offline query metadata that lets everyone (and CI) build without a
# database. Run it after changing a migration or any `sqlx::query!` call, and commit `.sqlx/`.
#
# It applies the migrations to a scratch database with psql, then rebuilds the crates that use
# the query macros with SQLX_OFFLINE_DIR set, which makes the macros write one file per query.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST_URL=${SQLX_PREPARE_SERVER:-postgres://postgres@127.0.0.1:5432}
DB=${SQLX_PREPARE_DB:-sluice_sqlx_prepare}   # give each worktree its own name when several run at once
psql "$PGHOST_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "drop database if exists $DB" -c "create database $DB"
for migration in migrations/*.sql; do
  psql "$PGHOST_URL/$DB" -qX -v ON_ERROR_STOP=1 -f "$migration" >/dev/null
done

rm -rf .sqlx && mkdir -p .sqlx
# Touch the sources so the macros run again even if nothing else changed.
find crates -name '*.rs' -path '*sluice-store*' -exec touch {} +
DATABASE_URL="$PGHOST_URL/$DB" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" \
  cargo check --workspace --all-targets --quiet
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"

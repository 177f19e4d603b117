#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine:
#
#   ./scripts/test.sh
#
# 1. Installs what is missing (PostgreSQL server and client, Redis server, Python's venv, via
#    apt-get; the official OpenAI and Anthropic SDKs via pip into target/sdk-venv). Nothing needs
#    to be running: the suite starts its own private instances. Schemathesis goes into
#    target/st-venv; cargo-fuzz is installed if missing (scripts/fuzz.sh).
# 2. Starts a private PostgreSQL on a free loopback port in a temporary directory (trust auth,
#    no fsync), so the suite never depends on — or disturbs — a database already on the machine.
#    Set TEST_DATABASE_URL to use an existing server instead.
# 3. Builds offline against the committed query metadata (.sqlx/), runs clippy with warnings as
#    errors, and runs every test of the workspace; then schemathesis against a real admin API
#    (acceptance B1), a short fuzzing run of every cargo-fuzz target (B7, FUZZ_SECONDS per
#    target, 20 by default; docs/reliability.md has the longer run); then the web console's tests
#    (scripts/test-web.sh: npm ci, build, vitest, and chromium driving a real `sluice up`), and
#    the deployment files (scripts/test-deploy.sh: Helm chart rendered and checked against the
#    Kubernetes schemas, compose file against the compose spec, Dockerfile linted).
# 4. Stops the private PostgreSQL and removes it, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# --- 1. tools -----------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install the Rust toolchain (https://rustup.rs) first" >&2
  exit 1
fi
ensure_services_installed

# --- 2. a private PostgreSQL ------------------------------------------------------------------
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  log "starting a private PostgreSQL for the tests"
  start_private_postgres
  export TEST_DATABASE_URL="$PRIVATE_PG_URL"
fi

# The official OpenAI and Anthropic SDKs, for the compatibility tests (crates/sluice/tests/cli/sdk.rs).
if [ ! -x target/sdk-venv/bin/python ] || ! cmp -s tests/sdk/requirements.txt target/sdk-venv/requirements.txt; then
  log "installing the Python SDKs into target/sdk-venv"
  command -v python3 >/dev/null || apt_install python3 python3-venv
  rm -rf target/sdk-venv
  python3 -m venv target/sdk-venv || { apt_install python3-venv && python3 -m venv target/sdk-venv; }
  target/sdk-venv/bin/pip install -q --disable-pip-version-check -r tests/sdk/requirements.txt
  cp tests/sdk/requirements.txt target/sdk-venv/requirements.txt
fi

# Schemathesis, for the schema-driven admin API test (crates/sluice/tests/cli/schemathesis.rs).
if [ ! -x target/st-venv/bin/st ] || ! cmp -s tests/schemathesis/requirements.txt target/st-venv/requirements.txt; then
  log "installing schemathesis into target/st-venv"
  rm -rf target/st-venv
  python3 -m venv target/st-venv || { apt_install python3-venv && python3 -m venv target/st-venv; }
  target/st-venv/bin/pip install -q --disable-pip-version-check -r tests/schemathesis/requirements.txt
  cp tests/schemathesis/requirements.txt target/st-venv/requirements.txt
fi

# --- 3. build, lint, test ---------------------------------------------------------------------
# Queries are checked against the committed .sqlx/ metadata, not a live database.
export SQLX_OFFLINE=true
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log "clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "tests"
cargo test --workspace --locked --no-fail-fast

log "schemathesis against the admin API (acceptance B1)"
cargo test --workspace --test cli --locked -- --ignored --exact schemathesis::schemathesis_finds_nothing_in_the_admin_api

log "fuzzing (acceptance B7)"
./scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

# --- 4. the web console: its unit tests and the browser end-to-end test against `sluice up` ----
./scripts/test-web.sh

# --- 5. deploy/: the Dockerfile, compose file and Helm chart, rendered and checked offline ------
./scripts/test-deploy.sh

log "all tests passed"

#!/usr/bin/env bash
# The web console's tests, from a fresh clone:
#
#   ./scripts/test-web.sh
#
# 1. Installs what is missing: PostgreSQL (for `sluice up`'s embedded database) and Debian's
#    chromium (apt-get); the npm packages from web/package-lock.json (`npm ci`, npm registry only).
#    Needs Node.js >= 20.19 and npm.
# 2. Builds the console (`npm run build`: API types from openapi/openapi.json, type check, Vite)
#    and then the `sluice` binary, which embeds web/dist.
# 3. Runs the unit tests (vitest, jsdom) and the end-to-end test (web/e2e/run.mjs: playwright-core
#    driving /usr/bin/chromium against a real `sluice up` with its embedded PostgreSQL and the
#    demo provider). Screenshots land in web/e2e/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# --- 1. tools -----------------------------------------------------------------------------
for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "$tool not found: install it first (Rust via rustup, Node.js >= 20.19)" >&2; exit 1; }
done
missing=()
pg_bin_dir >/dev/null || missing+=(postgresql postgresql-client)
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

log "npm ci (web/)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)

# --- 2. build -------------------------------------------------------------------------------
log "building the console (web/dist)"
(cd web && npm run build)

log "building sluice (embeds web/dist)"
export SQLX_OFFLINE=true
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
cargo build --locked -p sluice
SLUICE_BIN="${CARGO_TARGET_DIR:-target}/debug/sluice"
export SLUICE_BIN="$(cd "$(dirname "$SLUICE_BIN")" && pwd)/$(basename "$SLUICE_BIN")"

# --- 3. tests -------------------------------------------------------------------------------
log "unit tests (vitest)"
(cd web && npx vitest run)

log "end-to-end test (chromium against sluice up)"
(cd web && node e2e/run.mjs)

log "web tests passed; screenshots in web/e2e/screenshots/"

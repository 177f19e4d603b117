"""Checks of deploy/compose.yaml: the compose-spec JSON schema, then what the schema cannot
know — every role wired to the same configuration, health checks, start order, volumes."""

import json
from pathlib import Path

import jsonschema
import yaml

from settings_keys import check_env_name

ROLES = ("admin", "gateway", "worker")


def check_compose(path: Path, schema_path: Path, fields: set, warnings: list) -> list:
    errors = []
    doc = yaml.safe_load(path.read_text())
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft7Validator(schema)
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        errors.append(f"compose schema: {where}: {err.message}")
    if errors:
        return errors
    services = doc.get("services", {})
    for name in ("postgres", "redis", "migrate", *ROLES):
        if name not in services:
            errors.append(f"compose: service `{name}` is missing")
    if errors:
        return errors

    declared_volumes = set((doc.get("volumes") or {}).keys())
    for name, svc in services.items():
        for dep in svc.get("depends_on", {}) or {}:
            if dep not in services:
                errors.append(f"compose: {name} depends on unknown service `{dep}`")
        for mount in svc.get("volumes", []) or []:
            source = mount.split(":", 1)[0] if isinstance(mount, str) else mount.get("source")
            if source and not source.startswith((".", "/")) and source not in declared_volumes:
                errors.append(f"compose: {name} mounts undeclared volume `{source}`")

    if services["migrate"].get("command") != ["migrate"]:
        errors.append("compose: the migrate service must run `sluice migrate`")
    envs = {}
    for role in ROLES:
        svc = services[role]
        if svc.get("command") != [role]:
            errors.append(f"compose: service {role} must run `sluice {role}`, runs {svc.get('command')}")
        if "healthcheck" not in svc:
            errors.append(f"compose: service {role} has no healthcheck")
        elif f"/readyz" not in json.dumps(svc["healthcheck"].get("test")):
            errors.append(f"compose: {role}'s healthcheck does not probe /readyz")
        condition = (svc.get("depends_on") or {}).get("migrate", {}).get("condition")
        if condition != "service_completed_successfully":
            errors.append(f"compose: {role} must start after migrate completed (depends_on migrate: service_completed_successfully)")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        envs[role] = env
        for var in env:
            check_env_name(var, fields, f"compose {role}", errors, warnings)
        for var in ("DATABASE_URL", "SLUICE_JWT_SECRET", "SLUICE_CREDENTIAL_KEY"):
            if var not in env:
                errors.append(f"compose: {role} lacks {var}")
    if envs["gateway"].get("REDIS_URL") is None:
        errors.append("compose: the gateway lacks REDIS_URL (replicas would not share counters)")
    if len({json.dumps(e, sort_keys=True) for e in envs.values()}) != 1:
        errors.append("compose: the roles must share one configuration (their environments differ)")
    for dep in ("postgres", "redis"):
        if "healthcheck" not in services[dep]:
            errors.append(f"compose: {dep} has no healthcheck")
    return errors

"""Checks of the Helm chart's rendered objects: each against the Kubernetes OpenAPI schema of
the oldest and newest supported versions (strict: unknown fields fail), then the references
between objects that no schema sees — selectors that select, ports that exist, Secrets and
ConfigMaps that are there, probes on the real endpoints, settings the binary knows, and the
security and shutdown rules of docs/operations.md."""

import json
from pathlib import Path

import jsonschema
import kubernetes_validate

from settings_keys import check_env_name

# The chart's kubeVersion floor and the newest schemas kubernetes-validate ships.
K8S_VERSIONS = ("1.27.0", "1.37.0")
ROLES = ("gateway", "admin", "worker")
# The gateway's drain: up to 30 s for the HTTP server, then up to 30 s for the last settles.
GATEWAY_DRAIN_SECONDS = 60
PROBE_PATHS = {"livenessProbe": "/healthz", "startupProbe": "/healthz", "readinessProbe": "/readyz"}


def schema_errors(obj: dict, monitor_schema: dict) -> list:
    name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
    if obj.get("kind") == "ServiceMonitor":
        return [f"{name}: {e.message} at {'/'.join(map(str, e.absolute_path))}" for e in jsonschema.Draft7Validator(monitor_schema).iter_errors(obj)]
    errors = []
    for version in K8S_VERSIONS:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as err:
            path = "/".join(map(str, err.path)) if err.path else ""
            errors.append(f"{name} (Kubernetes {version}): {err.message} at {path}")
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{name}: no Kubernetes {version} schema for {obj.get('apiVersion')} {obj.get('kind')}")
    return errors


def by_kind(objects: list, kind: str) -> list:
    return [o for o in objects if o.get("kind") == kind]


def selects(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def check_references(objects: list, values: dict, fields: set, warnings: list) -> list:
    errors = []
    deployments = {d["metadata"]["name"]: d for d in by_kind(objects, "Deployment")}
    services = {s["metadata"]["name"]: s for s in by_kind(objects, "Service")}
    secrets = {s["metadata"]["name"]: s for s in by_kind(objects, "Secret")}
    configmaps = {c["metadata"]["name"]: c for c in by_kind(objects, "ConfigMap")}
    existing_secret = values.get("existingSecret") or ""

    roles = {}
    for name, dep in deployments.items():
        args = pod_spec(dep)["containers"][0].get("args", [])
        if args and args[0] in ROLES:
            roles[args[0]] = dep
        labels = dep["spec"]["template"]["metadata"].get("labels", {})
        if not selects(dep["spec"]["selector"].get("matchLabels", {}), labels):
            errors.append(f"Deployment/{name}: its selector does not match its own pod labels")
    for role in ROLES:
        if role not in roles:
            errors.append(f"no Deployment runs `sluice {role}`")

    workloads = list(deployments.values()) + by_kind(objects, "Job")
    for wl in workloads:
        wname = f"{wl['kind']}/{wl['metadata']['name']}"
        spec = pod_spec(wl)
        if spec.get("enableServiceLinks", True):
            # Service links would add SLUICE_<SERVICE>_SERVICE_HOST etc., unknown settings.
            errors.append(f"{wname}: enableServiceLinks must be false (Kubernetes would inject SLUICE_* variables for the release's Services, which Sluice refuses)")
        psc = spec.get("securityContext", {})
        if not psc.get("runAsNonRoot"):
            errors.append(f"{wname}: pods must run as non-root (securityContext.runAsNonRoot)")
        volumes = {v["name"] for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            cname = f"{wname} container {c['name']}"
            csc = c.get("securityContext", {})
            if not csc.get("readOnlyRootFilesystem") or csc.get("allowPrivilegeEscalation", True):
                errors.append(f"{cname}: needs readOnlyRootFilesystem and no privilege escalation")
            if "ALL" not in csc.get("capabilities", {}).get("drop", []):
                errors.append(f"{cname}: must drop all capabilities")
            res = c.get("resources", {})
            for kind in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if r not in res.get(kind, {}):
                        errors.append(f"{cname}: resources.{kind}.{r} is not set")
            if c["image"].endswith(":latest") or ":" not in c["image"]:
                errors.append(f"{cname}: the image must have a fixed tag, not {c['image']}")
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            for m in mounts.values():
                if m not in volumes:
                    errors.append(f"{cname}: mounts undeclared volume {m}")
            if "/var/lib/sluice" not in mounts or "/tmp" not in mounts:
                errors.append(f"{cname}: a read-only root needs writable /var/lib/sluice (data dir) and /tmp mounts")
            for env in c.get("env", []):
                check_env_name(env["name"], fields, cname, errors, warnings)
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    if ref["name"] in secrets:
                        if ref["key"] not in secrets[ref["name"]].get("data", {}):
                            errors.append(f"{cname}: Secret {ref['name']} has no key {ref['key']}")
                    elif ref["name"] != existing_secret:
                        errors.append(f"{cname}: Secret {ref['name']} is neither rendered nor the existingSecret")
            for src in c.get("envFrom", []):
                ref = src.get("configMapRef")
                if ref and ref["name"] not in configmaps:
                    errors.append(f"{cname}: ConfigMap {ref['name']} is not rendered")

    for cm in configmaps.values():
        for key in cm.get("data", {}):
            check_env_name(key, fields, f"ConfigMap/{cm['metadata']['name']}", errors, warnings)

    for role, dep in roles.items():
        c = pod_spec(dep)["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        for probe, path in PROBE_PATHS.items():
            get = c.get(probe, {}).get("httpGet")
            if not get:
                errors.append(f"{role}: no {probe}")
                continue
            if get.get("path") != path:
                errors.append(f"{role}: {probe} must probe {path}, probes {get.get('path')}")
            if get.get("port") not in ports and get.get("port") not in ports.values():
                errors.append(f"{role}: {probe} probes port {get.get('port')}, which the container does not declare")
        addr = next((e.get("value") for e in c.get("env", []) if e["name"] == f"SLUICE_{role.upper()}_ADDR"), None)
        if addr is None or not addr.startswith("0.0.0.0:") or int(addr.rsplit(":", 1)[1]) not in ports.values():
            errors.append(f"{role}: SLUICE_{role.upper()}_ADDR ({addr}) must listen on 0.0.0.0 at the declared container port")

    gateway = roles.get("gateway")
    if gateway:
        spec = pod_spec(gateway)
        c = spec["containers"][0]
        pre_stop = c.get("lifecycle", {}).get("preStop")
        pause = 0
        if not pre_stop:
            errors.append("gateway: no preStop hook (load balancers would still send requests after SIGTERM)")
        else:
            cmd = pre_stop.get("exec", {}).get("command", [])
            pause = int(cmd[-1]) if cmd and str(cmd[-1]).isdigit() else pre_stop.get("sleep", {}).get("seconds", 0)
        grace = spec.get("terminationGracePeriodSeconds", 30)
        if grace < pause + GATEWAY_DRAIN_SECONDS:
            errors.append(f"gateway: terminationGracePeriodSeconds {grace} < preStop {pause} s + drain {GATEWAY_DRAIN_SECONDS} s")

    for name, svc in services.items():
        selector = svc["spec"].get("selector", {})
        targets = [d for d in deployments.values() if selects(selector, d["spec"]["template"]["metadata"].get("labels", {}))]
        if not targets:
            errors.append(f"Service/{name}: its selector matches no Deployment's pods")
        for port in svc["spec"].get("ports", []):
            target = port.get("targetPort", port["port"])
            for dep in targets:
                declared = {p["name"]: p["containerPort"] for c in pod_spec(dep)["containers"] for p in c.get("ports", [])}
                if target not in declared and target not in declared.values():
                    errors.append(f"Service/{name}: targetPort {target} is not a port of Deployment/{dep['metadata']['name']}")

    for hpa in by_kind(objects, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        dep = deployments.get(ref["name"])
        if ref.get("kind") != "Deployment" or dep is None:
            errors.append(f"HorizontalPodAutoscaler/{hpa['metadata']['name']}: targets a missing {ref.get('kind')}/{ref['name']}")
        elif "replicas" in dep["spec"]:
            errors.append(f"Deployment/{ref['name']}: sets replicas while an HPA scales it (every upgrade would reset the scale)")
        if not any(c.get("resources", {}).get("requests", {}).get("cpu") for c in pod_spec(dep or gateway or {"spec": {"template": {"spec": {"containers": []}}}})["containers"]):
            errors.append("the autoscaled Deployment needs CPU requests for utilization targets")

    for pdb in by_kind(objects, "PodDisruptionBudget"):
        sel = pdb["spec"]["selector"].get("matchLabels", {})
        if not any(selects(sel, d["spec"]["template"]["metadata"].get("labels", {})) for d in deployments.values()):
            errors.append(f"PodDisruptionBudget/{pdb['metadata']['name']}: selects no pods")

    for ing in by_kind(objects, "Ingress"):
        for rule in ing["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]
                svc = services.get(backend["name"])
                if svc is None:
                    errors.append(f"Ingress/{ing['metadata']['name']}: backend Service {backend['name']} is not rendered")
                    continue
                port = backend["port"]
                names = {p.get("name") for p in svc["spec"]["ports"]}
                numbers = {p["port"] for p in svc["spec"]["ports"]}
                if port.get("name") not in names and port.get("number") not in numbers:
                    errors.append(f"Ingress/{ing['metadata']['name']}: Service {backend['name']} has no port {port}")

    for mon in by_kind(objects, "ServiceMonitor"):
        sel = mon["spec"]["selector"].get("matchLabels", {})
        matched = [s for s in services.values() if selects(sel, s["metadata"].get("labels", {}))]
        if len(matched) < len(ROLES):
            errors.append(f"ServiceMonitor/{mon['metadata']['name']}: selects {len(matched)} Services, expected every role's")
        for ep in mon["spec"]["endpoints"]:
            for svc in matched:
                if ep.get("port") not in {p.get("name") for p in svc["spec"]["ports"]}:
                    errors.append(f"ServiceMonitor: Service {svc['metadata']['name']} has no port named {ep.get('port')}")

    jobs = by_kind(objects, "Job")
    migrations = [j for j in jobs if pod_spec(j)["containers"][0].get("args") == ["migrate"]]
    if values.get("migrations", {}).get("enabled", True):
        if not migrations:
            errors.append("no migration Job (`sluice migrate`)")
        for job in migrations:
            hooks = job["metadata"].get("annotations", {}).get("helm.sh/hook", "")
            if "pre-upgrade" not in hooks:
                errors.append(f"Job/{job['metadata']['name']}: must be a pre-upgrade Helm hook (migrate before pods roll)")
            if pod_spec(job).get("restartPolicy") not in ("Never", "OnFailure"):
                errors.append(f"Job/{job['metadata']['name']}: restartPolicy must be Never or OnFailure")
    return errors


def check_scenario(objects: list, values: dict) -> list:
    """What the values ask for is what was rendered."""
    errors = []
    kinds = [o["kind"] for o in objects]
    gateway = values.get("gateway", {})
    want_hpa = gateway.get("autoscaling", {}).get("enabled", False)
    if want_hpa != ("HorizontalPodAutoscaler" in kinds):
        errors.append(f"HPA expected: {want_hpa}, rendered: {'HorizontalPodAutoscaler' in kinds}")
    want_monitor = values.get("serviceMonitor", {}).get("enabled", False)
    if want_monitor != ("ServiceMonitor" in kinds):
        errors.append(f"ServiceMonitor expected: {want_monitor}, rendered: {'ServiceMonitor' in kinds}")
    if bool(values.get("existingSecret")) == ("Secret" in kinds):
        errors.append("the chart must render its Secret exactly when no existingSecret is given")
    if "PodDisruptionBudget" not in kinds:
        errors.append("the gateway needs a PodDisruptionBudget")
    return errors


def load_monitor_schema(here: Path) -> dict:
    return json.loads((here / "servicemonitor.schema.json").read_text())

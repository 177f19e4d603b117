"""The configuration keys the `sluice` binary accepts, read from crates/sluice/src/settings.rs.

Settings are `deny_unknown_fields`: a manifest that sets an unknown SLUICE_* variable makes
every pod crash at start. So the deploy checks compare each SLUICE_* name they find with the
fields of `struct Settings`.
"""

import re
from pathlib import Path

# Variables that are not settings fields: SLUICE_CONFIG names the file; the others are the
# conventional names the binary maps to fields itself.
NOT_FIELDS = {"SLUICE_CONFIG": None, "DATABASE_URL": "database_url", "REDIS_URL": "redis_url"}

# Settings the manifests may wire before settings.rs has the field (work landing separately):
# reported as a warning, not an error. Empty now that every wired setting exists.
PENDING: set = set()


def settings_fields(repo: Path) -> set:
    source = (repo / "crates/sluice/src/settings.rs").read_text()
    match = re.search(r"pub struct Settings \{(.*?)\n\}", source, re.S)
    if not match:
        raise SystemExit("cannot find `pub struct Settings` in settings.rs")
    return set(re.findall(r"^\s*pub (\w+):", match.group(1), re.M))


def check_env_name(name: str, fields: set, where: str, errors: list, warnings: list) -> None:
    """Records an error if `name` is a SLUICE_* variable the binary would refuse."""
    if name in NOT_FIELDS:
        return
    if not name.startswith("SLUICE_"):
        return
    key = name[len("SLUICE_"):].lower()
    if key in fields:
        return
    if key in PENDING:
        warnings.append(f"{where}: {name} is not a setting yet (wired ahead of the observability work)")
        return
    errors.append(f"{where}: {name} is not a Sluice setting (settings.rs has no field `{key}`); the binary would refuse to start")

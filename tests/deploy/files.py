"""The deployment files, parsed, for the structure tests."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Set

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


@lru_cache(maxsize=None)
def compose() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> Dict[str, Dict[str, Any]]:
    return compose()["services"]


@lru_cache(maxsize=None)
def env_example() -> Dict[str, str]:
    values: Dict[str, str] = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def compose_variables() -> Set[str]:
    """Every ${NAME} the compose file takes from deploy/.env."""
    lines = (ROOT / "docker-compose.yml").read_text().splitlines()
    return set(INTERPOLATION.findall("\n".join(
        line for line in lines if not line.lstrip().startswith("#"))))


def service_env(name: str) -> Dict[str, str]:
    return {k: str(v) for k, v in (services()[name].get("environment") or {}).items()}


def command_text(name: str) -> str:
    command = services()[name].get("command") or []
    return " ".join(command) if isinstance(command, list) else str(command)


@lru_cache(maxsize=None)
def manifests() -> List[Dict[str, Any]]:
    """Every object in deploy/k8s/*.yaml."""
    found: List[Dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def of_kind(kind: str) -> List[Dict[str, Any]]:
    return [m for m in manifests() if m["kind"] == kind]


def named(kind: str, name: str) -> Dict[str, Any]:
    matches = [m for m in of_kind(kind) if m["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}"
    return matches[0]


def workloads() -> List[Dict[str, Any]]:
    return [m for m in manifests() if m["kind"] in ("Deployment", "StatefulSet", "Job")]


def pod_spec(workload: Dict[str, Any]) -> Dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def container_env_names(workload: Dict[str, Any]) -> Set[str]:
    names: Set[str] = set()
    for container in pod_spec(workload)["containers"]:
        names |= {e["name"] for e in container.get("env", [])}
        for source in container.get("envFrom", []):
            config = named("ConfigMap", source["configMapRef"]["name"])
            names |= set(config["data"])
    return names


def secret_keys(workload: Dict[str, Any]) -> Set[str]:
    return {e["valueFrom"]["secretKeyRef"]["key"]
            for c in pod_spec(workload)["containers"] for e in c.get("env", [])
            if "valueFrom" in e and "secretKeyRef" in e["valueFrom"]}


# Where each service's code reads its settings: a variable a deployment sets must appear in
# one of these files, so a misspelt name fails here rather than silently in production.
SETTINGS_SOURCES = {
    "rasa": ["deploy/endpoints.yml", "bot/assistant/tracker_cipher.py",
             "bot/assistant/api_guard.py"],
    "actions": ["actions/settings.py", "bot/action_gate.py"],
    "backend": ["bot/backend/settings.py"],
    "telegram": ["bot/telegram/settings.py"],
}
# Variables read by Rasa itself, by the image, by libpq (every service's PostgreSQL
# driver), or by the container's own command.
RUNTIME_VARIABLES = {"SANIC_WORKERS", "RASA_TOKEN", "REDIS_PASSWORD", "POSTGRES_USER",
                     "POSTGRES_DB", "POSTGRES_PASSWORD", "SITE_DOMAIN", "ACME_EMAIL",
                     "PGSSLMODE", "PGSSLROOTCERT"}


def read_by(service: str, variable: str) -> bool:
    if variable in RUNTIME_VARIABLES:
        return True
    return any(variable in (ROOT / path).read_text() for path in SETTINGS_SOURCES[service])

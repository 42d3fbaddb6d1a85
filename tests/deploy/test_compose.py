"""docker-compose.yml, the Caddyfile, the Dockerfiles and deploy/.env.example: one host's
deployment, checked for structure (there is no Docker engine here to run it)."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from tests.deploy.files import (DEPLOY, ROOT, command_text, compose, compose_variables,
                                env_example, read_by, service_env, services)

EXPECTED = {"proxy", "rasa", "actions", "backend", "telegram", "postgres", "redis"}
# Who may hold each secret: nobody else gets it.
SECRETS = {
    "RASA_TOKEN": {"rasa", "backend"},
    "TRACKER_ENCRYPTION_KEYS": {"rasa", "actions"},
    "TRACKER_DATABASE_URL": {"rasa", "backend"},
    "DATABASE_URL": {"backend"},
    "OUTBOX_DATABASE_URL": {"actions"},
    "POSTGRES_PASSWORD": {"postgres"},
    "REDIS_PASSWORD": {"rasa", "redis"},
    "REDIS_URL": {"backend"},
    "BACKEND_SERVICE_TOKEN": {"actions", "backend", "telegram"},
    "BACKEND_ENCRYPTION_KEYS": {"backend"},
    "WIDGET_SESSION_KEY": {"backend"},
    "TELEGRAM_BOT_TOKEN": {"telegram"},
    "TELEGRAM_WEBHOOK_SECRET": {"telegram"},
    "TELEGRAM_ID_KEY": {"telegram"},
    "TELEGRAM_INTERNAL_TOKEN": {"backend", "telegram"},
}


def test_every_service_is_there_with_a_health_check_and_a_restart_policy():
    assert set(services()) == EXPECTED
    for name, service in services().items():
        assert service.get("restart") == "unless-stopped", name
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no health check"


def test_only_the_proxy_is_published():
    published = {name for name, s in services().items() if s.get("ports")}
    assert published == {"proxy"}
    assert set(services()["proxy"]["ports"]) == {"80:80", "443:443", "443:443/udp"}


def test_the_private_services_have_no_way_out():
    networks = compose()["networks"]
    assert networks["internal"].get("internal") is True
    for name in ("rasa", "actions", "postgres", "redis"):
        assert services()[name]["networks"] == ["internal"], name
    assert services()["proxy"]["networks"] == ["edge"]  # it reaches only backend, gateway


def test_data_lives_in_named_volumes_and_config_is_mounted_read_only():
    declared = set(compose()["volumes"])
    assert declared == {"pgdata", "telegram", "caddy_data", "caddy_config"}
    used = set()
    for name, service in services().items():
        for volume in service.get("volumes", []):
            source, target, *mode = volume.split(":")
            if source.startswith("./"):
                assert mode == ["ro"], f"{name} mounts {source} writable"
                assert (ROOT / source).exists(), source
            else:
                assert source in declared, f"{name} uses an undeclared volume {source}"
                used.add(source)
    assert used == declared


def test_dependencies_wait_for_health_where_it_matters():
    for name, service in services().items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in services()
            if rule["condition"] == "service_healthy":
                assert services()[dependency].get("healthcheck"), dependency
    assert services()["rasa"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services()["backend"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_backend_shares_the_chat_relay_through_redis():
    backend = services()["backend"]
    assert backend["environment"]["REDIS_URL"].startswith("${REDIS_URL:?")
    assert "internal" in backend["networks"], "Redis is only on the internal network"
    assert "internal" in services()["redis"]["networks"]
    # Started, not healthy: without Redis the chat still works within one process.
    assert backend["depends_on"]["redis"]["condition"] == "service_started"
    # Its database is not Rasa's lock store's.
    assert not env_example()["REDIS_URL"].endswith("/" + service_env("rasa")["REDIS_DB"])


def test_the_action_server_keeps_its_outbox_in_postgresql_and_no_state_of_its_own():
    actions = services()["actions"]
    assert service_env("actions")["OUTBOX_DATABASE_URL"].startswith("${OUTBOX_DATABASE_URL:?")
    assert "OUTBOX_PATH" not in service_env("actions")  # no file, so it can be scaled
    assert not actions.get("volumes")
    assert actions["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The database named in the example URL is created beside the others, and checked.
    database = env_example()["OUTBOX_DATABASE_URL"].rsplit("/", 1)[1]
    init = [v.split(":")[0] for v in services()["postgres"]["volumes"]
            if "docker-entrypoint-initdb.d" in v]
    created = " ".join((ROOT / path).read_text() for path in init)
    assert f"CREATE DATABASE {database} OWNER assistant;" in created
    assert f"-d {database}" in " ".join(services()["postgres"]["healthcheck"]["test"])


def test_rasa_runs_the_api_behind_its_token_and_the_production_endpoints():
    command = command_text("rasa")
    assert "--enable-api" in command and '--auth-token "$$RASA_TOKEN"' in command
    assert "--endpoints deploy/endpoints.yml" in command
    assert "--credentials deploy/credentials.yml" in command
    assert "rasa" not in {n for n, s in services().items() if s.get("ports")}
    assert service_env("rasa")["RASA_TOKEN"].startswith("${RASA_TOKEN")


def test_production_endpoints_share_the_stores_between_rasa_processes():
    endpoints = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == (
        "bot.assistant.tracker_store.ProtectedSQLTrackerStore")
    assert endpoints["lock_store"]["type"] == "redis"  # several workers need it
    assert endpoints["lock_store"]["password"] == "${REDIS_PASSWORD}"
    workers = service_env("rasa")["SANIC_WORKERS"]
    assert re.fullmatch(r"\$\{SANIC_WORKERS:-[1-9]\}", workers)
    assert endpoints["action_endpoint"]["url"] == "${ACTION_ENDPOINT_URL}"


def test_production_opens_only_the_rest_channel():
    assert yaml.safe_load((DEPLOY / "credentials.yml").read_text()) == {"rest": None}


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_each_secret_goes_only_where_it_is_needed(secret: str):
    holders = {name for name in services() if secret in service_env(name)}
    assert holders == SECRETS[secret]
    for name in holders:
        assert service_env(name)[secret].startswith("${" + secret), \
            f"{name} has a literal {secret}"


def test_every_setting_comes_from_the_example_env_file():
    assert compose_variables() <= set(env_example())
    assert set(SECRETS) <= set(env_example())


@pytest.mark.parametrize("service", ["rasa", "actions", "backend", "telegram"])
def test_every_variable_a_service_is_given_is_read_by_its_code(service: str):
    unknown = [v for v in service_env(service) if not read_by(service, v)]
    assert unknown == []


def test_the_example_env_file_holds_no_secrets_and_agrees_with_itself():
    example = env_example()
    for name in SECRETS:
        assert "CHANGE_ME" in example[name], name
    password = example["POSTGRES_PASSWORD"]
    assert f":{password}@postgres:5432/backend" in example["DATABASE_URL"]
    assert f":{password}@postgres:5432/tracker" in example["TRACKER_DATABASE_URL"]
    assert f":{password}@postgres:5432/outbox" in example["OUTBOX_DATABASE_URL"]
    assert example["REDIS_URL"] == f"redis://:{example['REDIS_PASSWORD']}@redis:6379/1"
    fernet = re.compile(r"^[A-Za-z0-9_-]{43}=$")
    assert not [n for n, v in example.items() if fernet.match(v)]


def test_the_real_env_file_is_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=ROOT)
    assert ignored.returncode == 0
    tracked = subprocess.run(["git", "ls-files", "deploy/.env"], cwd=ROOT,
                             capture_output=True, text=True).stdout
    assert tracked == ""


def caddy_paths() -> set:
    text = (DEPLOY / "Caddyfile").read_text()
    matcher = re.search(r"@backend path (.+)", text)
    assert matcher
    return set(matcher.group(1).split()) | set(re.findall(r"handle (/[^ ]+) \{", text))


def test_the_proxy_passes_on_only_the_public_routes():
    text = (DEPLOY / "Caddyfile").read_text()
    assert caddy_paths() == {"/staff", "/staff/*", "/chat/ws", "/chat/left", "/widget.js",
                             "/demo", "/demo.css", "/healthz", "/telegram/webhook"}
    assert "reverse_proxy telegram:8081" in text and "reverse_proxy backend:8080" in text
    upstreams = set(re.findall(r"reverse_proxy (\S+)", text))
    assert upstreams == {"telegram:8081", "backend:8080"}
    assert "respond 404" in text  # everything else
    assert not re.search(r"^\s*log\b", text, re.M), "no access log of people's requests"


def dockerfile_stages(name: str) -> dict:
    stages, current = {}, None
    for line in (DEPLOY / name).read_text().splitlines():
        match = re.match(r"FROM (\S+)(?: AS (\S+))?", line)
        if match:
            current = match.group(2) or match.group(1)
            stages[current] = {"from": match.group(1), "lines": []}
        elif current:
            stages[current]["lines"].append(line)
    return stages


def test_compose_builds_targets_that_exist_and_run_as_non_root():
    for name, service in services().items():
        build = service.get("build")
        if not build:
            continue
        stages = dockerfile_stages(build["dockerfile"].split("/")[-1])
        assert build["target"] in stages, name
        user = [line for line in stages[build["target"]]["lines"] if line.startswith("USER ")]
        assert user and user[-1] not in ("USER root", "USER 0"), name


def test_the_rasa_image_is_rasa_3_6_21_with_our_model_and_local_spacy_pipeline():
    stages = dockerfile_stages("rasa.Dockerfile")
    assert stages["base"]["from"] == "rasa/rasa:3.6.21"
    rasa = "\n".join(stages["rasa"]["lines"])
    assert "build_spacy_pipeline models/spacy-en" in rasa
    assert "COPY models/assistant.tar.gz" in rasa
    assert "--enable-api" in rasa and '--auth-token \\"$RASA_TOKEN\\"' in rasa
    base = "\n".join(stages["base"]["lines"])
    for plug_in in ("bot/assistant", "bot/directory", "data/directory", "data/patterns"):
        assert f"COPY {plug_in} {plug_in}" in base
    assert "pip install --no-cache-dir -r requirements/rasa.lock" in base
    # The action server reads the case log's redaction list when it exports a log.
    assert "COPY data/caselog data/caselog" in "\n".join(stages["actions"]["lines"])


@pytest.mark.parametrize("dockerfile", ["rasa.Dockerfile", "services.Dockerfile"])
def test_images_copy_only_what_their_ignore_file_allows(dockerfile: str):
    allowed = [line[1:].rstrip("/") for line in
               (DEPLOY / f"{dockerfile}.dockerignore").read_text().splitlines()
               if line.startswith("!")]
    text = (DEPLOY / dockerfile).read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert any(source == a or source.startswith(a + "/") for a in allowed), source
                if source != "models/assistant.tar.gz":  # built by `make train`
                    assert (ROOT / source).exists(), source


def copied_sources(dockerfile: str, stage: str) -> list[str]:
    """What a stage (with the stages it is built FROM in the same file) copies from the repo."""
    stages, sources = dockerfile_stages(dockerfile), []
    while stage in stages:
        for line in stages[stage]["lines"]:
            if line.startswith("COPY ") and "--from" not in line:
                sources += line.split()[1:-1]
        stage = stages[stage]["from"]
    return sources


def project_imports(path) -> set[str]:
    """The project's own modules (bot.*, actions.*) a Python file imports."""
    import ast
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ("bot", "actions")}


def module_files(name: str) -> list[str]:
    """The files importing `name` runs: each package's __init__.py down to the module
    (`from package import name`, where name is not a module, stops at the package)."""
    parts, files = name.split("."), []
    for depth in range(1, len(parts) + 1):
        base = "/".join(parts[:depth])
        if (ROOT / base / "__init__.py").exists():
            files.append(f"{base}/__init__.py")
        elif (ROOT / f"{base}.py").exists():
            return files + [f"{base}.py"]
        else:
            break
    return files


@pytest.mark.parametrize("dockerfile,stage", [
    ("services.Dockerfile", "backend"), ("services.Dockerfile", "telegram"),
    ("rasa.Dockerfile", "actions"), ("rasa.Dockerfile", "rasa")])
def test_images_copy_every_module_their_code_imports(dockerfile: str, stage: str):
    sources = copied_sources(dockerfile, stage)

    def copied(path: str) -> bool:
        return any(path == s or path.startswith(s.rstrip("/") + "/") for s in sources)

    files = [p for s in sources if s.endswith(".py") or (ROOT / s).is_dir()
             for p in ([ROOT / s] if s.endswith(".py") else sorted((ROOT / s).rglob("*.py")))]
    missing = {f"{path.relative_to(ROOT)} needs {needed}"
               for path in files if "migrations/versions" not in str(path)
               for name in project_imports(path) for needed in module_files(name)
               if not copied(needed)}
    assert not missing, sorted(missing)

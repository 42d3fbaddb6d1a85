"""docker-compose.yml, the Caddyfile, the Dockerfiles and deploy/.env.example: one host's
deployment, checked for structure (there is no Docker engine here to run it)."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml

from tests.deploy.files import (DEPLOY, INTERPOLATION, ROOT, command_text, compose,
                                compose_variables, env_example, read_by, service_env,
                                services)

EXPECTED = {"proxy", "rasa", "actions", "backend", "telegram", "postgres", "redis"}
# Who may hold each secret of deploy/.env: nobody else gets it.
SECRETS = {
    "RASA_TOKEN": {"rasa", "backend"},
    "ACTION_SERVER_TOKEN": {"rasa", "actions"},
    "TRACKER_ENCRYPTION_KEYS": {"rasa"},
    "OUTBOX_ENCRYPTION_KEYS": {"actions"},
    "TRACKER_DATABASE_URL": {"rasa"},
    "BACKEND_TRACKER_DATABASE_URL": {"backend"},
    "DATABASE_URL": {"backend"},
    "OUTBOX_DATABASE_URL": {"actions"},
    "POSTGRES_PASSWORD": {"postgres"},
    "BACKEND_DB_PASSWORD": {"postgres"},
    "ERASER_DB_PASSWORD": {"postgres"},
    "RASA_DB_PASSWORD": {"postgres"},
    "ACTIONS_DB_PASSWORD": {"postgres"},
    "REDIS_PASSWORD": {"rasa", "redis"},
    "REDIS_BACKEND_PASSWORD": {"redis"},
    "REDIS_URL": {"backend"},
    "BACKEND_SERVICE_TOKEN": {"actions", "backend"},
    "BACKEND_GATEWAY_TOKEN": {"backend", "telegram"},
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
    assert set(services()["proxy"]["networks"]) == {"edge"}  # only backend, gateway


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
    # The database named in the example URL is created, owned by the role the URL names,
    # and checked (deploy/postgres/, tests/deploy/test_postgres_roles.py runs it).
    url = env_example()["OUTBOX_DATABASE_URL"]
    database, role = url.rsplit("/", 1)[1], url.split("://", 1)[1].split(":", 1)[0]
    init = [v.split(":")[0] for v in services()["postgres"]["volumes"]
            if "docker-entrypoint-initdb.d" in v]
    script = " ".join((ROOT / path).read_text() for path in init)
    assert f'outbox_db="${{OUTBOX_DB:-{database}}}"' in script
    assert f'actions_role="${{ACTIONS_DB_ROLE:-{role}}}"' in script
    sql = (DEPLOY / "postgres" / "least-privilege.sql").read_text()
    assert 'CREATE DATABASE :"outbox_db" OWNER :"actions_role";' in sql
    assert f"-d {database}" in " ".join(services()["postgres"]["healthcheck"]["test"])


def test_rasa_runs_the_api_behind_its_token_and_the_production_endpoints():
    command = command_text("rasa")
    assert "--enable-api" in command and "bot.assistant.serve" in command
    assert "--auth-token" not in command and "RASA_TOKEN" not in command, \
        "the wrapper reads the token from the environment, never the command line"
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


def given(service: str, variable: str) -> bool:
    """Whether a service's environment takes `variable` from deploy/.env."""
    return any(variable in INTERPOLATION.findall(value)
               for value in service_env(service).values())


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_each_secret_goes_only_where_it_is_needed(secret: str):
    holders = {name for name in services() if given(name, secret)}
    assert holders == SECRETS[secret]
    for name in services():
        for key, value in service_env(name).items():
            if key == secret:
                assert value.startswith("${"), f"{name} has a literal {secret}"


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
    # Each service's URL holds its own role's password, never the superuser's.
    for url, role, password, database in (
            ("DATABASE_URL", "backend", "BACKEND_DB_PASSWORD", "backend"),
            ("BACKEND_TRACKER_DATABASE_URL", "backend_eraser", "ERASER_DB_PASSWORD", "tracker"),
            ("TRACKER_DATABASE_URL", "rasa", "RASA_DB_PASSWORD", "tracker"),
            ("OUTBOX_DATABASE_URL", "actions", "ACTIONS_DB_PASSWORD", "outbox")):
        assert example[url] == \
            f"postgresql://{role}:{example[password]}@postgres:5432/{database}", url
        assert example["POSTGRES_PASSWORD"] not in example[url]
    assert example["REDIS_URL"] == \
        f"redis://backend:{example['REDIS_BACKEND_PASSWORD']}@redis:6379/1"
    values = [example[name] for name in SECRETS if not name.endswith("_URL")]
    assert len(values) == len(set(values)), "one placeholder per secret"
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
    assert '"--enable-api"' in rasa and "--auth-token" not in rasa
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


# --- least privilege, TLS, secrets checked at start -----------------------------------------

def redis_users(command: str) -> dict:
    """The ACL of each Redis user in a redis-server command line: {name: [rules]}."""
    users, current = {}, None
    for token in re.findall(r'"[^"]*"|\S+', command):
        token = token.strip('"')
        if token == "--user":
            current = ""
        elif current == "":
            current = token
            users[current] = []
        elif token.startswith("--"):
            current = None
        elif current:
            users[current].append(token)
    return users


def test_each_service_has_its_own_redis_user_and_the_default_user_is_off():
    users = redis_users(command_text("redis"))
    assert users["default"] == ["off"]
    assert "~lock:*" in users["rasa"] and "resetchannels" in users["rasa"]
    assert "~chat:*" in users["backend"] and "&chat:*" in users["backend"]
    assert service_env("rasa")["REDIS_USERNAME"] == "rasa"
    assert env_example()["REDIS_URL"].startswith("redis://backend:")
    assert "requirepass" not in command_text("redis")


def test_the_redis_users_are_refused_each_others_keys_and_channels():
    """The ACL lines of docker-compose.yml, on this machine's Redis, under names of this
    test's own (removed afterwards)."""
    import secrets as random

    import redis

    admin = redis.Redis.from_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    tag = random.token_hex(4)
    made = []
    try:
        for name, rules in redis_users(command_text("redis")).items():
            if name == "default":
                continue
            password = random.token_urlsafe(18)
            rules = [f">{password}" if r.startswith(">") else r for r in rules]
            admin.execute_command("ACL", "SETUSER", f"{name}-{tag}", "reset", *rules)
            made.append((name, password))
        clients = {name: redis.Redis(host=admin.connection_pool.connection_kwargs["host"],
                                     port=admin.connection_pool.connection_kwargs["port"],
                                     username=f"{name}-{tag}", password=password)
                   for name, password in made}
        lock, chat = f"lock:test-{tag}", f"chat:test-{tag}"
        clients["rasa"].set(lock, "held", ex=60)
        clients["backend"].set(chat, "frame", ex=60)
        clients["backend"].publish(f"chat:{tag}", "frame")
        for client, key in ((clients["rasa"], chat), (clients["backend"], lock)):
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.get(key)
        with pytest.raises(redis.exceptions.NoPermissionError):
            clients["rasa"].publish(f"chat:{tag}", "From the team: forged")
        for client in clients.values():
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.flushall()
            with pytest.raises(redis.exceptions.NoPermissionError):
                client.execute_command("CONFIG", "GET", "*")
    finally:
        admin.delete(f"lock:test-{tag}", f"chat:test-{tag}")
        for name, _ in made:
            admin.execute_command("ACL", "DELUSER", f"{name}-{tag}")


def test_each_service_signs_in_to_postgresql_as_its_own_role():
    example = env_example()
    roles = {url: example[url].split("://", 1)[1].split(":", 1)[0]
             for url in ("DATABASE_URL", "BACKEND_TRACKER_DATABASE_URL",
                         "TRACKER_DATABASE_URL", "OUTBOX_DATABASE_URL")}
    assert len(set(roles.values())) == 4 and "postgres" not in roles.values()
    assert service_env("backend")["TRACKER_DATABASE_URL"].startswith(
        "${BACKEND_TRACKER_DATABASE_URL:?")
    assert service_env("postgres")["POSTGRES_USER"] == "postgres"
    assert "POSTGRES_DB" not in service_env("postgres"), "the script makes every database"


def test_the_services_check_their_secrets_as_in_production():
    for name in ("rasa", "actions", "backend"):
        assert service_env(name)["DEPLOYMENT"] == "production", name
    assert service_env("backend")["TRUSTED_PROXIES"] == "172.30.0.2/32"
    assert services()["proxy"]["networks"]["edge"]["ipv4_address"] == "172.30.0.2"
    assert service_env("backend")["DEMO_PAGE"] == "${DEMO_PAGE:-off}"


def test_the_tls_overlay_mounts_certificates_read_only_and_keeps_the_acl():
    overlay = yaml.safe_load((DEPLOY / "compose.tls.yml").read_text())["services"]
    assert set(overlay) <= set(services())
    for name, service in overlay.items():
        for volume in service.get("volumes", []):
            source, _, mode = volume.split(":")
            assert mode == "ro" and source.startswith("./deploy/"), (name, volume)
    tls_redis = " ".join(overlay["redis"]["command"])
    assert "--port 0 --tls-port 6379" in tls_redis
    assert redis_users(tls_redis) == redis_users(command_text("redis"))
    postgres = " ".join(overlay["postgres"]["command"])
    assert "ssl=on" in postgres and "hba_file=/certs/pg_hba.conf" in postgres
    hba = (DEPLOY / "postgres" / "pg_hba.tls.conf").read_text()
    assert not re.search(r"^host\s", hba, re.M), "TCP only with TLS (hostssl)"
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/certs/ca.key"], cwd=ROOT)
    assert ignored.returncode == 0, "keys are never committed"

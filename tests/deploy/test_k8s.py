"""deploy/k8s: several Rasa replicas sharing the stores, everything else as its state
allows, one way in. Checked for structure, and rendered with `kubectl kustomize` where
kubectl is installed (no cluster is needed for either)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from tests.deploy.files import (K8S, ROOT, container_env_names, env_example, manifests,
                                named, of_kind, pod_spec, read_by, secret_keys, workloads)
from tests.deploy.test_compose import caddy_paths

API_VERSIONS = {
    "Namespace": "v1", "ConfigMap": "v1", "Service": "v1", "Deployment": "apps/v1",
    "StatefulSet": "apps/v1", "Job": "batch/v1", "Ingress": "networking.k8s.io/v1",
    "NetworkPolicy": "networking.k8s.io/v1", "PodDisruptionBudget": "policy/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
}


def kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def test_every_object_is_a_known_kind_with_a_name():
    for m in manifests():
        if m.get("kind") == "Kustomization":
            continue
        assert API_VERSIONS[m["kind"]] == m["apiVersion"], m["kind"]
        assert m["metadata"]["name"]


def test_the_kustomization_lists_every_manifest_but_the_migration_job():
    listed = set(kustomization()["resources"])
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == files - {"backend-migrate.yaml"}


def test_workloads_select_their_own_pods_and_are_locked_down():
    for w in workloads():
        spec = pod_spec(w)
        name = w["metadata"]["name"]
        if w["kind"] != "Job":
            selector = w["spec"]["selector"]["matchLabels"]
            assert selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()
        assert spec["automountServiceAccountToken"] is False, name
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"]
            assert sc["capabilities"]["drop"] == ["ALL"], name
            if w["kind"] != "Job":
                assert c["readinessProbe"] and c["livenessProbe"], name
                assert c["resources"]["requests"] and c["resources"]["limits"]["memory"]
                ports = {p["name"] for p in c["ports"]}
                for probe in ("readinessProbe", "livenessProbe"):
                    http = c[probe].get("httpGet")
                    assert not http or http["port"] in ports, (name, probe)


def test_services_reach_pods_on_ports_they_open():
    for service in of_kind("Service"):
        targets = [w for w in workloads() if w["kind"] != "Job" and
                   service["spec"]["selector"].items()
                   <= w["spec"]["template"]["metadata"]["labels"].items()]
        assert len(targets) == 1, service["metadata"]["name"]
        ports = {p["name"] for c in pod_spec(targets[0])["containers"] for p in c["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports


def test_rasa_scales_out_on_the_shared_stores_behind_its_token():
    rasa = named("Deployment", "rasa")
    assert rasa["spec"]["replicas"] >= 2
    container = pod_spec(rasa)["containers"][0]
    command = " ".join(container["command"] + container["args"])
    assert "--enable-api" in command and "--auth-token" not in command
    assert "--endpoints deploy/endpoints.yml" in command  # Redis lock store, SQL trackers
    assert {"RASA_TOKEN", "TRACKER_DATABASE_URL", "TRACKER_ENCRYPTION_KEYS",
            "REDIS_PASSWORD", "ACTION_SERVER_TOKEN"} == secret_keys(rasa)
    hpa = named("HorizontalPodAutoscaler", "rasa")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "rasa" and hpa["spec"]["minReplicas"] >= 2
    assert named("PodDisruptionBudget", "rasa")["spec"]["minAvailable"] >= 1


def test_what_holds_state_in_its_process_runs_once():
    # Telegram's single webhook with per-chat order: see the manifest's note.
    assert named("StatefulSet", "telegram")["spec"]["replicas"] == 1
    claims = named("StatefulSet", "telegram")["spec"]["volumeClaimTemplates"]
    assert claims and claims[0]["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_the_action_server_scales_out_on_the_outbox_in_postgresql():
    actions = named("Deployment", "actions")
    assert actions["spec"]["replicas"] >= 2
    assert not [s for s in of_kind("StatefulSet") if s["metadata"]["name"] == "actions"]
    assert "OUTBOX_DATABASE_URL" in secret_keys(actions), "a password: from the Secret"
    assert "OUTBOX_PATH" not in container_env_names(actions)  # no file of its own
    assert all("emptyDir" in v for v in pod_spec(actions).get("volumes", []))
    assert named("PodDisruptionBudget", "actions")["spec"]["minAvailable"] >= 1
    egress = [rule for p in of_kind("NetworkPolicy")
              if p["spec"]["podSelector"] == {"matchLabels": {"app": "actions"}}
              for rule in p["spec"].get("egress", [])]
    assert any({"protocol": "TCP", "port": 5432} in rule["ports"] for rule in egress)


def test_the_backend_scales_out_sharing_the_chat_relay_through_redis():
    backend = named("Deployment", "backend")
    assert backend["spec"]["replicas"] >= 2
    assert "REDIS_URL" in secret_keys(backend), "it holds a password: from the Secret"
    assert named("PodDisruptionBudget", "backend")["spec"]["minAvailable"] >= 1
    policies = {p["metadata"]["name"]: p for p in of_kind("NetworkPolicy")}
    to_redis = [rule for rule in policies["backend"]["spec"]["egress"]
                if {"podSelector": {"matchLabels": {"app": "redis"}}} in rule["to"]]
    assert to_redis and to_redis[0]["ports"] == [{"protocol": "TCP", "port": 6379}]
    name, service = ingress_routes()["/chat/ws"]
    assert service == "backend"
    assert named("Ingress", name)["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/upstream-hash-by"] == "$binary_remote_addr", \
        "the chat socket stays sticky"


def ingress_routes() -> dict:
    routes = {}
    for ingress in of_kind("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                routes[path["path"]] = (ingress["metadata"]["name"],
                                        path["backend"]["service"]["name"])
    return routes


def test_one_way_in_to_the_same_routes_as_the_single_host_proxy():
    routes = ingress_routes()
    assert {service for _, service in routes.values()} == {"backend", "telegram"}
    caddy = {p.rstrip("*").rstrip("/") for p in caddy_paths()}
    assert set(routes) == caddy
    for ingress in of_kind("Ingress"):
        assert ingress["spec"]["tls"], "TLS on every way in"
        assert ingress["metadata"]["annotations"][
            "nginx.ingress.kubernetes.io/enable-access-log"] == "false"


def test_the_chat_socket_is_sticky_without_a_cookie():
    name, service = ingress_routes()["/chat/ws"]
    annotations = named("Ingress", name)["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$binary_remote_addr"
    assert "nginx.ingress.kubernetes.io/affinity" not in annotations  # a cookie


def test_secrets_come_from_the_secret_made_from_the_env_file():
    for w in workloads():
        assert secret_keys(w) <= set(env_example()), w["metadata"]["name"]
        for c in pod_spec(w)["containers"]:
            for e in c.get("env", []):
                assert "value" not in e or e["name"] not in env_example() or \
                    "CHANGE_ME" not in env_example()[e["name"]], e["name"]


@pytest.mark.parametrize("service", ["rasa", "actions", "backend", "telegram"])
def test_every_variable_set_for_a_service_is_read_by_its_code(service: str):
    w = next(w for w in workloads() if w["metadata"]["name"] == service)
    explicit = {e["name"] for c in pod_spec(w)["containers"] for e in c.get("env", [])}
    assert [v for v in explicit if not read_by(service, v)] == []
    assert explicit <= container_env_names(w)


def test_only_rasa_and_the_channels_may_call_the_action_server_and_rasa_and_the_backend_redis():
    # The channels reach only the routes that check their own tokens (a copy of a log, a
    # shared log); every action needs Rasa's token (bot/action_gate.py).
    policies = {p["metadata"]["name"]: p for p in of_kind("NetworkPolicy")}
    assert policies["default-deny"]["spec"]["podSelector"] == {}
    sources = policies["actions"]["spec"]["ingress"][0]["from"]
    assert sources == [{"podSelector": {"matchLabels": {"app": app}}}
                       for app in ("rasa", "backend", "telegram")]
    sources = policies["redis"]["spec"]["ingress"][0]["from"]
    assert sources == [{"podSelector": {"matchLabels": {"app": app}}}
                       for app in ("rasa", "backend")]


def test_images_are_pinned_by_the_kustomization():
    pinned = {i["name"] for i in kustomization()["images"]}
    for w in workloads():
        if w["kind"] == "Job":
            continue
        for c in pod_spec(w)["containers"]:
            repository = c["image"].rsplit(":", 1)[0]
            assert repository in pinned or not repository.startswith("deepfake-support/")


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl is not installed")
def test_kustomize_renders_the_whole_set():
    rendered = subprocess.run(["kubectl", "kustomize", str(K8S)], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    objects = [doc for doc in yaml.safe_load_all(rendered) if doc]
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} \
        == {"deepfake-support"}
    images = {c["image"] for o in objects if o["kind"] in ("Deployment", "StatefulSet")
              for c in o["spec"]["template"]["spec"]["containers"]}
    assert all(i.startswith(("registry.example.org/", "redis:")) for i in images), images


def test_each_pod_holds_only_its_own_secrets():
    holders = {w["metadata"]["name"]: secret_keys(w) for w in workloads()}
    assert "TRACKER_ENCRYPTION_KEYS" not in holders["actions"], "the outbox has its own keys"
    assert {"OUTBOX_ENCRYPTION_KEYS", "ACTION_SERVER_TOKEN"} <= holders["actions"]
    assert "BACKEND_SERVICE_TOKEN" not in holders["telegram"]
    assert "BACKEND_GATEWAY_TOKEN" in holders["telegram"]
    assert "BACKEND_TRACKER_DATABASE_URL" in holders["backend"]
    assert "TRACKER_DATABASE_URL" not in holders["backend"], "it deletes, Rasa's role reads"


def test_floods_are_limited_at_the_ingress_too():
    for ingress in of_kind("Ingress"):
        annotations = ingress["metadata"]["annotations"]
        assert int(annotations["nginx.ingress.kubernetes.io/limit-connections"]) > 0
        assert any(key in annotations for key in ("nginx.ingress.kubernetes.io/limit-rps",
                                                  "nginx.ingress.kubernetes.io/limit-rpm"))


def test_the_dashboard_has_a_host_of_its_own():
    backend = named("Deployment", "backend")
    env = {e["name"]: e.get("value") for c in pod_spec(backend)["containers"]
           for e in c.get("env", [])}
    staff = named("Ingress", "staff")
    hosts = {rule["host"] for rule in staff["spec"]["rules"]}
    assert hosts == {env["STAFF_HOST"]}
    paths = {p["path"] for rule in staff["spec"]["rules"] for p in rule["http"]["paths"]}
    assert paths == {"/staff"}
    site = {p["path"] for rule in named("Ingress", "site")["spec"]["rules"]
            for p in rule["http"]["paths"]}
    assert "/staff" not in site
    assert env["DEMO_PAGE"] == "off" and env["TRUSTED_PROXIES"]
    assert named("ConfigMap", "assistant-config")["data"]["DEPLOYMENT"] == "production"


def test_redis_has_one_user_per_service_as_in_compose():
    from tests.deploy.test_compose import command_text, redis_users

    container = pod_spec(named("Deployment", "redis"))["containers"][0]
    k8s = redis_users(" ".join(container["args"]).replace("$REDIS", "$$REDIS"))
    assert k8s == redis_users(command_text("redis"))

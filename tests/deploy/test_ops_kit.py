"""The operations kit in deploy/ agrees with the hub it watches and runs.

* Every metric the Grafana dashboard (``deploy/grafana/omshub.json``) and the alert rules
  (``deploy/prometheus/alerts.yml``) name is served by a running hub: its console's
  ``/metrics`` and a process's metrics port, parsed with ``prometheus_client``'s parser.
  Only ``up``, which Prometheus makes itself for every scrape, is taken on trust.
* The Kubernetes manifests (``deploy/k8s``, kustomize) run every component this
  installation has — the built-in ones and each adapter and handler the ``omshub``
  distribution registers — with liveness and readiness probes on the ``/healthz`` its
  process serves; they hold no Secret. Read from the kustomization files here; where
  ``kubectl`` is at hand, each overlay is also built with ``kubectl kustomize``.
* A process's ``/healthz`` (``hub.metrics.serve``) answers 503 while a part of it is down.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from contracts.envelope import utcnow
from contracts.probe import ProbeV1
from hub.cli import parser
from hub.metrics import serve
from hub.plugins import discover
from hub.runtime import BUILTIN, all_component_names
from hub.testing import reset_memory_broker, running_hub, wait_for
from tests.conftest import Footprint, free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DASHBOARD = DEPLOY / "grafana" / "omshub.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
K8S = DEPLOY / "k8s"
BASE, PRODUCTION, STAND = K8S / "base", K8S / "overlays" / "production", K8S / "overlays" / "stand"
COMPOSE = DEPLOY / "compose.yaml"

PROMETHEUS_OWN = frozenset({"up"})
"""Series Prometheus makes itself for each scrape: no exporter serves them."""

# -- PromQL --------------------------------------------------------------------------------

KEYWORDS = frozenset({
    "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
    "and", "or", "unless", "inf", "nan", "atan2",
})
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"' r"|'(?:[^'\\]|\\.)*'")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_NAME = re.compile(r"(?<![\w.:$])([A-Za-z_:][\w:]*)(\s*\()?")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: not functions, keywords, labels,
    strings, durations, numbers or Grafana's ``$variables``."""
    text = _STRING.sub('""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries
    text = _GROUPING.sub(" ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    names = set()
    for m in _NAME.finditer(text):
        name, call = m.groups()
        if not call and name.lower() not in KEYWORDS:
            names.add(name)
    return names


def test_metric_names_leave_out_everything_but_metrics() -> None:
    expr = ('histogram_quantile(0.95, sum by (component, le) (rate(omshub_batch_seconds_bucket'
            '{component=~"$component", outcome="x"}[$__rate_interval]))) / on(component) '
            'clamp_min(max(b_total offset 15m), 1e-9) > bool 0 unless on() absent(up{job="a"})'
            ' and sum(c) without (pod) or vector(0)')
    assert metric_names(expr) == {"omshub_batch_seconds_bucket", "b_total", "up", "c"}


def dashboard_expressions(dashboard: Any) -> Iterator[str]:
    """Every PromQL expression of a dashboard: panel targets, rows' panels, variables."""
    if isinstance(dashboard, dict):
        for key, value in dashboard.items():
            if key == "expr" and isinstance(value, str):
                yield value
            elif key == "definition" and isinstance(value, str):
                yield from re.findall(r"label_values\(\s*([A-Za-z_:][\w:]*)", value)
            else:
                yield from dashboard_expressions(value)
    elif isinstance(dashboard, list):
        for item in dashboard:
            yield from dashboard_expressions(item)


def rule_expressions(rules: dict[str, Any]) -> Iterator[str]:
    """Every expression of a Prometheus rules file."""
    for group in rules["groups"]:
        for rule in group["rules"]:
            yield str(rule["expr"])


def unknown_metrics(expressions: Iterable[str], exported: set[str]) -> dict[str, set[str]]:
    """Each expression that names a metric nobody exports, with those names."""
    found: dict[str, set[str]] = {}
    for expr in expressions:
        missing = metric_names(expr) - exported - PROMETHEUS_OWN
        if missing:
            found[expr] = missing
    return found


SAMPLE_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gaugehistogram": ("_bucket", "_gcount", "_gsum"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
    "gauge": ("",),
    "unknown": ("",),
}


def exported_names(text: str) -> set[str]:
    """Every series name an exposition can carry, whether or not it has samples yet
    (a labelled counter shows only its HELP and TYPE until it is first counted)."""
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names.update(family.name + s for s in SAMPLE_SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """What an embedded hub with the console serves on ``/metrics`` and on a process's
    metrics port, after one probe went through it."""
    tmp = tmp_path_factory.mktemp("hub")
    reset_memory_broker()
    footprint = Footprint("embedded", "memory://", f"sqlite:///{tmp / 'hub.db'}")
    settings = footprint.settings(tmp, admin_port=free_port())
    components = ["hub.router", "console", "handler.probe", "adapter.probe"]
    try:
        with running_hub(settings, components) as hub:
            server = serve(free_port(), hub.process.health, host="127.0.0.1")
            try:
                sent = hub.publish(ProbeV1(seq=1, sent_at=utcnow()))
                wait_for(lambda: hub.status_of(sent.id) == "handled", 30, "probe handled")
                status, console = _get(f"http://127.0.0.1:{settings.admin_port}/metrics")
                assert status == 200
                status, process = _get(f"http://127.0.0.1:{server.port}/metrics")
                assert status == 200
                assert wait_for(lambda: _get(f"http://127.0.0.1:{server.port}/healthz")[0]
                                == 200, 30, "process healthy")
            finally:
                server.stop()
    finally:
        reset_memory_broker()
    return exported_names(console) | exported_names(process)


def test_the_hub_exports_what_the_kit_is_built_on(exported: set[str]) -> None:
    # Not a tautology: these come from the hub's metrics, the journal collector and the
    # process defaults, and the kit's panels rest on them.
    for name in ("omshub_messages_total", "omshub_batch_seconds_bucket",
                 "omshub_component_up", "omshub_journaled_total",
                 "omshub_dead_letters_open_by_cause", "omshub_outbox_oldest_age_seconds",
                 "omshub_console_queue_depth", "omshub_console_component_status",
                 "process_resident_memory_bytes"):
        assert name in exported, name


def test_every_metric_of_the_dashboard_is_exported(exported: set[str]) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    expressions = list(dashboard_expressions(dashboard))
    assert len(expressions) >= 15
    assert unknown_metrics(expressions, exported) == {}


def test_every_metric_of_the_alert_rules_is_exported(exported: set[str]) -> None:
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert unknown_metrics(rule_expressions(rules), exported) == {}


def test_a_metric_nobody_exports_is_caught(exported: set[str]) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    dashboard["panels"][1]["targets"].append(
        {"refId": "Z", "expr": 'sum(rate(omshub_messages_handled_total{outcome="x"}[5m]))'})
    dashboard["templating"]["list"][1]["definition"] = "label_values(omshub_no_such, component)"
    found = unknown_metrics(dashboard_expressions(dashboard), exported)
    assert set().union(*found.values()) == {"omshub_messages_handled_total", "omshub_no_such"}


# -- the dashboard and the rules as files ----------------------------------------------------


def _panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def test_dashboard_is_a_grafana_dashboard_over_a_chosen_prometheus() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["schemaVersion"] >= 36 and dashboard["uid"] and dashboard["title"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [p["id"] for p in _panels(dashboard)]
    assert len(ids) == len(set(ids))
    for panel in _panels(dashboard):
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["targets"] and all(t["expr"] for t in panel["targets"]), panel["title"]
        assert re.search("[а-яА-Я]", panel["title"] + panel["description"]), panel["title"]


def test_dashboard_shows_what_operators_watch() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    used = set().union(*(metric_names(e) for e in dashboard_expressions(dashboard)))
    # Flow per type and component, failures, queues, dead letters by cause, relay lag,
    # processes.
    assert {"omshub_journaled_total", "omshub_messages_total", "omshub_console_queue_depth",
            "omshub_dead_letters_open_by_cause", "omshub_outbox_oldest_age_seconds",
            "omshub_component_up", "up"} <= used


DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")


def test_alert_rules_are_prometheus_rules_with_russian_annotations() -> None:
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert set(rules) == {"groups"}
    names = []
    for group in rules["groups"]:
        assert group["name"] and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "keep_firing_for", "labels",
                                 "annotations"}, rule
            names.append(rule["alert"])
            assert re.fullmatch(r"Omshub[A-Z]\w+", rule["alert"])
            assert isinstance(rule["expr"], str) and rule["expr"].strip()
            assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
            if "for" in rule:
                assert DURATION.match(rule["for"]), rule["alert"]
            assert rule["labels"]["severity"] in {"critical", "warning", "info"}
            for key in ("summary", "description"):
                text = rule["annotations"][key]
                assert re.search("[а-яА-Я]", text), f"{rule['alert']}: {key} not in Russian"
                assert text.count("{{") == text.count("}}"), rule["alert"]
    assert len(names) == len(set(names))
    # The conditions the brief names each have a rule.
    assert {"OmshubDeadLettersGrowing", "OmshubRelayLagHigh", "OmshubComponentDown",
            "OmshubComponentDegraded", "OmshubQueueDepthHigh", "OmshubHandlerFailures",
            "OmshubTargetDown"} <= set(names)


# -- Kubernetes ------------------------------------------------------------------------------


def kustomize(directory: Path) -> list[dict[str, Any]]:
    """The resources a kustomization lists, its bases' included (patches not applied:
    enough to see what runs and how it is probed)."""
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = []
    for entry in spec.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            found.extend(kustomize(path))
        else:
            found.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    for generator in spec.get("configMapGenerator", []):
        found.append({"kind": "ConfigMap", "metadata": {"name": generator["name"]},
                      "generated": True})
    return found


def product_components() -> list[str]:
    """Built-in components and each adapter and handler of the ``omshub`` distribution
    (what the image holds; a third party's plug-in adds its Deployment in an overlay)."""
    kinds = {"omshub.adapters": "adapter", "omshub.handlers": "handler"}
    names = [f"{kinds[group]}.{ep.name}" for group in kinds for ep in entry_points(group=group)
             if ep.dist is not None and ep.dist.name == "omshub"]
    known = set(all_component_names(discover()))
    assert set(names) <= known, "entry points and omshub's components disagree"
    return [*BUILTIN, *sorted(names)]


def deployments(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Deployments by the component their container runs (``omshub run <component>``)."""
    found: dict[str, dict[str, Any]] = {}
    for d in resources:
        if d.get("kind") != "Deployment":
            continue
        (container,) = d["spec"]["template"]["spec"]["containers"]
        args = container["args"]
        assert args[0] == "run", d["metadata"]["name"]
        assert args[1] not in found, f"two Deployments run {args[1]}"
        found[args[1]] = d
    return found


def test_every_component_has_its_deployment() -> None:
    components = product_components()
    assert {"adapter.soap", "handler.erz", "adapter.smev3-simulator"} <= set(components)
    production = deployments(kustomize(PRODUCTION))
    stand = deployments(kustomize(STAND))
    missing = set(components) - set(production) - set(stand)
    assert not missing, f"no Deployment runs {', '.join(sorted(missing))}"
    assert not [c for c in production if "simulator" in c], "a simulator in production"
    assert set(production) <= set(stand), "the stand runs what production runs"
    for component, d in stand.items():
        assert d["metadata"]["name"] == component.replace(".", "-"), component


def test_kubernetes_and_compose_run_the_same_components() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    image = compose["x-omshub"]["image"]
    in_compose = {s["command"][1] for s in compose["services"].values()
                  if s.get("image") == image and s["command"][0] == "run"}
    assert in_compose == set(deployments(kustomize(PRODUCTION)))


def _port(container: dict[str, Any], ref: int | str) -> int:
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    assert ref in ports or ref in ports.values(), f"probe port {ref} is not declared"
    return int(ports.get(str(ref), ref))


def check_probes(d: dict[str, Any]) -> None:
    """Liveness and readiness on the process's /healthz (readiness may be a TCP check of
    a port it serves), on the port given to ``--metrics-port``."""
    name = d["metadata"]["name"]
    (container,) = d["spec"]["template"]["spec"]["containers"]
    args = container["args"]
    assert "--metrics-port" in args, f"{name} serves no /healthz"
    metrics_port = int(args[args.index("--metrics-port") + 1])
    live = container["livenessProbe"]["httpGet"]
    assert live["path"] == "/healthz", name
    assert _port(container, live["port"]) == metrics_port, name
    ready = container["readinessProbe"]
    if "httpGet" in ready:
        assert ready["httpGet"]["path"] == "/healthz", name
        assert _port(container, ready["httpGet"]["port"]) == metrics_port, name
    else:
        _port(container, ready["tcpSocket"]["port"])
    try:
        parser().parse_args(args)
    except SystemExit:
        pytest.fail(f"{name}: `omshub {' '.join(args)}` is not a valid command")


def test_every_deployment_is_probed_on_healthz() -> None:
    for d in deployments(kustomize(STAND)).values():
        check_probes(d)


def test_manifests_refer_only_to_what_exists_and_hold_no_secret() -> None:
    resources = kustomize(STAND)
    assert not [r for r in resources if r.get("kind") == "Secret"], "a Secret in the repo"
    names = {(r["kind"], r["metadata"]["name"]) for r in resources}
    services = [r for r in resources if r["kind"] == "Service"]
    pods = {d["metadata"]["name"]: d["spec"]["template"]
            for d in [*resources] if d["kind"] in ("Deployment",)}
    for name, template in pods.items():
        spec = template["spec"]
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                assert ("ConfigMap", volume["configMap"]["name"]) in names, name
            if "persistentVolumeClaim" in volume:
                claim = volume["persistentVolumeClaim"]["claimName"]
                assert ("PersistentVolumeClaim", claim) in names, name
        (container,) = spec["containers"]
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                assert ("ConfigMap", source["configMapRef"]["name"]) in names, name
        mounted = {m["name"] for m in container.get("volumeMounts", [])}
        assert mounted == {v["name"] for v in spec.get("volumes", [])}, name
    for service in services:
        component = service["spec"]["selector"]["app.kubernetes.io/component"]
        (container,) = pods[component]["spec"]["containers"]
        for port in service["spec"]["ports"]:
            _port(container, port["targetPort"])


@pytest.mark.parametrize("overlay", [PRODUCTION, STAND], ids=["production", "stand"])
def test_kubectl_builds_the_overlay(overlay: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed (the kustomization files are read above)")
    built = subprocess.run([kubectl, "kustomize", str(overlay)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert built.returncode == 0, built.stderr
    resources = [d for d in yaml.safe_load_all(built.stdout) if d]
    assert deployments(resources).keys() == deployments(kustomize(overlay)).keys()
    for d in deployments(resources).values():
        check_probes(d)
        assert d["metadata"]["namespace"].startswith("omshub")
        (container,) = d["spec"]["template"]["spec"]["containers"]
        refs = [s["configMapRef"]["name"] for s in container["envFrom"] if "configMapRef" in s]
        assert refs and all(re.fullmatch(r"omshub-settings-\w+", r) for r in refs)


# -- a process's /healthz ----------------------------------------------------------------------


def test_a_process_healthz_is_503_while_a_part_is_down() -> None:
    state: dict[str, dict[str, Any]] = {"handler.probe": {"status": "ok", "detail": "x"},
                                        "bus": {"status": "ok"}}

    def health() -> dict[str, dict[str, Any]]:
        if "raise" in state:
            raise RuntimeError("probe failed")
        return state

    server = serve(free_port(), health, host="127.0.0.1")
    url = f"http://127.0.0.1:{server.port}"
    try:
        status, body = _get(f"{url}/healthz")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "components": {"handler.probe": "ok",
                                                                   "bus": "ok"}}
        state["handler.probe"]["status"] = "degraded"  # rides out an outage: still alive
        assert _get(f"{url}/healthz")[0] == 200
        state["bus"]["status"] = "down"
        status, body = _get(f"{url}/healthz")
        assert status == 503 and json.loads(body)["status"] == "unhealthy"
        assert "detail" not in body  # statuses only: details may name files
        state["raise"] = {}
        assert _get(f"{url}/healthz")[0] == 503
        status, body = _get(f"{url}/metrics")
        assert status == 200 and "# TYPE omshub_messages_total counter" in body
        assert _get(f"{url}/nothing")[0] == 404
    finally:
        server.stop()


def test_omshub_run_serves_healthz_on_its_metrics_port(tmp_path: Path) -> None:
    # What every Deployment's probes and the compose healthchecks call, end to end.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    env |= {"OMSHUB_DATA_DIR": str(tmp_path / "var"), "OMSHUB_BROKER_URL": "memory://"}
    migrated = subprocess.run([sys.executable, "-m", "hub.cli", "migrate"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    with (tmp_path / "run.log").open("w") as log:
        run = subprocess.Popen([sys.executable, "-m", "hub.cli", "run", "handler.probe",
                                "--metrics-port", str(port)], cwd=tmp_path, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
        try:
            def healthy() -> bool:
                try:
                    return _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
                except OSError:
                    assert run.poll() is None, (tmp_path / "run.log").read_text()
                    return False

            wait_for(healthy, 60, "/healthz of `omshub run handler.probe`")
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
            assert json.loads(body)["components"]["handler.probe"] == "ok"
            status, body = _get(f"http://127.0.0.1:{port}/metrics")
            assert 'omshub_component_up{component="handler.probe"} 1.0' in body
        finally:
            run.send_signal(signal.SIGTERM)
            assert run.wait(30) == 0, "a graceful stop on SIGTERM"

"""The deployment files agree with the code.

* ``deploy/rabbitmq/definitions.json`` pre-declares exactly what ``hub/bus/topology.py`` and
  the router declare (RabbitMQ refuses a redeclaration with other arguments), and is what
  ``check_definitions.py --write`` generates.
* ``deploy/compose.yaml`` is YAML (PyYAML is a test dependency) and each hub service
  runs a command ``omshub`` accepts, with a component name this installation knows.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hub.cli import parser
from hub.plugins import discover
from hub.runtime import BUILTIN, all_component_names
from hub.services import service_names

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCRIPT = DEPLOY / "rabbitmq" / "check_definitions.py"
DEFINITIONS = DEPLOY / "rabbitmq" / "definitions.json"
COMPOSE = DEPLOY / "compose.yaml"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_definitions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_definitions = _checker()


# -- definitions.json ------------------------------------------------------------------------


def test_definitions_json_matches_the_code():
    # The drift check exactly as the README tells operators to run it.
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, (
        "deploy/rabbitmq/definitions.json and the code disagree; regenerate it with "
        f"`.venv/bin/python {SCRIPT.relative_to(ROOT)} --write`:\n"
        f"{result.stdout}{result.stderr}")


def test_definitions_json_is_what_write_generates():
    limit = check_definitions.Settings().delivery_limit
    expected = check_definitions.text(check_definitions.declarations(limit))
    assert DEFINITIONS.read_text(encoding="utf-8") == expected, (
        "definitions.json was edited by hand: regenerate it with check_definitions.py --write")


def test_definitions_declare_the_return_path_and_no_parked_queue():
    defs = json.loads(DEFINITIONS.read_text(encoding="utf-8"))
    queues = {q["name"]: q["arguments"] for q in defs["queues"]}
    exchanges = {e["name"]: e for e in defs["exchanges"]}
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in defs["bindings"]}
    assert "omshub.parked" not in queues
    assert exchanges["omshub.return"]["type"] == "direct"
    assert exchanges["omshub.return"]["arguments"] == {"alternate-exchange": "omshub.dead"}
    assert ("omshub.return", "omshub.router", "omshub.router") in bindings
    tiers = [name for name in queues if name.startswith("omshub.delay.")]
    assert tiers and all(queues[t]["x-dead-letter-exchange"] == "omshub.return" for t in tiers)
    assert "x-delivery-limit" not in queues["omshub.dead"]


def _mutate(defs: dict[str, Any]) -> dict[str, Any]:
    """The definitions as they were before omshub.return existed."""
    defs["queues"].append({"name": "omshub.parked", "vhost": "omshub", "durable": True,
                           "auto_delete": False, "arguments": {"x-queue-type": "quorum"}})
    for q in defs["queues"]:
        if q["name"].startswith("omshub.delay."):
            q["arguments"]["x-dead-letter-exchange"] = ""
    defs["exchanges"] = [e for e in defs["exchanges"] if e["name"] != "omshub.return"]
    defs["bindings"] = [b for b in defs["bindings"] if b["source"] != "omshub.return"]
    return defs


def test_the_check_reports_each_difference(tmp_path: Path):
    stale = tmp_path / "definitions.json"
    stale.write_text(json.dumps(_mutate(json.loads(DEFINITIONS.read_text(encoding="utf-8")))))
    diffs = "\n".join(check_definitions.check(stale, 20))
    assert "queue omshub.parked: code declares None" in diffs
    assert "queue omshub.delay.1s:" in diffs
    assert "exchange omshub.return: code declares" in diffs
    assert "binding omshub.return -> omshub.router (routing key 'omshub.router'): code only" \
        in diffs
    assert check_definitions.main([str(stale)]) == 1


def test_write_regenerates_a_stale_file(tmp_path: Path):
    stale = tmp_path / "definitions.json"
    stale.write_text("{}")
    assert check_definitions.main([str(stale)]) == 1
    assert check_definitions.main(["--write", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == DEFINITIONS.read_text(encoding="utf-8")
    assert check_definitions.check(stale, 20) == []


def test_another_delivery_limit_is_a_difference(tmp_path: Path):
    path = tmp_path / "definitions.json"
    assert check_definitions.main(["--write", "--delivery-limit", "7", str(path)]) == 0
    router = next(q for q in json.loads(path.read_text())["queues"]
                  if q["name"] == "omshub.router")
    assert router["arguments"]["x-delivery-limit"] == 7
    assert check_definitions.check(path, 20) != []


# -- compose.yaml ----------------------------------------------------------------------------


def _services_by_lines(text: str) -> dict[str, dict[str, Any]]:
    """Each service's command and whether it is a hub service (merges ``*omshub``), read
    line by line: enough for this file without a YAML parser."""
    services: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    in_services = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            in_services = line.startswith("services:")
            current = None
            continue
        if not in_services:
            continue
        if m := re.fullmatch(r"  ([\w.-]+):\s*", line):
            current = services.setdefault(m.group(1), {"hub": False, "command": None})
        elif current is not None and re.fullmatch(r"    <<: \*omshub\s*", line):
            current["hub"] = True
        elif current is not None and (m := re.fullmatch(r"    command: (\[.*\])\s*", line)):
            current["command"] = json.loads(m.group(1))
    return services


def _services_by_yaml(text: str) -> dict[str, dict[str, Any]]:
    import yaml
    doc = yaml.safe_load(text)
    assert isinstance(doc, dict) and isinstance(doc.get("services"), dict)
    image = str(doc["x-omshub"]["image"])
    return {name: {"hub": svc.get("image") == image, "command": svc.get("command")}
            for name, svc in doc["services"].items()}


def test_compose_parses_as_yaml():
    text = COMPOSE.read_text(encoding="utf-8")
    parsed = _services_by_yaml(text)
    # The line reader the other tests use sees the same services and commands.
    assert parsed == _services_by_lines(text)


def test_compose_runs_components_omshub_knows():
    services = _services_by_lines(COMPOSE.read_text(encoding="utf-8"))
    hub = {name: s["command"] for name, s in services.items() if s["hub"]}
    assert hub, "no hub services found in compose.yaml"
    known = set(all_component_names(discover()))
    cli = parser()
    running: dict[str, str] = {}
    for name, command in hub.items():
        assert isinstance(command, list) and command, f"service {name} has no command"
        try:
            cli.parse_args(command)
        except SystemExit:
            pytest.fail(f"service {name}: `omshub {' '.join(command)}` is not a valid command")
        if command[0] == "run":
            component = command[1]
            assert component in known, (
                f"service {name} runs {component!r}, which omshub does not know "
                f"(known: {', '.join(sorted(known))})")
            assert name == component.replace(".", "-"), (
                f"service {name} runs {component}: name it {component.replace('.', '-')}")
            running[component] = name
    missing = {*BUILTIN, *service_names()} - set(running)  # the console among them
    assert not missing, f"compose.yaml runs no {', '.join(sorted(missing))}"

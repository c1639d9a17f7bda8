"""Plug-ins: a third-party package adds a type and a handler without any change to the hub."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hub.plugins import discover

ROOT = Path(__file__).resolve().parents[2]
HUB_CODE = ["hub", "contracts", "storage", "admin", "adapters", "handlers"]


def test_the_sample_package_is_discovered_from_its_own_distribution():
    out = subprocess.run([sys.executable, "-m", "hub.cli", "plugins", "--json", "--check"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    found = {(p["group"], p["name"]): p for p in json.loads(out)}
    greeting = found[("omshub.message_types", "greeting")]
    greeter = found[("omshub.handlers", "greeter")]
    assert greeting["distribution"] == greeter["distribution"] == "omshub-sample-plugin"
    assert greeting["provides"] == ["sample.greeting.v1"]
    assert greeter["provides"] == ["handler.greeter"] and greeter["error"] is None


def test_no_hub_code_knows_the_sample_plugin():
    for folder in HUB_CODE:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "omshub_sample" not in text and "greeter" not in text.lower(), path


def test_the_routing_table_comes_from_what_plugins_declare():
    from hub.routing import RoutingTable

    plugins = discover()
    table = RoutingTable.build(plugins.components.values(),
                               {"sample.greeting.v1": ["handler.archive"]})
    assert table.destinations("sample.greeting.v1", None) == [
        "omshub.handler.greeter", "omshub.handler.archive"]
    assert table.destinations("hub.probe.v1", "handler.greeter") == ["omshub.handler.greeter"]
    assert table.destinations("hub.probe.v1", "handler.missing") == []


def test_a_broken_plugin_is_reported_not_fatal(monkeypatch):
    from importlib.metadata import EntryPoint

    import hub.plugins as plugins_module

    broken = EntryPoint("broken", "no_such_module:Thing", "omshub.handlers")
    real = plugins_module.entry_points

    def with_broken(group: str):  # type: ignore[no-untyped-def]
        found = list(real(group=group))
        return [*found, broken] if group == "omshub.handlers" else found

    monkeypatch.setattr(plugins_module, "entry_points", with_broken)
    plugins = discover()
    (bad,) = [p for p in plugins.found if p.name == "broken"]
    assert bad.error is None, "listed, not loaded yet"
    assert "handler.probe" in plugins.components  # every component loaded: the broken one fails
    assert bad.error and "No module named 'no_such_module'" in bad.error
    assert "handler.broken" not in plugins.components and "handler.broken" in plugins.names()
    with pytest.raises(plugins_module.BrokenPlugin, match="компонент handler.broken не "
                                                         "загружается: ModuleNotFoundError"):
        plugins.component("handler.broken")

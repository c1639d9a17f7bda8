"""The console is a component like any other, and the hub imports nothing above it (issue 10).

The console comes from its ``omshub.components`` entry point and is started and stopped by a
hub process as any component; ``omshub user`` and ``omshub probe`` are plug-in commands of
``admin`` and ``adapters.probe``; the first administrator is made by the console's
``omshub.first_start`` hook. None of it needs an import of ``admin`` or ``adapters`` in hub/.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest

from adapters.probe.cli import cmd_probe
from admin.cli import cmd_user_add
from admin.server import ConsoleServer
from hub import cli
from hub.plugins import Plugins
from hub.runtime import BUILTIN, all_component_names
from hub.services import load_service, service_names
from hub.testing import running_hub, wait_for
from storage.db import Database
from storage.migrate import upgrade
from tests.conftest import Footprint, free_port


def test_the_console_is_found_by_its_entry_point() -> None:
    assert "console" not in BUILTIN and "console" in service_names()
    assert load_service("console") is ConsoleServer
    assert all_component_names(Plugins()) == ["hub.router", "hub.scheduler", "console"]
    with pytest.raises(LookupError):
        load_service("consle")


def test_a_hub_process_serves_its_console_and_stops_it(footprint: Footprint,
                                                       tmp_path: Path) -> None:
    port = free_port()
    settings = footprint.settings(tmp_path, admin_port=port, secret_key="services-test-secret")
    with running_hub(settings, ["hub.router", "console"]) as hub:
        console = hub.process.services["console"]
        assert httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
        assert hub.process.health()["console"]["status"] == "ok"
        # Its heartbeat says so to every console: /healthz reads the heartbeats.
        wait_for(lambda: httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200,
                 message="/healthz ok")
    assert console.health()["status"] == "down"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/login")


def test_the_hub_imports_nothing_above_it() -> None:
    code = ("import sys, hub.cli, hub.runtime, hub.services, hub.health, hub.testing, "
            "hub.handoff; hub.cli.settings_from; "
            "print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('admin', 'adapters', 'handlers')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_commands_of_upper_layers_are_plug_ins() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="omshub.cli")}
    assert names["user"] == "admin.cli:register"
    assert names["probe"] == "adapters.probe.cli:register"
    parser = cli.parser()
    assert parser.parse_args(["user", "add", "ivan", "--role", "operator"]).func is cmd_user_add
    args = parser.parse_args(["probe", "--count", "3"])
    assert args.func is cmd_probe and args.count == 3


def test_the_first_start_makes_the_console_administrator(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hooks = {ep.name: ep.value for ep in entry_points(group=cli.FIRST_START_GROUP)}
    assert hooks["admin"] == "admin.cli:first_administrator"
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        upgrade(db)
        assert cli._first_start(db)
        cli._first_start_hooks(db, Footprint(
            "embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}").settings(tmp_path))
        assert "console user 'admin' created with password" in capsys.readouterr().out
        assert not cli._first_start(db)
    finally:
        db.dispose()

"""Plug-ins resolve to their code only when used (issue 10, item 2).

``omshub run handler.probe`` and ``omshub plugins`` run as real commands in fresh
interpreters, which write down ``sys.modules`` as they exit: neither imports the SOAP
service (spyne), SFTP (paramiko), the GOST crypto of СМЭВ or another component's code.
``omshub plugins --check``, which loads every plug-in, shows that the check sees them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.probe import ProbeV1
from handlers.probe.models import probe_receipts
from hub.plugins import UnknownComponent, discover
from hub.testing import running_hub, wait_for
from storage.db import Database
from storage.models import heartbeats
from tests.conftest import Footprint

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("spyne", "paramiko", "gostcrypto", "hub.crypto", "adapters.smev3.service",
         "adapters.smev3.signature", "adapters.soap", "adapters.files", "adapters.vipnet",
         "handlers.erz")
"""Modules ``omshub run handler.probe`` has no use for: others' libraries and components."""

# Runs ``omshub ARGS…`` as ``python -m hub.cli`` does, then writes sys.modules to OUT at exit.
SPY = """\
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
runpy.run_module("hub.cli", run_name="__main__", alter_sys=True)
"""


def _environment(fp: Footprint, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    env.update(OMSHUB_BROKER_URL=fp.broker_url, OMSHUB_DATABASE_URL=fp.database_url,
               OMSHUB_DATA_DIR=str(tmp_path / "var"), OMSHUB_HEARTBEAT_SECONDS="0.3",
               OMSHUB_LOG_LEVEL="WARNING")
    return env


def _omshub(out: Path, *args: str, env: dict[str, str] | None = None,
            ) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SPY, str(out), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _heavy(out: Path) -> list[str]:
    modules = json.loads(out.read_text(encoding="utf-8"))
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(
        tuple(f"{h}." for h in HEAVY)) or m in HEAVY)


def _healthy(db: Database, component: str) -> bool:
    with db.read() as conn:
        return conn.execute(sa.select(heartbeats.c.status).where(
            heartbeats.c.component == component)).scalar() == "ok"


def test_run_handler_probe_imports_only_what_the_probe_needs(footprint: Footprint,
                                                             tmp_path: Path):
    settings = footprint.settings(tmp_path)
    out = tmp_path / "modules.json"
    with running_hub(settings, ["hub.router", "adapter.probe"]) as hub:  # migrates
        handler = _omshub(out, "run", "handler.probe", env=_environment(footprint, tmp_path))
        try:
            wait_for(lambda: _healthy(hub.db, "handler.probe"), timeout=60,
                     message="omshub run handler.probe is up")
            if footprint.name == "production":  # one broker: the probe reaches the process
                hub.publish(ProbeV1(seq=1, sent_at=utcnow()))
                wait_for(lambda: hub.count(probe_receipts) == 1, timeout=30,
                         message="the lone handler process handled the probe")
        finally:
            handler.send_signal(signal.SIGTERM)
            _, err = handler.communicate(timeout=60)
    assert handler.returncode == 0, err.decode()[-2000:]
    assert _heavy(out) == []


def test_plugins_lists_without_importing_and_check_loads(tmp_path: Path):
    out = tmp_path / "modules.json"
    listing = _omshub(out, "plugins", "--json")
    stdout, err = listing.communicate(timeout=60)
    assert listing.returncode == 0, err.decode()
    assert _heavy(out) == []
    found = {(p["group"], p["name"]): p for p in json.loads(stdout)}
    soap = found[("omshub.adapters", "soap")]
    assert soap["value"] == "adapters.soap.service:SoapAdapter" and soap["provides"] == []

    checked = _omshub(out, "plugins", "--check")
    stdout, err = checked.communicate(timeout=120)
    assert checked.returncode == 0, err.decode()
    assert {"spyne", "adapters.soap.service", "handlers.erz.service"} <= set(_heavy(out))
    assert "adapter.soap" in stdout.decode()


@pytest.mark.parametrize("component", ["handler.probe", "handler.erz"])
def test_a_handler_loads_no_protocol_stack(component: str):
    code = ("import json, sys; from hub.plugins import discover; "
            f"discover().component({component!r}); print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout))
    stacks = {"spyne", "paramiko", "gostcrypto", "hub.crypto", "adapters.soap",
              "adapters.files", "adapters.smev3.service"}
    assert component.replace("handler.", "handlers.") in modules
    assert not stacks & modules, f"{component} pulls in {sorted(stacks & modules)}"


def test_the_catalogue_loads_message_types_not_components(tmp_path: Path):
    out = tmp_path / "modules.json"
    catalogue = _omshub(out, "catalogue", "-o", str(tmp_path / "catalogue.json"))
    _, err = catalogue.communicate(timeout=60)
    assert catalogue.returncode == 0, err.decode()
    keys = {t["key"] for t in json.loads((tmp_path / "catalogue.json").read_text("utf-8"))}
    assert {"hub.probe.v1", "smev3.zags.fatal.request.v1", "sample.greeting.v1"} <= keys
    assert _heavy(out) == [], "message-type modules stay light"


def test_a_plugin_command_loads_that_plugin_alone(tmp_path: Path):
    out = tmp_path / "modules.json"
    smev3 = _omshub(out, "smev3", "--help")
    stdout, err = smev3.communicate(timeout=60)
    assert smev3.returncode == 0, err.decode()
    assert "verify" in stdout.decode()
    modules = set(json.loads(out.read_text(encoding="utf-8")))
    assert "adapters.smev3.cli" in modules
    assert not {"adapters.soap", "adapters.soap.cli", "handlers.erz", "spyne"} & modules


def test_the_command_word_is_found_as_argparse_finds_it():
    from hub.cli import command_word, parser

    assert command_word(["--broker-url", "memory://", "smev3", "verify", "x"]) == "smev3"
    assert command_word(["--database-url=sqlite://", "erz", "generate"]) == "erz"
    assert command_word(["--help"]) is None and command_word([]) is None
    args = parser(["run", "handler.probe"]).parse_args(["run", "handler.probe"])
    assert args.component == "handler.probe"
    with pytest.raises(SystemExit):  # a plug-in command is a valid name, not loaded here
        parser(["run", "x"]).parse_args(["smevv3"])


def test_a_mistyped_component_name_gets_a_suggestion_in_russian(
        capsys: pytest.CaptureFixture[str]):
    from hub.cli import main

    with pytest.raises(UnknownComponent, match="нет компонента handler.prob; "
                                               "возможно, handler.probe"):
        discover().component("handler.prob")
    assert main(["run", "handler.prob"]) == 2
    err = capsys.readouterr().err
    assert "нет компонента handler.prob; возможно, handler.probe" in err
    assert main(["run", "nothing.like.it"]) == 2
    assert "нет компонента nothing.like.it; установлены: " in capsys.readouterr().err


def test_a_component_loads_alone_and_the_whole_set_on_demand():
    plugins = discover()
    assert "handler.erz" in plugins.names() and "adapter.soap" in plugins.names()
    probe = plugins.component("handler.probe")
    assert probe.component_name() == "handler.probe"
    loaded = [p.name for p in plugins.found if p.group in ("omshub.adapters", "omshub.handlers")
              and p.provides]
    assert loaded == ["probe"], "asking for one component loads that one alone"
    assert "hub.probe.v1" in {t.key for t in probe.message_types()}
    assert {"adapter.soap", "handler.erz", "handler.probe"} <= set(plugins.components)

"""Credentials, the ``omshub soap add-org`` command, a busy port, the register's port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tomllib
from importlib.metadata import EntryPoints
from pathlib import Path

import pytest

from adapters.soap.settings import SoapSettings
from hub import ports
from hub.cli import main
from hub.passwords import hash_password, verify_password
from hub.testing import running_hub
from tests.conftest import Footprint

ROOT = Path(__file__).resolve().parents[3]


def test_passwords_are_kept_as_salted_scrypt_hashes() -> None:
    one, two = hash_password("secret"), hash_password("secret")
    assert one.startswith("scrypt$") and "secret" not in one
    assert one != two  # a fresh salt each time
    assert verify_password("secret", one) and verify_password("secret", two)
    assert not verify_password("Secret", one)
    assert not verify_password("secret", "plain-text")


def test_add_org_appends_the_entry_and_prints_the_password_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # its database (not migrated here: the file alone) in var/
    config = tmp_path / "omshub.toml"
    config.write_text('log_level = "INFO"\n\n[plugins.soap]\nport = 9000\n')
    assert main(["soap", "add-org", "760101", "--kind", "mo", "--user", "poliklinika-1",
                 "--config", str(config)]) == 0
    out = capsys.readouterr().out
    password = out.strip().rsplit(" ", 1)[1]
    text = config.read_text()
    assert password not in text
    settings = SoapSettings.model_validate(tomllib.loads(text)["plugins"]["soap"])
    org = settings.by_username("poliklinika-1")
    assert org is not None and (org.code, org.kind, settings.port) == ("760101", "mo", 9000)
    assert verify_password(password, org.password_hash)
    # The same code again is refused and the file is left as it was.
    assert main(["soap", "add-org", "760101", "--kind", "mo", "--user", "other",
                 "--config", str(config)]) == 1
    assert config.read_text() == text
    assert "already has an organisation 760101" in capsys.readouterr().err


def test_a_busy_port_leaves_the_adapter_down_not_the_hub(footprint: Footprint,
                                                          tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = footprint.settings(tmp_path, plugins={"soap": {"port": port}})
        with running_hub(settings, ["hub.router", "handler.erz", "adapter.soap"]) as hub:
            health = hub.process.health()
    assert health["adapter.soap"]["status"] == "down"
    assert str(port) in health["adapter.soap"]["detail"]
    assert health["handler.erz"]["status"] == "ok"


def test_without_the_register_the_adapter_is_down_not_the_hub(
        footprint: Footprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ports, "entry_points", lambda group: EntryPoints(()))  # nothing installed
    settings = footprint.settings(tmp_path)
    with running_hub(settings, ["hub.router", "adapter.soap"]) as hub:
        health = hub.process.health()
    assert health["adapter.soap"]["status"] == "down"
    assert health["adapter.soap"]["detail"] == (
        "РС ЕРЗ недоступен: порт erz.register не предоставлен ни одним установленным модулем "
        "(группа omshub.ports); установлены: никакие")
    assert health["hub.router"]["status"] == "ok"


def test_the_soap_modules_import_nothing_of_the_handlers() -> None:
    code = ("import json, sys; import adapters.soap.service, adapters.soap.cli; "
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    handlers = [m for m in json.loads(done.stdout) if m.split(".")[0] == "handlers"]
    assert handlers == [], "the register's port is loaded at setup, not imported"

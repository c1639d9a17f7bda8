"""The layers are a checked contract (issue 10): ``lint-imports``, run by ``make lint``.

contracts < storage < hub < admin < {adapters, handlers}; adapters and handlers never import
each other; handlers are independent of one another; hub, storage and admin import no
subsystem's message types (the hub knows no domain). The real tree keeps every contract;
a copy of it with a deliberate forbidden import in each place breaks them, so the check can
fail. Only an import issue 10 is removing may be ignored, each marked so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contracts", "storage", "hub", "admin", "adapters", "handlers")
LINT = Path(sys.executable).with_name("lint-imports")

BREACHES = {
    "hub/_breach.py": ("import admin.app\n", "hub._breach -> admin.app"),
    "hub/_breach_adapter.py": ("import adapters.probe.service\n",
                               "hub._breach_adapter -> adapters.probe.service"),
    "hub/_breach_domain.py": ("from contracts.erz import lists\n",
                              "hub._breach_domain -> contracts.erz.lists"),
    "contracts/_breach.py": ("from hub import settings\n", "contracts._breach -> hub.settings"),
    "storage/_breach.py": ("import hub.settings\n", "storage._breach -> hub.settings"),
    "admin/_breach.py": ("import handlers.probe.service\n",
                         "admin._breach -> handlers.probe.service"),
    "adapters/probe/_breach.py": ("import handlers.probe.service\n",
                                  "adapters.probe._breach -> handlers.probe.service"),
    "adapters/soap/_breach.py": ("from handlers.erz.register import queries\n",
                                 "adapters.soap._breach -> handlers.erz.register.queries"),
    "handlers/probe/_breach.py": ("from adapters.probe import service\n",
                                  "handlers.probe._breach -> adapters.probe.service"),
    "handlers/erz/_breach.py": ("import handlers.probe.service\n",
                                "handlers.erz._breach -> handlers.probe.service"),
}
"""A forbidden import in a new module → what ``lint-imports`` must report."""


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the packages under ``tree``, with its ``pyproject.toml``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"}  # no wrapped lines
    return subprocess.run([str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=600)


def test_the_tree_keeps_its_layers() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", done.stdout), done.stdout


@pytest.fixture(scope="module")
def breached(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on a copy of the tree with every :data:`BREACHES` module added."""
    tree = tmp_path_factory.mktemp("tree")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for path, (source, _) in BREACHES.items():
        (tree / path).write_text(source, encoding="utf-8")
    return lint_imports(tree)


@pytest.mark.parametrize("path", sorted(BREACHES))
def test_a_forbidden_import_breaks_a_contract(breached: subprocess.CompletedProcess[str],
                                              path: str) -> None:
    assert breached.returncode == 1, breached.stdout + breached.stderr
    assert BREACHES[path][1] in breached.stdout, breached.stdout


def config() -> dict[str, object]:
    """The ``[tool.importlinter]`` table of pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        table: dict[str, object] = tomllib.load(fh)["tool"]["importlinter"]
    return table


def test_the_layers_are_the_architecture() -> None:
    contracts = {c["id"]: c for c in config()["contracts"]}  # type: ignore[attr-defined]
    assert contracts["layers"]["layers"] == [
        "adapters : handlers", "admin", "hub", "storage", "contracts"]
    assert contracts["adapters-handlers"]["modules"] == ["adapters", "handlers"]
    assert contracts["handlers"]["modules"] == ["handlers.*"]
    assert {"hub", "storage", "admin"} <= set(contracts["no-domain"]["source_modules"])
    assert "contracts.erz" in contracts["no-domain"]["forbidden_modules"]


def test_no_import_is_excused() -> None:
    """The layers hold without exceptions: no contract ignores an import."""
    ignored = [line for c in config()["contracts"]  # type: ignore[attr-defined]
               for line in c.get("ignore_imports", [])]
    assert ignored == [], f"imports excused from the layers: {ignored}"

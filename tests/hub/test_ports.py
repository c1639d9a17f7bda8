"""Ports (hub/ports.py): a provider found by name through ``omshub.ports``, loaded when asked.

The entry points are made here, for a provider module written to a temporary directory, so
that the test shows the loader itself: the module is imported only by :func:`port`, a name
nobody provides and a provider that fails are refused in Russian.
"""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint, EntryPoints
from pathlib import Path
from typing import cast

import pytest

from hub import ports
from hub.context import Context
from hub.ports import GROUP, PortUnavailable, port

PROVIDER = '''
class Lookup:
    def __init__(self, ctx):
        self.ctx = ctx

def broken(ctx):
    raise RuntimeError("no database")
'''
CTX = cast(Context, object())


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``sample.lookup`` and ``sample.broken`` under ``omshub.ports``; returns the module."""
    module = f"port_provider_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(PROVIDER, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    points = EntryPoints([EntryPoint("sample.lookup", f"{module}:Lookup", GROUP),
                          EntryPoint("sample.broken", f"{module}:broken", GROUP)])
    monkeypatch.setattr(ports, "entry_points", lambda group: points.select(group=group))
    return module


def test_a_port_is_built_for_the_asking_context_and_loaded_only_then(installed: str) -> None:
    assert installed not in sys.modules
    provided = port("sample.lookup", CTX)
    assert installed in sys.modules
    assert type(provided).__name__ == "Lookup" and provided.ctx is CTX  # type: ignore[attr-defined]


def test_a_port_nobody_provides_is_refused_in_russian(installed: str) -> None:
    with pytest.raises(PortUnavailable) as typo:
        port("sample.lokup", CTX)
    assert str(typo.value).startswith("порт sample.lokup не предоставлен ни одним "
                                      "установленным модулем (группа omshub.ports); "
                                      "возможно, sample.lookup")
    with pytest.raises(PortUnavailable) as other:
        port("erp.ledger", CTX, group="omshub.nothing")
    assert str(other.value).endswith("(группа omshub.nothing); установлены: никакие")


def test_a_provider_that_fails_is_refused_with_its_error(installed: str) -> None:
    with pytest.raises(PortUnavailable, match=r"порт sample.broken \(.*:broken\) не "
                       r"загружается: RuntimeError: no database"):
        port("sample.broken", CTX)

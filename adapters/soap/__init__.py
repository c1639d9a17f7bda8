"""SOAP services for clinics (МО) and insurers (СМО): EXT-1 over РС ЕРЗ (docs/soap.md).

spyne is imported here, before any module of the package, because it needs two fixes on
Python 3.11: its import of ``cgi`` warns (DeprecationWarning), and the copy of ``six`` it
vendors installs an import hook without ``find_spec``, so that every later failed import in
the process would warn (ImportWarning) — an error where warnings are errors (our tests).
We give the hook the ``find_spec``/``exec_module`` pair later versions of six have.
"""

from __future__ import annotations

import importlib.util
import warnings
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ImportWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    import spyne.protocol.soap
    import spyne.server.wsgi
    from spyne.util import six as _six


def _find_spec(self: Any, fullname: str, path: object = None,
               target: object = None) -> ModuleSpec | None:
    if fullname in self.known_modules:
        return importlib.util.spec_from_loader(fullname, self)
    return None


def _create_module(self: Any, spec: ModuleSpec) -> ModuleType:
    module: ModuleType = self.load_module(spec.name)
    return module


def _exec_module(self: Any, module: ModuleType) -> None:
    pass


_hook = _six._SixMetaPathImporter
if not hasattr(_hook, "find_spec"):
    _hook.find_spec = _find_spec
    _hook.create_module = _create_module
    _hook.exec_module = _exec_module

__all__ = ["spyne"]

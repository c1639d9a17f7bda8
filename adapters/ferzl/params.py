"""A request model from loose parameters: what ``ferzl.call`` and ``omshub ferzl call`` give.

The request models (``adapters/ferzl/requests``) nest the fund's fields several levels deep
(getPersonData's ЕНП is ``params.search.policy.enp``). A caller may give them so, or by a
dotted path (``params.search.policy.enp``), or by a field's name alone (``enp``, or the
schema's element name ``dudlNum``) when it fills one place only, the shallowest; a name that
fills several places at the same depth is refused with the paths to choose from. A list
field given as text takes comma-separated values.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from adapters.ferzl.requests import Poll, Request, RequestError, model_of
from adapters.ferzl.requests.base import Xsd


def request_of(operation: str, params: Mapping[str, Any]) -> Request:
    """The request of ``operation`` filled from ``params``; :class:`RequestError` (Russian)
    for an operation without a model, an unknown or ambiguous field, or bad values."""
    try:
        model = model_of(operation)
    except LookupError as exc:
        raise RequestError(str(exc)) from None
    tree: dict[str, Any] = {}
    for key, value in params.items():
        path = _path(model, key)
        _put(tree, path, _coerced(model, path, value))
    if model is Poll:
        tree.setdefault("of", operation.removesuffix("Poll"))
    return model(**tree)


def _path(model: type[BaseModel], key: str) -> list[str]:
    if "." in key:
        return key.split(".")
    if key in model.model_fields:
        return [key]
    found = sorted(_paths(model, key, []), key=len)
    if not found:
        raise RequestError(f"в запросе {model.__name__} нет поля «{key}»")
    shallowest = [p for p in found if len(p) == len(found[0])]
    if len(shallowest) > 1:
        raise RequestError(f"поле «{key}» есть в запросе {model.__name__} в нескольких местах: "
                           + ", ".join(".".join(p) for p in shallowest)
                           + "; укажите путь")
    return shallowest[0]


def _paths(model: type[BaseModel], key: str, prefix: list[str],
           depth: int = 0) -> Iterator[list[str]]:
    if depth > 6:
        return
    for name, info in model.model_fields.items():
        xsd = [m.name for m in info.metadata if isinstance(m, Xsd)]
        if key == name or key in xsd:
            yield [*prefix, name]
        for sub in _models(info.annotation):
            yield from _paths(sub, key, [*prefix, name], depth + 1)


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _field_annotation(model: type[BaseModel], path: list[str]) -> Any:
    current: Any = model
    annotation: Any = None
    for step in path:
        subs = list(_models(current)) if annotation is not None else [current]
        info = next((s.model_fields[step] for s in subs if step in s.model_fields), None)
        if info is None:
            return None
        annotation = current = info.annotation
    return annotation


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return False


def _coerced(model: type[BaseModel], path: list[str], value: Any) -> Any:
    if isinstance(value, str) and _is_list(_field_annotation(model, path)):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _put(tree: dict[str, Any], path: list[str], value: Any) -> None:
    for step in path[:-1]:
        nested = tree.setdefault(step, {})
        if not isinstance(nested, dict):
            raise RequestError(f"поле «{step}» задано и значением, и вложенными полями")
        tree = nested
    tree[path[-1]] = value

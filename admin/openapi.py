"""The OpenAPI 3.1 document of ``/api``, built from what each endpoint declares.

Every API endpoint says what it is next to its code: ``@endpoint(role, doc=Doc(...))``
(:mod:`admin.apiplumbing`) attaches a :class:`Doc` — Russian summary and description, query
parameters, request body, answers — to the function the route calls. The document is then
read off the routes the console actually mounts under ``/api``, the console's own and those
of ``omshub.console`` extensions alike (:func:`document`): path parameters and their types
come from the route's pattern (``{id:int}``), the role from the decorator, and the answers
every endpoint shares (401, 429, 403 where a role or CSRF applies, 400 where input is read)
from the rules of :mod:`admin.apiplumbing`. A route under ``/api`` without a ``Doc`` is
listed in :func:`undocumented`, and a test fails on it, so that a new endpoint cannot go
undescribed. Schemas are written here (:func:`obj` and friends) where an endpoint answers
plain dicts, or taken from a pydantic model where it has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from pydantic import BaseModel
from starlette.routing import BaseRoute, Mount, Route

from admin.csrf import HEADER
from admin.users import Role

Schema = Mapping[str, Any] | type[BaseModel]
"""A written JSON Schema, or a pydantic model whose schema is taken."""

OPENAPI_VERSION = "3.1.0"
API_PREFIX = "/api"
SESSION_COOKIE = "omshub_session"
ATTRIBUTE = "api_doc"
"""Where :func:`describe` keeps the declaration on the endpoint function."""

ROLE_NAMES = {Role.viewer: "любая учётная запись",
              Role.operator: "роль «Оператор» (operator) или выше",
              Role.administrator: "роль «Администратор» (administrator)"}

_API_WORD = re.compile(r"(?<![\w/.&#-])([a-z][a-z0-9_]*(?:[-.][a-z0-9_]+)*)(?![\w/])")


def api_text(text: str) -> Markup:
    """A description for the API's page: the API's own words (parameter values, fields,
    role codes: lower-case Latin tokens) set as code, the Russian around them as text."""
    return Markup(_API_WORD.sub(r'<span class="mono">\1</span>', str(escape(text))))


# -- schema helpers ------------------------------------------------------------------------------

STRING: Mapping[str, Any] = {"type": "string"}
INTEGER: Mapping[str, Any] = {"type": "integer"}
BOOLEAN: Mapping[str, Any] = {"type": "boolean"}
TIME: Mapping[str, Any] = {"type": "string", "format": "date-time"}
DATE: Mapping[str, Any] = {"type": "string", "format": "date"}
ANY_OBJECT: Mapping[str, Any] = {"type": "object"}


def nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` or JSON ``null``."""
    return {"anyOf": [dict(schema), {"type": "null"}]}


def array(items: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON array of ``items``."""
    return {"type": "array", "items": dict(items)}


def obj(required: Sequence[str] = (), description: str = "", /,
        **properties: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object with these properties (others may appear: answers grow compatibly);
    positional ``required`` and ``description``, so that a property may be ``description``."""
    schema: dict[str, Any] = {"type": "object",
                              "properties": {k: dict(v) for k, v in properties.items()}}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def text(description: str, **extra: Any) -> dict[str, Any]:
    """A described string (``extra`` adds keywords: ``format``, ``enum``, ``minLength``…)."""
    return {"type": "string", "description": description, **extra}


ERROR = obj(["error", "status"], "Ошибка: текст и код HTTP.", error=STRING, status=INTEGER)


# -- declarations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A query parameter (path parameters come from the route; describe them in ``path``)."""

    name: str
    description: str
    schema: Mapping[str, Any] = field(default_factory=lambda: dict(STRING))
    required: bool = False


@dataclass(frozen=True)
class Reply:
    """One documented answer: its description and, for JSON, its schema."""

    description: str
    schema: Schema | None = None
    media_type: str = "application/json"


@dataclass(frozen=True)
class Doc:
    """What an endpoint tells its readers: the fund's staff and integrators, in Russian.

    ``replies`` maps status codes to answers; a plain string is an error answer
    (``{"error", "status"}``) with that description. The answers every endpoint shares are
    added by the document itself.
    """

    summary: str
    tag: str
    description: str = ""
    query: Sequence[Param] = ()
    path: Mapping[str, str] = field(default_factory=dict)
    body: Schema | None = None
    body_required: bool = True
    replies: Mapping[int, Reply | str] = field(default_factory=dict)
    security: bool = True
    """False for a page that answers only to the console session (no HTTP Basic)."""


@dataclass(frozen=True)
class Described:
    """A declaration as attached to an endpoint: the doc and the role it requires."""

    doc: Doc
    role: Role


def describe(function: Any, doc: Doc, role: Role = Role.viewer) -> None:
    """Attach ``doc`` (and the ``role`` the endpoint requires) to an endpoint function."""
    setattr(function, ATTRIBUTE, Described(doc, role))


def described(endpoint: Any) -> Described | None:
    """The declaration of an endpoint function, if it has one."""
    found = getattr(endpoint, ATTRIBUTE, None)
    return found if isinstance(found, Described) else None


# -- reading the routes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One method of one route under ``/api``, as mounted."""

    path: str
    method: str
    route: Route

    @property
    def declared(self) -> Described | None:
        """The endpoint's declaration."""
        return described(self.route.endpoint)


def _walk(routes: Sequence[BaseRoute], prefix: str) -> Iterator[tuple[str, Route]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def operations(routes: Sequence[BaseRoute]) -> list[Operation]:
    """Every method of every route the app mounts under ``/api`` (HEAD aside: GET's twin),
    but the catch-all that answers unknown paths (a ``{…:path}`` parameter)."""
    found = []
    for path, route in _walk(routes, ""):
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            continue
        if any(type(c).__name__ == "PathConvertor" for c in route.param_convertors.values()):
            continue
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            found.append(Operation(path, method, route))
    return found


def undocumented(routes: Sequence[BaseRoute]) -> list[str]:
    """``METHOD path`` of every operation under ``/api`` without a :class:`Doc`."""
    return [f"{op.method} {op.path}" for op in operations(routes) if op.declared is None]


# -- the document --------------------------------------------------------------------------------

SECURITY_SCHEMES = {
    "basic": {"type": "http", "scheme": "basic", "description": (
        "Имя и пароль учётной записи консоли — для программ. CSRF-токен не "
        "нужен. Неудачные попытки считаются вместе со входом в консоль: после нескольких "
        "подряд — ответ 429 и пауза.")},
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE, "description": (
        "Сеанс консоли: cookie, которую ставит вход через /login, — для скриптов в "
        "браузере, где выполнен вход.")},
    "csrf": {"type": "apiKey", "in": "header", "name": HEADER, "description": (
        "CSRF-токен сеанса: нужен каждому POST, сделанному с "
        "cookie сеанса (токен отдаёт GET /api/me). С HTTP Basic не нужен.")},
}

DESCRIPTION = """JSON API консоли OMS Hub: журнал сообщений, ошибки доставки, аудит, расписания \
и разделы, которые добавляют плагины (регистр ЕРЗ, СМЭВ 3).

Вход. Программы передают имя и пароль учётной записи консоли в HTTP Basic. Скрипт в \
браузере, где выполнен вход, пользуется cookie сеанса; тогда каждый POST несёт CSRF-токен \
сеанса в заголовке X-CSRF-Token (его возвращает GET /api/me).

Роли. Читать может любая учётная запись; «Оператор» (operator) повторяет и закрывает \
сообщения, запускает расписания, решает отложенные записи регистра; «Администратор» \
(administrator) читает аудит и меняет расписания. Персональные данные маскируются, если \
у учётной записи нет права на них.

Ошибки — JSON {"error": "…", "status": N}: 400 (неверные данные), 401 (нет или неверны \
учётные данные), 403 (роль или CSRF), 404 (нет такого объекта), 409 (уже обработано), \
429 (слишком много неудачных входов). Тела запросов — JSON-объекты; каждое повторение и \
закрытие требует непустую причину reason, она попадает в журнал аудита.

Время в ответах — ISO 8601 (UTC с указанием смещения); в параметрах — ДД.ММ.ГГГГ [ЧЧ:ММ] \
во времени консоли или ISO 8601."""


class _Builder:
    """Collects components (pydantic models' schemas) while paths are written."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {"Error": ERROR}

    def schema(self, schema: Schema) -> dict[str, Any]:
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            found = schema.model_json_schema(ref_template="#/components/schemas/{model}")
            self.schemas.update(found.pop("$defs", {}))
            self.schemas[schema.__name__] = found
            return {"$ref": f"#/components/schemas/{schema.__name__}"}
        return dict(schema)

    def reply(self, answer: Reply | str) -> dict[str, Any]:
        if isinstance(answer, str):
            return {"description": answer, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
        out: dict[str, Any] = {"description": answer.description}
        if answer.schema is not None:
            out["content"] = {answer.media_type: {"schema": self.schema(answer.schema)}}
        return out

    def operation(self, op: Operation, declared: Described) -> dict[str, Any]:
        doc, role = declared.doc, declared.role
        post = op.method == "POST"
        params = [self._path_param(op.route, name, doc)
                  for name in op.route.param_convertors]
        params += [{"name": p.name, "in": "query", "required": p.required,
                    "description": p.description, "schema": dict(p.schema)} for p in doc.query]
        who = ROLE_NAMES[role] + ("; с cookie сеанса — заголовок X-CSRF-Token" if post else "")
        out: dict[str, Any] = {
            "operationId": _operation_id(op), "tags": [doc.tag], "summary": doc.summary,
            "description": (doc.description + "\n\n" if doc.description else "")
            + f"Доступ: {who}.",
            "x-role": role.name,
        }
        if params:
            out["parameters"] = params
        if doc.body is not None:
            out["requestBody"] = {"required": doc.body_required, "content": {
                "application/json": {"schema": self.schema(doc.body)}}}
        out["responses"] = self._replies(op, doc, role)
        if doc.security:
            out["security"] = ([{"basic": []}, {"session": [], "csrf": []}] if post
                               else [{"basic": []}, {"session": []}])
        else:
            out["security"] = [{"session": []}]
        return out

    def _path_param(self, route: Route, name: str, doc: Doc) -> dict[str, Any]:
        convertor = type(route.param_convertors[name]).__name__
        schema = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1} \
            if convertor == "IntegerConvertor" else {"type": "string", "pattern": "^[^/]+$"}
        return {"name": name, "in": "path", "required": True, "schema": schema,
                "description": doc.path.get(name, "Идентификатор.")}

    def _replies(self, op: Operation, doc: Doc, role: Role) -> dict[str, Any]:
        shared: dict[int, Reply | str] = {}
        if doc.security:
            shared[401] = "Нет учётных данных или они неверны."
            shared[429] = "Слишком много неудачных входов: повторите позже."
        if op.method == "POST" or role > Role.viewer:
            shared[403] = "Недостаточно прав или нет верного CSRF-токена."
        if doc.query or doc.body is not None or op.method == "POST":
            shared[400] = "Неверные параметры или тело запроса."
        if op.route.param_convertors:
            shared[404] = "Объект не найден."
        merged = {**shared, **doc.replies}
        return {str(code): self.reply(merged[code]) for code in sorted(merged)}


def _operation_id(op: Operation) -> str:
    words = [w.strip("{}").split(":")[0] for w in op.path.split("/") if w and w != "api"]
    return op.method.lower() + "_" + "_".join(w.replace("-", "_").replace(".", "_")
                                              for w in words)


def document(routes: Sequence[BaseRoute], *, version: str = "1") -> dict[str, Any]:
    """The OpenAPI 3.1 document of every documented operation under ``/api``."""
    builder = _Builder()
    paths: dict[str, dict[str, Any]] = {}
    tags: list[str] = []
    for op in operations(routes):
        declared = op.declared
        if declared is None:
            continue
        paths.setdefault(_openapi_path(op.path), {})[op.method.lower()] = builder.operation(
            op, declared)
        if declared.doc.tag not in tags:
            tags.append(declared.doc.tag)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "OMS Hub: API консоли", "version": version,
                 "description": DESCRIPTION},
        "servers": [{"url": "/", "description": "Эта консоль"}],
        "tags": [{"name": t} for t in tags],
        "paths": paths,
        "components": {"schemas": builder.schemas, "securitySchemes": SECURITY_SCHEMES},
    }


def _openapi_path(path: str) -> str:
    """``/api/dead-letters/{id:int}`` → ``/api/dead-letters/{id}``."""
    return "/".join(part.split(":")[0] + "}" if part.startswith("{") and ":" in part
                    else part for part in path.split("/"))


def outline(routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The document arranged for the console's page: operations by tag, then the schemas."""
    doc = document(routes)
    sections: dict[str, list[dict[str, Any]]] = {t["name"]: [] for t in doc["tags"]}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            sections[op["tags"][0]].append({"method": method.upper(), "path": path, **op})
    components = doc["components"]
    return {"info": doc["info"], "sections": list(sections.items()),
            "schemes": components["securitySchemes"],
            "schemas": sorted(components["schemas"].items())}

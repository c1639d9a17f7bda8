"""``omshub ferzl call OPERATION [--release V] [--param key=value …] [--json FILE]``.

Sends one request straight to the configured ФЕРЗЛ (``[plugins.ferzl]``: ``base_url``, the
token, the release chosen for the operation; ``--url`` for another stand, the simulator's by
default) — no hub, no bus — and prints the answer in the fund's form as JSON::

    {"operation": …, "release": …, "state": "ok", "message": {…}, "deviations": […]}

Parameters are the request model's fields (``adapters/ferzl/requests``): ``--param
enp=5047410841002335`` fills the one place the name fills, ``--param
params.search.policy.enp=…`` a path; ``--json FILE`` gives them all as a JSON object (the
``--param`` ones win). The exit code is 0 for an answer, 1 with the Russian reason on stderr
when the request cannot be made or ФЕРЗЛ refuses it (the answer, if any, still printed),
2 when the schema directory is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from adapters.ferzl.client import FerzlClient
from adapters.ferzl.releases import Releases
from adapters.ferzl.requests import RequestError
from adapters.ferzl.settings import PLUGIN, FerzlSettings
from adapters.ferzl.transport import FerzlError

PROG = "omshub ferzl call"


def add_parser(commands: Any) -> None:
    """Add ``call`` to ``omshub ferzl``."""
    call = commands.add_parser(
        "call", help="отправить один запрос в ФЕРЗЛ (или симулятор) и показать ответ",
        description="Составляет запрос операции в выбранном выпуске API, отправляет его в "
        "настроенный ФЕРЗЛ и печатает ответ в терминах фонда (JSON) с отклонениями от схемы.")
    call.add_argument("operation", help="операция: getPersonData, getAllCurrentEnpStart…")
    call.add_argument("--release", default=None, help="выпуск API (по умолчанию из настроек)")
    call.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                      help="поле запроса: имя (enp) или путь (params.search.policy.enp)")
    call.add_argument("--json", type=Path, default=None, dest="json_file",
                      help="файл JSON с полями запроса")
    call.add_argument("--url", default=None, help="адрес ФЕРЗЛ вместо base_url из настроек")
    call.add_argument("--schemas-dir", type=Path, default=None,
                      help="каталог схем с выпусками API ФЕРЗЛ (по умолчанию schemas_dir)")
    call.set_defaults(func=cmd_call)


def cmd_call(args: argparse.Namespace) -> int:
    """Send the request and print the answer; see the module's docstring."""
    from hub.settings import load_settings

    hub = load_settings()
    schemas = args.schemas_dir or hub.schemas_dir
    if schemas is None or not Path(schemas).is_dir():
        return _refused("каталог схем не задан или не найден: укажите --schemas-dir или "
                        "schemas_dir в настройках хаба", code=2)
    try:
        params = _params(args)
        conf = dict(hub.plugins.get(PLUGIN, {}))
        if args.url:
            conf["base_url"] = args.url
        settings = FerzlSettings.model_validate(conf)
    except ValidationError as exc:
        return _refused("; ".join(str(e["msg"]).removeprefix("Value error, ")
                                  for e in exc.errors()))
    except ValueError as exc:
        return _refused(str(exc))
    client = FerzlClient(settings, Releases.discover(Path(schemas)))
    try:
        built = client.build(args.operation, params, args.release)
    except RequestError as exc:
        return _refused(str(exc))
    try:
        answer = client.call(built)
    except FerzlError as exc:
        message, deviations = client.read(exc.exchange.answer)
        _print(built.operation.name, built.operation.version, exc.state, message, deviations)
        return _refused(exc.message)
    try:
        message, deviations = client.read(answer.exchange.answer, answer.deviations)
    finally:
        answer.close()
    _print(built.operation.name, built.operation.version, "ok", message, deviations)
    print(f"ФЕРЗЛ ответил за {answer.exchange.duration:.2f} с, отклонений от схемы: "
          f"{len(deviations)}", file=sys.stderr)
    return 0


def _params(args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if args.json_file is not None:
        try:
            loaded = json.loads(Path(args.json_file).read_text("utf-8"))
        except OSError as exc:
            raise ValueError(f"не удалось открыть {args.json_file}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{args.json_file} — не JSON: {exc}") from None
        if not isinstance(loaded, dict):
            raise ValueError(f"{args.json_file}: нужен объект JSON с полями запроса")
        params.update(loaded)
    for given in args.param:
        key, sep, value = given.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param {given!r}: нужно имя=значение")
        params[key.strip()] = value
    return params


def _print(operation: str, release: str, state: str, message: Any,
           deviations: list[str]) -> None:
    shown: dict[str, Any] = {"operation": operation, "release": release, "state": state}
    if message is not None:
        from adapters.ferzl.cli import _pruned

        shown["message"] = _pruned(message.model_dump(mode="json"))
    shown["deviations"] = deviations
    print(json.dumps(shown, ensure_ascii=False, indent=2))


def _refused(reason: str, code: int = 1) -> int:
    print(f"{PROG}: {reason}", file=sys.stderr)
    return code

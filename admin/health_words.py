"""Components' health in words: what the console shows instead of Python values (ADM-3).

A component reports its health as a dict (``{"status": "ok", "handled": 120, "last_error":
None, …}``, the same one ``/healthz`` serves). The console turns every entry into a Russian
label and a value a person reads: the hub's own keys are labelled here, a plug-in's keys by
the ``health_labels`` its component class declares (:class:`hub.component.Component`); an
empty value is left out, times are ДД.ММ.ГГГГ ЧЧ:ММ:СС in the fund's time zone, lists are
joined, mappings become "key: value" lines.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from admin.times import show
from hub.bus import QueueStats, Unknown
from hub.plugins import discover

STATUS_WORDS: dict[str, str] = {
    "ok": "работает",
    "degraded": "работает с ограничениями",
    "down": "не работает",
    "disabled": "не настроен",
    "error": "состояние не получено",
}
"""A component's status in words; any other status is shown as it is."""

HUB_LABELS: dict[str, str] = {
    # what the hub's runtime adds to every consuming component
    "handled": "Обработано сообщений",
    "failed": "Ошибок обработки",
    "last_error": "Последняя ошибка",
    "queue": "Очередь",
    "outage": "Недоступно",
    "detail": "Подробности",
    # the bus, the relay, the console, the router
    "url": "Адрес",
    "published": "Опубликовано сообщений",
    "routed": "Направлено получателям",
    "parked": "Отложено (нет получателя)",
    "rejected": "Отклонено",
    "dead_letters_kept": "Принято в недоставленные",
    "unheard": "Событий без подписчиков",
    # the heartbeat of a component in another process
    "last_seen_at": "Последний сигнал",
}
"""Labels of the keys the hub itself reports, whatever the component."""

TECHNICAL_KEYS = frozenset({"last_error", "url", "queue"})
"""Keys whose values are technical by nature (an exception's text, an address, a queue)."""


@dataclass(frozen=True)
class Line:
    """One fact of a component's health, ready to show."""

    label: str
    text: str
    technical: bool = False
    """An exception's own text, an address or a queue name: shown as written (monospace),
    the label before it saying in Russian what it is."""


@functools.lru_cache(maxsize=128)
def plugin_labels(component: str) -> Mapping[str, str]:
    """The ``health_labels`` the installed component ``component`` declares (none when it is
    not a plug-in component: the bus, the relay, the console)."""
    try:
        return dict(discover().component(component).health_labels)
    except Exception:  # noqa: BLE001 - an unknown or broken plug-in still shows its keys
        return {}


def status_text(status: Any) -> str:
    """The status in words."""
    return STATUS_WORDS.get(str(status), str(status))


def value_text(value: Any, tz: tzinfo, labels: Mapping[str, str] | None = None) -> str:
    """A health value as a person reads it; "" for nothing to say. The keys of a mapping are
    named by ``labels`` where it names them."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime):
        return show(value, tz)
    if isinstance(value, str):
        return _moment(value, tz) or value
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    if isinstance(value, Mapping):
        named = labels or {}
        return "; ".join(f"{named.get(str(k), k)}: {value_text(v, tz, labels) or '—'}"
                         for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return ", ".join(value_text(v, tz, labels) for v in value)
    return str(value)


def _moment(text: str, tz: tzinfo) -> str:
    """An ISO date-time string (as JSON carries them) in ДД.ММ.ГГГГ ЧЧ:ММ:СС, else ""."""
    if len(text) < 19 or text[4] != "-" or text[10] not in "T ":
        return ""
    try:
        return value_text(datetime.fromisoformat(text), tz)
    except ValueError:
        return ""


def lines(component: str, health: Mapping[str, Any], tz: tzinfo) -> list[Line]:
    """Every fact of ``health`` but its status, labelled, in the order reported
    (``component`` as the console lists it: a name, or a name with its instance)."""
    own = plugin_labels(component.partition("@")[0])  # handler.erz@host:pid
    found: list[Line] = []
    for key, value in health.items():
        if key in ("status", "healthy", "instance"):  # the instance is the row's own name
            continue
        text = value_text(value, tz, own)
        if text:
            found.append(Line(own.get(key) or HUB_LABELS.get(key) or key, text,
                              key in TECHNICAL_KEYS))
    return found


UNKNOWN_WORDS: dict[Unknown, str] = {
    Unknown.AMQP_UNACKED: (
        "RabbitMQ сообщает число неподтверждённых только через свой HTTP API управления "
        "(модуль rabbitmq_management), а адрес брокера его не называет (параметр "
        "management, например amqp://…/omshub?management=http://rabbit:15672)"),
    Unknown.MANAGEMENT_UNAVAILABLE: (
        "HTTP API управления RabbitMQ, названный в адресе брокера (параметр management), "
        "не ответил или отказал (пользователю брокера нужен тег management); следующая "
        "попытка — через полминуты"),
    Unknown.NOT_REPORTED: "источник сведений об очередях сообщает только число готовых к "
                          "доставке",
}
"""Why a queue figure is missing, in words (the console shows «нет данных» and this)."""


@dataclass(frozen=True)
class QueueRow:
    """One queue as the console shows it: each figure a number or «нет данных»."""

    name: str
    exists: bool
    ready: str
    consumers: str
    unacked: str
    ready_count: int
    """For sorting and highlighting: the ready count, 0 when unknown."""
    idle: bool
    """Messages are waiting and nobody consumes them."""
    note: str = ""
    """Why a figure is missing ("" when all are known)."""


NO_DATA = "нет данных"


def _figure(value: int | None) -> str:
    return NO_DATA if value is None else value_text(value, UTC) or "0"


def queue_rows(stats: Mapping[str, QueueStats | None]) -> list[QueueRow]:
    """Each queue's figures in words, in name order; a queue that does not exist says so."""
    rows: list[QueueRow] = []
    for name, s in sorted(stats.items()):
        if s is None:
            rows.append(QueueRow(name, False, "нет очереди", "—", "—", 0, False))
            continue
        note = UNKNOWN_WORDS.get(s.unknown, "") if s.unknown is not None else ""
        rows.append(QueueRow(
            name, True, _figure(s.ready), _figure(s.consumers), _figure(s.unacked),
            s.ready or 0, bool(s.ready) and s.consumers == 0, note))
    return rows

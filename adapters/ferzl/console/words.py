"""ФЕРЗЛ's journal states, operation statuses and search kinds in the console's words.

``ferzl_exchanges.state`` and the journal keep the codes of :mod:`adapters.ferzl.policy`
(``ferzl.flk_rejected``); an operator reads them here in Russian, with the code in the
tooltip (the ``status`` macro's title). The API and the Excel export keep the codes too.
"""

from __future__ import annotations

STATE_WORDS: dict[str, str] = {
    "ferzl.answered": "ответ получен",
    "ferzl.flk_rejected": "отказ ФЛК",
    "ferzl.malformed": "запрос некорректен (400)",
    "ferzl.unauthorized": "токен не принят (401), обновлён",
    "ferzl.auth_failed": "токен не принят (401)",
    "ferzl.forbidden": "нет прав на метод (403)",
    "ferzl.conflict": "конфликт данных (409)",
    "ferzl.server_error": "сбой ФЕРЗЛ (500), повтор",
    "ferzl.unavailable": "шлюз недоступен, повтор",
    "ferzl.http_error": "неожиданный код HTTP",
    "ferzl.unreachable": "ФЕРЗЛ недоступен, повтор",
    "ferzl.bad_answer": "ответ не читается, повтор",
    "ferzl.no_mtom_part": "нет вложения MTOM, повтор",
    "ferzl.unsafe_answer": "опасный ответ отвергнут",
    "ferzl.bad_request": "запрос не составлен",
    "ferzl.queued": "поставлено в очередь",
    "ferzl.poll_timeout": "операция не завершилась в срок",
    "ferzl.poll_failed": "операция завершилась ошибкой",
    "ferzl.no_result": "нет результата операции",
    "ok": "ответ получен",
}
"""Journal states of ФЕРЗЛ calls (and ``ok``, the state of a ``ferzl.answer``)."""

OPERATION_WORDS: dict[str, str] = {
    "waiting": "ждёт запуска",
    "polling": "опрашивается",
    "done": "результат получен",
    "failed": "ошибка",
}
"""Statuses of an asynchronous operation (``ferzl_operations.status``)."""

ACTIVE = ("waiting", "polling")
"""Statuses of an operation still in flight."""

KIND_WORDS: dict[str, str] = {
    "enp": "по ЕНП",
    "policy": "по полису",
    "snils": "по СНИЛС",
    "document": "по документу",
    "names": "по ФИО и дате рождения",
}
"""What a console search asked by."""

SEX_WORDS = {"1": "м", "2": "ж"}
"""Sex as ФЕРЗЛ codes it."""

"""What each outcome of a ФЕРЗЛ call means for the hub: a journal state and a retry policy.

The HTTP statuses are the spec's («Коды ответов»); a ФЛК failure comes back as HTTP 200 with
``errors/errorItem`` (code, message, tag, value) in the answer. The shape follows the СМЭВ
adapter's policies (a state of at most 20 characters, ``journal_events.status``, and an
action); the words an operator reads are Russian.

==================  ===================  ========  ==========================================
outcome             journal state        action    why
==================  ===================  ========  ==========================================
200                 ferzl.answered       done      the answer is read
200 with errors     ferzl.flk_rejected   fix       ФЛК refused the data: fix them, send again
400                 ferzl.malformed      fix       the request is malformed
401                 ferzl.unauthorized   renew     renew the token and send once more
401 after renewal   ferzl.auth_failed    operator  the renewed token is refused too
403                 ferzl.forbidden      operator  the account lacks the right
409                 ferzl.conflict       fix       business conflict (the body's message kept)
500                 ferzl.server_error   retry     ФЕРЗЛ's system error: back off and retry
other 5xx           ferzl.unavailable    retry     a gateway in front of ФЕРЗЛ failed
other status        ferzl.http_error     operator  a status the spec does not list
no connection       ferzl.unreachable    retry     refused, reset, timed out, TLS failed
unreadable answer   ferzl.bad_answer     retry     not XML / not SOAP / cut short
MTOM part missing   ferzl.no_mtom_part   retry     the result's attachment did not arrive
hostile answer      ferzl.unsafe_answer  operator  a DTD or entities: refused, never parsed
==================  ===================  ========  ==========================================

*retry* is the hub's: growing delays, then the dead-letter queue with the cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """What the caller does next."""

    DONE = "done"
    RETRY = "retry"
    RENEW = "renew"
    FIX = "fix"
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class Policy:
    """A journal state, the action that goes with it, and why (in Russian, for the journal)."""

    state: str
    action: Action
    why: str

    @property
    def retry(self) -> bool:
        """Whether the hub retries (with growing delay, then dead-letters)."""
        return self.action is Action.RETRY

    @property
    def final(self) -> bool:
        """Whether nothing but a person (or new data) changes the outcome."""
        return self.action in (Action.DONE, Action.FIX, Action.OPERATOR)


ANSWERED = Policy("ferzl.answered", Action.DONE, "ответ получен")
FLK_REJECTED = Policy("ferzl.flk_rejected", Action.FIX,
                      "ФЛК ФЕРЗЛ отклонил данные: исправьте их и отправьте снова")
MALFORMED = Policy("ferzl.malformed", Action.FIX, "ФЕРЗЛ счёл запрос некорректным (HTTP 400)")
UNAUTHORIZED = Policy("ferzl.unauthorized", Action.RENEW,
                      "ФЕРЗЛ не принял токен (HTTP 401): токен обновляется, запрос повторяется")
AUTH_FAILED = Policy("ferzl.auth_failed", Action.OPERATOR,
                     "ФЕРЗЛ не принял и обновлённый токен (HTTP 401): проверьте учётную запись")
FORBIDDEN = Policy("ferzl.forbidden", Action.OPERATOR,
                   "у учётной записи нет прав на этот метод ФЕРЗЛ (HTTP 403)")
CONFLICT = Policy("ferzl.conflict", Action.FIX,
                  "ошибка бизнес-логики ФЕРЗЛ (HTTP 409): противоречивые данные")
SERVER_ERROR = Policy("ferzl.server_error", Action.RETRY,
                      "системная ошибка ФЕРЗЛ (HTTP 500): повтор с нарастающей паузой")
UNAVAILABLE = Policy("ferzl.unavailable", Action.RETRY,
                     "шлюз перед ФЕРЗЛ недоступен: повтор с нарастающей паузой")
HTTP_ERROR = Policy("ferzl.http_error", Action.OPERATOR,
                    "ФЕРЗЛ ответил кодом HTTP, которого нет в описании сервиса")
UNREACHABLE = Policy("ferzl.unreachable", Action.RETRY,
                     "ФЕРЗЛ недоступен (соединение, тайм-аут, TLS): повтор с паузой")
BAD_ANSWER = Policy("ferzl.bad_answer", Action.RETRY,
                    "ответ ФЕРЗЛ не читается как SOAP: повтор, затем разбор вручную")
NO_MTOM_PART = Policy("ferzl.no_mtom_part", Action.RETRY,
                      "в ответе ФЕРЗЛ нет MTOM-части с результатом: повтор")
UNSAFE_ANSWER = Policy("ferzl.unsafe_answer", Action.OPERATOR,
                       "ответ ФЕРЗЛ содержит DTD или сущности и отвергнут без разбора")

HTTP_POLICY: dict[int, Policy] = {400: MALFORMED, 401: UNAUTHORIZED, 403: FORBIDDEN,
                                  409: CONFLICT, 500: SERVER_ERROR}
"""Policy of each HTTP status the spec lists (200 is read from the body)."""


def http_policy(status: int) -> Policy:
    """Policy of a non-200 HTTP status."""
    if status in HTTP_POLICY:
        return HTTP_POLICY[status]
    return UNAVAILABLE if status >= 500 else HTTP_ERROR

"""A request the other side refused to answer (``request.refused``).

A handler that asks another agency through an adapter — ПФР for a СНИЛС over СМЭВ 3 —
waits for the answer caused by its request. When the agency answers that it will not or
cannot (nothing found, no right, a request it cannot read), the adapter publishes
:class:`RequestRefusedV1` caused by that request, so the asker learns that no answer will
come and why. A failure the adapter retries is not a refusal: it is told only when final.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contracts.registry import message_type

Outcome = Literal["no_data", "denied", "bad_request", "unknown"]
"""``no_data``: the agency found nothing (a valid answer); ``denied``: it refuses us;
``bad_request``: it cannot read the request; ``unknown``: a reason we do not know."""

OUTCOME_WORDS: dict[str, str] = {
    "no_data": "сведения не найдены", "denied": "в доступе отказано",
    "bad_request": "запрос не принят поставщиком", "unknown": "отказ по неизвестной причине",
}
"""Each outcome in the fund's words."""


@message_type("request.refused", 1, kind="event", title="Отказ в ответе на запрос")
class RequestRefusedV1(BaseModel):
    """The other side refused to answer the request this message is caused by."""

    request_type: str = Field(min_length=1, max_length=120,
                              description="Тип запроса (pfr.snils.lookup.v1).")
    outcome: Outcome = Field(description="no_data, denied, bad_request или unknown.")
    reason: str = Field(default="", max_length=2000,
                        description="Что ответил поставщик, его словами.")
    by: str = Field(default="", max_length=200,
                    description="Кто отказал: канал и вид сведений (СМЭВ 3: pfr.snils).")

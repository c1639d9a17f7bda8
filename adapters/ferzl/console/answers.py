"""The console's side of ФЕРЗЛ searches: it takes their answers (``adapter.ferzl-console``).

A search asked on ``/ferzl/search`` is a ``ferzl.call`` the console takes in; no handler
asked it, yet its ``ferzl.answer`` must come back to the console. :class:`ConsoleAnswers`
subscribes to ``ferzl.answer`` and records, on the search's row of
``ferzl_console_calls``, which answer came and with what state; the search's page reads
the answer from there. Other subscribers (the register asks ФЕРЗЛ too) get their own copy
of every answer: each ignores those not caused by its own calls, as this one ignores an
answer whose call is not in its table.

``[project.entry-points."omshub.adapters"] ferzl-console =
"adapters.ferzl.console.answers:ConsoleAnswers"``.
"""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa

from adapters.ferzl.console.models import calls, metadata
from contracts.envelope import utcnow
from contracts.ferzl import FerzlAnswerV1
from hub.component import Adapter, Message, handles
from hub.tx import Tx


class ConsoleAnswers(Adapter):
    """Records the answers to the ФЕРЗЛ searches the console asked."""

    name: ClassVar[str] = "ferzl-console"
    metadata: ClassVar[sa.MetaData | None] = metadata

    @handles(FerzlAnswerV1)
    def on_answer(self, message: Message[FerzlAnswerV1], tx: Tx) -> None:
        """The answer to a console search, kept on its row; any other answer is not ours."""
        cause = message.envelope.causation_id
        if not cause:
            return
        tx.conn.execute(calls.update().where(
            calls.c.call_id == cause, calls.c.answer_id.is_(None)).values(
            answer_id=message.id, answered_at=utcnow(), state=message.payload.state[:20]))

"""The console's own table: the ФЕРЗЛ searches asked on ``/ferzl/search`` and their answers.

A search is a ``ferzl.call`` the console takes in on an operator's behalf; its row is written
in the same transaction, so :class:`~adapters.ferzl.console.answers.ConsoleAnswers` knows
which ``ferzl.answer`` is the console's (the one caused by a call listed here) and records
it. What was searched is the call's payload in the journal, masked like any message: the row
holds no personal data.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import ID, TS

metadata = sa.MetaData()

calls = sa.Table(
    "ferzl_console_calls",
    metadata,
    sa.Column("call_id", ID, primary_key=True, comment="the ferzl.call the console took in"),
    sa.Column("kind", sa.String(20), nullable=False,
              comment="what was searched by: enp | policy | snils | document | names"),
    sa.Column("operation", sa.String(80), nullable=False),
    sa.Column("asked_by", sa.String(100), nullable=False),
    sa.Column("asked_at", TS, nullable=False, index=True),
    sa.Column("answer_id", ID, comment="the ferzl.answer caused by the call, once it came"),
    sa.Column("answered_at", TS),
    sa.Column("state", sa.String(20), comment="the answer's state: ok or ferzl.…"),
    comment="ФЕРЗЛ searches asked in the console, and the answers they got.",
)

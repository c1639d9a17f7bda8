"""Tables of the reconciliation with ФЕРЗЛ (ERZ-4): runs, their calls, their discrepancies.

- ``erz_ferzl_reconciliations``: one run — when it started and finished, the territory, the
  rows of ФЕРЗЛ's files read and broken, the counts by kind, its state;
- ``erz_ferzl_reconcile_calls``: each ``ferzl.call`` a run sent, by its envelope id (the
  answer's ``causation_id``), until answered — the mass operations, then a ``getPersonData``
  for each person the files leave in doubt;
- ``erz_ferzl_discrepancies``: one difference of one person in one run, with the federal and
  the regional value side by side and what became of it (open, resolved with the federal
  value, kept regional with a reason), who decided and when.
"""

from __future__ import annotations

import sqlalchemy as sa

from handlers.erz import models as m
from storage.models import TS

runs = sa.Table(
    "erz_ferzl_reconciliations", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    sa.Column("on_date", sa.Date, nullable=False, comment="the date the register is taken on"),
    sa.Column("territory", sa.String(11), nullable=False, comment="ОКАТО asked of ФЕРЗЛ"),
    sa.Column("started_by", sa.String(128), nullable=False),
    sa.Column("state", sa.String(16), nullable=False,
              comment="requested, checking, done, failed"),
    sa.Column("rows_read", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("broken_rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("broken", sa.JSON, comment="the first broken rows: file, line, why"),
    sa.Column("counts", sa.JSON, comment="discrepancies by kind"),
    sa.Column("error", sa.Text, comment="why the run failed (Russian)"),
    comment="Reconciliations of the register with ФЕРЗЛ (ERZ-4), one row a run.",
)

calls = sa.Table(
    "erz_ferzl_reconcile_calls", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", m.BigId, sa.ForeignKey("erz_ferzl_reconciliations.id"),
              nullable=False, index=True),
    sa.Column("message_id", sa.String(64), nullable=False, unique=True,
              comment="id of the ferzl.call envelope (the answer's causation_id)"),
    sa.Column("operation", sa.String(80), nullable=False),
    sa.Column("enp", sa.String(16), comment="the person asked about (getPersonData)"),
    sa.Column("doubt", sa.String(16), comment="why the person is asked: missing, not_current"),
    sa.Column("status", sa.String(10), nullable=False, comment="pending, answered, failed"),
    sa.Column("blob_id", sa.String(64), comment="the zipped result (mass operations)"),
    sa.Column("requested_at", TS, nullable=False),
    sa.Column("answered_at", TS),
    sa.Column("error", sa.Text),
    comment="ferzl.call messages a reconciliation sent, until ФЕРЗЛ answers each.",
)

discrepancies = sa.Table(
    "erz_ferzl_discrepancies", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", m.BigId, sa.ForeignKey("erz_ferzl_reconciliations.id"),
              nullable=False),
    sa.Column("kind", sa.String(16), nullable=False,
              comment="insurer, death, snils, attachment, merged, absent, regional, policy"),
    sa.Column("enp", sa.String(16), nullable=False, index=True),
    sa.Column("federal", sa.String(255), nullable=False, server_default="",
              comment="what ФЕРЗЛ says (text)"),
    sa.Column("regional", sa.String(255), nullable=False, server_default="",
              comment="what the register says (text)"),
    sa.Column("federal_on", sa.Date,
              comment="the day the federal value holds from (attached since, died on)"),
    sa.Column("detail", sa.JSON, comment="more of what ФЕРЗЛ answered about the person"),
    sa.Column("status", sa.String(10), nullable=False, server_default="open",
              comment="open, resolved, kept, buffered"),
    sa.Column("reason", sa.Text, comment="why: the operator's reason or what was done"),
    sa.Column("decided_by", sa.String(128)),
    sa.Column("decided_at", TS),
    sa.UniqueConstraint("run_id", "kind", "enp", name="uq_erz_ferzl_discrepancies_run_kind_enp"),
    sa.Index("ix_erz_ferzl_discrepancies_run_kind_status", "run_id", "kind", "status"),
    comment="Discrepancies of the register with ФЕРЗЛ found by a reconciliation run.",
)

"""Daily deltas (ERZ-2): each insurer and clinic gets the changes of the previous day.

``ErzHandler.daily_deltas`` (scheduled ``0 2 * * *``, editable and "run now" in the
console) sends, for the window ``[since, until)`` — from where the previous run stopped to
today's midnight in the fund's time zone, so that a missed night is caught up and nothing
is sent twice:

- every insurer with changes in the window its **RECLIST** delta
  (:func:`handlers.erz.slices.monthly.insurer_delta`) and its **STOPLIST** of the policies stopped
  in the window that no STOPLIST has reported yet (a death from ЗАГС is reported at once,
  :func:`handlers.erz.smo.lists.send_stoplists`; ``erz_stoplisted`` keeps which stops went
  out in which file);
- every clinic with changes in the window its **PRK** delta
  (:func:`handlers.erz.slices.monthly.clinic_delta`).

Each run is kept in :data:`handlers.erz.models.delta_runs` with its window and the number
of files.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.files import write_checked
from contracts.erz.register import Change
from contracts.schemas import SchemaStore
from handlers.erz import models as m
from handlers.erz.register import queries
from handlers.erz.slices import monthly as slices
from handlers.erz.smo import lists as smo_lists


def midnight(on: date, tz: tzinfo) -> datetime:
    """The start of ``on`` in the fund's time zone."""
    return datetime.combine(on, time.min, tz)


def window(conn: Connection, now: datetime, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """``[since, until)`` of the next run at ``now`` (None: today's was already sent)."""
    until = midnight(now.astimezone(tz).date(), tz)
    last = conn.execute(sa.select(sa.func.max(m.delta_runs.c.until))).scalar()
    since = until - timedelta(days=1) if last is None else last
    return (since, until) if since < until else None


def _parties(conn: Connection, column: sa.Column[str | None], since: datetime,
             until: datetime) -> list[str]:
    c = m.changes.c
    found = conn.execute(sa.select(column).distinct().where(
        c.at >= since, c.at < until, column.is_not(None))).scalars()
    return sorted(code for code in found if code)


def unreported_stops(conn: Connection, smo: str, since: datetime,
                     until: datetime) -> list[Change]:
    """The insurer's ``stop_policy`` changes in the window that no STOPLIST reported."""
    reported = set(conn.execute(sa.select(m.stoplisted.c.change_id).join(
        m.changes, m.changes.c.id == m.stoplisted.c.change_id).where(
        m.changes.c.smo == smo, m.changes.c.at >= since, m.changes.c.at < until)).scalars())
    return [ch for ch in queries.changes_since(conn, since, smo=smo, until=until)
            if ch.op == "stop_policy" and ch.id not in reported]


def daily(conn: Connection, now: datetime, tz: tzinfo,
          store: SchemaStore | None = None) -> list[slices.SliceFile]:
    """The files of the next window (see the module's docstring); the run is recorded."""
    found = window(conn, now, tz)
    if found is None:
        return []
    since, until = found
    files: list[slices.SliceFile] = []
    for smo in _parties(conn, m.changes.c.smo, since, until):
        files += slices.delta_for(conn, "smo", smo, since, until, store)
        stops = unreported_stops(conn, smo, since, until)
        stop_list = smo_lists.stoplist_of(conn, smo, stops, until) if stops else None
        if stop_list is not None:
            name = f"{stop_list.file_name}.xml"
            files.append(slices.SliceFile(name, smo, write_checked(stop_list, store),
                                          stop_list.count))
            smo_lists.mark_stoplisted(conn, stops, smo, name, now)
    for mo in _parties(conn, m.changes.c.mo, since, until):
        files += slices.delta_for(conn, "mo", mo, since, until, store)
    conn.execute(m.delta_runs.insert(), {"since": since, "until": until, "at": now,
                                 "files": len(files)})
    return files

"""Monthly slices and deltas of the register for insurers and clinics (ERZ-2).

- an insurer (СМО) gets a **RECLIST**: the full slice lists every person whose policy with
  it is in force on the slice date; the delta lists the persons of the insurer's changes
  recorded in ``[since, until)`` who are insured by it on ``until``'s day (the ones who left
  it are in the STOPLIST of the same period, :func:`handlers.erz.smo.lists.stoplist_for`);
- a clinic (МО) gets **PRK** files (contracts/erz/attachment.py), one per insurer of its
  attached population, since PRK's header names one insurer (as the Vologda sample
  ``PRKS35003M352530`` does): the full slice lists every person attached on the slice date;
  the delta lists the persons of the clinic's changes in ``[since, until)``: those attached on
  ``until``'s day, and those whose attachment to it ended, with DEND. A person attached
  without a policy in force has no insurer nor DATEZ for PRK and is left out (logged).

:func:`monthly` builds every organisation's slice as of a date (the ``ErzHandler`` job runs
it on the 1st); which organisations exist comes from the register itself (insurers of the
policies and clinics of the attachments in force). :func:`outgoing` makes ``files.send``
of them — addressed to ``adapter.vipnet`` for the organisations that are ViPNet abonents.
:func:`slice_for` / :func:`delta_for` are the entry points for the SOAP services.

Persons are read in bulk (:func:`states_on`: one query per aspect per thousand persons), not
one ``person_as_of`` each, so that a clinic of 50,000 is a few seconds (bench/erz.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from contracts.erz import attachment as a
from contracts.erz import lists
from contracts.erz.files import write_checked, write_file
from contracts.erz.names import Party, build_name
from contracts.erz.register import Attachment, PersonState
from contracts.files import VIPNET, FileSendV1
from contracts.schemas import SchemaStore
from handlers.erz import models as m
from handlers.erz.mo import prk_views
from handlers.erz.register import queries
from handlers.erz.register.rows import from_row
from handlers.erz.smo import lists as smo_lists
from hub.context import Attachment as FileAttachment
from hub.context import Inbound
from hub.progress import Progress

log = logging.getLogger(__name__)

CHUNK = 1000
"""Persons read per query by :func:`states_on`."""
Kind = Literal["smo", "mo"]


@dataclass(frozen=True)
class SliceFile:
    """One file of a slice or a delta, ready to send to ``recipient``."""

    name: str
    recipient: str
    data: bytes
    count: int


def _in_force(table: sa.Table, on: date) -> list[sa.ColumnElement[bool]]:
    c = table.c
    return [c.superseded_at.is_(None), c.valid_from <= on,
            sa.or_(c.valid_to.is_(None), c.valid_to > on)]


def _policies_in_force(on: date) -> list[sa.ColumnElement[bool]]:
    # An annulled policy never was in force (Register.annul_policy keeps its row).
    return [*_in_force(m.policies, on), m.policies.c.status != "annulled"]


def insurers_on(conn: Connection, on: date) -> list[str]:
    """Codes of the insurers holding a policy in force on ``on``."""
    query = sa.select(m.policies.c.smo).distinct().where(*_policies_in_force(on))
    return sorted(conn.execute(query).scalars())


def clinics_on(conn: Connection, on: date) -> list[str]:
    """Codes of the clinics with a person attached on ``on``."""
    query = sa.select(m.attachments.c.mo).distinct().where(*_in_force(m.attachments, on))
    return sorted(conn.execute(query).scalars())


def insured_ids(conn: Connection, smo: str, on: date) -> list[int]:
    """Ids of the persons whose policy with ``smo`` is in force on ``on``."""
    query = sa.select(m.policies.c.person_id).distinct().where(
        m.policies.c.smo == smo, *_policies_in_force(on))
    return sorted(conn.execute(query).scalars())


def attached_ids(conn: Connection, mo: str, on: date) -> list[int]:
    """Ids of the persons attached to ``mo`` on ``on``."""
    query = sa.select(m.attachments.c.person_id).distinct().where(
        m.attachments.c.mo == mo, *_in_force(m.attachments, on))
    return sorted(conn.execute(query).scalars())


def _rows(conn: Connection, table: sa.Table, ids: Sequence[int], on: date,
          *where: sa.ColumnElement[bool]) -> dict[int, list[RowMapping]]:
    found: dict[int, list[RowMapping]] = defaultdict(list)
    query = (sa.select(table).where(table.c.person_id.in_(ids), *_in_force(table, on), *where)
             .order_by(table.c.person_id, table.c.valid_from, table.c.id))
    for row in conn.execute(query).mappings():
        found[row["person_id"]].append(row)
    return found


def states_on(conn: Connection, ids: Sequence[int], on: date) -> dict[int, PersonState]:
    """The persons ``ids`` on ``on`` as currently known (as ``queries.person_as_of``), in bulk."""
    states: dict[int, PersonState] = {}
    for start in range(0, len(ids), CHUNK):
        states.update(_states_of(conn, ids[start:start + CHUNK], on))
    return states


def _states_of(conn: Connection, chunk: Sequence[int], on: date) -> dict[int, PersonState]:
    enps = dict(conn.execute(sa.select(m.persons.c.id, m.persons.c.enp)
                             .where(m.persons.c.id.in_(chunk))).all())
    got = {t.name: _rows(conn, t, chunk, on) for t in (
        m.person_data, m.snils, m.documents, m.attachments, m.deaths, m.addresses, m.contacts)}
    got[m.policies.name] = _rows(conn, m.policies, chunk, on, m.policies.c.status != "annulled")
    states = {}
    for pid in chunk:
        def rows(table: sa.Table, pid: int = pid) -> list[RowMapping]:
            return got[table.name].get(pid, [])

        states[pid] = queries.state_from(pid, enps[pid], on, rows)
    return states


# -- insurers: RECLIST -----------------------------------------------------------------------

def _reclist(smo: str, states: Iterable[PersonState], changed: Mapping[int, datetime],
             start: datetime, end: datetime, store: SchemaStore | None) -> SliceFile | None:
    records = [smo_lists.record(s, changed[s.id]) for s in states
               if s.policy is not None and s.policy.smo == smo]
    if not records:
        return None
    name = smo_lists.list_name("REC", smo, end)
    model = lists.RecordList(file_name=name, insurer=smo, period_start=start, period_end=end,
                             count=len(records), records=records)
    return SliceFile(f"{name}.xml", smo, write_checked(model, store), len(records))


def _midnight(on: date) -> datetime:
    return datetime.combine(on, datetime.min.time())


def insurer_slice(conn: Connection, smo: str, on: date, at: datetime,
                  store: SchemaStore | None = None) -> SliceFile | None:
    """RECLIST of every person insured by ``smo`` on ``on`` (None: nobody); made ``at``."""
    states = states_on(conn, insured_ids(conn, smo, on), on)
    changed = _last_changes(conn, list(states))
    start = _midnight(on)
    return _reclist(smo, states.values(), changed, start, at, store)


def _last_changes(conn: Connection, ids: Sequence[int]) -> dict[int, datetime]:
    """When each person's record last changed (REC's DATE_CHANGE)."""
    c = m.changes.c
    out: dict[int, datetime] = {}
    for start in range(0, len(ids), CHUNK):
        query = (sa.select(c.person_id, sa.func.max(c.at))
                 .where(c.person_id.in_(ids[start:start + CHUNK])).group_by(c.person_id))
        out.update(conn.execute(query).all())
    return out


def changed_ids(conn: Connection, kind: Kind, code: str, since: datetime,
                until: datetime) -> dict[int, datetime]:
    """Persons of the changes concerning the organisation in ``[since, until)``, with the
    time of the last one."""
    c = m.changes.c
    column = c.smo if kind == "smo" else c.mo
    query = (sa.select(c.person_id, sa.func.max(c.at)).where(
        column == code, c.at >= since, c.at < until).group_by(c.person_id))
    return dict(conn.execute(query).all())


def insurer_delta(conn: Connection, smo: str, since: datetime, until: datetime,
                  store: SchemaStore | None = None) -> SliceFile | None:
    """RECLIST of the insurer's persons changed in ``[since, until)`` (None: none)."""
    changed = changed_ids(conn, "smo", smo, since, until)
    states = states_on(conn, sorted(changed), until.date())
    return _reclist(smo, states.values(), changed, since, until, store)


# -- clinics: PRK ----------------------------------------------------------------------------

Entry = tuple[PersonState, Attachment, "date | None"]


def _prk_files(mo: str, entries: Iterable[Entry], on: date, stamp: str) -> list[SliceFile]:
    by_insurer: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        pol = entry[0].policy
        if pol is None:
            log.info("%s attached to %s on %s has no policy: not in PRK", entry[0].enp, mo,
                     entry[0].on)
            continue
        by_insurer[pol.smo].append(entry)
    files = []
    for smo, group in sorted(by_insurer.items()):
        name = build_name("PRK", Party("T", mo[:2]), Party("M", mo), on.year, on.month,
                          f"{stamp}{smo}")
        persons = [prk_views.attached_person(n, s, att, end)
                   for n, (s, att, end) in enumerate(group, 1)]
        model = a.AttachedList(header=a.ListHeader(
            file_date=on, file_name=name.stem, insurer=smo, year=on.year, month=on.month,
            count=len(persons)), persons=persons)
        files.append(SliceFile(str(name), mo, write_file(model), len(persons)))
    return files


def clinic_slice(conn: Connection, mo: str, on: date) -> list[SliceFile]:
    """PRK files (one per insurer) of every person attached to ``mo`` on ``on``."""
    states = states_on(conn, attached_ids(conn, mo, on), on)
    entries = [(s, s.attachment, None) for s in states.values() if s.attachment is not None]
    return _prk_files(mo, entries, on, f"{on.day:02d}")


def _ended(conn: Connection, pid: int, mo: str, on: date) -> RowMapping | None:
    """The person's latest attachment to ``mo`` that ended on or before ``on``."""
    t = m.attachments
    return conn.execute(sa.select(t).where(
        t.c.person_id == pid, t.c.mo == mo, t.c.superseded_at.is_(None),
        t.c.valid_to.is_not(None), t.c.valid_to <= on, t.c.valid_to > t.c.valid_from)
        .order_by(t.c.valid_to.desc(), t.c.id.desc()).limit(1)).mappings().first()


def clinic_delta(conn: Connection, mo: str, since: datetime,
                 until: datetime) -> list[SliceFile]:
    """PRK files of the clinic's persons changed in ``[since, until)``: attached on
    ``until``'s day, or detached from it (with DEND)."""
    on = until.date()
    states = states_on(conn, sorted(changed_ids(conn, "mo", mo, since, until)), on)
    entries: list[Entry] = []
    for pid, state in states.items():
        if state.attachment is not None and state.attachment.mo == mo:
            entries.append((state, state.attachment, None))
            continue
        row = _ended(conn, pid, mo, on)
        if row is not None:
            last = queries.person_as_of(conn, state.enp, row["valid_to"] - timedelta(days=1))
            entries.append((last, from_row(Attachment, row), row["date_detach"] or
                            row["valid_to"]))
    return _prk_files(mo, entries, on, f"{until:%d%H%M%S}")


# -- for the schedule and the services ---------------------------------------------------------

def slice_for(conn: Connection, kind: Kind, code: str, on: date, at: datetime,
              store: SchemaStore | None = None) -> list[SliceFile]:
    """The full slice of an insurer (``smo``) or clinic (``mo``) as of ``on``."""
    if kind == "smo":
        found = insurer_slice(conn, code, on, at, store)
        return [found] if found else []
    return clinic_slice(conn, code, on)


def delta_for(conn: Connection, kind: Kind, code: str, since: datetime, until: datetime,
              store: SchemaStore | None = None) -> list[SliceFile]:
    """The changes of an insurer (``smo``) or clinic (``mo``) in ``[since, until)``."""
    if kind == "smo":
        found = insurer_delta(conn, code, since, until, store)
        return [found] if found else []
    return clinic_delta(conn, code, since, until)


def monthly(conn: Connection, at: datetime, store: SchemaStore | None = None,
            progress: Progress | None = None) -> list[SliceFile]:
    """Every insurer's and clinic's full slice as of ``at``'s day (the 1st, by the job);
    ``progress`` is told each organisation as its slice is built."""
    on = at.date()
    parties: list[tuple[Kind, str]] = [("smo", code) for code in insurers_on(conn, on)]
    parties += [("mo", code) for code in clinics_on(conn, on)]
    files: list[SliceFile] = []
    for done, (kind, code) in enumerate(parties):
        if progress is not None:
            progress.stage(f"Срез для {'СМО' if kind == 'smo' else 'МО'} {code}",
                           total=len(parties), done=done)
        files += slice_for(conn, kind, code, on, at, store)
    if progress is not None:
        progress.stage("Отправка файлов", total=len(parties), done=len(parties))
    return files


def vipnet_organisations(plugins: Mapping[str, Any]) -> frozenset[str]:
    """Codes of the organisations configured as ViPNet abonents (``[plugins.vipnet]``)."""
    abonents = (plugins.get("vipnet") or {}).get("abonents") or []
    return frozenset(str(x.get("organisation", "")) for x in abonents if x.get("outbound"))


def outgoing(files: Iterable[SliceFile], vipnet: frozenset[str] = frozenset()) -> list[Inbound]:
    """``files.send`` of each file, by ViPNet mail to abonents, else by the files adapter."""
    return [Inbound(FileSendV1(file_name=f.name, recipient=f.recipient,
                               media_type="application/xml"),
                    destination=VIPNET if f.recipient in vipnet else None,
                    attachments=[FileAttachment(f.name, "application/xml", f.data)])
            for f in files]

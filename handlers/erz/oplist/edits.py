"""Edits of personal data of an OPLIST decided in Python and written at once (TIP_OP 4).

``Register.change_data`` of one person costs about eleven statements. An edit that changes
personal data only (names, sex, birth date: no СНИЛС, no document) of a person named once in
the file, read and locked beforehand (:mod:`handlers.erz.oplist.read`), is decided here
from the rows read: every check ``change_data`` makes (303 without data on the date, the
person's checks) in Python — an edit that would be refused is left out, for the record path
to refuse — and the same rows and change-log entry (``history.overwrite`` until the next
version) go into a :class:`~handlers.erz.oplist.bulk.Batch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import RowMapping

from contracts.erz.register import Change, PersonData, Reason, Source
from handlers.erz import models as m
from handlers.erz.oplist.bulk import Batch, change, log_row
from handlers.erz.oplist.read import FileRead, valid_on
from handlers.erz.register import checks, history
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.plain import plain


@dataclass
class Edit:
    """A record's ``Register.change_data(enp, on, reason, **fields)`` to do in bulk."""

    index: int
    pid: int
    enp: str
    on: date
    reason: Reason
    fields: dict[str, Any]


@dataclass
class PlannedEdit:
    """An edit ``change_data`` would make: its entry, the rows it supersedes, its end."""

    edit: Edit
    entry: dict[str, Any]
    hit: list[RowMapping]
    end: date | None
    values: dict[str, Any]


def _party(read: FileRead, pid: int, on: date) -> dict[str, str | None]:
    """``Register._parties``: the insurer and the clinic of the first version valid on the
    date of the person's policies and attachments (``history.as_of`` order)."""
    out: dict[str, str | None] = {"smo": None, "mo": None}
    for kind, table, column in (("smo", m.policies, "smo"), ("mo", m.attachments, "mo")):
        valid = valid_on(read.of(table, pid), on)
        if valid:
            out[kind] = valid[0][column]
    return out


def plan(edits: Sequence[Edit], read: FileRead, dicts: Dictionaries,
         now: datetime) -> list[PlannedEdit]:
    """The edits ``change_data`` would make, from the rows read (personal data, policies
    and attachments); those it would refuse are left out."""
    planned = []
    for e in edits:
        rows = read.of(m.person_data, e.pid)
        found = valid_on(rows, e.on)
        if not found:
            continue  # 303: refused by the record path
        old = history.values_of(m.person_data, found[0])
        new = PersonData(**{k: old[k] for k in PersonData.__dataclass_fields__} | e.fields)
        if checks.check_person(new.surname, new.name, new.sex, new.birth_date, now.date(),
                               dicts):
            continue
        # history.overwrite(…, on, None, until_next=True)
        later = [r["valid_from"] for r in rows if r["valid_from"] > e.on]
        end = min(later) if later else None
        hit = [r for r in rows if (end is None or r["valid_from"] < end)
               and (r["valid_to"] is None or r["valid_to"] > e.on)]
        entry = {"op": "change_data", "aspect": "person", "effective_date": e.on,
                 "event_code": e.reason.event, "reason_code": e.reason.code,
                 "reason_text": e.reason.text or None, **_party(read, e.pid, e.on),
                 "detail": plain({"old": {k: old[k] for k in e.fields}, "new": e.fields})}
        planned.append(PlannedEdit(e, entry, hit, end, Register._data_values(new)))
    return planned


def edit_batch(planned: Sequence[PlannedEdit], cids: Sequence[int], source: Source,
               at: datetime) -> tuple[Batch, dict[int, tuple[int, list[Change]]]]:
    """The batch of the edits (a change id reserved for each) and what each record did:
    ``{index: (person id, changes)}``."""
    batch = Batch()
    superseded = batch.superseded.setdefault(m.person_data, [])
    out: dict[int, tuple[int, list[Change]]] = {}
    for p, cid in zip(planned, cids, strict=True):
        e = p.edit
        batch.records.append(e.index)
        batch.log.append(log_row(cid, e.pid, at, source, p.entry))
        for r in p.hit:
            superseded.append({"_id": r["id"], "_at": at, "_by": cid})
            old = history.values_of(m.person_data, r)
            if r["valid_from"] < e.on:
                batch.version(m.person_data, (e.pid, r["valid_from"], e.on, at, cid), old)
            if p.end is not None and (r["valid_to"] is None or r["valid_to"] > p.end):
                batch.version(m.person_data, (e.pid, p.end, r["valid_to"], at, cid), old)
        batch.version(m.person_data, (e.pid, e.on, p.end, at, cid), p.values)
        out[e.index] = (e.pid, [change(cid, e.enp, at, source, p.entry)])
    return batch, out

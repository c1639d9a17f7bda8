"""Telling clinics what the register did, and sending any file through ``files.send``.

- :func:`send_file` sends a file to an organisation (every file the register sends: the
  lists of :mod:`handlers.erz.smo.lists`, FATM answers, these notices);
- a clinic (МО) a person who died was attached to gets a **ZL_DEATH** notice
  (:mod:`contracts.erz.notices`, our own small format: no public one exists). The insurer
  gets a STOPLIST from :func:`handlers.erz.smo.lists.send_stoplists`.

Files go out addressed to the organisation's code (``recipient``); the files adapter finds
the folder from its ``outbound`` table. Names follow :mod:`contracts.erz.names`: the fund is
``T`` + the region's two digits (the first two of the clinic's code), and the suffix is the
day and a sequence number (the first change id), so two files of one day never share a name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef
from contracts.erz.common import Sex
from contracts.erz.files import write_file
from contracts.erz.names import Party, build_name
from contracts.erz.notices import KIND as NOTICE_KIND
from contracts.erz.notices import DeathNotice, DeceasedPerson, NoticeHeader
from contracts.erz.register import PersonState
from contracts.files import FileSendV1
from handlers.erz.register import queries
from hub.tx import Tx
from storage.journal import store_blob


@dataclass(frozen=True)
class Death:
    """A death the register recorded, with the person as of the day before."""

    state: PersonState
    death_date: date
    act_number: str | None
    act_date: date | None
    seq: int
    """A number unique to this death (its change id): makes file names unique."""


def deaths_of(conn: Connection, applied: Iterable[tuple[str, date, str | None, date | None,
                                                         int]]) -> list[Death]:
    """``(enp, death_date, act_number, act_date, seq)`` → the persons as before death."""
    return [Death(queries.person_as_of(conn, enp, on - timedelta(days=1)), on, act, act_on,
                  seq) for enp, on, act, act_on, seq in applied]


def send_file(tx: Tx, name: str, data: bytes, recipient: str) -> None:
    """Ask the files adapter to deliver ``data`` as ``name`` to the organisation."""
    blob = store_blob(tx.conn, data, "application/xml")
    tx.send(FileSendV1(file_name=name, recipient=recipient, media_type="application/xml"),
            attachments=[AttachmentRef(blob_id=blob, name=name, media_type="application/xml",
                                       size=len(data))])


def _name(kind: str, receiver: Party, on: date, seq: int) -> str:
    fund = Party("T", receiver.code[:2])
    return str(build_name(kind, fund, receiver, on.year, on.month, f"{on.day:02d}{seq}"))


def clinic_notice(clinic: str, deaths: list[Death], on: date) -> tuple[str, DeathNotice]:
    """The ZL_DEATH notice of the clinic's persons who died, and its name."""
    persons = []
    for n, d in enumerate(deaths, 1):
        data = d.state.data
        assert data is not None
        persons.append(DeceasedPerson(
            number=n, enp=d.state.enp, family_name=data.surname, given_name=data.name,
            patronymic=data.patronymic or None, sex=Sex(int(data.sex)),
            birth_date=data.birth_date, death_date=d.death_date, detached_from=d.death_date,
            act_number=d.act_number, act_date=d.act_date))
    name = _name(NOTICE_KIND, Party("M", clinic), on, min(d.seq for d in deaths))
    return name, DeathNotice(header=NoticeHeader(
        file_date=on, file_name=name.removesuffix(".xml"), clinic_code=clinic,
        count=len(persons)), persons=persons)


def inform_clinics(tx: Tx, deaths: list[Death], on: date) -> list[str]:
    """Send each clinic the notice of its persons who died; returns the file names."""
    by_clinic: dict[str, list[Death]] = defaultdict(list)
    for d in deaths:
        if d.state.attachment is not None:
            by_clinic[d.state.attachment.mo].append(d)
    sent = []
    for clinic, group in sorted(by_clinic.items()):
        name, notice = clinic_notice(clinic, group, on)
        send_file(tx, name, write_file(notice), clinic)
        sent.append(name)
    return sent

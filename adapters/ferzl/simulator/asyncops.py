"""The simulated ФЕРЗЛ's asynchronous operations: a token that takes time, then the result.

``…Start`` gives a token; ``…Poll`` answers «в обработке» (``IN_PROGRESS``) until ``delay``
seconds of the injected clock have passed, then ``COMPLETED`` with the result: a zipped CSV in
the spec's columns (:data:`contracts.ferzl_csv.LAYOUTS`, comma-separated, no header,
``null`` for an absent value, as the published fragments are) or a zipped XML where the
published examples show XML (getMassInsuranceStatus, findPersonsByTerrSmo), attached by MTOM;
getChangesEvent and getInsuranceStatusChanges answer their events inline, suspendOmsPolicy
its persons. An unknown token is a ФЛК error.
"""

from __future__ import annotations

import csv
import io
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from adapters.ferzl.simulator.answers import Asked, Tree, attach_item
from adapters.ferzl.simulator.register import FederalPerson
from contracts.ferzl_csv import LAYOUTS

Clock = Callable[[], float]
PENDING = "IN_PROGRESS"
COMPLETED = "COMPLETED"


@dataclass(frozen=True)
class Event:
    """A change of a person's insurance that getChangesEvent/getInsuranceStatusChanges
    report: ``group`` is enpArrived, enpDeparted or enpChanged."""

    enp: str
    oip: str
    code: str
    at: datetime
    group: str = "enpChanged"


@dataclass
class Result:
    """What a completed Poll answers: values inline and/or a zip to attach."""

    values: Tree = field(default_factory=dict)
    file: bytes | None = None
    """The zip (MTOM part), or None."""


@dataclass
class Job:
    """One started operation."""

    operation: str
    ready_at: float
    result: Result


class AsyncOperations:
    """Tokens and their results (thread-safe); time is ``clock`` (monotonic seconds)."""

    def __init__(self, delay: float = 2.0, clock: Clock = time.monotonic) -> None:
        self.delay = delay
        self.clock = clock
        self.events: list[Event] = []
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, pair: str, asked: Asked) -> str:
        """Start ``pair`` (``getAllCurrentEnp``): its token. The result is made now, from
        the register as it is, and handed out when the delay has passed."""
        token = str(uuid.uuid4())
        result = RESULTS.get(pair, _nothing)(asked, self)
        with self._lock:
            self._jobs[token] = Job(pair, self.clock() + self.delay, result)
        return token

    def poll(self, pair: str, token: str) -> Result | str | None:
        """The result when ready, :data:`PENDING` before, None for an unknown token."""
        with self._lock:
            job = self._jobs.get(token)
        if job is None or job.operation != pair:
            return None
        return job.result if self.clock() >= job.ready_at else PENDING


def zipped(name: str, data: bytes) -> bytes:
    """One file in a zip, as ФЕРЗЛ attaches its results."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def csv_zip(operation: str, rows: Iterable[Iterable[object]]) -> bytes:
    """A zipped CSV: comma-separated, no header, ``null`` for None."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for row in rows:
        writer.writerow("null" if v is None else v for v in row)
    return zipped(f"{operation}.csv", text.getvalue().encode("utf-8"))


def _territory(asked: Asked) -> list[FederalPerson]:
    okato = asked.leaf("terr") or asked.leaf("terrOkato")
    return [p for p in asked.register if not okato or p.territory == okato]


def _period(asked: Asked) -> str:
    return asked.today.strftime("%m.%Y")


def _all_current_enp(asked: Asked, ops: AsyncOperations) -> Result:
    rows = ([p.enp, None, p.snils or None] for p in _territory(asked) if p.death_date is None)
    return Result(file=csv_zip("getAllCurrentEnp", rows))


def _view_data_attach(asked: Asked, ops: AsyncOperations) -> Result:
    width = len(LAYOUTS["getViewDataAttach"].columns)
    rows = []
    for p in asked.register:
        a = attach_item(p)
        if a is None or p.attachment is None:
            continue
        age = (asked.today - p.birth_date).days // 365
        row: list[object] = [
            _period(asked), p.enp, p.policy.insurer, f"СМО {p.policy.insurer}", p.territory,
            p.sex, f"{age}Г", a["moCode"], a["moId"], f"МО {a['moCode']}", p.territory, None,
            None, None, a["areaId"], a["areaType"], "1", a["attachMethod"], a["dateAttachB"],
            a["dateAttachE"], None, a["snilsDoctor"], None, a["attachStatus"]]
        rows.append(row[:width])
    return Result(file=csv_zip("getViewDataAttach", rows))


def _insured_unassigned(asked: Asked, ops: AsyncOperations) -> Result:
    rows = ([_period(asked), p.territory, p.enp, p.policy.insurer, f"СМО {p.policy.insurer}",
             p.territory] for p in asked.register if p.attachment is None
            and p.death_date is None)
    return Result(file=csv_zip("getInsuredUnassigned", rows))


def _view_data_insurance(asked: Asked, ops: AsyncOperations) -> Result:
    smo = asked.leaf("smo")
    rows = ([_period(asked), p.enp, p.policy.type, p.policy.number, p.sex,
             p.birth_date.year, (asked.today - p.birth_date).days // 365, "Г", p.policy.insurer,
             None, p.territory, p.document_series or None, p.document_number or None,
             p.document_issued, None, p.document_type, "RUS", p.oip, p.snils or None]
            for p in _territory(asked) if not smo or p.policy.insurer == smo)
    return Result(file=csv_zip("getViewDataInsurance", rows))


def _xml_zip(name: str, items: Iterable[etree._Element]) -> bytes:
    root = etree.Element("Items")
    root.extend(items)
    return zipped(f"{name}.xml", etree.tostring(root, encoding="UTF-8", xml_declaration=True))


def _sub(parent: etree._Element, name: str, value: object) -> None:
    if value is not None and value != "":
        etree.SubElement(parent, name).text = value.isoformat() if isinstance(value, date) \
            else str(value)


def _mass_item(p: FederalPerson) -> etree._Element:
    item = etree.Element("item")
    person = etree.SubElement(item, "person")
    for name, value in (("birthday", p.birth_date), ("gender", p.sex), ("oip", p.oip),
                        ("personStatus", p.status), ("deathDate", p.death_date),
                        ("snils", p.snils)):
        _sub(person, name, value)
    policy = etree.SubElement(person, "policy")
    for name, value in (("pcyType", p.policy.type), ("pcySerNum", p.policy.number),
                        ("pcyStatus", p.policy.status), ("enp", p.enp),
                        ("pcyDateB", p.policy.starts_on), ("pcyDateE", p.policy.ends_on),
                        ("okato", p.territory), ("insurfCode", p.policy.insurer)):
        _sub(policy, name, value)
    if p.attachment is not None:
        attach = etree.SubElement(etree.SubElement(person, "attachItems"), "attach")
        a = p.attachment
        for name, value in (("areaType", a.area_type), ("dateAttachB", a.starts_on),
                            ("moCode", a.mo_code), ("moId", a.mo_id), ("moOkato", p.territory),
                            ("attachStatus", a.status)):
            _sub(attach, name, value)
    return item


def _mass_status(asked: Asked, ops: AsyncOperations) -> Result:
    found = []
    for who in asked.message.persons:
        p = (asked.register.by_enp(who.enp) if who.enp else None) or (
            asked.register.by_oip(who.oip) if who.oip else None)
        if p is not None:
            found.append(p)
    return Result(file=_xml_zip("getMassInsuranceStatus", (_mass_item(p) for p in found)))


def _by_terr_smo(asked: Asked, ops: AsyncOperations) -> Result:
    smo = asked.leaf("smo")
    items = []
    for p in _territory(asked):
        if smo and p.policy.insurer != smo:
            continue
        item = etree.Element("item")
        _sub(item, "enp", p.enp)
        person = etree.SubElement(item, "person")
        for name, value in (("birthday", p.birth_date), ("gender", p.sex), ("oip", p.oip)):
            _sub(person, name, value)
        policy = etree.SubElement(etree.SubElement(item, "omsPolicies"), "omspolicyItems")
        for name, value in (("pcyType", p.policy.type), ("pcyStatus", p.policy.status),
                            ("enp", p.enp), ("pcyDateB", p.policy.starts_on)):
            _sub(policy, name, value)
        items.append(item)
    return Result(file=_xml_zip("findPersonsByTerrSmo", items))


def _events_between(asked: Asked, ops: AsyncOperations) -> list[Event]:
    since = asked.date_of("dateFrom") or asked.date_of("dtFrom") or date.min
    till = asked.date_of("dateTo") or asked.date_of("dtTo") or date.max
    return [e for e in ops.events if since <= e.at.date() <= till]


def _event(e: Event) -> Tree:
    return {"enp": e.enp, "oip": e.oip, "event": e.code, "dt": e.at}


def _changes_event(asked: Asked, ops: AsyncOperations) -> Result:
    return Result({"enpChangedEvent": [_event(e) for e in _events_between(asked, ops)]})


def _status_changes(asked: Asked, ops: AsyncOperations) -> Result:
    events = _events_between(asked, ops)
    return Result({group: {"enpChangedEvent": [_event(e) for e in events if e.group == group]}
                   for group in ("enpArrived", "enpDeparted", "enpChanged")})


def _suspend(asked: Asked, ops: AsyncOperations) -> Result:
    results = []
    for local in asked.payload.iter("{*}localPersonIndex"):
        holder = local.getparent()
        series = next((e.text for e in holder.iter("{*}dudlSer")), None) \
            if holder is not None else None
        number = next((e.text for e in holder.iter("{*}dudlNum")), None) \
            if holder is not None else None
        p = asked.register.by_document(series, number)
        results.append({"oip": p.oip if p else None, "localPersonIndex": local.text})
    return Result({"milPersonResult": results})


def _nothing(asked: Asked, ops: AsyncOperations) -> Result:
    return Result()


RESULTS: dict[str, Callable[[Asked, AsyncOperations], Result]] = {
    "getAllCurrentEnp": _all_current_enp,
    "getViewDataAttach": _view_data_attach,
    "getInsuredUnassigned": _insured_unassigned,
    "getViewDataInsurance": _view_data_insurance,
    "getViewDataSocStatus": _insured_unassigned,
    "getSmpUnassigned": _insured_unassigned,
    "getMassInsuranceStatus": _mass_status,
    "findPersonsByTerrSmo": _by_terr_smo,
    "getChangesEvent": _changes_event,
    "getInsuranceStatusChanges": _status_changes,
    "suspendOmsPolicy": _suspend,
}
"""The result of each asynchronous operation by its pair name; others complete empty."""

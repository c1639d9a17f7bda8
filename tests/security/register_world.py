"""A running hub filled by the register's real flows, for the masking test over every type.

Router, ERZ handler, SOAP adapter and files adapter run on a footprint; the files adapter
has the insurers' and the clinic's folder pairs and a citizens' folder. What comes in
comes in as in production:

- an insurer's OPLIST (synthetic persons, every contact and address element filled) is
  dropped in its folder: the handler answers FLK_P, REPLIST and a CONFLICTLIST to each
  insurer concerned, buffers a reinsurance and records ``erz.person.changed``;
- a clinic's ATT (the public Vologda sample with the register's persons) is dropped in
  its folder: attachments recorded, FATM sent;
- the public FATM and PRK samples and a file named after a person are dropped
  in the citizens' folder (journaled with their bytes, not the register's to take);
- clinics and insurers call ``submitOperation`` over SOAP (contacts, attach with the
  doctor's СНИЛС, stop): ``erz.operation.submitted`` with the SOAP request as raw bytes,
  then ``erz.operation.result``;
- the ERZ handler's daily and monthly jobs send the deltas and slices: RECLIST, STOPLIST,
  PRK; the files adapter delivers every ``files.send`` (``files.delivered``);
- a buffer decision (with a confirmed identity mismatch and its reason), a probe and the
  sample plug-in's greeting are taken in as their senders take them in;
- a handler asks ФЕРЗЛ (the simulator) about a person (``ferzl.call``): the ФЕРЗЛ adapter
  answers ``ferzl.answer`` with the federal register's SOAP answer as raw bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from omshub_sample.messages import GreetingV1

from contracts.envelope import utcnow
from contracts.erz import common as c
from contracts.erz.files import write_file
from contracts.erz.register import Contact, Reason, Source
from contracts.erz_register import BufferDecidedV1
from contracts.ferzl import FerzlCallV1
from contracts.hub import JobRunV1
from contracts.identification import IdentifyPersonV1
from contracts.nsi import NsiVersionPublishedV1
from contracts.probe import ProbeV1
from contracts.refusal import RequestRefusedV1
from handlers.erz.register.core import Register
from handlers.erz.synth.population import SynthPerson
from hub.testing import TestHub, running_hub, wait_for
from storage.models import journal_messages
from tests.adapters.soap.conftest import ANNA, PASSWORDS, SEMYON, organisations, populate
from tests.conftest import SHARED, Footprint, free_port, unavailable
from tests.handlers.erz.mo.conftest import SAMPLE, att_file
from tests.handlers.erz.smo.builders import bad_snils, load, oplist, people, record

SMO_A, SMO_B, MO_A, MO_B = "76001", "76002", "760101", "760102"
"""The insurers and the clinic of tests/adapters/soap (Anna, Pavel, Semyon) that also exchange
files."""
SAMPLES = SHARED / "fixtures" / "ferzl" / "attachment-vologda-samples"
LISTS = SHARED / "fixtures" / "ferzl" / "rs-erz-smo-exchange"
PUBLIC = ("FATM352530T35351_251028.xml", "PRKS35003M352530_24111.xml")
"""The public samples of registered types (OZPS and SZPM, ZL_LIST, are no type of the hub:
their DOC_CODE and ID_PAC are masked by no declaration yet)."""
PERSON_FILE = "Заявление Сидорова Анна Ивановна 01.02.1941 СНИЛС 123-456-789 01.pdf"
PHONE, EMAIL = "+7 (4852) 77-31-90", "semyon.sidorov@example.org"
DOCTOR = "112-233-445 95"
OPLIST = "OPS76002T76_2412201"
COMPONENTS = ["hub.router", "hub.scheduler", "handler.erz", "adapter.soap", "adapter.files",
              "adapter.ferzl", "adapter.ferzl-simulator"]


@dataclass
class RegisterWorld:
    """The running hub and what was put through it."""

    hub: TestHub
    folders: Path
    enps: list[str] = field(default_factory=list)
    """Persons of the register whose card and export the test reads."""

    @property
    def types(self) -> Any:
        """Every registered message type of the hub."""
        return self.hub.process.plugins.types

    def journal_types(self) -> dict[str, int]:
        """How many journaled messages of each type key."""
        jm = journal_messages.c
        with self.hub.db.read() as conn:
            rows = conn.execute(sa.select(jm.type, jm.version, sa.func.count())
                                .group_by(jm.type, jm.version)).all()
        return {f"{t}.v{v}": int(n) for t, v, n in rows}

    def message_ids(self) -> list[str]:
        """Every journaled message, oldest first."""
        jm = journal_messages.c
        with self.hub.db.read() as conn:
            return list(conn.execute(sa.select(jm.message_id)
                                     .order_by(jm.first_seen_at, jm.message_id)).scalars())


def _drop(base: Path, name: str, sender: str, masks: list[dict[str, str]]) -> dict[str, Any]:
    for sub in ("in", "out"):
        (base / name / sub).mkdir(parents=True, exist_ok=True)
    return {"name": name, "kind": "folder", "inbound": str(base / name / "in"),
            "archive": str(base / name / "archive"), "errors": str(base / name / "errors"),
            "outbound": {code: str(base / f"to-{code}") for code in (SMO_A, SMO_B, MO_A, MO_B)},
            "stable_seconds": 0.3, "masks": masks, "sender": sender}


def _settings(footprint: Footprint, tmp: Path) -> Any:
    drops = [_drop(tmp, f"smo-{smo}", smo, [{"pattern": "OP*.xml", "format": "erz.oplist"}])
             for smo in (SMO_A, SMO_B)]
    drops.append(_drop(tmp, f"mo-{MO_A}", MO_A, [{"pattern": "ATM*.xml", "format": "erz.att"}]))
    drops.append(_drop(tmp, "citizens", "", [{"pattern": "*", "format": "any"}]))
    federal = free_port()
    return footprint.settings(tmp, schemas_dir=SHARED / "fixtures" / "ferzl", plugins={
        "soap": {"port": free_port(), "organisations": list(organisations())},
        "files": {"drops": drops, "pass_wait_seconds": 1},
        "ferzl-simulator": {"port": federal},
        "ferzl": {"base_url": f"http://127.0.0.1:{federal}", "token": "jwt"},
        "erz": {"ferzl": True}})


def _enriched(p: SynthPerson, n: int, tip: c.Operation, **kw: Any) -> Any:
    """An OP of ``p`` with what insurers also send: phones, e-mail, a representative, the
    addresses element by element, the former name."""
    op = record(n, p, tip, **kw)
    doc = op.document
    person = op.person.model_copy(update={
        "phone": f"+7 (4852) 4{n}-1{n}-2{n}", "work_phone": f"+7 (4852) 5{n}-6{n}-7{n}",
        "email": f"zl{n}.{p.enp[-4:]}@example.ru", "representative_name": "Громова Ольга",
        "representative_contact": f"+7 900 31{n}-4{n}-5{n}",
        "representative": c.Representative(family_name="Громова", given_name="Ольга",
                                           patronymic="Петровна", relation="мать",
                                           document=doc, phone=f"+7 910 61{n}-7{n}-8{n}")})
    address = c.Address(homeless=0, region="76", postcode=f"15000{n}", okato="78401000000",
                        district="Кировский район", settlement="Ярославль",
                        street=f"Первомайская-{n}", house=f"1{n}", building="Б", flat=f"7{n}",
                        registered=date(2011, 4, 5), kind="г",
                        unstructured=f"г. Ярославль, ул. Первомайская-{n}, д. 1{n}, кв. 7{n}",
                        kladr_code="7600000100000")
    former = c.FormerPerson(family_name=f"Девичья{n}", given_name=p.data.name,
                            patronymic=p.data.patronymic, sex=op.person.sex,
                            birth_date=p.data.birth_date)
    return op.model_copy(update={"person": person, "registration_address": address,
                                 "residence_address": address, "former_persons": [former]})


def _put(folder: Path, name: str, data: bytes) -> None:
    part = folder / f".{name}.part"
    part.write_bytes(data)
    part.rename(folder / name)


def _count(world: RegisterWorld, key: str) -> int:
    return world.journal_types().get(key, 0)


def _soap(world: RegisterWorld, url: str) -> None:
    import requests
    import zeep
    from zeep.transports import Transport

    def client(user: str) -> Any:
        session = requests.Session()
        session.auth = (user, PASSWORDS[user])
        return zeep.Client(f"{url}?wsdl", transport=Transport(session=session))

    today = date.today()
    smo, mo = client("smo-a"), client("mo-a")
    tickets = [
        smo.service.submitOperation(operation={"kind": "contacts", "enp": ANNA, "date": today,
                                               "phone": PHONE, "email": EMAIL}),
        mo.service.submitOperation(operation={"kind": "attach", "enp": SEMYON, "date": today,
                                              "district": "12", "department": "2",
                                              "doctorSnils": DOCTOR, "method": "2"}),
        smo.service.submitOperation(operation={"kind": "stop_policy", "enp": SEMYON,
                                               "date": today, "reasonText": "выезд"}),
    ]
    for ticket, who in zip(tickets, (smo, mo, smo), strict=True):
        done = wait_for(lambda t=ticket, w=who: (r := w.service.getOperationResult(
            ticket=t.ticket)).status != "pending" and r, message="a SOAP operation's result")
        assert done.status == "applied", done.text


def _files_in(world: RegisterWorld, insured: list[SynthPerson]) -> None:
    newcomer, bad, edited, theirs, ours = insured[:5]
    ops = [_enriched(newcomer, 1, c.Operation.ISSUE_POLICY),
           _enriched(bad, 2, c.Operation.ISSUE_POLICY, snils=bad_snils(bad)),
           _enriched(edited, 3, c.Operation.ISSUE_POLICY),
           _enriched(theirs, 4, c.Operation.REINSURANCE),
           _enriched(ours, 5, c.Operation.EDIT, doc_number="990011")]
    _put(world.folders / f"smo-{SMO_B}" / "in", f"{OPLIST}.xml",
         write_file(oplist(OPLIST, ops, smo=SMO_B)))
    enps = [p.enp for p in insured[5:10]]
    _put(world.folders / f"mo-{MO_A}" / "in", f"ATM{MO_A}T76_251028.xml",
         att_file(enps, clinic=MO_A))
    citizens = world.folders / "citizens" / "in"
    for name in PUBLIC:
        _put(citizens, name, (SAMPLES / name).read_bytes())
    _put(citizens, PERSON_FILE, b"%PDF-1.4 fictitious")
    world.enps += [newcomer.enp, edited.enp, ours.enp, *enps[:2]]


def _jobs(world: RegisterWorld) -> None:
    """The daily deltas and the monthly slices, run as the scheduler's "run now" runs them
    (``hub.job.run`` to the handler), a day later than now."""
    handler = world.hub.process.components["handler.erz"]
    tomorrow = utcnow() + timedelta(days=1)
    handler.clock = lambda: tomorrow  # type: ignore[attr-defined]
    for job in ("daily_deltas", "monthly_slices"):
        run = world.hub.publish(JobRunV1(component="handler.erz", job=job,
                                         schedule=f"handler.erz.{job}", scheduled_for=utcnow(),
                                         requested_by="oper"), destination="handler.erz")
        wait_for(lambda r=run: "handled" in world.hub.trail(r.id), timeout=60,
                 message=f"the job {job} ran")


def _others(world: RegisterWorld) -> None:
    world.hub.publish(BufferDecidedV1(
        item_id=1, kind="reinsure", status="rejected", enp=ANNA, decided_by="oper",
        identity_mismatches=["surname"],
        mismatch_reason="Семёнова Анна Петровна, 01.05.1980: фамилия по браку"))
    world.hub.publish(ProbeV1(seq=1, sent_at=utcnow(), note="проверка пути"))
    world.hub.publish(GreetingV1(name="Сидоров Семён Олегович", snils="112-233-445 95"))
    # The federal register asked about one of its persons: the answer's SOAP is all
    # personal data (ЕНП, ОИП, СНИЛС, names, documents, policies, addresses).
    simulator = world.hub.process.components["adapter.ferzl-simulator"]
    person = next(iter(simulator.server.ferzl.register))  # type: ignore[attr-defined]
    world.hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": person.enp},
                                  purpose="сверка с региональным регистром"))
    world.hub.publish(NsiVersionPublishedV1(
        code="V002", version="3.1", source="http://nsi.example/refbook?type=XML&id=1",
        sha256="0" * 64, size=1))
    world.hub.publish(RequestRefusedV1(request_type="pfr.snils.lookup.v1", outcome="no_data",
                                       reason="сведения о лице не найдены",
                                       by="СМЭВ 3: pfr.snils"))
    # Identified by names and birth date: the region does not hold the person, ФЕРЗЛ is
    # searched by names, then asked for the one found.
    world.hub.publish(IdentifyPersonV1(surname=person.surname, name=person.name,
                                       patronymic=person.patronymic or None,
                                       birth_date=person.birth_date, purpose="случай помощи"))


def _settled(world: RegisterWorld) -> bool:
    counts = world.journal_types()
    sent = counts.get("files.send.v1", 0)
    return (counts.get("erz.operation.result.v1", 0) == 3
            and counts.get("ferzl.answer.v1", 0) == 3
            and counts.get("person.identified.v1", 0) == 1
            and counts.get("files.received.v1", 0) == 2 + len(PUBLIC) + 1
            and sent >= 9 and counts.get("files.delivered.v1", 0) == sent)


@contextmanager
def register_world(footprint: Footprint, tmp: Path) -> Iterator[RegisterWorld]:
    """The hub after every flow above, settled (every file sent was delivered)."""
    if not (SAMPLE.is_file() and (LISTS / "TargetClass.xsd").is_file()):
        unavailable(f"the attachment samples or the list XSDs are not under {SAMPLES.parent}")
    with running_hub(_settings(footprint, tmp), COMPONENTS) as hub:
        populate(hub)
        insured = [p for p in people(*range(1, 60)) if p.data.birth_date.year < 2000][:10]
        newcomer, bad, edited, theirs, ours = insured[:5]
        with hub.db.transaction() as conn:
            load(conn, [(ours, SMO_B), (theirs, SMO_A), (edited, SMO_A)]
                 + [(p, SMO_B) for p in insured[5:]])
            Register(conn, Source("test")).set_contact(
                edited.enp, Contact("phone", "+7 4852 30-12-45"), date(2024, 1, 1), Reason())
        port = hub.process.settings.plugins["soap"]["port"]
        world = RegisterWorld(hub, tmp, [ANNA, SEMYON])
        _soap(world, f"http://127.0.0.1:{port}/soap/erz")
        _files_in(world, insured)
        wait_for(lambda: _count(world, "files.send.v1") >= 5
                 and _count(world, "erz.operation.result.v1") == 3, timeout=60,
                 message="the OPLIST, the ATT and the SOAP operations answered")
        _jobs(world)
        _others(world)
        wait_for(lambda: _settled(world), timeout=60,
                 message=f"every flow settled: {world.journal_types()}")
        yield world



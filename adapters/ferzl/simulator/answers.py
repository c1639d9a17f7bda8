"""What the simulated ФЕРЗЛ answers to each synchronous operation, from its federal register.

Each answer is a tree of values named as the schemas name the elements
(:mod:`adapters.ferzl.simulator.writer` orders them and fills what a release requires).
Operations it has no data for (НИЛ, НР, legal representation, registerDudl…) get a minimal
valid answer. A person not found gets an answer without a person, as ФЕРЗЛ's «не найдено».
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

from adapters.ferzl.simulator.register import FederalPerson, FederalRegister
from contracts.ferzl import FerzlMessage

Tree = dict[str, Any]
SOURCE = {"dsource": "ФЕРЗЛ", "dsourceType": "1"}
"""Where a record came from: the simulator's own (``dsourceType`` 1, a master system)."""
SHOW_ALL = ("Person", "OmsPolicy", "Dudl", "Address", "Attach", "Contact", "Snils",
            "SocialStatus", "Ern")


@dataclass
class Asked:
    """A request as the simulator reads it: the canonical form and the payload itself."""

    message: FerzlMessage
    payload: etree._Element
    register: FederalRegister
    today: date
    found: list[FederalPerson] = field(default_factory=list)
    """The persons the answer names (deviations per person are keyed by them)."""

    def leaf(self, name: str) -> str | None:
        """The text of the first element ``name`` anywhere in the request."""
        found = next(self.payload.iter(f"{{*}}{name}"), None)
        return (found.text or "").strip() if found is not None else None

    def date_of(self, name: str) -> date | None:
        """A date the request gives in element ``name``."""
        value = self.leaf(name)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def person(self) -> FederalPerson | None:
        """The person the request names, by ЕНП, ОИП, СНИЛС or document, in that order."""
        reg = self.register
        for who in self.message.persons:
            found = ((reg.by_enp(who.enp) if who.enp else None)
                     or (reg.by_enp(p.enp) if (p := next((p for p in who.policies if p.enp),
                                                         None)) and p.enp else None)
                     or (reg.by_oip(who.oip) if who.oip else None)
                     or (reg.by_snils(who.snils) if who.snils else None)
                     or next((reg.by_document(d.series, d.number) for d in who.documents
                              if reg.by_document(d.series, d.number)), None))
            if found is not None:
                self.found.append(found)
                return found
        return None


def ogrn(insurer: str) -> str:
    """A fictitious ОГРН of an insurer (13 digits)."""
    return f"10{insurer:0>5}{0:06d}"


def policy_item(p: FederalPerson, *, old: bool = False) -> Tree:
    """A policy as getPersonData's ``policyItems``."""
    pol = p.policy
    return {"pcyNum": pol.number if pol.type in ("В", "С") else None, "enp": p.enp,
            "pcyDateB": pol.starts_on, "pcyDateE": pol.ends_on,
            "pcyDateT": p.death_date, "pcyType": pol.type, "pcyStatus": pol.status,
            "okato": p.territory, **SOURCE, "gender": p.sex,
            "insurfName": f"СМО {pol.insurer}", "insurfOgrn": ogrn(pol.insurer),
            "insurfCode": pol.insurer, "insurCode": pol.insurer, "surname": p.surname,
            "firstName": p.name, "patronymic": p.patronymic or None, "birthDay": p.birth_date}


def attach_item(p: FederalPerson) -> Tree | None:
    """The attachment as ``attachItems``."""
    a = p.attachment
    if a is None:
        return None
    return {"areaType": a.area_type, "areaId": a.area_id or None, "attachMethod": a.method,
            "dateAttachB": a.starts_on, "dateAttachE": a.ends_on, "moId": a.mo_id,
            "moCode": a.mo_code, "snilsDoctor": a.doctor_snils or None, **SOURCE,
            "moOkato": p.territory, "attachStatus": a.status,
            "depId": a.department_id or a.mo_id, "mCapitation": "1"}


def person_data(p: FederalPerson, show: list[str]) -> Tree:
    """``pd`` of getPersonData: the entities asked for in ``show``."""
    pd: Tree = {"oip": p.oip}
    if "Person" in show:
        pd["person"] = {"personItems": [{
            "surname": p.surname, "patronymic": p.patronymic or None, "firstName": p.name,
            "birthDay": p.birth_date, "gender": p.sex, "birthOksm": "RUS",
            "deathDate": p.death_date, "dateEdit": p.edited, "status": p.status}]}
    if "OmsPolicy" in show:
        pd["policy"] = {"policyItems": [policy_item(p)]}
    if "Dudl" in show and p.document_number:
        pd["dudl"] = {"dudlItems": [{
            "dudlSer": p.document_series or None, "dudlNum": p.document_number,
            "dudlDateB": p.document_issued or p.birth_date, "dudlType": p.document_type,
            "surname": p.surname, "firstName": p.name, "patronymic": p.patronymic or None,
            "birthDay": p.birth_date, "ctznOksm": "RUS", **SOURCE, "dudlStatus": "ДПП",
            "gender": p.sex}]}
    if "Attach" in show and (item := attach_item(p)) is not None:
        pd["attach"] = {"attachItems": [item]}
    if "Snils" in show and p.snils:
        pd["snils"] = {"snilsItems": [{"snils": p.snils, **SOURCE, "statusSnils": "ДПП"}]}
    return pd


def _show(asked: Asked) -> list[str]:
    given = asked.leaf("show")
    return given.split() if given else list(SHOW_ALL)


def get_person_data(asked: Asked) -> Tree:
    """getPersonData and getPersonDataHistory (its answer is getPersonDataResponse)."""
    p = asked.person()
    return {"pd": person_data(p, _show(asked))} if p is not None else {}


def get_insurance_status(asked: Asked) -> Tree:
    """getInsuranceStatus: the policy's state."""
    p = asked.person()
    if p is None:
        return {}
    return {"status": {
        "oip": p.oip, "fio": p.fio, "birthDay": p.birth_date, "gender": p.sex,
        "policyType": p.policy.type, "policyNumEnp": p.policy.number,
        "policyStatus": p.policy.status, "smo": f"СМО {p.policy.insurer}",
        "terr": p.territory, "policyValidFrom": p.policy.starts_on,
        "policyValidTo": p.policy.ends_on}}


def find_persons(asked: Asked) -> Tree:
    """findPersonsByPersCriteria: by names and a birth date range."""
    who = asked.message.persons[0] if asked.message.persons else None
    if who is None:
        return {}
    found = asked.register.by_names(who.surname, who.name, who.patronymic,
                                    (asked.date_of("birthDayFrom") or asked.date_of(
                                        "birthdayFrom"), asked.date_of("birthDayTo")
                                     or asked.date_of("birthdayTo")))
    asked.found.extend(found)
    page = int(asked.leaf("pageNumber") or 1)
    per_page = int(asked.leaf("itemPerPage") or 15)
    shown = found[(page - 1) * per_page: page * per_page]
    if not shown:
        return {}
    return {"persons": {
        "personDataShortItem": [{"fio": f"{p.surname} {p.name} {p.patronymic}".strip(),
                                 "enp": p.enp, "birthDay": p.birth_date, "gender": p.sex,
                                 "oip": p.oip} for p in shown],
        "pagination": {"pageNumber": page, "itemPerPage": per_page, "count": len(found)}}}


def merge_ancestor(asked: Asked) -> Tree:
    """getMergeAncessorOip: the record merged into the asked one."""
    p = asked.person()
    if p is None or not p.merged_from:
        return {}
    oip, _, when = p.merged_from[0]
    return {"mergeAncessorOip": {"whenMerged": when, "mergeAncessorOip": oip}}


def register_attach(asked: Asked) -> Tree:
    """registerAttach: the attachment as registered."""
    p = asked.person()
    if p is None:
        return {}
    a = next((a for who in asked.message.persons for a in who.attachments), None)
    if a is None:
        return {}
    return {"currAttach": {
        "enp": p.enp, "dateAttachB": a.starts_on, "dateAttachE": a.ends_on,
        "attachMethod": a.method, "areaType": a.area_type, "areaId": a.area_id,
        "moId": a.mo_id, "moCode": a.mo_code, "moFId": a.mo_branch_id,
        "doctorId": a.doctor_id, "snilsDoctor": a.doctor_snils, "doctorSince": a.doctor_since,
        "moDepId": a.department_id, "mCapitation": 1,
        "attachStatus": "ДПП" if a.ends_on is None else "НАП", **SOURCE,
        "moOkato": p.territory}}


def oip_only(asked: Asked) -> Tree:
    """registerSnils, registerAddress, registerDudl: the person's ОИП."""
    p = asked.person()
    return {"oip": p.oip} if p is not None else {}


def submit_policy(asked: Asked) -> Tree:
    """submitPolicyApplication[WithSign]: the policy made (a new one for the insurer asked)."""
    p = asked.person()
    insurer = asked.leaf("smo") or (p.policy.insurer if p else "")
    if p is None:
        return {"submitApplicationResponseType": {"warnings": "Заявление принято"}}
    return {"submitApplicationResponseType": {"createdPcy": {
        "enp": p.enp, "pcyDateB": asked.today, "pcyType": "Э", "pcyStatus": "ДНП",
        "okato": p.territory, "gender": p.sex, "insurfOgrn": ogrn(insurer),
        "insurfCode": insurer, "insurCode": insurer, "surname": p.surname,
        "firstName": p.name, "patronymic": p.patronymic or None, "birthDay": p.birth_date}}}


def legal_representation(asked: Asked) -> Tree:
    """getLegalRepresentation: one representation of the asked person (ДПП)."""
    p = asked.person()
    if p is None:
        return {}
    return {"legalRepresentation": {"legalRepresentationItem": [{
        "oip": p.oip, "legRepType": "1", "legRepDateB": p.birth_date, "status": "ДПП"}]}}


def minimal(asked: Asked) -> Tree:
    """A minimal valid answer (НИЛ, НР and what the register has no data for)."""
    return {}


SYNC: dict[str, Callable[[Asked], Tree]] = {
    "getPersonData": get_person_data,
    "getPersonDataHistory": get_person_data,
    "getInsuranceStatus": get_insurance_status,
    "findPersonsByPersCriteria": find_persons,
    "getMergeAncessorOip": merge_ancestor,
    "registerAttach": register_attach,
    "registerSnils": oip_only,
    "registerAddress": oip_only,
    "registerDudl": oip_only,
    "submitPolicyApplication": submit_policy,
    "submitPolicyApplicationWithSign": submit_policy,
    "getLegalRepresentation": legal_representation,
}
"""Answers of the synchronous operations by name; any other gets :func:`minimal`."""

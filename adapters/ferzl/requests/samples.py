"""Realistic fictitious requests, one per operation: for tests, the simulator's demo and
``omshub ferzl call`` examples. The persons are invented; codes and OIDs have the real
shape (ОКАТО 46000 Московская область, СМО 50005, ФРМО OIDs 1.2.643.5.1.13.13.12.2…)."""

from __future__ import annotations

from datetime import date

from adapters.ferzl.operations import Operation
from adapters.ferzl.requests import async_ops as a
from adapters.ferzl.requests import attach, legal, nil, nr, objects, person_info, policy
from adapters.ferzl.requests.base import Request
from adapters.ferzl.requests.common import IdentityDocument, Pagination, Policy, Poll

ENP = "5047410841002335"
OIP = "200052519467"
SNILS = "156-975-661 29"
TERRITORY = "46000"
SMO = "50005"
MO_ID = "1.2.643.5.1.13.13.12.2.50.10804"
PASSPORT = IdentityDocument(series="46 06", number="811531", kind="14",
                            issued=date(2006, 7, 10))
SIGN, CERTIFICATE, DATA = b"0\x82signature", b"0\x82certificate", b"<document/>"
"""Stand-ins for a signature, a certificate and a document (signing is not tested here)."""


def _person_info() -> dict[str, Request]:
    search = person_info.PersonSearch.by_enp(ENP)
    return {
        "getPersonData": person_info.GetPersonData.by_enp(ENP, show=["Person", "Attach"]),
        "getPersonDataHistory": person_info.GetPersonDataHistory(
            params=person_info.PersonHistoryParams(
                search=person_info.PersonSearch(document=PASSPORT), show=["Person", "Dudl"],
                date_from=date(2023, 1, 1), date_to=date(2024, 1, 1))),
        "getInsuranceStatus": person_info.GetInsuranceStatus(
            params=person_info.InsuranceStatusParams(search=search, on_date=date(2024, 1, 20))),
        "findPersonsByPersCriteria": person_info.FindPersonsByPersCriteria(
            criteria=person_info.PersonCriteria(
                pagination=Pagination(page=1, per_page=15), territory=TERRITORY,
                names=person_info.FullName(surname="Аввакумова", first_name="Лариса",
                                           patronymic="Анатольевна"),
                born_from=date(1958, 8, 16), born_to=date(1958, 8, 16))),
        "getMergeAncessorOip": person_info.GetMergeAncessorOip(
            search=person_info.MergedOip(oip=OIP)),
    }


def _async_starts() -> dict[str, Request]:
    since, till = date(2024, 1, 1), date(2024, 1, 20)
    return {
        "getAllCurrentEnpStart": a.GetAllCurrentEnpStart(territory=TERRITORY),
        "getInsuranceStatusChangesStart": a.GetInsuranceStatusChangesStart(
            territory=TERRITORY, date_from=since, date_to=till),
        "getChangesEventStart": a.GetChangesEventStart(
            territory=TERRITORY, smo=SMO, events=["П01", "П02"], date_from=since, date_to=till),
        "getMassInsuranceStatusStart": a.GetMassInsuranceStatusStart(persons=[
            a.InsuredOn(enp=ENP, on_date=date(2024, 1, 20)), a.InsuredOn(oip=OIP)]),
        "getViewDataAttachStart": a.GetViewDataAttachStart(criteria=[
            a.AttachCriterion(field="mo_code", value="500136")]),
        "getViewDataInsuranceStart": a.GetViewDataInsuranceStart(territory=TERRITORY, smo=SMO),
        "getViewDataSocStatusStart": a.GetViewDataSocStatusStart(
            on_date=date(2024, 1, 1), territory=TERRITORY, quarter=True),
        "submitMassPolicyAppointmentStart": a.SubmitMassPolicyAppointmentStart(
            on_date=date(2024, 2, 1), smo_from=SMO, smo_to="50046", enps=[ENP]),
        "changeAllPoliciesInsuranceToTfomsStart": a.ChangeAllPoliciesInsuranceToTfomsStart(
            on_date=date(2024, 2, 1), smo_from=SMO, smo_to=TERRITORY),
        "findPersonsByTerrSmoStart": a.FindPersonsByTerrSmoStart(smo=SMO, show=["Person"]),
        "getInsuredUnassignedStart": a.GetInsuredUnassignedStart(on_date=date(2024, 1, 1),
                                                                 area_type=1),
        "getSmpUnassignedStart": a.GetSmpUnassignedStart(on_date=date(2024, 1, 1)),
        "suspendOmsPolicyStart": legal.SuspendOmsPolicyStart(persons=legal.Conscripts(items=[
            legal.Conscript(
                local_index="50-000123", document=PASSPORT,
                person=legal.NameBirth(surname="Петров", first_name="Илья",
                                       patronymic="Сергеевич", birth_date=date(2004, 3, 2)),
                service=legal.MilitaryService(start=date(2024, 1, 10), end=date(2025, 1, 9),
                                              months=12))])),
    }


def _controls() -> dict[str, Request]:
    address = objects.Address(okato=TERRITORY, fias_object="ea03dba3-c8f7-4d69-b211-9c3ef8fd49c2",
                              kind="2", valid_from=date(2024, 1, 20))
    return {
        "registerAttach": attach.RegisterAttach(attachment=attach.Attachment(
            enp=ENP, date_from=date(2024, 1, 20), attach_method="1", area_type="1",
            mo_id=MO_ID, mo_code="500136", department_id=f"{MO_ID}.0.291428")),
        "registerAddress": objects.RegisterAddress(policy=Policy(enp=ENP), address=address),
        "registerDudl": objects.RegisterDudl(oip=OIP, document_to_add=objects.NewDocument(
            series="46 24", number="100200", issued=date(2024, 1, 15), kind="14",
            surname="Аввакумова", first_name="Лариса", patronymic="Анатольевна",
            birth_date=date(1958, 8, 16), gender="2", citizenship="RUS")),
        "registerSnils": objects.RegisterSnils(policy=Policy(enp=ENP), snils=SNILS),
        "submitPolicyApplication": policy.SubmitPolicyApplication(
            submission=policy.ApplicationSubmission(application=policy.PolicyApplication(
                territory=TERRITORY, smo=SMO, registered=date(2024, 1, 20), method=1,
                subject=1, cause=2, kl="1", enp=ENP,
                applicant_documents=policy.ApplicantDocuments(items=[policy.ApplicantDocument(
                    series="34 06", number="811531", issued=date(2006, 7, 10), kind="14",
                    surname="Аввакумова", first_name="Лариса", patronymic="Анатольевна",
                    citizenship="RUS", birth_date=date(1958, 8, 16), gender="2",
                    issuer_division="433-098")]),
                addresses=policy.Addresses(items=[address]),
                applicant_contacts=policy.ApplicantContacts(items=[
                    policy.Contact(kind="MTEL", text="+79160000000")])))),
        "getLegalRepresentation": legal.GetLegalRepresentation(oip=OIP, kinds=["1"]),
    }


def _nil_nr(signed_data: bool) -> dict[str, Request]:
    decision = nil.NilDecision(nlr="500903-240201-00001", decision=0, enp="7690299724000060",
                               oip="400006366921")
    birth_certificate = nil.MedicalDocument(
        kind=nil.MedicalDocumentKind(kind="14", dictionary="ЭМД"),
        number=nil.MedicalDocumentNumber(series="77", number="7725465748"))
    return {
        "findNils": nil.FindNils(nil=nil.NilCriteria(admitted_from=date(2024, 1, 1),
                                                     admitted_to=date(2024, 1, 22))),
        "getNilsData": nil.GetNilsData(nlr="500903-240201-00001"),
        "makeNilIdentDecision": (
            nil.MakeNilIdentDecision(sign=SIGN, certificate=CERTIFICATE, data=DATA)
            if signed_data else
            nil.MakeNilIdentDecision(sign=SIGN, certificate=CERTIFICATE, decision=decision)),
        "findNRs": nr.FindNRs(pagination=Pagination(page=1, per_page=15),
                              representative=nr.LegalRepresentative(enp="4457800876000152")),
        "getNRData": nr.GetNRData(document=birth_certificate),
        "submitPolicyApplicationWithSign": policy.SubmitPolicyApplicationWithSign(
            sign=SIGN, certificate=CERTIFICATE, data=DATA),
    }


def sample(operation: Operation) -> Request:
    """A realistic request of ``operation`` in its release (the signed document in ``data``
    where the release's schema has it); KeyError for an operation without a sample."""
    if operation.name.endswith("Poll") and operation.asynchronous:
        return Poll(of=operation.name.removesuffix("Poll"),
                    token="c0a80101-0000-4000-8000-000000000001")
    every = {**_person_info(), **_async_starts(), **_controls(),
             **_nil_nr("data" in operation.request_parts)}
    return every[operation.name]

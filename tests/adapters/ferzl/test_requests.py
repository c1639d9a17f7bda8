"""Every request the adapter builds validates against its release's XSD, and equals in
substance the requests ФФОМС publishes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from lxml import etree

from adapters.ferzl.operations import Catalogue
from adapters.ferzl.releases import Releases, parse_types_namespace
from adapters.ferzl.requests import (
    ApplicantDocument,
    ApplicantDocuments,
    ApplicationSubmission,
    AttachCriterion,
    Attachment,
    DeathInterval,
    FindNils,
    FindNRs,
    FindPersonsByPersCriteria,
    FindPersonsByTerrSmoStart,
    GetAllCurrentEnpStart,
    GetChangesEventStart,
    GetInsuranceStatus,
    GetLegalRepresentation,
    GetMassInsuranceStatusStart,
    GetMergeAncessorOip,
    GetNilsData,
    GetNRData,
    GetPersonData,
    GetPersonDataHistory,
    GetSmpUnassignedStart,
    GetViewDataAttachStart,
    IdentityDocument,
    InsuranceStatusParams,
    InsuredOn,
    LegalRepresentative,
    MakeNilIdentDecision,
    MedicalDocument,
    MedicalDocumentKind,
    MedicalDocumentNumber,
    MergedOip,
    NewbornCriteria,
    NewDocument,
    NilCriteria,
    NilDecision,
    Pagination,
    PersonCriteria,
    PersonDataParams,
    PersonHistoryParams,
    PersonSearch,
    Policy,
    PolicyApplication,
    Poll,
    RegisterAddress,
    RegisterAttach,
    RegisterDudl,
    RegisterSnils,
    Request,
    RequestError,
    SnilsBirth,
    SubmitPolicyApplication,
    SubmitPolicyApplicationWithSign,
    build,
)
from adapters.ferzl.requests.objects import Address
from adapters.ferzl.requests.samples import sample
from tests.adapters.ferzl.conftest import EXAMPLES
from tests.adapters.ferzl.test_releases import _envelopes

WSDL = "http://schemas.xmlsoap.org/wsdl/"


@pytest.fixture(scope="module")
def catalogue(releases: Releases) -> Catalogue:
    return Catalogue.read(releases)


def test_every_operation_of_every_release_builds_a_request_its_xsd_accepts(
        releases: Releases, catalogue: Catalogue) -> None:
    built: dict[str, int] = {}
    for version in releases.versions:
        for operation in catalogue.operations(version):
            element = build(releases, version, sample(operation))
            assert releases.validate(element) == [], (version, operation.name)
            assert parse_types_namespace(etree.QName(element).namespace or "") == (
                version, operation.schema)
            assert etree.QName(element).localname == operation.request_element
            built[version] = built.get(version, 0) + 1
    # 23.4.7 lacks getInsuredUnassigned and getSmpUnassigned; 24.1.2 has getSmpUnassigned
    # only; 24.1.4 and 24.2.6 have getInsuredUnassigned instead.
    assert built == {"23.4.7": 39, "24.1.2": 41, "24.1.4": 41, "24.2.6": 41}


def test_the_catalogue_lists_every_operation_of_each_wsdl(
        releases: Releases, catalogue: Catalogue) -> None:
    for release in releases:
        listed = {(o.service, o.name) for o in catalogue.operations(release.version)}
        declared = {
            (service, op.get("name"))
            for service, path in release.wsdl.items()
            for op in etree.parse(str(path)).iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")
        }
        assert listed == declared, release.version
    start = catalogue.find("24.2.6", "getAllCurrentEnpStart")
    assert (start.asynchronous, start.pair, start.signed) == (True, "getAllCurrentEnp", False)
    assert start.request_tag == (
        "{http://ffoms.ru/types/24.2.6/mpiAsyncOperationsSchema}getAllCurrentEnpStartRequest")
    assert catalogue.find("24.2.6", "suspendOmsPolicyPoll").service == "insuranceSuspendService"
    assert not catalogue.find("24.2.6", "registerAttach").asynchronous
    assert catalogue.find("24.2.6", "submitPolicyApplicationWithSign").signed
    assert catalogue.find("24.1.2", "makeNilIdentDecision").signed
    assert not catalogue.find("24.2.6", "submitPolicyApplication").signed
    # An operation a release lacks is reported with the releases that have it.
    assert catalogue.versions_of("getSmpUnassignedStart") == ["24.1.2"]
    assert catalogue.versions_of("getInsuredUnassignedPoll") == ["24.1.4", "24.2.6"]
    with pytest.raises(LookupError, match="нет в выпуске API ФЕРЗЛ 24.2.6.*есть в выпусках: "
                                          "24.1.2"):
        catalogue.find("24.2.6", "getSmpUnassignedStart")
    with pytest.raises(LookupError, match="не установлен"):
        catalogue.operations("25.1.1")


def _leaves(element: etree._Element) -> list[tuple[str, str]]:
    """Every leaf's path of qualified tags and its value (``0``/``1`` read as booleans are
    compared as ``false``/``true``, as xs:boolean has them equal)."""
    found = []
    for leaf in element.iter():
        if len(leaf) or not isinstance(leaf.tag, str):
            continue
        steps = [leaf]
        while steps[-1] is not element:
            steps.append(steps[-1].getparent())
        path = "/".join(str(e.tag) for e in reversed(steps))
        text = (leaf.text or "").strip()
        found.append((path, {"0": "false", "1": "true"}.get(text, text)))
    return sorted(found)


def _example(name: str, index: int = 0) -> etree._Element:
    payloads = _envelopes((EXAMPLES / name).read_text("utf-8"))
    requests = [p for p in payloads if etree.QName(p).localname.endswith("Request")]
    return requests[index]


PERSON = "запрос-ответ getPersonData {}.txt"
HISTORY = "запрос-ответ getPersonDataHistory {}.txt"
OLD_POLICY = Policy(kind="С", series="4301", number="118887")
PASSPORT = IdentityDocument(series="63 22", number="915545", kind="14")
APPLICANT = ApplicantDocument(
    series="34 06", number="811531", issued=date(2006, 7, 10), kind="14",
    surname="Аввакумова", patronymic="Анатольевна", first_name="Лариса", citizenship="RUS",
    birth_date=date(1958, 8, 16), gender="1", issuer_division="433-098")

PUBLISHED: dict[tuple[str, int], Callable[[UUID], Request]] = {
    (PERSON.format("ЕНП"), 0): lambda rid: GetPersonData(
        external_request_id=rid,
        params=PersonDataParams(search=PersonSearch.by_enp("6193099726000157"))),
    (PERSON.format("ОИП"), 0): lambda rid: GetPersonData(
        external_request_id=rid, params=PersonDataParams(search=PersonSearch(oip="400000411576"))),
    (PERSON.format("СНИЛС show"), 0): lambda rid: GetPersonData(
        external_request_id=rid, params=PersonDataParams(
            search=PersonSearch(snils=SnilsBirth(snils="156-975-661 29")), show=["OmsPolicy"],
            on_date=date(2023, 1, 1))),
    (HISTORY.format("ДУДЛ"), 0): lambda rid: GetPersonDataHistory(
        external_request_id=rid, params=PersonHistoryParams(search=PersonSearch(
            document=PASSPORT.model_copy(update={"issued": date(2022, 5, 31)})))),
    (HISTORY.format("ОИП attach"), 0): lambda rid: GetPersonDataHistory(
        external_request_id=rid, params=PersonHistoryParams(
            search=PersonSearch(oip="100000502029"), show=["Attach"],
            date_from=date(2022, 8, 12), date_to=date(2023, 8, 12))),
    ("запрос-ответ  getInsuranceStatus полис старого образца.txt", 0): lambda rid: (
        GetInsuranceStatus(external_request_id=rid, params=InsuranceStatusParams(
            search=PersonSearch(policy=OLD_POLICY)))),
    ("запрос-ответ  getInsuranceStatus дудл.txt", 0): lambda rid: GetInsuranceStatus(
        external_request_id=rid,
        params=InsuranceStatusParams(search=PersonSearch(document=PASSPORT))),
    ("запрос-ответ findPersonsByPersCriteria ИД ЕРН.txt", 0): lambda rid: (
        FindPersonsByPersCriteria(external_request_id=rid,
                                  criteria=PersonCriteria(ern="000016434813"))),
    ("запрос-ответ getMergeAncessorOip.txt", 0): lambda rid: GetMergeAncessorOip(
        external_request_id=rid, search=MergedOip(oip="900358580739")),
    ("запрос-ответ registerAttach закрытие прикрепления с указнием филиала МО.txt", 0): (
        lambda rid: RegisterAttach(external_request_id=rid, attachment=Attachment(
            enp="6987679793000014", date_from=date(2023, 11, 11), date_to=date(2024, 1, 22),
            attach_method="1", area_type="1", area_id="ea560757-11cd-445e-813c-cdfd305a863c",
            mo_id="1.2.643.5.1.13.13.12.2.77.10804", mo_code="260136",
            branch_id="1.2.643.5.1.13.13.12.2.11.10814",
            department_id="1.2.643.5.1.13.13.12.2.11.10814.0.291428"))),
    ("запрос-ответ registerAttach закрытие прикрепления.txt", 0): lambda rid: RegisterAttach(
        external_request_id=rid, attachment=Attachment(
            enp="5092299744001377", date_from=date(2019, 5, 20), date_to=date(2024, 1, 20),
            attach_method="2", area_type="1", mo_id="1.2.643.5.1.13.13.12.2.50.4824",
            mo_code="500101")),
    ("запрос-ответ registerAddress.txt", 0): lambda rid: RegisterAddress(
        external_request_id=rid, policy=Policy(enp="5047410841002335"), address=Address(
            okato="46000", fias_object="ea03dba3-c8f7-4d69-b211-9c3ef8fd49c2", kind="2",
            valid_from=date(2024, 1, 20))),
    ("запрос-ответ registerDudl с типом 3.txt", 0): lambda rid: RegisterDudl(
        external_request_id=rid, policy=Policy(enp="5047410841002335"),
        document_to_add=NewDocument(
            series="II-АР", number="765409", issued=date(2020, 1, 1), kind="3",
            citizenship="RUS", surname="Прохоров", patronymic="Олегович", first_name="Игнат",
            birth_date=date(1985, 12, 8), gender="1")),
    ("запрос-ответ registerSnils.txt", 0): lambda rid: RegisterSnils(
        external_request_id=rid, policy=Policy(enp="5047410841002335"), snils="23187080943"),
    ("запрос-ответ  submitPolicyApplication замена смо.txt", 0): lambda rid: (
        SubmitPolicyApplication(external_request_id=rid, submission=ApplicationSubmission(
            application=PolicyApplication(
                territory="46000", smo="50005", registered=date(2024, 1, 20),
                applicant_documents=ApplicantDocuments(items=[APPLICANT]), method=1,
                subject=1, cause=2, kl="1", enp="4451140883000119")))),
    ("запрос-ответ getLegalRepresentation.txt", 0): lambda rid: GetLegalRepresentation(
        external_request_id=rid, oip="200358572588", current_only=False),
    ("запрос-ответ findNils.txt", 0): lambda rid: FindNils(
        external_request_id=rid, nil=NilCriteria(admitted_from=date(2024, 1, 1),
                                                 admitted_to=date(2024, 1, 22))),
    ("запрос-ответ getNilsData.txt", 0): lambda rid: GetNilsData(
        external_request_id=rid, nlr="500903-240118-00001"),
    ("запрос-ответ findNRs поиск по енп НЗП.txt", 0): lambda rid: FindNRs(
        external_request_id=rid, pagination=Pagination(page=1, per_page=15),
        representative=LegalRepresentative(enp="4457800876000152")),
    ("запрос-ответ getNRData по серии и номеру мед.св-ва.txt", 0): lambda rid: GetNRData(
        external_request_id=rid, document=MedicalDocument(
            kind=MedicalDocumentKind(kind="14", dictionary="ЭМД"),
            number=MedicalDocumentNumber(series="77", number="7725465748"))),
    ("запрос-ответ getAllCurrentEnp start poll фрагмент выгружаемого файла.txt", 0): (
        lambda rid: GetAllCurrentEnpStart(external_request_id=rid, territory="46000")),
    ("запрос-ответ getAllCurrentEnp start poll фрагмент выгружаемого файла.txt", 1): (
        lambda rid: Poll(external_request_id=rid, of="getAllCurrentEnp",
                         token="286db304-bcd7-4ed4-9d28-b3666a7b4a86")),
    ("запрос-ответ getChangesEvent start poll.txt", 0): lambda rid: GetChangesEventStart(
        external_request_id=rid, date_from=date(2024, 1, 1), date_to=date(2024, 1, 23),
        territory="46000", events=["1П", "ЗСМО"]),
    ("запрос-ответ getViewDataAttach start poll фрагмент выгружаемого файла.txt", 0): (
        lambda rid: GetViewDataAttachStart(
            external_request_id=rid, on_date=date(2024, 1, 1), criteria=[
                AttachCriterion(field="smo_okato", value="46000"),
                AttachCriterion(field="mo_okato", value="46000")])),
    ("запрос-ответ findPersonsByTerrSmo start poll фрагмент выгружаемого файла.txt", 0): (
        lambda rid: FindPersonsByTerrSmoStart(external_request_id=rid, smo="50005",
                                              show=["Person", "OmsPolicy"])),
    ("запрос-ответ getMassInsuranceStatus start poll фрагмент выгружаемого файла.txt", 0): (
        lambda rid: GetMassInsuranceStatusStart(external_request_id=rid, persons=[
            InsuredOn(on_date=date(2024, 1, day), enp=enp) for day, enp in (
                (14, "6987679793000014"), (13, "8392299734000158"), (12, "3495199769000353"),
                (10, "8396199745000427"), (13, "4291299736000314"), (13, "8291099787000010"),
                (12, "8391299770000303"))])),
}


@pytest.mark.parametrize(("name", "index"), list(PUBLISHED), ids=lambda v: str(v))
def test_requests_equal_in_substance_the_published_examples(
        releases: Releases, name: str, index: int) -> None:
    published = _example(name, index)
    request_id = UUID(published.findtext("{*}externalRequestId"))
    built = build(releases, "23.4.7", PUBLISHED[(name, index)](request_id))
    assert _leaves(built) == _leaves(published)


def test_a_signed_submission_carries_the_given_bytes_base64_encoded(releases: Releases) -> None:
    published = _example("запрос-ответ submitPolicyApplicationWithSign.txt")
    parts = {etree.QName(e).localname: base64.b64decode(e.text or "") for e in published
             if etree.QName(e).localname in ("sign", "certificate", "data")}
    request_id = UUID(published.findtext("{*}externalRequestId"))
    built = build(releases, "23.4.7", SubmitPolicyApplicationWithSign(
        external_request_id=request_id, **parts))
    assert _leaves(built) == _leaves(published)


def test_external_request_id_is_new_for_each_request_unless_given(releases: Releases) -> None:
    first = build(releases, "24.2.6", GetPersonData.by_enp("6193099726000157"))
    second = build(releases, "24.2.6", GetPersonData.by_enp("6193099726000157"))
    ids = {e.findtext("{*}externalRequestId") for e in (first, second)}
    assert len(ids) == 2 and all(UUID(str(i)) for i in ids)


def test_a_bad_enp_is_refused_before_sending_in_russian() -> None:
    with pytest.raises(RequestError, match="ЕНП — 16 цифр, получено «619309972600015»"):
        GetPersonData.by_enp("619309972600015")
    with pytest.raises(RequestError) as refused:
        Attachment(enp="6987679793000014", date_from=date(2023, 11, 11),
                   attach_method=cast(Any, "7"), area_type="1", mo_id="не OID", mo_code="260136")
    text = str(refused.value)
    assert "способ прикрепления" in text and "МО (OID ФРМО): OID по ФРМО" in text


def test_what_a_release_lacks_is_refused_not_dropped(releases: Releases) -> None:
    with pytest.raises(RequestError, match="есть в выпусках: 24.1.2"):
        build(releases, "24.2.6", GetSmpUnassignedStart(on_date=date(2024, 1, 1)))
    signed = MakeNilIdentDecision(sign=b"s", certificate=b"c", data=b"<d/>")
    build(releases, "24.1.2", signed)
    with pytest.raises(RequestError, match="в выпуске API ФЕРЗЛ 23.4.7 у элемента "
                                           "makeNilIdentDecisionRequest нет подписанный"):
        build(releases, "23.4.7", signed)
    decided = MakeNilIdentDecision(sign=b"s", certificate=b"c", decision=NilDecision(
        nlr="500903-240201-00001", decision=1))
    build(releases, "23.4.7", decided)
    with pytest.raises(RequestError, match="нет решение \\(rq\\)"):
        build(releases, "24.2.6", decided)


def test_a_renamed_element_is_written_as_each_release_spells_it(releases: Releases) -> None:
    request = FindNRs(pagination=Pagination(page=1), newborn=NewbornCriteria(
        died=DeathInterval(since=date(2024, 1, 1), till=date(2024, 1, 31))))
    old = build(releases, "23.4.7", request)
    new = build(releases, "24.2.6", request)
    assert old.find(".//{*}deathInterval/{*}deathDateSince") is not None
    assert new.find(".//{*}deathInterval/{*}deathdaySince") is not None


def test_what_the_schema_refuses_is_listed_and_not_sent(releases: Releases) -> None:
    # Pagination of findNRs became optional in 24.1.4; the schema says so, not the code.
    request = FindNRs(representative=LegalRepresentative(enp="4457800876000152"))
    build(releases, "24.1.4", request)
    with pytest.raises(RequestError) as refused:
        build(releases, "23.4.7", request)
    assert "не соответствует схеме выпуска API ФЕРЗЛ 23.4.7" in str(refused.value)
    assert any("pagination" in e for e in refused.value.errors)


def test_a_request_is_written_in_its_releases_namespaces(releases: Releases) -> None:
    element = build(releases, "24.1.4", RegisterSnils(policy=Policy(enp="5047410841002335"),
                                                      snils="23187080943"))
    assert [etree.QName(e).namespace for e in element.iter()] == [
        "http://ffoms.ru/types/24.1.4/mpiPersonObjectsControlSchema",
        "http://ffoms.ru/types/24.1.4/commonTypes",
        "http://ffoms.ru/types/24.1.4/mpiPersonObjectsControlSchema",
        "http://ffoms.ru/types/24.1.4/commonTypes",
        "http://ffoms.ru/types/24.1.4/mpiPersonObjectsControlSchema",
    ]


def test_a_release_missing_from_the_schema_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="24.2.6 не установлен"):
        build(Releases.discover(tmp_path), "24.2.6", GetPersonData.by_enp("6193099726000157"))

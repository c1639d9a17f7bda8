"""Realistic test data of ЕГРЮЛ extracts (a fictitious company) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.fns_egrul.messages import (
    Activities,
    Activity,
    CityPart,
    EgrulQuery,
    EgrulRequestV1,
    EgrulResponseV1,
    Email,
    EntityAddress,
    EntityName,
    Formation,
    FormationMethod,
    LegalEntity,
    RecordKind,
    RecordRef,
    RegionPart,
    Registrar,
    RegistryRecord,
    RussianAddress,
    StreetPart,
    TaxOffice,
    TaxRegistration,
)

OGRN = "1020202555555"
INN = "0274012345"


def request() -> EgrulRequestV1:
    """A request for the extract by ОГРН."""
    return EgrulRequestV1(id="7a1c2e90-5b6d-4f3e-8a9b-0c1d2e3f4a5b",
                          query=EgrulQuery(ogrn=OGRN))


def extract(request_id: str, ogrn: str = OGRN) -> EgrulResponseV1:
    """An extract about a fictitious active limited company in Ufa."""
    first = RecordRef(grn=ogrn, recorded_on=date(2002, 11, 14))
    registrar = TaxOffice(code="0280", name="Межрайонная ИФНС России № 39 по Республике "
                                             "Башкортостан")
    return EgrulResponseV1(id=request_id, entity=LegalEntity(
        extract_date=date(2024, 5, 20), ogrn=ogrn, ogrn_date=date(2002, 11, 14), inn=INN,
        kpp="027401001", form_catalogue="ОКОПФ", form_code="12300",
        form_name="Общества с ограниченной ответственностью",
        name=EntityName(full='ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "МЕДТЕХСЕРВИС"',
                        short='ООО "МЕДТЕХСЕРВИС"', record=first),
        address=EntityAddress(russian=RussianAddress(
            postcode="450077", region_code="02", house="ДОМ 15", flat="ОФИС 4",
            region=RegionPart(kind="РЕСПУБЛИКА", name="БАШКОРТОСТАН"),
            city=CityPart(kind="ГОРОД", name="УФА"),
            street=StreetPart(kind="УЛИЦА", name="ЛЕНИНА"),
            record=RecordRef(grn="2170280123456", recorded_on=date(2017, 3, 2)))),
        email=Email(address="info@medtech-ufa.example", record=first),
        formation=Formation(ogrn=ogrn, ogrn_date=date(2002, 11, 14),
                            method=FormationMethod(code="01", name="Создание юридического "
                                                   "лица до 01.07.2002"), record=first),
        registrar=Registrar(code=registrar.code, name=registrar.name,
                            address="450005, Уфа, ул. Пархоменко, 156/1", record=first),
        tax_registration=TaxRegistration(
            inn=INN, kpp="027401001", registered_on=date(2002, 11, 14),
            tax_office=TaxOffice(code="0274", name="ИФНС России по Кировскому району г. Уфы"),
            record=first),
        activities=Activities(
            main=Activity(code="33.13", name="Ремонт электронного и оптического оборудования",
                          version="2014", record=first),
            additional=[Activity(code="46.69.8", name="Торговля оптовая производственным "
                                 "электротехническим оборудованием", version="2014",
                                 record=first)]),
        records=[RegistryRecord(id=2020200012345, grn=ogrn, recorded_on=date(2002, 11, 14),
                                kind=RecordKind(code="11201", name="Представление сведений о "
                                                "юридическом лице, зарегистрированном до "
                                                "1 июля 2002 года"),
                                registrar=registrar)],
    ))


def not_found(request_id: str) -> EgrulResponseV1:
    """The answer when no entity matches: a processing code only."""
    return EgrulResponseV1(id=request_id, processing_code="01")

"""Realistic test data of ЕГРИП extracts (a fictitious entrepreneur) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.fns_egrip.messages import (
    Activities,
    Activity,
    Citizenship,
    CityPart,
    EgripRequestV1,
    EgripResponseV1,
    Entrepreneur,
    FullName,
    Person,
    RecordKind,
    RecordRef,
    RegionPart,
    Registrar,
    Registration,
    RegistryRecord,
    Residence,
    ResidenceArea,
    TaxOffice,
    TaxRegistration,
)

OGRNIP = "304027412300012"
INN = "027412345678"


def request() -> EgripRequestV1:
    """A request for the extract by ИНН."""
    return EgripRequestV1(id="3f2b1c0d-9e8f-4a7b-6c5d-4e3f2a1b0c9d", inn=INN)


def extract(request_id: str, inn: str = INN) -> EgripResponseV1:
    """An extract about a fictitious active entrepreneur in Ufa."""
    first = RecordRef(grnip=OGRNIP, recorded_on=date(2004, 6, 10))
    registrar = TaxOffice(code="0280", name="Межрайонная ИФНС России № 39 по Республике "
                                             "Башкортостан")
    return EgripResponseV1(id=request_id, entrepreneur=Entrepreneur(
        extract_date=date(2024, 5, 20), ogrnip=OGRNIP, ogrnip_date=date(2004, 6, 10), inn=inn,
        kind_code="1", kind_name="Индивидуальный предприниматель",
        person=Person(sex="2", name=FullName(family="ГАЛИЕВА", given="ЛИЛИЯ",
                                             patronymic="РАШИТОВНА"), record=first),
        citizenship=Citizenship(kind="1", country_code="643",
                                country_name="Российская Федерация", record=first),
        residence=Residence(area=ResidenceArea(
            region_code="02", region=RegionPart(kind="РЕСПУБЛИКА", name="БАШКОРТОСТАН"),
            city=CityPart(kind="ГОРОД", name="УФА")), record=first),
        registration=Registration(ogrnip=OGRNIP, ogrnip_date=date(2004, 6, 10)),
        registrar=Registrar(code=registrar.code, name=registrar.name, record=first),
        tax_registration=TaxRegistration(
            inn=inn, registered_on=date(2004, 6, 10),
            tax_office=TaxOffice(code="0274", name="ИФНС России по Кировскому району г. Уфы"),
            record=first),
        activities=Activities(main=Activity(
            code="86.23", name="Стоматологическая практика", version="2014", record=first)),
        records=[RegistryRecord(id=3040200012345, grnip=OGRNIP, recorded_on=date(2004, 6, 10),
                                kind=RecordKind(code="21211", name="Государственная регистрация "
                                                "физического лица в качестве индивидуального "
                                                "предпринимателя"),
                                registrar=registrar)],
    ))


def not_found(request_id: str) -> EgripResponseV1:
    """The answer when no entrepreneur matches: a processing code only."""
    return EgripResponseV1(id=request_id, processing_code="01")

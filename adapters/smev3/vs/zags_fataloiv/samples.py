"""Realistic test data of 112-41 deliveries (fictitious people) for tests and the simulator."""

from __future__ import annotations

from datetime import date, time

from adapters.smev3.vs.zags_fatal.messages import KladrAddress
from adapters.smev3.vs.zags_fataloiv.messages import (
    Citizenship,
    DeathCause,
    DeathRecord,
    Deceased,
    Document,
    FatalOivRequestV1,
    FullName,
    IcdCause,
    IdentityDocument,
    PersonApplicant,
    Place,
    RecordStatus,
    Registered,
    RegistryOfficeOiv,
    Residence,
    RussianAddress,
)

UFA = Place(kind="1", description="Российская Федерация, Республика Башкортостан, г. Уфа",
            country_code="643", country_name="Российская Федерация", region="02", city="Уфа")


def delivery() -> FatalOivRequestV1:
    """One death record: a person of 83 who died in hospital, with unknown nationality."""
    home = Residence(russia=RussianAddress(
        address_text="450077, Республика Башкортостан, г. Уфа, ул. Ленина, д. 15, кв. 4",
        kind="1", kladr=KladrAddress(postcode="450077", region="02",
                                     region_name="Республика Башкортостан", city="Уфа",
                                     street="Ленина", house="15", flat="4")))
    return FatalOivRequestV1(id="c0ffee00-1d3e-4c1b-9a54-0e6f1b2c3d4e", as_of=date(2024, 3, 1),
                             records=[DeathRecord(
        number="170240020000123456789", recorded_on=date(2024, 2, 28), version="1",
        version_date=date(2024, 2, 28),
        registry_office=RegistryOfficeOiv(name="Отдел ЗАГС Кировского района г. Уфы "
                                          "Государственного комитета РБ по делам юстиции",
                                          code="R0200001"),
        status=RecordStatus(since=date(2024, 2, 28), code="01", name="запись акта первичная"),
        registered=Registered(
            deceased=Deceased(
                sex="1", name=FullName(family="Хабибуллин", given="Рамиль",
                                       patronymic="Фаритович"),
                birth_date=date(1940, 7, 3), birth_place=UFA,
                citizenship=Citizenship(country_code="643", country_name="Российская Федерация"),
                residence=home, death_date=date(2024, 2, 26), death_time=time(4, 30),
                death_place=UFA, marital_status="02",
                identity_document=IdentityDocument(
                    kind_code="21", name="Паспорт гражданина Российской Федерации",
                    series_number="80 03 123456", issued_on=date(2003, 9, 1)),
                death_place_kind="01", circumstances="01", cause_basis="01",
                causes=[DeathCause(disease="01", icd=IcdCause(
                    code="I21.9", name="Острый инфаркт миокарда неуточненный"))]),
            death_document=Document(code="17002", name="Медицинское свидетельство о смерти",
                                    series_number="80 № 123456", issued_on=date(2024, 2, 26),
                                    organisation="ГБУЗ РБ ГКБ № 21 г. Уфа")),
        applicant_person=PersonApplicant(
            name=FullName(family="Хабибуллина", given="Гульнара", patronymic="Рамилевна"),
            residence=home),
    )])

"""Realistic test data of a 112-04 delivery (fictitious person) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.zags_fatal.messages import (
    Certificate,
    DeathCause,
    DeathDocument,
    DeathRecord,
    Deceased,
    FatalRequestV1,
    FiasAddress,
    FullName,
    IdentityDocument,
    Place,
    RecordStatus,
    Registered,
    RegistryOffice,
    RussianResidence,
)


def delivery() -> FatalRequestV1:
    """One death record using every part of the schema at least once."""
    place = Place(description="Российская Федерация, Республика Башкортостан, г. Уфа",
                  country_code="643", region="02", city="Уфа")
    return FatalRequestV1(id="5f0c7a52-1d3e-4c1b-9a54-0e6f1b2c3d4e", as_of=date(2024, 3, 1),
                          records=[DeathRecord(
        number="170219590001200001", recorded_on=date(2024, 2, 27),
        registry_office=RegistryOffice(name="Отдел ЗАГС Кировского района г. Уфы",
                                       code="R0200001"),
        status=RecordStatus(since=date(2024, 2, 27), code="01", name="запись акта первичная"),
        certificate=Certificate(series="IV-АР", number="123456", issued_on=date(2024, 2, 27)),
        registered=Registered(
            deceased=Deceased(
                sex="2", citizenship_code="643", citizenship_name="Российская Федерация",
                causes=[DeathCause(code="I21.9", name="острый инфаркт миокарда")],
                name=FullName(family="Сидорова", given="Анна", patronymic="Ивановна"),
                birth_date=date(1941, 5, 9), birth_place=place,
                residence_russia=RussianResidence(
                    address_text="г. Уфа, ул. Ленина, д. 1",
                    fias=FiasAddress.model_validate({
                        "fias_id": "0c5b2444-70a0-4932-980c-b4dc0d3f02b5", "region": "02",
                        "municipal_district": {"kind": "2", "name": "г.о. город Уфа"},
                        "buildings": [{"type": "д.", "number": "1"}]})),
                identity_document=IdentityDocument(kind_code="21", name="Паспорт",
                                                   series_number="8003 123456"),
                death_date=date(2024, 2, 26), death_place=place),
            death_document=DeathDocument(code="17002", name="Медицинское свидетельство",
                                         organisation="ГБУЗ РБ ГКБ № 21 г. Уфа")),
    )])

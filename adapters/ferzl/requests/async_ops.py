"""The ``…Start`` requests of mpiAsyncOperationsService (each ``…Poll`` is
:class:`adapters.ferzl.requests.common.Poll`).

Periods are checked here only as far as the schema says; the spec's business limits
(getInsuranceStatusChanges: at most 30 days, not before 11.12.2022) are ФЕРЗЛ's ФЛК and
come back as its rejection.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from adapters.ferzl.requests.base import Enp, Oip, Okato, Part, Request, Xsd


class GetAllCurrentEnpStart(Request):
    """Every current ЕНП of a territory, on a date (getAllCurrentEnp)."""

    OPERATION: ClassVar[str] = "getAllCurrentEnpStart"
    territory: Annotated[Okato, Xsd("terr", "территория (ОКАТО)")]
    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None


class GetInsuranceStatusChangesStart(Request):
    """Insurance status changes of a territory over a period (getInsuranceStatusChanges)."""

    OPERATION: ClassVar[str] = "getInsuranceStatusChangesStart"
    date_from: Annotated[date, Xsd("dtFrom", "период с")]
    date_to: Annotated[date, Xsd("dtTo", "период по")]
    territory: Annotated[Okato, Xsd("terr", "территория (ОКАТО)")]
    smo: Annotated[str | None, Xsd("smo", "код СМО")] = None


class GetChangesEventStart(Request):
    """The events that changed persons of a territory over a period (getChangesEvent)."""

    OPERATION: ClassVar[str] = "getChangesEventStart"
    date_from: Annotated[date, Xsd("dtFrom", "период с")]
    date_to: Annotated[date, Xsd("dtTo", "период по")]
    territory: Annotated[Okato, Xsd("terr", "территория (ОКАТО)")]
    smo: Annotated[str | None, Xsd("smo", "код СМО")] = None
    events: Annotated[list[str], Xsd("event", "коды событий")] = []


class InsuredOn(Part):
    """One person whose status is asked, by ЕНП or ОИП, on a date (``PersonRequest``)."""

    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None
    enp: Annotated[Enp | None, Xsd("enp", "ЕНП")] = None
    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None


class GetMassInsuranceStatusStart(Request):
    """The insurance status of many persons at once (getMassInsuranceStatus)."""

    OPERATION: ClassVar[str] = "getMassInsuranceStatusStart"
    persons: Annotated[list[InsuredOn], Xsd("requests", "персоны")]


class AttachCriterion(Part):
    """A criterion of getViewDataAttach: a field, equal (0) or not equal (1), a value."""

    field: Annotated[Literal["smo_okato", "mo_okato", "mo_code", "smo"],
                     Xsd("fieldNameAttached", "поле")]
    negated: Annotated[Literal[0, 1], Xsd("logicOperation", "операция")] = 0
    value: Annotated[str, Xsd("value", "значение")]


class GetViewDataAttachStart(Request):
    """Attachments by МО, СМО or territory (getViewDataAttach)."""

    OPERATION: ClassVar[str] = "getViewDataAttachStart"
    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None
    criteria: Annotated[list[AttachCriterion], Xsd("criteria", "критерии")]


class GetViewDataInsuranceStart(Request):
    """Insured persons by territory or СМО (getViewDataInsurance)."""

    OPERATION: ClassVar[str] = "getViewDataInsuranceStart"
    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None
    territory: Annotated[Okato | None, Xsd("terr", "территория (ОКАТО)")] = None
    smo: Annotated[str | None, Xsd("smo", "код СМО")] = None


class GetViewDataSocStatusStart(Request):
    """Social statuses of a territory's insured, on a date or for its quarter."""

    OPERATION: ClassVar[str] = "getViewDataSocStatusStart"
    on_date: Annotated[date, Xsd("dt", "на дату")]
    territory: Annotated[Okato, Xsd("terr", "территория (ОКАТО)")]
    smo: Annotated[str | None, Xsd("smo", "код СМО")] = None
    quarter: Annotated[bool, Xsd("quarter", "за квартал")] = False


class SubmitMassPolicyAppointmentStart(Request):
    """Policies of many ЕНП moved from one СМО to another (submitMassPolicyAppointment)."""

    OPERATION: ClassVar[str] = "submitMassPolicyAppointmentStart"
    on_date: Annotated[date, Xsd("dt", "дата")]
    smo_from: Annotated[str, Xsd("insurfCode", "код СМО, откуда")]
    smo_to: Annotated[str, Xsd("insurCode", "код СМО, куда")]
    enps: Annotated[list[Enp], Xsd("enpChangeSubmit", "ЕНП")]


class ChangeAllPoliciesInsuranceToTfomsStart(Request):
    """Every policy of a leaving СМО passed to the ТФОМС (changeAllPoliciesInsuranceToTfoms)."""

    OPERATION: ClassVar[str] = "changeAllPoliciesInsuranceToTfomsStart"
    on_date: Annotated[date, Xsd("dt", "дата")]
    smo_from: Annotated[str, Xsd("insurfCode", "код СМО, откуда")]
    smo_to: Annotated[str, Xsd("insurCode", "код, куда")]


class FindPersonsByTerrSmoStart(Request):
    """The persons insured by a СМО of the territory (findPersonsByTerrSmo)."""

    OPERATION: ClassVar[str] = "findPersonsByTerrSmoStart"
    smo: Annotated[str, Xsd("smoCode", "код СМО")]
    show: Annotated[list[Literal["Person", "OmsPolicy", "Dudl", "Snils", "Ern"]],
                    Xsd("show", "состав ответа")] = []


class GetInsuredUnassignedStart(Request):
    """Insured persons not attached to a МО, by kind of area (getInsuredUnassigned,
    since 24.1.4)."""

    OPERATION: ClassVar[str] = "getInsuredUnassignedStart"
    on_date: Annotated[date, Xsd("dt", "на дату")]
    area_type: Annotated[int, Xsd("areaType", "тип участка")]


class GetSmpUnassignedStart(Request):
    """Persons without an emergency-care (СМП) attachment (getSmpUnassigned, in 24.1.2
    only)."""

    OPERATION: ClassVar[str] = "getSmpUnassignedStart"
    on_date: Annotated[date, Xsd("dt", "на дату")]

"""The request of mpiAttachControlService: registerAttach, an attachment (прикрепление) to a
МО opened, changed or closed. ERZ-8: an attachment counts only after this succeeds."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.ferzl.requests.base import Enp, MoOid, Part, Request, Snils, Xsd


class Attachment(Part):
    """An attachment (``AttachData``): who, to which МО and area, since when, how.

    ``attach_method`` 1..4 (by application, by territory…), ``area_type`` 1..5; ``mo_id`` is
    the head МО's ФРМО OID, ``mo_code`` its F032 code, ``branch_id``/``department_id`` the
    ФРМО OIDs of the branch and department (the department is optional since 24.1.4, the
    schema says which)."""

    enp: Annotated[Enp, Xsd("enp", "ЕНП")]
    date_from: Annotated[date, Xsd("dateAttachB", "дата прикрепления")]
    date_to: Annotated[date | None, Xsd("dateAttachE", "дата открепления")] = None
    attach_method: Annotated[Literal["1", "2", "3", "4"], Xsd("attachMethod",
                                                              "способ прикрепления")]
    area_type: Annotated[Literal["1", "2", "3", "4", "5"], Xsd("areaType", "тип участка")]
    area_id: Annotated[str | None, Xsd("areaId", "участок")] = None
    mo_id: Annotated[MoOid, Xsd("moId", "МО (OID ФРМО)")]
    mo_code: Annotated[str, Xsd("moCode", "код МО (F032)")] = Field(min_length=1)
    branch_id: Annotated[MoOid | None, Xsd("moFId", "филиал МО (OID ФРМО)")] = None
    doctor_id: Annotated[str | None, Xsd("doctorId", "врач")] = None
    doctor_snils: Annotated[Snils | None, Xsd("snilsDoctor", "СНИЛС врача")] = None
    doctor_since: Annotated[date | None, Xsd("doctorSince", "врач с")] = None
    department_id: Annotated[MoOid | None, Xsd("moDepId", "подразделение МО (OID ФРМО)")] = None


class RegisterAttach(Request):
    """registerAttach; ``check_flk`` asks ФЕРЗЛ to only check (ФЛК) without saving."""

    OPERATION: ClassVar[str] = "registerAttach"
    check_flk: Annotated[bool | None, Xsd("checkFlk", "только проверка")] = None
    attachment: Annotated[Attachment, Xsd("att", "прикрепление")]

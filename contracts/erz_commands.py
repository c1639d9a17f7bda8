"""Operations clinics and insurers submit to РС ЕРЗ, and their results (ERZ-1, ERZ-8).

A channel (the SOAP services of adapters/soap, later files and the console) checks an
operation's format (ФЛК), then sends ``erz.operation.submitted``; the message id is the
*ticket* the submitter was given. The ERZ handler applies it to the register in its own
transaction and answers ``erz.operation.result`` with the same ticket: ``applied``, or
``refused`` with the register's error code (contracts.erz.failures.ERROR_CODES) and text.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from contracts.registry import message_type

OrganisationKind = Literal["mo", "smo"]
"""``mo`` a medical organisation (МО, a clinic), ``smo`` an insurer (СМО)."""

OperationKind = Literal["attach", "detach", "move", "move_district", "issue_policy",
                        "reinsure", "stop_policy", "annul_policy", "contacts"]
"""What to do: attachment (РПН) operations for a clinic, policy operations for an insurer;
``contacts`` (the person's phone and e-mail, ERZ-1) for both."""

MO_OPERATIONS: frozenset[str] = frozenset({"attach", "detach", "move", "move_district",
                                           "contacts"})
SMO_OPERATIONS: frozenset[str] = frozenset({"issue_policy", "reinsure", "stop_policy",
                                            "annul_policy", "contacts"})

_ENP = r"^\d{16}$"


@message_type("erz.operation.submitted", 1, person_fields=("enp",),
    title="Операция с ЗЛ от МО или СМО (SOAP)")
class OperationSubmittedV1(BaseModel):
    """An operation on one person, submitted by a clinic or an insurer; the id is its ticket.

    ``on`` is the operation's effective date: the attachment's first day (attach), the first
    day without it (detach), the new district's first day (move, move_district), the policy's
    first day (issue_policy, reinsure), the first day without a policy (stop_policy).
    ``move_district`` concerns everyone attached to the clinic's ``from_district``, not one
    person: its ``enp`` is empty.
    """

    organisation: str = Field(max_length=16, description="Code of the submitting МО or СМО.")
    organisation_kind: OrganisationKind
    user: str = Field(max_length=100, description="The service account that submitted it.")
    kind: OperationKind
    enp: str = Field(max_length=16, description="ЕНП of the person (checked by the register); "
                     "empty for move_district.")
    on: date | None = Field(default=None, description="Effective date (none for annul).")
    reason_code: str | None = Field(default=None, max_length=8, description="R001 reason.")
    reason_text: str = Field(default="", max_length=500)
    department: str | None = Field(default=None, max_length=32, description="Отделение.")
    district: str | None = Field(default=None, max_length=32, description="Участок (the new "
                                 "one, for move and move_district).")
    from_district: str | None = Field(default=None, max_length=32,
                                      description="The district moved (move_district).")
    doctor_snils: str | None = Field(default=None, max_length=14,
                                     json_schema_extra={"personal": True},
                                     description="СНИЛС of the district doctor.")
    method: str | None = Field(default=None, max_length=2,
                               description="Способ прикрепления (1 by address, 2 by choice).")
    policy_type: str | None = Field(default=None, max_length=1, description="С, В, П, Э, К.")
    policy_number: str | None = Field(default=None, max_length=20,
                                      json_schema_extra={"personal": True})
    policy_series: str = Field(default="", max_length=12)
    policy_end: date | None = Field(default=None,
                                    description="Last day of a temporary certificate.")
    phone: str | None = Field(default=None, max_length=32, json_schema_extra={"personal": True},
                              description="The person's phone (contacts).")
    email: str | None = Field(default=None, max_length=255,
                              json_schema_extra={"personal": True},
                              description="The person's e-mail (contacts).")


class OperationFailure(BaseModel):
    """One reason of a refusal: the register's code, the field, a text."""

    code: str = Field(max_length=8)
    field: str = Field(default="", max_length=64)
    message: str = Field(default="", max_length=500)


@message_type("erz.operation.result", 1, person_fields=("enp",), title="Итог операции с ЗЛ")
class OperationResultV1(BaseModel):
    """What became of a submitted operation: applied, or refused with a code and text."""

    ticket: str = Field(max_length=64, description="Id of the erz.operation.submitted message.")
    organisation: str = Field(max_length=16, description="Who submitted it.")
    outcome: Literal["applied", "refused"]
    code: str | None = Field(default=None, max_length=8,
                             description="The first refusal's code "
                             "(contracts.erz.failures.ERROR_CODES).")
    text: str = Field(default="", max_length=2000, description="Why, for a person to read.")
    failures: list[OperationFailure] = Field(default_factory=list)
    enp: str | None = Field(default=None, pattern=_ENP,
                            description="ЕНП of the person changed (applied only; none "
                            "for move_district, whose text counts the persons moved).")

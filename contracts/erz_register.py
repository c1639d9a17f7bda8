"""``erz.person.changed`` v1: the register changed a person (ERZ-2 deltas, ERZ-3 history).

Published by whoever changes the register (the ERZ handler, the SOAP adapter, the console)
after its transaction's change log entry, one per entry. Subscribers that keep slices for
an insurer or a clinic filter on ``smo``/``mo``; the full values are read from the register
(as of ``effective_date``), so the event carries identifiers, not personal data.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from contracts.registry import message_type


@message_type("erz.person.changed", 1, person_fields=("enp",), kind="event",
    title="Изменение сведений о ЗЛ в регистре")
class PersonChangedV1(BaseModel):
    """One recorded change of an insured person in РС ЕРЗ."""

    enp: str = Field(pattern=r"^\d{16}$", description="ЕНП of the person.")
    change_id: int = Field(ge=1, description="Id of the entry in the register's change log.")
    op: str = Field(max_length=32, description="Operation, e.g. issue_policy, register_death.")
    aspect: str = Field(max_length=16, description="person, snils, document, policy, "
                        "address, contact, attachment or death.")
    effective_date: date | None = Field(default=None,
                                        description="Valid-time date the change takes effect.")
    recorded_at: datetime = Field(description="When the register recorded it.")
    smo: str | None = Field(default=None, max_length=8, description="Insurer concerned.")
    mo: str | None = Field(default=None, max_length=16, description="Clinic concerned.")
    reason_code: str | None = Field(default=None, max_length=8, description="R001 reason.")
    event_code: str | None = Field(default=None, max_length=8,
                                   description="Event (1.2.643.2.40.5.100.62).")


@message_type("erz.buffer.decided", 1, person_fields=("enp", "mismatch_reason"), kind="event",
    title="Решение по записи буфера регистра")
class BufferDecidedV1(BaseModel):
    """An operator decided a change that waited in the register's buffer (ERZ-6).

    Published by the console in the transaction of the decision, after the register's own
    ``erz.person.changed`` events; the ERZ handler does what follows from it (the STOPLIST
    and the clinic's notice of a death approved from a ЗАГС record).
    """

    item_id: int = Field(ge=1, description="Id of the buffer item.")
    kind: str = Field(max_length=32, description="Operation kind, e.g. zags.death.")
    status: str = Field(pattern=r"^(applied|rejected)$", description="What was decided.")
    enp: str | None = Field(default=None, pattern=r"^\d{16}$",
                            description="ЕНП of the person the change applied to.")
    decided_by: str = Field(max_length=128, description="The operator.")
    change_ids: list[int] = Field(default_factory=list,
                                  description="The change log entries the approval made.")
    identity_mismatches: list[str] = Field(
        default_factory=list, description="Keys (surname, name, patronymic, birth_date) on "
        "which the record and the person differed, the operator having confirmed them; "
        "added compatibly in v1, empty in earlier messages.")
    mismatch_reason: str | None = Field(
        default=None, max_length=1000, json_schema_extra={"personal": True},
        description="The operator's reason for confirming those differences.")

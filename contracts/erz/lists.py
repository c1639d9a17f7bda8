"""The РС ЕРЗ ↔ СМО lists (rt.srz's XSDs): OPLIST, REPLIST, RECLIST, STOPLIST, CONFLICTLIST, FLK_P.

- OPLIST (``OPLIST.xsd`` + ``OP.xsd``): an insurer's operations — temporary certificate,
  annulment, edit, policy issue, reinsurance, reissue (:class:`~contracts.erz.common.Operation`);
- REPLIST (``REPLIST.xsd`` + ``REP.xsd``): the register's answer, one reply per operation;
- RECLIST (``RECLIST.xsd`` + ``REC.xsd``): the register's records for an insurer over a period;
- STOPLIST: policies stopped; CONFLICTLIST: records in conflict with the register's;
- FLK_P (``FLK_P.xsd``): the format-control protocol of a list.

Every element the XSDs define is mapped, in schema order. A list's ``NRECORDS`` must equal
its number of records (and ``NERR`` of a REPLIST its replies that are not ``AA``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from contracts.erz.common import (
    Acknowledgement,
    Address,
    Attachment,
    Biometrics,
    Document,
    Enp,
    FederalStatus,
    FormerPerson,
    Insurance,
    ListModel,
    Operation,
    Person,
    Policy,
    RecordState,
    Visit,
)
from contracts.registry import message_type
from contracts.xmlbind.binding import Elem

VERSION = "2.0"


class _Counted(ListModel):
    """A list whose ``NRECORDS`` counts its records (the field named by ``counted``)."""

    xml_unprefixed: ClassVar[bool] = True
    counted: ClassVar[str] = ""

    @model_validator(mode="after")
    def _check_count(self) -> _Counted:
        declared = int(self.__dict__["count"])
        actual = len(getattr(self, self.counted))
        if declared != actual:
            raise ValueError(f"NRECORDS is {declared} but the file holds {actual} records")
        return self


class OperationRecord(ListModel):
    """An operation of an insurer on one person (OPType, element OP)."""

    record: Annotated[str, Elem("N_REC")]
    register_id: Annotated[int | None, Elem("ID")] = None
    operation: Annotated[Operation, Elem("TIP_OP")]
    changed: Annotated[datetime, Elem("CHANGE_DATE")]
    operator: Annotated[str, Elem("OPER")]
    person: Annotated[Person, Elem("PERSON")]
    former_persons: Annotated[list[FormerPerson], Elem("OLD_PERSON")] = Field(default_factory=list)
    document: Annotated[Document, Elem("DOC")]
    former_documents: Annotated[list[Document], Elem("OLD_DOC")] = Field(default_factory=list)
    registration_address: Annotated[Address, Elem("ADDRES_G")]
    residence_address: Annotated[Address, Elem("ADDRES_P")]
    visit: Annotated[Visit, Elem("VIZIT")]
    insurance: Annotated[Insurance, Elem("INSURANCE")]
    biometrics: Annotated[list[Biometrics], Elem("PERSONB")] = Field(default_factory=list)
    attachments: Annotated[list[Attachment], Elem("ATTACHMENT")] = Field(default_factory=list)


@message_type("erz.oplist", 1, title="OPLIST: операции СМО")
class OperationList(_Counted):
    """OPLIST: operations of an insurer (СМО) for the regional register (РС ЕРЗ)."""

    xml_root: ClassVar[str] = "OPLIST"
    counted: ClassVar[str] = "operations"

    version: Annotated[str | None, Elem("VERS")] = VERSION
    file_name: Annotated[str, Elem("FILENAME")]
    insurer: Annotated[str, Elem("SMOCOD")]
    office: Annotated[str, Elem("PRZCOD")]
    count: Annotated[int, Elem("NRECORDS")]
    operations: Annotated[list[OperationRecord], Elem("OP"), Field(min_length=1)]


class Reply(ListModel):
    """The register's reply to one operation (REPType, element REP)."""

    record: Annotated[str, Elem("N_REC")]
    register_id: Annotated[int | None, Elem("ID")] = None
    result: Annotated[Acknowledgement, Elem("CODE_ERP")]
    comment: Annotated[str | None, Elem("COMMENT")] = None
    insurance: Annotated[Insurance, Elem("INSURANCE")]


@message_type("erz.replist", 1, title="REPLIST: ответы регистра на OPLIST")
class ReplyList(_Counted):
    """REPLIST: the register's replies to an OPLIST, one per operation."""

    xml_root: ClassVar[str] = "REPLIST"
    counted: ClassVar[str] = "replies"

    version: Annotated[str | None, Elem("VERS")] = VERSION
    file_name: Annotated[str, Elem("FILENAME")]
    insurer: Annotated[str, Elem("SMOCOD")]
    office: Annotated[str, Elem("PRZCOD")]
    count: Annotated[int, Elem("NRECORDS")]
    errors: Annotated[int, Elem("NERR")]
    replies: Annotated[list[Reply], Elem("REP"), Field(min_length=1)]

    @model_validator(mode="after")
    def _check_errors(self) -> ReplyList:
        refused = sum(1 for r in self.replies if r.result != "AA")
        if self.errors != refused:
            raise ValueError(f"NERR is {self.errors} but {refused} replies are not AA")
        return self


class RegisterRecord(ListModel):
    """A record of the register (RECType, element REC)."""

    register_id: Annotated[int, Elem("ID")]
    operation: Annotated[Operation, Elem("TIP_OP")]
    state: Annotated[RecordState, Elem("IS_ACTIVE")]
    changed: Annotated[datetime, Elem("CHANGE_DATE")]
    valid_from: Annotated[datetime, Elem("STATE_BEGIN_DATE")]
    valid_to: Annotated[datetime, Elem("STATE_END_DATE")]
    error_code: Annotated[str | None, Elem("ERR_CODE")] = None
    error_text: Annotated[str | None, Elem("ERR_DESC")] = None
    operator: Annotated[str, Elem("OPER")]
    person: Annotated[Person, Elem("PERSON")]
    document: Annotated[Document, Elem("DOC")]
    registration_address: Annotated[Address, Elem("ADDRES_G")]
    residence_address: Annotated[Address, Elem("ADDRES_P")]
    visit: Annotated[Visit | None, Elem("VIZIT")] = None
    insurance: Annotated[Insurance, Elem("INSURANCE")]
    biometrics: Annotated[list[Biometrics], Elem("PERSONB")] = Field(default_factory=list)
    attachments: Annotated[list[Attachment], Elem("ATTACHMENT"), Field(min_length=1)]
    federal: Annotated[FederalStatus | None, Elem("FCODE")] = None


@message_type("erz.reclist", 1, title="RECLIST: записи регистра о застрахованных СМО")
class RecordList(_Counted):
    """RECLIST: the register's records of an insurer's people over a period."""

    xml_root: ClassVar[str] = "RECLIST"
    counted: ClassVar[str] = "records"

    version: Annotated[str | None, Elem("VERS")] = VERSION
    file_name: Annotated[str, Elem("FILENAME")]
    insurer: Annotated[str, Elem("SMOCOD")]
    period_start: Annotated[datetime, Elem("START_DATE")]
    period_end: Annotated[datetime, Elem("END_DATE")]
    count: Annotated[int, Elem("NRECORDS")]
    records: Annotated[list[RegisterRecord], Elem("REC"), Field(min_length=1)]


class StoppedPolicy(ListModel):
    """A policy to stop (StopType, element STOP): the person as registered and as now."""

    version: Annotated[str | None, Elem("VERS")] = None
    register_id: Annotated[int, Elem("ID")]
    reason: Annotated[int, Elem("REASON")]
    enp: Annotated[Enp, Elem("ENP")]
    policy: Annotated[Policy, Elem("POLIS")]
    insurance: Annotated[Insurance | None, Elem("INSURANCE")] = None
    person: Annotated[Person, Elem("PERSON")]
    document: Annotated[Document, Elem("DOC")]
    current_person: Annotated[Person, Elem("PERSON_CURR")]
    current_document: Annotated[Document, Elem("DOC_CURR")]


@message_type("erz.stoplist", 1, title="STOPLIST: полисы, снятые с учёта")
class StopList(_Counted):
    """STOPLIST: policies of an insurer stopped by the register (снятие с учёта)."""

    xml_root: ClassVar[str] = "STOPLIST"
    counted: ClassVar[str] = "stops"

    file_name: Annotated[str, Elem("FILENAME")]
    insurer: Annotated[str, Elem("SMOCOD")]
    office: Annotated[str, Elem("PRZCOD")]
    count: Annotated[int, Elem("NRECORDS")]
    stops: Annotated[list[StoppedPolicy], Elem("STOP"), Field(min_length=1)]


class Conflict(ListModel):
    """A record in conflict (ConflictType, element CONFLICT): the insurer's and the current."""

    version: Annotated[str | None, Elem("VERS")] = None
    register_id: Annotated[int, Elem("ID")]
    reason: Annotated[int, Elem("REASON")]
    person: Annotated[Person, Elem("PERSON")]
    document: Annotated[Document, Elem("DOC")]
    insurance: Annotated[Insurance | None, Elem("INSURANCE")] = None
    current_person: Annotated[Person, Elem("PERSON_CURR")]
    current_document: Annotated[Document, Elem("DOC_CURR")]
    current_insurance: Annotated[Insurance | None, Elem("INSURANCE_CURR")] = None


@message_type("erz.conflictlist", 1, title="CONFLICTLIST: расхождения с регистром")
class ConflictList(_Counted):
    """CONFLICTLIST: records of an insurer that conflict with the register."""

    xml_root: ClassVar[str] = "CONFLICTLIST"
    counted: ClassVar[str] = "conflicts"

    file_name: Annotated[str, Elem("FILENAME")]
    insurer: Annotated[str, Elem("SMOCOD")]
    office: Annotated[str, Elem("PRZCOD")]
    count: Annotated[int, Elem("NRECORDS")]
    conflicts: Annotated[list[Conflict], Elem("CONFLICT"), Field(min_length=1)]


class ListError(ListModel):
    """One format-control error of a list (PRType, element PR)."""

    code: Annotated[str, Elem("OSHIB")]
    field_name: Annotated[str, Elem("IM_POL")]
    base_element: Annotated[str, Elem("BAS_EL")]
    record: Annotated[str, Elem("N_REC")]
    comment: Annotated[str, Elem("COMMENT")]


@message_type("erz.flk", 1, title="FLK_P: протокол ФЛК списка")
class ListProtocol(ListModel):
    """FLK_P of the lists: the format-control protocol of a received list (FLK_P.xsd)."""

    xml_root: ClassVar[str] = "FLK_P"
    xml_unprefixed: ClassVar[bool] = True

    version: Annotated[str | None, Elem("VERS")] = VERSION
    file_name: Annotated[str, Elem("FNAME")]
    source_file: Annotated[str, Elem("FNAME_I")]
    errors: Annotated[list[ListError], Elem("PR")] = Field(default_factory=list)

"""Bound models of «выписка сведений об инвалиде» 1.0.3 of ФГИС ФРИ (ExtractionInvalidData).

Root schema incomplete: ``extraction-invalid-data-attachments-1.0.0.xsd``, which the root
imports for the answer's ``AttachmentsBlock``, is not published, so the root does not compile
and these models were written by reading the root XSD rather than generated from it:

- the request (``ExtractionInvalidDataRequest``: СНИЛС, kind of extract, period) is bound
  exactly as the root declares it;
- the answer's ``AttachmentsBlock`` is of a type declared in the missing file. Its shape
  here is what classes generated from that file by another project show
  (``_AttachmentDescriptionType``: the file's link or the MTOM flag, the attachment's
  format with the person's names and СНИЛС, the signature's link); it is read partially —
  what is not described is skipped, not refused;
- the extract itself travels as an attachment, ``ВыпискаФРИ`` (``RequestExtract.xsd``, ns
  ``http://fri.pfr.ru``), whose schema compiles: :mod:`.extract` binds it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contracts import message_type
from contracts.xmlbind.binding import Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits

NS = "http://kvs.fri.com/extraction-invalid-data/1.0.3"
ATTACHMENTS_NS = "http://kvs.fri.com/extraction-invalid-data/attachments/1.0.0"
SMEV_NS = "urn://x-artefacts-smev-gov-ru/supplementary/commons/1.0.1"
SCHEMA = "extraction-invalid-data-1.0.3.xsd"
MISSING_SCHEMA = "extraction-invalid-data-attachments-1.0.0.xsd"
"""The file the root imports from ``commons/`` that was never published."""

Snils = Annotated[str, digits(11)]


class Period(XmlModel):
    """A period of documents (PeriodType)."""

    xml_namespace: ClassVar[str] = NS

    date_from: Annotated[date, Elem("DateFrom")]
    date_to: Annotated[date, Elem("DateTo")]


class ExtractionPeriod(XmlModel):
    """What the extract covers (ExtractionPeriodType): documents valid on a date, or
    documents of a period; the schema makes both optional."""

    xml_namespace: ClassVar[str] = NS

    valid_on: Annotated[date | None, Elem("DocumentsValidOnDate")] = None
    period: Annotated[Period | None, Elem("DocumentsOnPeriod")] = None


@message_type("smev3.fri.invalid.request", 1,
              title="СМЭВ: запрос выписки сведений об инвалиде (ФРИ)",
              person_fields=("snils",))
class ExtractionRequestV1(XmlModel):
    """Whose extract is asked for, of which kind, for what (ExtractionInvalidDataRequest).

    ``Stable`` and ``Flexible`` are the kinds of extract the schema names (the extract
    itself says ``FIXED`` or ``FLEXIBLE``).
    """

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "ExtractionInvalidDataRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns": NS}

    snils: Annotated[Snils, Elem("SNILS")] = Field(json_schema_extra=PERSONAL)
    kind: Annotated[Literal["Stable", "Flexible"], Elem("TypeOfExtraction")]
    period: Annotated[ExtractionPeriod, Elem("ExtractionPeriod")]


class AttachmentFormat(XmlModel):
    """The attachment's format (_StructuredAttachmentFormatType1, inferred; see above)."""

    xml_namespace: ClassVar[str] = ATTACHMENTS_NS
    xml_partial: ClassVar[bool] = True

    unstructured: Annotated[bool | None, Elem("IsUnstructuredFormat")] = None
    zipped: Annotated[bool | None, Elem("IsZippedPacket")] = None
    document_type: Annotated[str | None, Elem("DocumentType")] = None
    family_name: Annotated[str | None, Elem("FamilyName", ns=SMEV_NS)] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Elem("FirstName", ns=SMEV_NS)] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Elem("Patronymic", ns=SMEV_NS)] = Field(
        default=None, json_schema_extra=PERSONAL)
    snils: Annotated[str | None, Elem("Snils")] = Field(default=None,
                                                        json_schema_extra=PERSONAL)


class AttachmentDescription(XmlModel):
    """How the extract travels (_AttachmentDescriptionType, inferred; see above): the
    file's link in the file exchange or ``IsMTOMAttachmentContent``, and its format."""

    xml_namespace: ClassVar[str] = ATTACHMENTS_NS
    xml_partial: ClassVar[bool] = True

    fs_link: Annotated[str | None, Elem("AttachmentFSLink", choice="transfer")] = None
    mtom: Annotated[bool | None, Elem("IsMTOMAttachmentContent", choice="transfer")] = None
    format: Annotated[AttachmentFormat | None, Elem("AttachmentFormat1")] = None
    signature_fs_link: Annotated[str | None, Elem("AttachmentSignatureFSLink")] = None


@message_type("smev3.fri.invalid.response", 1,
              title="СМЭВ: выписка сведений об инвалиде (ФРИ)")
class ExtractionResponseV1(XmlModel):
    """The answer: a description of the attached extract (ExtractionInvalidDataResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "ExtractionInvalidDataResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns": NS, "att": ATTACHMENTS_NS,
                                              "smev": SMEV_NS}

    attachments: Annotated[AttachmentDescription, Elem("AttachmentsBlock")]

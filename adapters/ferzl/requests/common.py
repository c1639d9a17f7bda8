"""Parts several services' requests share (commonTypes and their look-alikes).

A part is written wherever the schema places it, in the schema's namespace: the same
:class:`IdentityDocument` fills ``commonTypes:PersonDocIdentSerNum`` under getPersonData and
under registerDudl.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from adapters.ferzl.requests.base import Enp, Part, Request, Xsd
from contracts.xmlbind.fields import PERSONAL


class IdentityDocument(Part):
    """A person's identity document (ДУДЛ): kind (code of the F011 dictionary), series,
    number, date of issue (``PersonDocIdentSerNum``)."""

    series: Annotated[str | None, Xsd("dudlSer", "серия ДУДЛ")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str, Xsd("dudlNum", "номер ДУДЛ")] = Field(json_schema_extra=PERSONAL)
    kind: Annotated[str, Xsd("dudlType", "вид ДУДЛ")]
    issued: Annotated[date | None, Xsd("dudlDateB", "дата выдачи ДУДЛ")] = Field(
        default=None, json_schema_extra=PERSONAL)


class Policy(Part):
    """A policy (полис ОМС): the ЕНП, or the type with series and number of an old-style
    policy, or a temporary certificate's number (``PcyData``)."""

    kind: Annotated[str | None, Xsd("pcyType", "тип полиса")] = None
    enp: Annotated[Enp | None, Xsd("enp", "ЕНП")] = None
    series: Annotated[str | None, Xsd("pcySer", "серия полиса")] = None
    number: Annotated[str | None, Xsd("pcyNum", "номер полиса")] = None
    temporary_certificate: Annotated[str | None, Xsd("tmpcertNum", "номер ВС")] = None


class Pagination(Part):
    """The page of a search's results (``PaginationRequestType``)."""

    page: Annotated[int | None, Xsd("pageNumber", "номер страницы")] = None
    per_page: Annotated[int | None, Xsd("itemPerPage", "записей на странице")] = None


class Poll(Request):
    """The ``…Poll`` of an asynchronous operation: its token from ``…Start``.

    ``of`` names the operation (``getAllCurrentEnp``, ``suspendOmsPolicy``): every Poll has
    the same request, only its element and service differ."""

    of: str
    token: Annotated[str, Xsd("opToken", "токен операции")] = Field(min_length=1)

    @property
    def operation(self) -> str:
        """``<of>Poll``."""
        return f"{self.of}Poll"


class SignedDocument(Request):
    """A signed submission: the XML document, its detached ГОСТ signature (УКЭП) and the
    signer's certificate, already made (signing is :mod:`adapters.ferzl.signing`'s).

    The bytes are written base64-encoded (``data``, ``sign``, ``certificate``)."""

    OPERATION: ClassVar[str] = ""
    sign: Annotated[bytes, Xsd("sign", "подпись")] = Field(min_length=1)
    certificate: Annotated[bytes, Xsd("certificate", "сертификат")] = Field(min_length=1)
    data: Annotated[bytes, Xsd("data", "подписанный документ")] = Field(min_length=1)

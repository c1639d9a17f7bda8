"""What every ФЕРЗЛ request model shares: the XSD name of each field, the fund's identifiers
with their checks, and errors in Russian.

A request model names its fields in English and says, in ``Xsd`` metadata, which element of
the schema each one fills and how the fund calls it (``Xsd("enp", "ЕНП")``); a model built
by its constructor refuses bad input with :class:`RequestError` in those terms
(``model_validate`` raises pydantic's own error). The writer
(:mod:`adapters.ferzl.requests.writer`) asks the release's schema for the order and the
namespaces; the model says only what is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError


class RequestError(ValueError):
    """A request that cannot be sent as asked: bad input, an operation or element the
    release lacks, or a result the release's XSD refuses. The message is in Russian."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        self.errors = errors or []
        lines = [message, *(f"  — {e}" for e in self.errors)]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Xsd:
    """The schema element a model field fills, and its name in the fund's terms."""

    name: str
    label: str
    also: tuple[str, ...] = ()
    """The element's name in other releases (``deathDateSince`` in 23.4.7 became
    ``deathdaySince``): the writer uses whichever the release's schema declares."""


def _checked(regex: str, what: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{what}, получено «{value}»")
        return value
    return AfterValidator(check)


Enp = Annotated[str, _checked(r"\d{16}", "ЕНП — 16 цифр")]
"""Единый номер полиса ОМС."""
Oip = Annotated[str, _checked(r"\d{12}", "ОИП — 12 цифр")]
"""Обезличенный идентификатор персоны в ФЕРЗЛ (МПИ)."""
Snils = Annotated[str, _checked(r"\d{11}|\d{3}-\d{3}-\d{3} \d{2}",
                                "СНИЛС — 11 цифр или ХХХ-ХХХ-ХХХ ХХ")]
"""СНИЛС as the fund writes it: bare digits or the printed form."""
Okato = Annotated[str, _checked(r"\d{5}", "код ОКАТО территории — 5 цифр")]
"""The five-digit ОКАТО code of a territory (a region's ТФОМС)."""
MoOid = Annotated[str, _checked(r"1\.2\.643(\.\d+)+", "OID по ФРМО вида 1.2.643.…")]
"""An ФРМО OID of a МО, its branch or department."""


class Request(BaseModel):
    """A request's root: its operation and its ``externalRequestId`` (a new UUID unless
    given; ФЕРЗЛ echoes it, and the journal ties the answer to the request by it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    OPERATION: ClassVar[str] = ""

    external_request_id: Annotated[UUID, Xsd("externalRequestId", "идентификатор запроса")] = (
        Field(default_factory=uuid4))

    @property
    def operation(self) -> str:
        """The WSDL operation this request is the input of."""
        return self.OPERATION

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise russian(exc, type(self)) from None


class Part(BaseModel):
    """A nested part of a request (a complex type of the schema)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise russian(exc, type(self)) from None


def russian(exc: ValidationError, model: type[BaseModel]) -> RequestError:
    """The input errors of a model, each with the fund's name of the field."""
    lines = []
    for error in exc.errors():
        path = " → ".join(_label(model, error["loc"])) or "запрос"
        if error["type"] == "missing":
            text = "не указано"
        elif error["type"] == "extra_forbidden":
            text = "такого поля нет"
        elif error["type"] == "value_error":
            text = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
        else:
            text = f"недопустимое значение «{error.get('input')}» ({error['msg']})"
        lines.append(f"{path}: {text}")
    return RequestError(f"Запрос ФЕРЗЛ не составлен ({model.__name__}): неверные данные",
                        lines)


def _label(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> list[str]:
    labels: list[str] = []
    for step in loc:
        if isinstance(step, int) or model is None:
            labels.append(f"№{int(step) + 1}" if isinstance(step, int) else str(step))
            continue
        info = model.model_fields.get(step)
        if info is None:
            labels.append(step)
            model = None
            continue
        found = [m for m in info.metadata if isinstance(m, Xsd)]
        labels.append(found[0].label if found else step)
        model = _nested(info.annotation)
    return labels


def _nested(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested(arg)
        if found is not None:
            return found
    return None


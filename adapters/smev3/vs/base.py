"""An information type whose canonical models are bound models: the mapping is the binding."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from lxml import etree
from pydantic import BaseModel

from adapters.smev3.types import InformationType
from contracts.xmlbind.binding import MappingError, XmlModel, from_xml, to_xml

M = TypeVar("M", bound=XmlModel)


def _expect(payload: BaseModel, model: type[M]) -> M:
    if not isinstance(payload, model):
        raise MappingError(f"expected a {model.__qualname__}, got {type(payload).__qualname__}")
    return payload


class BoundInformationType(InformationType):
    """Maps both directions through :mod:`contracts.xmlbind.binding`."""

    request_model: ClassVar[type[XmlModel]]
    response_model: ClassVar[type[XmlModel] | None]

    def request_to_xml(self, request: BaseModel) -> etree._Element:
        """The request's MessagePrimaryContent element."""
        return to_xml(_expect(request, self.request_model))

    def request_from_xml(self, element: etree._Element) -> BaseModel:
        """The canonical request from the MessagePrimaryContent element."""
        return from_xml(self.request_model, element)

    def response_to_xml(self, response: BaseModel) -> etree._Element:
        """The response's MessagePrimaryContent element."""
        return to_xml(_expect(response, self._answer_model()))

    def response_from_xml(self, element: etree._Element) -> BaseModel:
        """The canonical response from the MessagePrimaryContent element."""
        return from_xml(self._answer_model(), element)

    def _answer_model(self) -> type[XmlModel]:
        if self.response_model is None:
            raise MappingError(f"{self.key} is a one-way type: its schema defines no answer "
                               "element, so there is no response to map")
        return self.response_model
